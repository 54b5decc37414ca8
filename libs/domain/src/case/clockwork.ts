// Clocks, tasks and the escalation ladder shared by every kind of case (MLA, extradition): one
// mechanism, so that a deadline, a reminder or an escalation means the same thing everywhere.
import type { ActorRef } from '../roles';
import { clockRule, type LegalBasisSnapshot } from '../rule-pack';
import { deadlineFrom } from '../time/calendar';

export type Side = 'REQUESTING' | 'REQUESTED';
export type Flag =
  | 'URGENT'
  | 'STALLED'
  | 'DEADLINE_AT_RISK'
  | 'DEADLINE_BREACHED'
  | 'ORAL_UNCONFIRMED'
  | 'BASIS_NOT_IN_FORCE'
  | 'ESCALATED'
  | 'IN_CUSTODY'
  | 'RELEASE_POSSIBLE'
  | 'CONFLICTING_REQUESTS'
  | 'CONSENT_NOTICE_DUE';
export type ClockStatus = 'RUNNING' | 'PAUSED' | 'MET' | 'BREACHED' | 'CANCELLED';
export type ClockKind = 'SLA' | 'REQUESTER_DEADLINE' | 'STALL' | 'REVIEW_DATE' | 'ORAL_CONFIRMATION' | 'CUSTODY' | 'CUSTODY_REMINDER' | 'CONSENT_NOTICE' | 'SURRENDER' | 'TIME_LIMIT';

export interface Clock {
  id: string;
  ruleId: string;
  kind: ClockKind;
  side: Side;
  legalRef: string;
  verified: boolean;
  startedAt: number;
  /** The instant of breach: 00:00 after the last day, or the exact instant for hour rules. */
  breachAt: number;
  lastDay?: string;
  status: ClockStatus;
  pausedAt?: number;
  pausedMs: number;
  stoppedAt?: number;
  /** How many times a repeating clock has fired. */
  firings: number;
  /** A warning ahead of the breach (DEADLINE_AT_RISK for the requester's deadline). */
  warnAt?: number;
  warned?: boolean;
}

export type TaskKind = 'REMINDER' | 'ESCALATION' | 'STATUS_CHECK' | 'INFO_RESPONSE' | 'PRECHECK' | 'ACTION';
export type Addressee =
  | 'REQUESTING_PROSECUTOR'
  | 'REQUESTING_CA'
  | 'REQUESTING_CA_HEAD'
  | 'REQUESTED_CA'
  | 'REQUESTED_CA_HEAD'
  | 'EXECUTING_AUTHORITY'
  | 'LIAISON_MAGISTRATE'
  | 'FOCAL_POINTS'
  | 'DIPLOMATIC_CHANNEL'
  | 'REQUESTED_PROSECUTOR'
  | 'COURT';

/** A reminder, an escalation or a step someone owes: with a level, an addressee, a due date and a resolution. */
export interface Task {
  id: string;
  kind: TaskKind;
  /** Escalation ladder level (domain brief §7): 0 reminder … 4 diplomatic démarche. */
  level: number;
  addressee: Addressee;
  addresseeStates: string[];
  reason: string;
  clockId?: string;
  createdAt: number;
  dueAt?: number;
  status: 'OPEN' | 'RESOLVED' | 'OBSOLETE';
  resolvedAt?: number;
}

export interface CaseContext {
  caseId: string;
  requestingState: string;
  requestedState: string;
  timeZones: { requesting: string; requested: string };
  /** Languages the requested State accepts of its own (UNTOC art. 18(14)). */
  requestedStateLanguages: string[];
  network: { liaisonMagistrate: boolean; focalPointStates: string[] };
}

export const SYSTEM_ACTOR: ActorRef = { userId: 'system', role: 'SYSTEM' as ActorRef['role'], stateCode: '', authorityId: '' };

export interface Notification {
  stateCode: string;
  addressee: Addressee;
  message: string;
}

/** One thing that happened, as written to the audit trail. */
export interface CaseEvent {
  seq: number;
  type: string;
  from: string;
  to: string;
  actor: ActorRef;
  at: number;
  legalRef?: string;
  comment?: string;
  data?: Record<string, unknown>;
  notify?: Notification[];
}

export interface BreachAction {
  kind: TaskKind;
  level: number;
  addressee: Addressee;
  reason: string;
}

/** What every case carries for the shared clockwork to work on. */
export interface CaseCore {
  ctx: CaseContext;
  status: string;
  seq: number;
  nextId: number;
  flags: Flag[];
  clocks: Clock[];
  tasks: Task[];
  basis: LegalBasisSnapshot;
  escalatedToFocalPointsOf: string[];
  lastEventAt: number;
  lastPartyEventAt: number;
}

