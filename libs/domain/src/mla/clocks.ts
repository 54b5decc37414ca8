// The MLA case's clocks: which service-level clocks run in which state, how a change of state moves
// them, the requester's deadline, and what each clock does when it falls due.
import { clockRule } from '../rule-pack';
import { DAY_MS, addDays, endOfDate, reminderInstant, zonedInstant } from '../time/calendar';
import {
  advanceClocks,
  endAllClocks,
  fireSla,
  fireStall,
  localTimeConventions,
  moveSlaClocks,
  nextNetworkLevel,
  openTask,
  pauseClocks,
  requesterDeadlineRef,
  resolveOpenTasks,
  restartStallClock,
  resumeClocks,
  slaSpecOf,
  stopClocks,
  systemEvent,
  withFlag,
  without,
  type CaseEvent,
  type Clock,
  type SlaClockSpec,
} from '../case/clockwork';
import { basisOutOfForce, formalRequestClocks } from '../case/formal-request';
import { isTerminal, type MlaCaseState, type MlaState } from './states';

const SLA_CLOCKS: SlaClockSpec[] = [
  // Review, correction, acknowledgment and the network ladder: the formal request's clocks.
  ...formalRequestClocks((phase) => phase, {
    review: 'central-authority review overdue',
    reviewEscalation: 'central-authority review still pending',
    correction: 'correction overdue',
    acknowledgment: 'no acknowledgment of receipt',
  }),
  {
    ruleId: 'TRANSLATION',
    states: ['TRANSLATION_PENDING'],
    side: 'REQUESTING',
    pausesForInfo: false,
    onBreach: { kind: 'REMINDER', level: 0, addressee: 'REQUESTING_CA', reason: 'certified translation overdue' },
  },
  {
    ruleId: 'REQUESTED_REVIEW',
    states: ['RECEIVED'],
    side: 'REQUESTED',
    pausesForInfo: true,
    onBreach: { kind: 'REMINDER', level: 0, addressee: 'REQUESTED_CA', reason: 'review by the requested central authority overdue' },
  },
  {
    ruleId: 'INFO_RESPONSE',
    states: ['ADDITIONAL_INFO_REQUESTED'],
    side: 'REQUESTING',
    pausesForInfo: false,
    onBreach: { kind: 'REMINDER', level: 0, addressee: 'REQUESTING_PROSECUTOR', reason: 'additional information overdue' },
  },
  {
    ruleId: 'STATUS_CHECK',
    states: ['IN_EXECUTION', 'PARTIALLY_EXECUTED'],
    side: 'REQUESTED',
    pausesForInfo: true,
    repeat: true,
    onBreach: { kind: 'STATUS_CHECK', level: 0, addressee: 'REQUESTED_CA', reason: 'status check: progress of execution (UNTOC art. 18(24))' },
  },
  {
    ruleId: 'RESULTS_TRANSMISSION',
    states: ['EXECUTED'],
    side: 'REQUESTED',
    pausesForInfo: false,
    onBreach: { kind: 'REMINDER', level: 0, addressee: 'REQUESTED_CA', reason: 'results not yet transmitted' },
  },
  // European Investigation Order (Directive 2014/41/EU): run only when the pinned pack defines them.
  {
    ruleId: 'EIO_RECEIPT',
    states: ['TRANSMITTED'],
    side: 'REQUESTED',
    pausesForInfo: false,
    onBreach: { kind: 'REMINDER', level: 0, addressee: 'REQUESTED_CA', reason: 'acknowledgment of receipt (Annex B) overdue (EIO art. 16(1))' },
  },
  {
    ruleId: 'EIO_RECOGNITION',
    states: ['RECEIVED', 'CONSULTATION'],
    side: 'REQUESTED',
    pausesForInfo: true,
    onBreach: { kind: 'ESCALATION', level: 1, addressee: 'REQUESTED_CA_HEAD', reason: 'decision on recognition overdue (EIO art. 12(3))' },
  },
  {
    ruleId: 'EIO_EXECUTION',
    states: ['IN_EXECUTION', 'PARTIALLY_EXECUTED', 'POSTPONED'],
    side: 'REQUESTED',
    pausesForInfo: true,
    onBreach: { kind: 'ESCALATION', level: 1, addressee: 'REQUESTED_CA_HEAD', reason: 'execution overdue (EIO art. 12(4))' },
  },
];

