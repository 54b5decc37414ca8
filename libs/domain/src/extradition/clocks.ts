// The extradition case's clocks: the formal request's service-level clocks, custody after a
// provisional arrest, surrender, and what each does when it falls due.
import { clockRule } from '../rule-pack';
import { addDays, calendarDaysBetween, civilDate, deadlineFrom, reminderInstant, zonedInstant } from '../time/calendar';
import {
  SYSTEM_ACTOR,
  addClock,
  advanceClocks,
  calendarOf,
  endAllClocks,
  fireSla,
  fireStall,
  moveSlaClocks,
  nextNetworkLevel,
  openTask,
  resolveOpenTasks,
  slaSpecOf,
  stopClocks,
  stripUndefined,
  systemEvent,
  withFlag,
  without,
  type CaseEvent,
  type Clock,
  type SlaClockSpec,
} from '../case/clockwork';
import { formalRequestClocks } from '../case/formal-request';
import { followsExtraditionRules, isExtraditionTerminal, type ExtraditionCaseState, type ExtraditionState, type FormalRequestStatus } from './states';

/**
 * Custody days, counted one way wherever they are shown (domain.md §10): the arrest is day 0 and the
 * figure is the number of the last day the person spent in custody under this request. While custody
 * runs, and at receipt of the formal request (which stops the custody clocks), it is the number of the
 * day `at` falls on: receipt on day k gives k. A release (`ENDS_AT`) at 00:00 ends custody with the day
 * before: a release at a hard limit of N days (00:00 of day N+1) gives N. Before any arrest it is 0.
 */
export function custodyDayCount(arrestedAt: number | undefined, at: number, timeZone: string, ends: 'RUNNING' | 'ENDS_AT' = 'RUNNING'): number {
  if (arrestedAt === undefined) return 0;
  const last = ends === 'ENDS_AT' && at > arrestedAt && civilDate(at, timeZone) !== civilDate(at - 1, timeZone) ? at - 1 : at;
  return Math.max(0, calendarDaysBetween(arrestedAt, last, timeZone));
}

/** What a release-possible task says first: how it is found again to be resolved. */
export const RELEASE_DECISION = 'release possible';

/**
 * Release-possible (a soft limit passed): a task for the requested State's central authority and its
 * court, with the decision it calls for, due when the hard limit would release the person anyway.
 */
function openReleaseDecision(s: ExtraditionCaseState, soft: Clock, at: number, why: string): ExtraditionCaseState {
  if (!followsExtraditionRules(s)) return s;
  const hardId = soft.ruleId === 'PA_SOFT' ? 'PA_HARD' : 'SURRENDER_HARD';
  const hard = s.clocks.find((k) => k.ruleId === hardId && k.status === 'RUNNING');
  const until = hard ? ` by ${hard.lastDay} (${hard.legalRef}), when the person must be released anyway` : '';
  const decision = `decide whether the person stays in custody or is released${until}, and inform ${s.ctx.requestingState}`;
  let next = s;
  for (const addressee of ['REQUESTED_CA', 'COURT'] as const)
    next = openTask(
      next,
      { kind: 'ACTION', level: 0, addressee, reason: `${RELEASE_DECISION}: ${why} (${soft.legalRef}): ${decision}` },
      at,
      hard?.breachAt,
      soft.id,
    );
  return next;
}

export const isReleaseDecision = (t: { kind: string; reason: string }): boolean => t.kind === 'ACTION' && t.reason.startsWith(RELEASE_DECISION);

/** The release-possible tasks end when what they asked is overtaken (formal request received, release, surrender, a new date). */
export function closeReleaseDecision(
  s: ExtraditionCaseState,
  at: number,
  resolution: string,
  status: 'RESOLVED' | 'OBSOLETE' = 'RESOLVED',
): ExtraditionCaseState {
  return resolveOpenTasks(s, isReleaseDecision, at, status, resolution);
}

/** The formal request's review and transmission run on the same service-level clocks as an MLA request. */
const FORMAL_SLA: SlaClockSpec[] = formalRequestClocks((phase) => `FORMAL:${phase}`, {
  review: 'central-authority review of the formal request overdue',
  reviewEscalation: 'formal request still pending review',
  correction: 'correction of the formal request overdue',
  acknowledgment: 'no acknowledgment of the formal request',
});

export function moveFormal(s: ExtraditionCaseState, to: FormalRequestStatus, at: number): ExtraditionCaseState {
  return moveSlaClocks({ ...s, formal: { ...s.formal, status: to } }, FORMAL_SLA, `FORMAL:${to}`, at);
}