export function tzOf<S extends CaseCore>(s: S, side: Side): string {
  return side === 'REQUESTING' ? s.ctx.timeZones.requesting : s.ctx.timeZones.requested;
}

export function ruleDue<S extends CaseCore>(s: S, ruleId: string, at: number, side: Side): number | undefined {
  const rule = clockRule(s.basis.rulePack, ruleId);
  return rule ? deadlineFrom(at, rule.amount, rule.unit, tzOf(s, side)).breachAt : undefined;
}

/** Starts a clock from the pinned rule pack; a rule the pack lacks starts no clock. */
export function startClock<S extends CaseCore>(s: S, ruleId: string, kind: ClockKind, side: Side, at: number): S {
  const rule = clockRule(s.basis.rulePack, ruleId);
  if (!rule) return s;
  const d = deadlineFrom(at, rule.amount, rule.unit, tzOf(s, side));
  return addClock(s, { ruleId, kind, side, legalRef: rule.legalRef, verified: rule.verified, startedAt: at, breachAt: d.breachAt, lastDay: d.lastDay });
}

export function addClock<S extends CaseCore>(s: S, k: Omit<Clock, 'id' | 'status' | 'pausedMs' | 'firings'>): S {
  const clock: Clock = { ...k, id: `clock-${s.nextId}`, status: 'RUNNING', pausedMs: 0, firings: 0 };
  return { ...s, nextId: s.nextId + 1, clocks: [...s.clocks, clock] };
}

export function stopClocks<S extends CaseCore>(
  s: S,
  which: (k: Clock) => boolean,
  at: number,
  taskResolution: 'RESOLVED' | 'OBSOLETE',
  status: 'MET' | 'CANCELLED' = 'MET',
): S {
  // Tasks raised by a clock that already breached are settled too: the awaited step has now happened.
  const stopped = new Set<string>();
  const clocks = s.clocks.map((k) => {
    const live = k.status === 'RUNNING' || k.status === 'PAUSED';
    if ((live || k.status === 'BREACHED') && which(k)) {
      stopped.add(k.id);
      return live ? { ...k, status, stoppedAt: at, pausedAt: undefined } : k;
    }
    return k;
  });
  return resolveOpenTasks({ ...s, clocks }, (t) => t.clockId !== undefined && stopped.has(t.clockId), at, taskResolution);
}

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

export function resolveOpenTasks<S extends CaseCore>(s: S, which: (t: Task) => boolean, at: number, status: 'RESOLVED' | 'OBSOLETE'): S {
  if (!s.tasks.some((t) => t.status === 'OPEN' && which(t))) return s;
  // An act recorded with an earlier occurredAt cannot resolve a task before the task existed.
  return { ...s, tasks: s.tasks.map((t) => (t.status === 'OPEN' && which(t) ? { ...t, status, resolvedAt: Math.max(at, t.createdAt) } : t)) };
}

export function systemEvent<S extends CaseCore>(s: S, type: string, at: number, extra: Partial<CaseEvent>): { state: S; event: CaseEvent } {
  const seq = s.seq + 1;
  return { state: { ...s, seq }, event: { seq, type, from: s.status, to: s.status, actor: SYSTEM_ACTOR, at, ...stripUndefined(extra) } };
}

/** The escalation ladder of the pair (domain brief §7), from the network levels: L2 liaison magistrate, L3 focal points, L4 démarche. */
export function nextNetworkLevel<S extends CaseCore>(s: S): BreachAction | undefined {
  const reached = Math.max(1, ...s.tasks.filter((t) => t.kind === 'ESCALATION').map((t) => t.level));
  const ladder: BreachAction[] = [];
  if (s.ctx.network.liaisonMagistrate) ladder.push({ kind: 'ESCALATION', level: 2, addressee: 'LIAISON_MAGISTRATE', reason: 'no acknowledgment: liaison magistrate of the pair asked to follow up' });
  ladder.push({ kind: 'ESCALATION', level: 3, addressee: 'FOCAL_POINTS', reason: 'no acknowledgment: network focal points of both States asked to intervene' });
  ladder.push({ kind: 'ESCALATION', level: 4, addressee: 'DIPLOMATIC_CHANNEL', reason: 'no acknowledgment: diplomatic démarche recommended' });
  return ladder.find((a) => a.level > reached);
}

export function withFlag(flags: Flag[], f: Flag): Flag[] {
  return flags.includes(f) ? flags : [...flags, f];
}

export function without(flags: Flag[], f: Flag): Flag[] {
  return flags.includes(f) ? flags.filter((x) => x !== f) : flags;
}

export function stripUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}


