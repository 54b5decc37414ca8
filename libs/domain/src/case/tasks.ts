// Tasks (reminders, escalations, steps someone owes) and the escalation ladder of the pair.
import type { Addressee, BreachAction, CaseCore, Task } from './case-model';
import { withFlag, without } from './case-model';

export function openTask<S extends CaseCore>(s: S, action: BreachAction, at: number, dueAt?: number, clockId?: string): S {
  const task: Task = {
    id: `task-${s.nextId}`,
    kind: action.kind,
    level: action.level,
    addressee: action.addressee,
    addresseeStates: addresseeStates(s, action.addressee),
    reason: action.reason,
    clockId,
    createdAt: at,
    dueAt,
    status: 'OPEN',
  };
  return { ...s, nextId: s.nextId + 1, tasks: [...s.tasks, task] };
}

export function addresseeStates<S extends CaseCore>(s: S, a: Addressee): string[] {
  switch (a) {
    case 'REQUESTING_PROSECUTOR':
    case 'REQUESTING_CA':
    case 'REQUESTING_CA_HEAD':
    case 'DIPLOMATIC_CHANNEL':
      return [s.ctx.requestingState];
    case 'REQUESTED_CA':
    case 'REQUESTED_CA_HEAD':
    case 'EXECUTING_AUTHORITY':
    case 'REQUESTED_PROSECUTOR':
    case 'COURT':
      return [s.ctx.requestedState];
    case 'LIAISON_MAGISTRATE':
      return [s.ctx.requestingState, s.ctx.requestedState];
    case 'FOCAL_POINTS':
      return s.ctx.network.focalPointStates.length ? s.ctx.network.focalPointStates : [s.ctx.requestingState, s.ctx.requestedState];
  }
}

export function resolveOpenTasks<S extends CaseCore>(s: S, which: (t: Task) => boolean, at: number, status: 'RESOLVED' | 'OBSOLETE', resolution?: string): S {
  if (!s.tasks.some((t) => t.status === 'OPEN' && which(t))) return s;
  // An act recorded with an earlier occurredAt cannot resolve a task before the task existed.
  const ended = (t: Task): Task => ({
    ...t,
    status,
    resolvedAt: Math.max(at, t.createdAt),
    ...(resolution ? { resolution, reason: `${t.reason} — ${resolution}` } : {}),
  });
  return { ...s, tasks: s.tasks.map((t) => (t.status === 'OPEN' && which(t) ? ended(t) : t)) };
}

/** The escalation ladder of the pair (domain brief §7), from the network levels: L2 liaison magistrate, L3 focal points, L4 démarche. */
export function nextNetworkLevel<S extends CaseCore>(s: S): BreachAction | undefined {
  const reached = Math.max(1, ...s.tasks.filter((t) => t.kind === 'ESCALATION').map((t) => t.level));
  const ladder: BreachAction[] = [];
  if (s.ctx.network.liaisonMagistrate)
    ladder.push({
      kind: 'ESCALATION',
      level: 2,
      addressee: 'LIAISON_MAGISTRATE',
      reason: 'no acknowledgment: liaison magistrate of the pair asked to follow up',
    });
  ladder.push({ kind: 'ESCALATION', level: 3, addressee: 'FOCAL_POINTS', reason: 'no acknowledgment: network focal points of both States asked to intervene' });
  ladder.push({ kind: 'ESCALATION', level: 4, addressee: 'DIPLOMATIC_CHANNEL', reason: 'no acknowledgment: diplomatic démarche recommended' });
  return ladder.find((a) => a.level > reached);
}

export function refreshEscalatedFlag<S extends CaseCore>(s: S): S {
  const open = s.tasks.some((t) => t.kind === 'ESCALATION' && t.status === 'OPEN');
  return { ...s, flags: open ? withFlag(s.flags, 'ESCALATED') : without(s.flags, 'ESCALATED') };
}
