// Tasks (reminders, escalations, steps someone owes) and the escalation ladder of the pair.
import type { Addressee, BreachAction, CaseCore, NetworkLevel3, Task } from './case-model';
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
    case 'FOCAL_POINTS': {
      const level3 = s.ctx.network.level3;
      if (level3) return [...new Set(level3.contacts.map((c) => c.stateCode))].sort();
      return s.ctx.network.focalPointStates.length ? s.ctx.network.focalPointStates : [s.ctx.requestingState, s.ctx.requestedState];
    }
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
  const level3 = s.ctx.network.level3;
  const skipped: NonNullable<BreachAction['skipped']> = [];
  if (!level3)
    ladder.push({
      kind: 'ESCALATION',
      level: 3,
      addressee: 'FOCAL_POINTS',
      reason: 'no acknowledgment: network focal points of both States asked to intervene',
    });
  else if (level3.contacts.length) ladder.push(networkLevel(level3));
  else if (reached < 3)
    skipped.push({
      level: 3,
      reason: `no network contact (WACAP focal point, EJN contact point, Eurojust national desk) is known for ${s.ctx.requestingState}–${s.ctx.requestedState}`,
    });
  ladder.push({ kind: 'ESCALATION', level: 4, addressee: 'DIPLOMATIC_CHANNEL', reason: 'no acknowledgment: diplomatic démarche recommended' });
  const next = ladder.find((a) => a.level > reached);
  return next && skipped.length && next.level > 3 ? { ...next, skipped } : next;
}

/** Level 3 addressed to the pair's network contacts as the directory knew them, named by network (WACAP, EJN, Eurojust …). */
function networkLevel(level3: NetworkLevel3): BreachAction {
  const byNetwork = new Map<string, string[]>();
  for (const c of level3.contacts) byNetwork.set(c.network, [...new Set([...(byNetwork.get(c.network) ?? []), c.stateCode])].sort());
  const networks = [...byNetwork.keys()].sort();
  const whom = networks.map((n) => `${NETWORK_CONTACT_NAMES[n] ?? `${n} contacts`} of ${byNetwork.get(n)!.join(' and ')}`).join('; ');
  return { kind: 'ESCALATION', level: 3, addressee: 'FOCAL_POINTS', reason: `no acknowledgment: ${whom} asked to intervene`, networks };
}

const NETWORK_CONTACT_NAMES: Record<string, string> = {
  WACAP: 'WACAP focal points',
  EJN: 'EJN contact points',
  EUROJUST: 'Eurojust national desks',
};

export function refreshEscalatedFlag<S extends CaseCore>(s: S): S {
  const open = s.tasks.some((t) => t.kind === 'ESCALATION' && t.status === 'OPEN');
  return { ...s, flags: open ? withFlag(s.flags, 'ESCALATED') : without(s.flags, 'ESCALATED') };
}