/** Custody after a provisional arrest: soft and hard limits from the pinned pack, reminders before the soft one. */
export function startCustodyClocks(s: ExtraditionCaseState, at: number): ExtraditionCaseState {
  let next = s;
  const tz = s.ctx.timeZones.requested;
  for (const ruleId of ['PA_SOFT', 'PA_HARD', 'CONSENT_NOTICE'] as const) {
    const rule = clockRule(s.basis.rulePack, ruleId);
    if (!rule) continue;
    const d = deadlineFrom(at, rule.amount, rule.unit, tz, calendarOf(s, 'REQUESTED'));
    next = addClock(next, {
      ruleId,
      kind: ruleId === 'CONSENT_NOTICE' ? 'CONSENT_NOTICE' : 'CUSTODY',
      side: 'REQUESTED',
      legalRef: rule.legalRef,
      verified: rule.verified,
      startedAt: at,
      breachAt: d.breachAt,
      lastDay: d.lastDay,
    });
  }
  // Reminders at a local hour on given days after the arrest, to the requesting central authority.
  const reminders = s.basis.rulePack.clocks.PA_REMINDER_DAYS as unknown as
    { days?: number[]; atLocalTime?: string; legalRef?: string; verified?: boolean } | undefined;
  if (reminders?.days?.length) {
    const day0 = civilDate(at, tz);
    for (const n of reminders.days) {
      const lastDay = addDays(day0, n);
      next = addClock(next, {
        ruleId: `PA_REMINDER_D${n}`,
        kind: 'CUSTODY_REMINDER',
        side: 'REQUESTING',
        legalRef: reminders.legalRef ?? 'provisional-arrest reminder (rule pack)',
        verified: Boolean(reminders.verified),
        startedAt: at,
        breachAt: reminderInstant(lastDay, s.ctx.timeZones.requesting, reminders.atLocalTime),
        lastDay,
      });
    }
  }
  return next;
}

/** Surrender: day 0 is the agreed date; release possible after the soft limit, required after the hard one. */
export function startSurrenderClocks(s: ExtraditionCaseState, agreedDate: string, at: number): ExtraditionCaseState {
  let next = s;
  const tz = s.ctx.timeZones.requested;
  const day0 = zonedInstant(agreedDate, tz, 12, 0);
  for (const ruleId of ['SURRENDER_SOFT', 'SURRENDER_HARD'] as const) {
    const rule = clockRule(s.basis.rulePack, ruleId);
    if (!rule) continue;
    const d = deadlineFrom(day0, rule.amount, rule.unit, tz, calendarOf(s, 'REQUESTED'));
    // A limit already run out when the date is recorded falls due then, not before the act that set it.
    next = addClock(next, {
      ruleId,
      kind: 'SURRENDER',
      side: 'REQUESTED',
      legalRef: rule.legalRef,
      verified: rule.verified,
      startedAt: at,
      breachAt: Math.max(at, d.breachAt),
      lastDay: d.lastDay,
    });
  }
  return next;
}

// --------------------------------------------------------------------------------- time

export function advanceExtradition(state: ExtraditionCaseState, now: number): { state: ExtraditionCaseState; events: CaseEvent[] } {
  return advanceClocks(state, now, fireAt, (s) => isExtraditionTerminal(s.status));
}

function fireAt(s: ExtraditionCaseState, at: number): { state: ExtraditionCaseState; events: CaseEvent[] } {
  const events: CaseEvent[] = [];
  let next = s;
  for (const k of s.clocks) {
    const current = next.clocks.find((c) => c.id === k.id)!;
    if (current.status !== 'RUNNING' || current.breachAt !== at || isExtraditionTerminal(next.status)) continue;
    const r = breach(next, current, at);
    next = r.state;
    events.push(...r.events);
  }
  return { state: next, events };
}

