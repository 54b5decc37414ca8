// Clocks of a case: started from the pinned rule pack, stopped, paused, fired in the order they fell due.
import { clockRule, type ClockRule } from '../rule-pack';
import { civilDate, deadlineFrom, endOfDate, lastDayAfterPauses, reminderInstant, zonedInstant, type Deadline } from '../time/calendar';
import { calendarOf, systemEvent, tzOf, withFlag, without, type CaseCore, type CaseEvent, type Clock, type ClockKind, type Side } from './case-model';
import { refreshEscalatedFlag, resolveOpenTasks } from './tasks';
import { describeClockEvent } from './clock-events';

/** The time conventions new cases are filed under (see CaseContext.clockConventions). */
export const CLOCK_CONVENTIONS = 1;

/** Whether the case was filed under the time conventions of domain brief §10 (09:00 reminders, whole-day pauses). */
export function localTimeConventions<S extends CaseCore>(s: S): boolean {
  return (s.ctx.clockConventions ?? 0) >= 1;
}

/**
 * The instant a reminder due on `date` fires: 09:00 local time of the responsible authority, or 00:00
 * on cases filed before that convention.
 */
export function reminderDueOn<S extends CaseCore>(s: S, date: string, timeZone: string): number {
  return localTimeConventions(s) ? reminderInstant(date, timeZone) : zonedInstant(date, timeZone);
}

export function ruleDue<S extends CaseCore>(s: S, ruleId: string, at: number, side: Side): number | undefined {
  const rule = clockRule(s.basis.rulePack, ruleId);
  return rule ? deadlineFrom(at, rule.amount, rule.unit, tzOf(s, side), calendarOf(s, side)).breachAt : undefined;
}

/** Starts a clock from the pinned rule pack; a rule the pack lacks starts no clock. */
export function startClock<S extends CaseCore>(s: S, ruleId: string, kind: ClockKind, side: Side, at: number): S {
  const rule = clockRule(s.basis.rulePack, ruleId);
  if (!rule) return s;
  const d = deadlineFrom(at, rule.amount, rule.unit, tzOf(s, side), calendarOf(s, side));
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
    // Every clock event names its rule and says what the case was doing when it fell due.
    events.push(...fired.events.map((e) => describeClockEvent(s, e)));
    s = fired.state;
  }
  return { state: refreshEscalatedFlag(s), events };
}

/** Restarts the STALLED clock from a party's act (domain brief §4: no party event for N days). */
export function restartStallClock<S extends CaseCore>(s: S, at: number, stallable: boolean): S {
  if (!stallable) return s;
  const rule = clockRule(s.basis.rulePack, 'STALLED_AFTER');
  if (!rule) return s;
  const d = deadlineFrom(at, rule.amount, rule.unit, s.ctx.timeZones.requesting, calendarOf(s, 'REQUESTING'));
  const existing = s.clocks.find((k) => k.kind === 'STALL');
  if (!existing)
    return addClock(s, {
      ruleId: 'STALLED_AFTER',
      kind: 'STALL',
      side: 'REQUESTING',
      legalRef: rule.legalRef,
      verified: rule.verified,
      startedAt: at,
      breachAt: d.breachAt,
      lastDay: d.lastDay,
    });
  return {
    ...s,
    clocks: s.clocks.map((k) =>
      k.id === existing.id ? { ...k, status: 'RUNNING' as const, startedAt: at, breachAt: d.breachAt, lastDay: d.lastDay, stoppedAt: undefined } : k,
    ),
  };
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
  let next: S = {
    ...s,
    clocks: s.clocks.map((c) => (c.id === k.id ? { ...c, status: 'BREACHED' as const, stoppedAt: at } : c)),
    flags: withFlag(s.flags, 'STALLED'),
  };
  const e = systemEvent(next, 'STALLED', at, { legalRef: k.legalRef, data: { clockId: k.id, since: new Date(next.lastPartyEventAt).toISOString() } });
  next = e.state;
  return { state: next, events: [e.event] };
}

/**
 * A clock's deadline under `rule` (a re-pinned pack's, say) from its start, moved by the pauses it went
 * through: whole days of the rule's kind on cases under clockConventions ≥ 1, the time paused before.
 */
export function deadlineWithPauses<S extends CaseCore>(s: S, k: Clock, rule: ClockRule): Deadline {
  const tz = tzOf(s, k.side);
  const d = deadlineFrom(k.startedAt, rule.amount, rule.unit, tz, calendarOf(s, k.side));
  if (!localTimeConventions(s) || !d.lastDay || rule.unit === 'HOURS') return { ...d, breachAt: d.breachAt + k.pausedMs };
  const lastDay = lastDayAfterPauses(d.lastDay, rule.unit, k.pauses ?? [], calendarOf(s, k.side));
  return { lastDay, breachAt: endOfDate(lastDay, tz) };
}

/**
 * Paused clocks resume. A day rule's last day moves by the whole days of its kind (working or calendar)
 * the pause lasted, in the responsible authority's calendar, and it is breached at 00:00 after it (cases
 * under clockConventions ≥ 1); hour rules, and cases filed before, move by the time spent paused.
 */
export function resumeClocks<S extends CaseCore>(s: S, at: number): S {
  return {
    ...s,
    clocks: s.clocks.map((k) => {
      if (k.status !== 'PAUSED') return k;
      const pausedAt = k.pausedAt ?? at;
      const resumed = { ...k, status: 'RUNNING' as const, pausedMs: k.pausedMs + (at - pausedAt), pausedAt: undefined };
      const unit = clockRule(s.basis.rulePack, k.ruleId)?.unit;
      if (!localTimeConventions(s) || !k.lastDay || !unit || unit === 'HOURS') return { ...resumed, breachAt: k.breachAt + (at - pausedAt) };
      const tz = tzOf(s, k.side);
      const pause = { from: civilDate(pausedAt, tz), to: civilDate(at, tz) };
      const lastDay = lastDayAfterPauses(k.lastDay, unit, [pause], calendarOf(s, k.side));
      return { ...resumed, lastDay, breachAt: Math.max(at, endOfDate(lastDay, tz)), pauses: [...(k.pauses ?? []), pause] };
    }),
  };
}

/** The case has ended: every clock is cancelled and every open task becomes obsolete. */
export function endAllClocks<S extends CaseCore>(s: S, at: number): S {
  return resolveOpenTasks(
    stopClocks(s, () => true, at, 'OBSOLETE', 'CANCELLED'),
    () => true,
    at,
    'OBSOLETE',
  );
}