/**
 * The Directive's own counting (cases whose context says so, i.e. filed since): recognition runs 30 days
 * from receipt of the order, whether or not Annex B was sent (art. 12(3)); execution runs 90 days from the
 * recognition decision, through consultations and postponements, until executed (art. 12(4)); the generic
 * requested-side review reminder does not run, the Directive's clocks take its place.
 */
const EIO_ART_12_CLOCKS: SlaClockSpec[] = SLA_CLOCKS.filter((spec) => spec.ruleId !== 'REQUESTED_REVIEW').map((spec) => {
  if (spec.ruleId === 'EIO_RECOGNITION') return { ...spec, states: ['TRANSMITTED', 'RECEIVED', 'CONSULTATION'], startsIn: ['TRANSMITTED', 'RECEIVED'] };
  if (spec.ruleId === 'EIO_EXECUTION')
    return { ...spec, states: ['IN_EXECUTION', 'PARTIALLY_EXECUTED', 'POSTPONED', 'CONSULTATION'], startsIn: ['IN_EXECUTION', 'PARTIALLY_EXECUTED'] };
  return spec;
});

/** The service-level clocks of this case: the Directive's counting on EIOs filed since it was pinned. */
export function slaClocksOf(s: MlaCaseState): SlaClockSpec[] {
  return s.ctx.eioArt12 && clockRule(s.basis.rulePack, 'EIO_RECOGNITION') ? EIO_ART_12_CLOCKS : SLA_CLOCKS;
}

/** A draft can sit unsubmitted: STALLED counts only once the request is in the authorities' hands. */
export const stallable = (state: MlaState) => state !== 'DRAFT' && !isTerminal(state);

export function advanceTime(state: MlaCaseState, now: number): { state: MlaCaseState; events: CaseEvent[] } {
  return advanceClocks(state, now, fireAt, (s) => isTerminal(s.status));
}

/**
 * Moves the case to `to` and keeps the clocks in step: clocks of the state left stop (met), those of
 * the state entered start; entering ADDITIONAL_INFO_REQUESTED pauses the requested side's clocks
 * instead, and leaving it resumes them; a terminal state cancels every clock and task.
 */
export function transition(s: MlaCaseState, to: MlaState, at: number): MlaCaseState {
  const from = s.status;
  let next: MlaCaseState = { ...s, status: to };
  if (from === to) return next;

  // The case ends: every timer stops and every open task becomes obsolete.
  if (isTerminal(to)) {
    next = endAllClocks(next, at);
    return { ...next, flags: next.flags.filter((f) => f === 'URGENT' || f === 'DEADLINE_BREACHED') };
  }

  if (to === 'ADDITIONAL_INFO_REQUESTED') next = { ...pauseClocks(next, slaClocksOf(s), at), pauseStartedAt: at };
  if (from === 'ADDITIONAL_INFO_REQUESTED') {
    const paused = next.pauseStartedAt !== undefined ? at - next.pauseStartedAt : 0;
    next = { ...resumeClocks(next, at), pausedMs: next.pausedMs + paused, pauseStartedAt: undefined };
  }
  next = stopClocks(next, (k) => k.kind === 'REVIEW_DATE', at, 'RESOLVED');
  next = moveSlaClocks(next, slaClocksOf(s), to, at);
  if (from === 'DRAFT') next = restartStallClock(next, at, stallable(to));
  if (to === 'RESULTS_TRANSMITTED') {
    next = {
      ...next,
      clocks: next.clocks.map((k) => (k.kind === 'REQUESTER_DEADLINE' && k.status === 'RUNNING' ? { ...k, status: 'MET' as const, stoppedAt: at } : k)),
      flags: without(next.flags, 'DEADLINE_AT_RISK'),
    };
    next = resolveOpenTasks(next, (t) => t.reason.startsWith("requester's deadline"), at, 'RESOLVED');
  }
  return next;
}