/** The next instant at which a clock of the case falls due (or raises its warning). */
export function nextWakeAt<S extends CaseCore>(s: S): number | undefined {
  let next: number | undefined;
  for (const k of s.clocks) {
    if (k.status !== 'RUNNING') continue;
    const candidates = [k.breachAt];
    if (k.warnAt !== undefined && !k.warned) candidates.push(k.warnAt);
    for (const c of candidates) if (next === undefined || c < next) next = c;
  }
  return next;
}

/**
 * Fires everything due at or before `now`, in the order it fell due, each event stamped with its
 * own due instant. `fireAt` is the life cycle's own reaction to what fell due at one instant.
 */
export function advanceClocks<S extends CaseCore>(
  state: S,
  now: number,
  fireAt: (s: S, at: number) => { state: S; events: CaseEvent[] },
  ended: (s: S) => boolean,
): { state: S; events: CaseEvent[] } {
  let s = state;
  const events: CaseEvent[] = [];
  for (let guard = 0; guard < 1000; guard++) {
    const due = nextWakeAt(s);
    if (due === undefined || due > now || ended(s)) break;
    const fired = fireAt(s, due);
    s = fired.state;
    events.push(...fired.events);
  }
  return { state: refreshEscalatedFlag(s), events };
}

export function refreshEscalatedFlag<S extends CaseCore>(s: S): S {
  const open = s.tasks.some((t) => t.kind === 'ESCALATION' && t.status === 'OPEN');
  return { ...s, flags: open ? withFlag(s.flags, 'ESCALATED') : without(s.flags, 'ESCALATED') };
}

/** Restarts the STALLED clock from a party's act (domain brief §4: no party event for N days). */
export function restartStallClock<S extends CaseCore>(s: S, at: number, stallable: boolean): S {
  if (!stallable) return s;
  const rule = clockRule(s.basis.rulePack, 'STALLED_AFTER');
  if (!rule) return s;
  const d = deadlineFrom(at, rule.amount, rule.unit, s.ctx.timeZones.requesting);
  const existing = s.clocks.find((k) => k.kind === 'STALL');
  if (!existing) return addClock(s, { ruleId: 'STALLED_AFTER', kind: 'STALL', side: 'REQUESTING', legalRef: rule.legalRef, verified: rule.verified, startedAt: at, breachAt: d.breachAt, lastDay: d.lastDay });
  return { ...s, clocks: s.clocks.map((k) => (k.id === existing.id ? { ...k, status: 'RUNNING' as const, startedAt: at, breachAt: d.breachAt, lastDay: d.lastDay, stoppedAt: undefined } : k)) };
}

/** A party's act: STALLED ends, its clock restarts, and status checks sent to that side are answered. */
export function recordPartyActivity<S extends CaseCore>(s: S, relation: string, at: number, stallable: boolean): S {
  let next: S = { ...s, lastPartyEventAt: at, flags: without(s.flags, 'STALLED') };
  next = restartStallClock(next, at, stallable);
  if (relation === 'REQUESTED_CA' || relation === 'EXECUTING_AUTHORITY') next = resolveOpenTasks(next, (t) => t.kind === 'STATUS_CHECK', at, 'RESOLVED');
  return next;
}

/** The STALLED clock has run out: a flag, no task (network notes do not count as activity). */
export function fireStall<S extends CaseCore>(s: S, k: Clock, at: number): { state: S; events: CaseEvent[] } {
  let next: S = { ...s, clocks: s.clocks.map((c) => (c.id === k.id ? { ...c, status: 'BREACHED' as const, stoppedAt: at } : c)), flags: withFlag(s.flags, 'STALLED') };
  const e = systemEvent(next, 'STALLED', at, { legalRef: k.legalRef, data: { clockId: k.id, since: new Date(next.lastPartyEventAt).toISOString() } });
  next = e.state;
  return { state: next, events: [e.event] };
}

/** Checks an event's `occurredAt` against the workflow's clock and the previous act. */
export function eventTime(occurredAt: string | undefined, now: number, lastEventAt: number): { at: number } | { field: string; rule: string; message: string } {
  if (occurredAt === undefined) return { at: now };
  const t = Date.parse(occurredAt);
  if (Number.isNaN(t)) return { field: 'occurredAt', rule: 'iso_instant', message: 'occurredAt must be an ISO 8601 instant' };
  if (t > now) return { field: 'occurredAt', rule: 'not_in_future', message: `occurredAt ${occurredAt} is in the future of the case's clock (${new Date(now).toISOString()})` };
  if (t < lastEventAt) {
    return { field: 'occurredAt', rule: 'not_before_previous_event', message: `occurredAt ${occurredAt} is before the case's previous event (${new Date(lastEventAt).toISOString()})` };
  }
  return { at: t };
}