function breach(s: ExtraditionCaseState, k: Clock, at: number): { state: ExtraditionCaseState; events: CaseEvent[] } {
  let next: ExtraditionCaseState = {
    ...s,
    clocks: s.clocks.map((c) => (c.id === k.id && k.kind !== 'SLA' && k.kind !== 'STALL' ? { ...c, status: 'BREACHED' as const, stoppedAt: at } : c)),
  };
  const record = (type: string, extra: Partial<CaseEvent> = {}) => {
    const e = systemEvent(next, type, at, { legalRef: k.legalRef, data: { clockId: k.id, ruleId: k.ruleId, lastDay: k.lastDay }, ...extra });
    next = e.state;
    return e.event;
  };
  const toState = (to: ExtraditionState, type: string, extra: Partial<CaseEvent>) => {
    const seq = next.seq + 1;
    const event: CaseEvent = { seq, type, from: next.status, to, actor: SYSTEM_ACTOR, at, legalRef: k.legalRef, ...stripUndefined(extra) };
    next = { ...next, seq, status: to };
    return event;
  };
  switch (k.kind) {
    case 'SLA': {
      const spec = slaSpecOf(FORMAL_SLA, k)!;
      return fireSla(next, k, at, spec.onBreach === 'NETWORK_LADDER' ? nextNetworkLevel(next) : spec.onBreach, Boolean(spec.repeat));
    }
    case 'STALL':
      return fireStall(s, k, at);
    case 'CUSTODY_REMINDER': {
      const soft = next.clocks.find((c) => c.ruleId === 'PA_SOFT');
      next = openTask(
        next,
        {
          kind: 'REMINDER',
          level: 0,
          addressee: 'REQUESTING_CA',
          reason: `person in provisional custody: the formal request must reach ${s.ctx.requestedState}${soft?.lastDay ? ` before release becomes possible after ${soft.lastDay}` : ''}`,
        },
        at,
        soft?.breachAt,
        k.id,
      );
      const event = record('REMINDER', {
        notify: [{ stateCode: s.ctx.requestingState, addressee: 'REQUESTING_CA', message: 'formal extradition request due' }],
      });
      return { state: next, events: [event] };
    }
    case 'CONSENT_NOTICE': {
      next = openTask(
        next,
        { kind: 'REMINDER', level: 0, addressee: 'REQUESTED_CA', reason: 'notice of consent to simplified extradition due (CETS 209 art. 6)' },
        at,
        undefined,
        k.id,
      );
      // record() advances `next` (its seq): take the event before the state.
      const event = record('REMINDER');
      return { state: next, events: [event] };
    }
    case 'CUSTODY': {
      if (k.ruleId === 'PA_SOFT') {
        next = { ...next, flags: withFlag(next.flags, 'RELEASE_POSSIBLE') };
        next = openReleaseDecision(next, k, at, `the soft limit of provisional arrest has passed without a formal request`);
        const event = record('RELEASE_POSSIBLE', {
          notify: [{ stateCode: s.ctx.requestingState, addressee: 'REQUESTING_CA', message: 'release of the person is now possible' }],
        });
        return { state: next, events: [event] };
      }
      // Hard limit without a formal request: the person must be released.
      const custodyDays = custodyDayCount(s.custody.arrestedAt, at, s.ctx.timeZones.requested, 'ENDS_AT');
      next = stopClocks(next, (c) => c.kind === 'CUSTODY_REMINDER' || c.kind === 'CONSENT_NOTICE' || c.ruleId === 'PA_SOFT', at, 'OBSOLETE', 'CANCELLED');
      next = {
        ...next,
        custody: { ...next.custody, atLiberty: true, endedAt: at, days: custodyDays },
        flags: without(without(next.flags, 'IN_CUSTODY'), 'RELEASE_POSSIBLE'),
      };
      next = closeReleaseDecision(next, at, 'released at the hard limit', 'OBSOLETE');
      const event = toState('RELEASED_PENDING_REQUEST', 'RELEASE_REQUIRED', {
        data: {
          clockId: k.id,
          custodyDays,
          note: 'a formal request that arrives later reopens the case with the person at liberty; a re-arrest may then be requested',
        },
        notify: [{ stateCode: s.ctx.requestingState, addressee: 'REQUESTING_CA', message: 'person released: custody limit reached without a formal request' }],
      });
      return { state: next, events: [event] };
    }
    case 'SURRENDER': {
      if (k.ruleId === 'SURRENDER_SOFT') {
        next = { ...next, flags: withFlag(next.flags, 'RELEASE_POSSIBLE') };
        next = openReleaseDecision(next, k, at, `the person has not been taken over since the agreed date ${s.surrender?.agreedDate ?? ''}`.trim());
        const event = record('RELEASE_POSSIBLE');
        return { state: next, events: [event] };
      }
      next = endAllClocks(
        { ...next, flags: without(without(next.flags, 'IN_CUSTODY'), 'RELEASE_POSSIBLE'), custody: { ...next.custody, atLiberty: true, endedAt: at } },
        at,
      );
      const event = toState('RELEASED_NOT_TAKEN_OVER', 'RELEASE_REQUIRED', {
        data: { clockId: k.id, note: `${s.ctx.requestedState} (requested State) may refuse re-extradition for the same offence` },
        notify: [{ stateCode: s.ctx.requestingState, addressee: 'REQUESTING_CA', message: 'person released: not taken over within the limit' }],
      });
      return { state: next, events: [event] };
    }
    default:
      return { state: next, events: [] };
  }
}

export interface ExtraditionMetrics {
  custodyDays: number;
  inCustody: boolean;
  reminders: number;
  escalations: number;
  reviewCycles: number;
}

export function extraditionMetricsOf(s: ExtraditionCaseState, now?: number): ExtraditionMetrics {
  const running = !s.custody.atLiberty && s.custody.arrestedAt !== undefined && now !== undefined && s.formal.status !== 'RECEIVED';
  return {
    custodyDays: running ? custodyDayCount(s.custody.arrestedAt, now!, s.ctx.timeZones.requested) : s.custody.days,
    inCustody: !s.custody.atLiberty,
    reminders: s.tasks.filter((t) => t.kind === 'REMINDER').length,
    escalations: s.tasks.filter((t) => t.kind === 'ESCALATION').length,
    reviewCycles: s.formal.reviewCycles.length,
  };
}