function specOf(s: MlaCaseState, k: Clock): SlaClockSpec | undefined {
  return slaSpecOf(slaClocksOf(s), k);
}

/** The requester's reasoned deadline: an absolute date, end of day in the requested State, never paused. */
export function syncRequesterDeadline(s: MlaCaseState, at: number): MlaCaseState {
  const date = s.content.requestedByDate;
  const others = s.clocks.filter((k) => k.kind !== 'REQUESTER_DEADLINE');
  if (!date) return { ...s, clocks: others };
  const tz = s.ctx.timeZones.requested;
  // A deadline already past when it is set is breached from that moment, not on some earlier day
  // before the act that set it (nor before the case existed).
  const breachAt = Math.max(at, endOfDate(date, tz));
  const atRisk = clockRule(s.basis.rulePack, 'DEADLINE_AT_RISK_BEFORE');
  // A deadline already close when it is set is at risk from that moment, not from some earlier day.
  // The warning is a reminder: on its day, at 09:00 local time (00:00 on cases filed before that convention).
  const warnFrom = (days: number) => (localTimeConventions(s) ? reminderInstant(addDays(date, -days), tz) : zonedInstant(date, tz) - days * DAY_MS);
  const warnAt = atRisk ? Math.max(at, warnFrom(atRisk.amount - 1)) : undefined;
  const existing = s.clocks.find((k) => k.kind === 'REQUESTER_DEADLINE');
  const clock: Clock = {
    id: existing?.id ?? `clock-${s.nextId}`,
    ruleId: 'REQUESTER_DEADLINE',
    kind: 'REQUESTER_DEADLINE',
    side: 'REQUESTED',
    legalRef: requesterDeadlineRef(s),
    verified: true,
    startedAt: existing?.startedAt ?? at,
    breachAt,
    lastDay: date,
    status: 'RUNNING',
    pausedMs: 0,
    firings: 0,
    warnAt,
  };
  return { ...s, nextId: existing ? s.nextId : s.nextId + 1, clocks: [...others, clock] };
}

/** BASIS_NOT_IN_FORCE shows while the basis was not in force for both States and no override is recorded. */
export function refreshBasisFlag(s: MlaCaseState): MlaCaseState {
  return { ...s, flags: basisOutOfForce(s).length && !s.basisOverride ? withFlag(s.flags, 'BASIS_NOT_IN_FORCE') : without(s.flags, 'BASIS_NOT_IN_FORCE') };
}

function fireAt(s: MlaCaseState, at: number): { state: MlaCaseState; events: CaseEvent[] } {
  const events: CaseEvent[] = [];
  let next = s;
  // Warnings before breaches at the same instant.
  for (const k of next.clocks) {
    if (k.status === 'RUNNING' && k.warnAt === at && !k.warned && k.kind === 'ITEM_EXECUTION') {
      const r = remindItem(next, k, at, 'ITEM_EXECUTION_REMINDER', `execution of ${k.itemId} due by ${k.lastDay}`);
      next = { ...r.state, clocks: r.state.clocks.map((c) => (c.id === k.id ? { ...c, warned: true } : c)) };
      events.push(...r.events);
    } else if (k.status === 'RUNNING' && k.warnAt === at && !k.warned) {
      next = { ...next, flags: withFlag(next.flags, 'DEADLINE_AT_RISK'), clocks: next.clocks.map((c) => (c.id === k.id ? { ...c, warned: true } : c)) };
      const e = systemEvent(next, 'DEADLINE_AT_RISK', at, { legalRef: k.legalRef, data: { clockId: k.id, requestedByDate: k.lastDay } });
      next = e.state;
      events.push(e.event);
    }
  }
  for (const k of next.clocks) {
    if (k.status !== 'RUNNING' || k.breachAt !== at) continue;
    const r = breach(next, k, at);
    next = r.state;
    events.push(...r.events);
  }
  return { state: next, events };
}