/**
 * A service-level clock has run out: the task of its breach action (reminder, escalation, status
 * check) is opened and announced; a repeating clock re-arms for the next period.
 */
export function fireSla<S extends CaseCore>(s: S, k: Clock, at: number, action: BreachAction | undefined, repeat: boolean): { state: S; events: CaseEvent[] } {
  let next = s;
  const setClock = (patch: Partial<Clock>) => {
    next = { ...next, clocks: next.clocks.map((c) => (c.id === k.id ? { ...c, ...patch } : c)) };
  };
  if (repeat && action) {
    const rule = clockRule(next.basis.rulePack, k.ruleId)!;
    const d = deadlineFrom(at - 1, rule.amount, rule.unit, tzOf(next, k.side));
    setClock({ firings: k.firings + 1, breachAt: d.breachAt, lastDay: d.lastDay });
  } else {
    setClock({ status: 'BREACHED', stoppedAt: at, firings: k.firings + 1 });
  }
  if (!action) return { state: next, events: [] };
  next = openTask(next, action, at, undefined, k.id);
  const task = next.tasks[next.tasks.length - 1];
  if (action.addressee === 'FOCAL_POINTS') {
    next = { ...next, escalatedToFocalPointsOf: [...new Set([...next.escalatedToFocalPointsOf, ...task.addresseeStates])] };
  }
  const e = systemEvent(next, action.kind === 'ESCALATION' ? 'ESCALATION' : action.kind, at, {
    legalRef: k.legalRef,
    data: { clockId: k.id, ruleId: k.ruleId, taskId: task.id, level: action.level, addressee: action.addressee, addresseeStates: task.addresseeStates, reason: action.reason },
    notify: task.addresseeStates.map((stateCode) => ({ stateCode, addressee: action.addressee, message: action.reason })),
  });
  return { state: e.state, events: [e.event] };
}

export interface SlaClockSpec {
  ruleId: string;
  /** States in which the clock runs; it starts on entering them and stops (met) on leaving. */
  states: readonly string[];
  side: Side;
  /** Paused, not stopped, while additional information is awaited (requested side's clocks). */
  pausesForInfo: boolean;
  onBreach: BreachAction | 'NETWORK_LADDER';
  repeat?: boolean;
}


export function slaSpecOf(specs: readonly SlaClockSpec[], k: Clock): SlaClockSpec | undefined {
  return k.kind === 'SLA' ? specs.find((s) => s.ruleId === k.ruleId) : undefined;
}

/**
 * Keeps service-level clocks in step with a change of phase: clocks whose phases do not include `to`
 * stop (the awaited step happened: their tasks are resolved), clocks of `to` start from the pinned pack.
 */
export function moveSlaClocks<S extends CaseCore>(s: S, specs: readonly SlaClockSpec[], to: string, at: number): S {
  let next = stopClocks(s, (k) => {
    const spec = slaSpecOf(specs, k);
    return Boolean(spec && !spec.states.includes(to) && k.status !== 'PAUSED');
  }, at, 'RESOLVED');
  for (const spec of specs) {
    if (!spec.states.includes(to)) continue;
    if (next.clocks.some((k) => k.ruleId === spec.ruleId && (k.status === 'RUNNING' || k.status === 'PAUSED'))) continue;
    next = startClock(next, spec.ruleId, 'SLA', spec.side, at);
  }
  return next;
}

/** The requested side waits for the requesting side: its clocks pause. */
export function pauseClocks<S extends CaseCore>(s: S, specs: readonly SlaClockSpec[], at: number): S {
  return { ...s, clocks: s.clocks.map((k) => (k.status === 'RUNNING' && slaSpecOf(specs, k)?.pausesForInfo ? { ...k, status: 'PAUSED' as const, pausedAt: at } : k)) };
}

/** Paused clocks resume, their due instants moved by the time spent paused. */
export function resumeClocks<S extends CaseCore>(s: S, at: number): S {
  return {
    ...s,
    clocks: s.clocks.map((k) =>
      k.status === 'PAUSED' ? { ...k, status: 'RUNNING' as const, breachAt: k.breachAt + (at - (k.pausedAt ?? at)), pausedMs: k.pausedMs + (at - (k.pausedAt ?? at)), pausedAt: undefined } : k,
    ),
  };
}

/** The case has ended: every clock is cancelled and every open task becomes obsolete. */
export function endAllClocks<S extends CaseCore>(s: S, at: number): S {
  return resolveOpenTasks(stopClocks(s, () => true, at, 'OBSOLETE', 'CANCELLED'), () => true, at, 'OBSOLETE');
}