/** A reminder to the executing authority an item was forwarded to, about that item alone. */
function remindItem(s: MlaCaseState, k: Clock, at: number, type: string, reason: string): { state: MlaCaseState; events: CaseEvent[] } {
  const action = { kind: 'REMINDER' as const, level: 0, addressee: 'EXECUTING_AUTHORITY' as const, reason: `${reason} (${k.authorityId})` };
  const opened = openTask(s, action, at, undefined, k.id);
  const task = opened.tasks[opened.tasks.length - 1];
  const e = systemEvent(opened, type, at, {
    legalRef: k.legalRef,
    data: { clockId: k.id, ruleId: k.ruleId, itemId: k.itemId, executingAuthorityId: k.authorityId, lastDay: k.lastDay, taskId: task.id },
    notify: [{ stateCode: s.ctx.requestedState, addressee: 'EXECUTING_AUTHORITY', message: action.reason }],
  });
  return { state: e.state, events: [e.event] };
}

function breach(s: MlaCaseState, k: Clock, at: number): { state: MlaCaseState; events: CaseEvent[] } {
  const events: CaseEvent[] = [];
  let next = s;
  const record = (type: string, extra: Partial<CaseEvent>) => {
    const e = systemEvent(next, type, at, { legalRef: k.legalRef, ...extra });
    next = e.state;
    events.push(e.event);
  };
  const setClock = (patch: Partial<Clock>) => {
    next = { ...next, clocks: next.clocks.map((c) => (c.id === k.id ? { ...c, ...patch } : c)) };
  };

  switch (k.kind) {
    case 'STALL':
      return fireStall(next, k, at);
    case 'ITEM_EXECUTION': {
      setClock({ status: 'BREACHED', stoppedAt: at });
      return remindItem(next, k, at, 'ITEM_EXECUTION_BREACHED', `execution of ${k.itemId} overdue since ${k.lastDay}`);
    }
    case 'REQUESTER_DEADLINE': {
      setClock({ status: 'BREACHED', stoppedAt: at });
      next = { ...next, flags: withFlag(without(next.flags, 'DEADLINE_AT_RISK'), 'DEADLINE_BREACHED') };
      if (next.transmittedAt !== undefined && next.resultsTransmittedAt === undefined) {
        next = openTask(
          next,
          { kind: 'ESCALATION', level: 1, addressee: 'REQUESTED_CA_HEAD', reason: "requester's deadline passed without results (UNTOC art. 18(24))" },
          at,
          undefined,
          k.id,
        );
      }
      record('DEADLINE_BREACHED', { data: { clockId: k.id, requestedByDate: k.lastDay } });
      return { state: next, events };
    }
    case 'REVIEW_DATE':
      setClock({ status: 'BREACHED', stoppedAt: at });
      next = openTask(
        next,
        { kind: 'REMINDER', level: 0, addressee: 'REQUESTED_CA', reason: 'postponement review date reached: resume or consult' },
        at,
        undefined,
        k.id,
      );
      record('POSTPONEMENT_REVIEW_DUE', { data: { clockId: k.id } });
      return { state: next, events };
    case 'ORAL_CONFIRMATION':
      setClock({ status: 'BREACHED', stoppedAt: at });
      next = openTask(
        next,
        { kind: 'REMINDER', level: 0, addressee: 'REQUESTING_CA', reason: 'oral request not yet confirmed in writing (UNTOC art. 18(14))' },
        at,
        undefined,
        k.id,
      );
      record('REMINDER', { data: { clockId: k.id, ruleId: k.ruleId } });
      return { state: next, events };
    case 'SLA': {
      const spec = specOf(next, k)!;
      return fireSla(next, k, at, spec.onBreach === 'NETWORK_LADDER' ? nextNetworkLevel(next) : spec.onBreach, Boolean(spec.repeat));
    }
    default:
      // Kinds of other life cycles (custody, surrender) never run on an MLA case.
      return { state: next, events };
  }
}
