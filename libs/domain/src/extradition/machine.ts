// The extradition case as a pure state machine on the shared clockwork and command pipeline: filing,
// and one small handler per command. The formal request goes through the same steps as an MLA
// request (case/formal-request.ts); custody and surrender clocks are in clocks.ts.
import type { ActorRef } from '../roles';
import type { FieldProblem } from '../rule-violation';
import type { LegalBasisSnapshot } from '../rule-pack';
import { civilDate, deadlineFrom } from '../time/calendar';
import {
  addClock,
  assign,
  endAllClocks,
  invalidField,
  openTask,
  refusal,
  resolveOpenTasks,
  runCommand,
  stopClocks,
  withFlag,
  without,
  type Act,
  type CaseContext,
  type CaseEvent,
  type CaseRules,
  type FormalRequestOf,
  type Outcome,
  type Step,
  type Task,
} from '../case/clockwork';
import * as formal from '../case/formal-request';
import type { TransmissionChannel } from '../case/transmission';
import { closeReleaseDecision, custodyDayCount, isReleaseDecision, moveFormal, startCustodyClocks, startSurrenderClocks } from './clocks';
import { EXTRADITION_COMMANDS, type ExtraditionCommand, type ExtraditionEnvelope } from './commands';
import {
  EXTRADITION_REFUSAL_GROUNDS,
  EXTRADITION_TERMINAL_STATES,
  extraditionLegalRef,
  followsExtraditionRules,
  refusalLegalRef,
  type ConflictChoice,
  type ExtraditionCaseState,
  type ExtraditionContent,
  type ExtraditionState,
} from './states';

export type ExtraditionOutcome = Outcome<ExtraditionCaseState>;

/** What the requested central authority's task to choose between conflicting requests says first. */
export const CONFLICT_TASK = 'conflicting requests';
export const isConflictTask = (t: Task): boolean => t.kind === 'ACTION' && t.reason.startsWith(CONFLICT_TASK);

export interface ExtraditionFiling {
  ctx: CaseContext;
  content: ExtraditionContent;
  basis: LegalBasisSnapshot;
  filedBy: ActorRef;
  at: number;
  provisionalArrest?: { channel: TransmissionChannel; reference: string };
}

export function fileExtradition(f: ExtraditionFiling): { state: ExtraditionCaseState; events: CaseEvent[] } {
  const status: ExtraditionState = f.provisionalArrest ? 'PA_REQUESTED' : 'FORMAL_REQUEST_PREPARATION';
  let state: ExtraditionCaseState = {
    ctx: f.ctx,
    status,
    seq: 0,
    nextId: 1,
    flags: f.content.urgency === 'URGENT' ? ['URGENT'] : [],
    clocks: [],
    tasks: [],
    basis: f.basis,
    escalatedToFocalPointsOf: [],
    lastEventAt: f.at,
    lastPartyEventAt: f.at,
    filedAt: f.at,
    content: f.content,
    formal: { status: 'DRAFT', reviewCycles: [] },
    provisionalArrest: f.provisionalArrest ? { ...f.provisionalArrest, at: f.at } : undefined,
    custody: { days: 0, atLiberty: true },
    domesticProsecutionRequested: false,
    conflict: { linkedCaseIds: [] },
    transmittedAt: f.provisionalArrest ? f.at : undefined,
  };
  if (formal.basisOutOfForce(state).length) state = { ...state, flags: withFlag(state.flags, 'BASIS_NOT_IN_FORCE') };
  const event: CaseEvent = {
    seq: 0,
    type: 'FILED',
    from: status,
    to: status,
    actor: f.filedBy,
    at: f.at,
    legalRef: f.basis.instrumentId,
    data: { rulePack: { instrumentId: f.basis.instrumentId, version: f.basis.rulePack.version }, provisionalArrest: f.provisionalArrest },
    notify: f.provisionalArrest ? [{ stateCode: f.ctx.requestedState, addressee: 'REQUESTED_CA', message: 'request for provisional arrest' }] : undefined,
  };
  return { state, events: [event] };
}

function formalRequestProblems(content: ExtraditionContent): FieldProblem[] {
  const problems: FieldProblem[] = [];
  if (!content.offence?.trim())
    problems.push({ field: 'offence', rule: 'required', message: 'offence required (UNTOC art. 16(1))', legalRef: 'UNTOC art. 16(1)' });
  if (!content.factsSummary?.trim()) problems.push({ field: 'factsSummary', rule: 'required', message: 'facts_summary required', legalRef: 'UNTOC art. 16' });
  if (!content.person?.identifier?.trim()) problems.push({ field: 'person.identifier', rule: 'required', message: 'the person must be identified' });
  return problems;
}

/** The formal request of an extradition has its own status beside the case's (custody runs meanwhile). */
export const EXTRADITION_FORMAL_REQUEST: FormalRequestOf<ExtraditionCaseState> = {
  status: (s) => s.formal.status,
  move: (s, to, at) => moveFormal(s, to as ExtraditionCaseState['formal']['status'], at),
  cycles: (s) => s.formal.reviewCycles,
  withCycles: (s, reviewCycles) => ({ ...s, formal: { ...s.formal, reviewCycles } }),
  completeness: (s) => ({ errors: formalRequestProblems(s.content), warnings: [], legalRef: 'UNTOC art. 16' }),
  approvedTo: () => ({ to: 'READY_TO_TRANSMIT' }),
  urgent: (s) => s.content.urgency === 'URGENT',
  recordTransmission: (s, c, by, at) => ({
    ...s,
    formal: { ...s.formal, transmission: { channel: c.channel, reference: c.reference, at, by: by.userId } },
    transmittedAt: s.transmittedAt ?? at,
  }),
};

type Cmd<K extends ExtraditionCommand['type']> = Extract<ExtraditionCommand, { type: K }>;
type S = ExtraditionCaseState;
type A = Act<S>;

/** A formal-request step as an extradition event: the case stays where it is, the event says where the request went. */
function formalEvent(s: S, step: Step<S>, act: A, extra: Partial<CaseEvent> = {}): Outcome<S> {
  if (!step.ok) return step;
  const data = { formalRequest: step.state.formal.status, ...step.event.data };
  return { ...act.emit(step.state, s.status, { ...step.event, ...extra, data }), warnings: step.warnings };
}

const notifyRequesting = (s: S, message: string) => [{ stateCode: s.ctx.requestingState, addressee: 'REQUESTING_CA' as const, message }];
const notifyRequested = (s: S, message: string) => [{ stateCode: s.ctx.requestedState, addressee: 'REQUESTED_CA' as const, message }];
const released = (s: S) => ({ ...s, flags: without(without(s.flags, 'IN_CUSTODY'), 'RELEASE_POSSIBLE') });
const isDate = (d: string | undefined) => /^\d{4}-\d{2}-\d{2}$/.test(d ?? '');
const F = EXTRADITION_FORMAL_REQUEST;

const formalRequestHandlers = {
  SUBMIT: (s: S, c: Cmd<'SUBMIT'>, act: A) => formalEvent(s, formal.submit(F, s, act.at, 'SUBMIT'), act, { comment: c.comment }),
  RESUBMIT: (s: S, c: Cmd<'RESUBMIT'>, act: A) => formalEvent(s, formal.submit(F, s, act.at, 'RESUBMIT'), act, { comment: c.comment }),
  RETURN_FOR_CORRECTION: (s: S, c: Cmd<'RETURN_FOR_CORRECTION'>, act: A) =>
    formalEvent(s, formal.returnForCorrection(F, s, c.comment, act.at), act, { comment: c.comment }),
  APPROVE: (s: S, c: Cmd<'APPROVE'>, act: A) => formalEvent(s, formal.approve(F, s, act.at), act, { comment: c.comment }),
  OVERRIDE_BASIS: (s: S, c: Cmd<'OVERRIDE_BASIS'>, act: A) => {
    const step = formal.overrideBasis(F, s, c.justification, act.actor, act.at);
    return step.ok ? act.emit(step.state, s.status, step.event) : step;
  },
  // The requesting side fixes a basis that is not in force by amending it before transmission: the case pins
  // the new instrument's rule pack (as an MLA request's amendment does); running custody clocks keep theirs.
  AMEND_BASIS: (s: S, c: Cmd<'AMEND_BASIS'>, { emit }: A) => {
    const wrong = formal.FORMAL_BEFORE_TRANSMISSION.includes(s.formal.status) ? undefined : s.formal.status;
    if (wrong) return refusal('CONFLICT', 'INVALID_TRANSITION', `the formal request is ${wrong}: its basis can be amended only before transmission`);
    if (!c.basis) return invalidField('legalBasis', 'in_force', `${c.legalBasis ?? 'the basis'} has no rule pack for an extradition between these States`);
    let next: S = { ...s, basis: c.basis, basisOverride: undefined };
    next = { ...next, flags: formal.basisOutOfForce(next).length ? withFlag(next.flags, 'BASIS_NOT_IN_FORCE') : without(next.flags, 'BASIS_NOT_IN_FORCE') };
    return emit(next, s.status, {
      comment: c.comment,
      legalRef: c.basis.instrumentId,
      data: {
        fromBasis: s.basis.instrumentId,
        basis: c.basis.instrumentId,
        rulePackVersion: c.basis.rulePack.version,
        inForce: !next.flags.includes('BASIS_NOT_IN_FORCE'),
      },
    });
  },
  TRANSMIT: (s: S, c: Cmd<'TRANSMIT'>, act: A) =>
    formalEvent(s, formal.transmit(F, s, { channel: c.channel, reference: c.reference }, act.actor, act.at), act, {
      comment: c.comment,
      notify: notifyRequested(s, 'formal request for extradition transmitted'),
    }),
  RECEIVE_FORMAL_REQUEST: (s: S, c: Cmd<'RECEIVE_FORMAL_REQUEST'>, { at, emit }: A) => {
    if (s.formal.status !== 'TRANSMITTED')
      return refusal('CONFLICT', 'INVALID_TRANSITION', `the formal request is ${s.formal.status}: nothing has been transmitted to receive`);
    let next = moveFormal({ ...s, formal: { ...s.formal, receivedAt: at } }, 'RECEIVED', at);
    // Custody clocks stop: the person is now held on the formal request.
    next = stopClocks(next, (k) => k.kind === 'CUSTODY' || k.kind === 'CUSTODY_REMINDER' || k.kind === 'CONSENT_NOTICE', at, 'RESOLVED', 'MET');
    const custodyDays = !s.custody.atLiberty ? custodyDayCount(s.custody.arrestedAt, at, s.ctx.timeZones.requested) : s.custody.days;
    next = { ...next, custody: { ...next.custody, days: custodyDays }, flags: without(next.flags, 'RELEASE_POSSIBLE') };
    next = closeReleaseDecision(next, at, 'formal request received: the person is held on it');
    return emit(next, 'FORMAL_REQUEST_RECEIVED', {
      comment: c.comment,
      data: { custodyDays, personAtLiberty: s.custody.atLiberty, reArrestAvailable: s.custody.atLiberty && s.status === 'RELEASED_PENDING_REQUEST' },
      notify: notifyRequesting(s, 'formal request received'),
    });
  },
};

const custodyAndCourtHandlers = {
  RECORD_ARREST: (s: S, c: Cmd<'RECORD_ARREST'>, { at, emit }: A) => {
    if (!s.custody.atLiberty) return refusal('CONFLICT', 'ALREADY_IN_CUSTODY', 'the person is already in custody');
    let next: S = { ...s, custody: { ...s.custody, arrestedAt: at, endedAt: undefined, atLiberty: false }, flags: withFlag(s.flags, 'IN_CUSTODY') };
    // Day 0 is the arrest. Before the formal request arrives the custody clocks run; after, the
    // person is held under the extradition procedure and no provisional-arrest limit applies.
    const formalReceived = s.formal.status === 'RECEIVED';
    if (!formalReceived) next = startCustodyClocks(next, at);
    return emit(next, formalReceived ? s.status : 'PERSON_IN_PROVISIONAL_CUSTODY', { comment: c.comment, notify: notifyRequesting(s, 'person arrested') });
  },
  REQUEST_REARREST: (s: S, c: Cmd<'REQUEST_REARREST'>, { emit }: A) => {
    if (!s.custody.atLiberty) return refusal('CONFLICT', 'IN_CUSTODY', 'the person is in custody: there is no one to re-arrest');
    return emit(s, s.status, { comment: c.comment, notify: notifyRequested(s, 're-arrest requested') });
  },
  OPEN_JUDICIAL_PHASE: (s: S, c: Cmd<'OPEN_JUDICIAL_PHASE'>, { emit }: A) => emit(s, 'JUDICIAL_PHASE', { comment: c.comment }),
  COURT_REQUEST_INFO: (s: S, c: Cmd<'COURT_REQUEST_INFO'>, { at, emit }: A) => {
    if (!c.details?.trim()) return invalidField('details', 'required', 'say what the court needs');
    if (!Number.isInteger(c.timeLimitDays) || c.timeLimitDays < 1 || c.timeLimitDays > 365)
      return invalidField('timeLimitDays', 'range', 'the court sets a time limit of 1 to 365 days');
    const d = deadlineFrom(at, c.timeLimitDays, 'CALENDAR_DAYS', s.ctx.timeZones.requested);
    let next = addClock(s, {
      ruleId: 'COURT_TIME_LIMIT',
      kind: 'TIME_LIMIT',
      side: 'REQUESTING',
      legalRef: 'time limit set by the court',
      verified: true,
      startedAt: at,
      breachAt: d.breachAt,
      lastDay: d.lastDay,
    });
    const clock = next.clocks[next.clocks.length - 1];
    next = openTask(
      next,
      { kind: 'INFO_RESPONSE', level: 0, addressee: 'REQUESTING_CA', reason: `additional information for the court: ${c.details}` },
      at,
      d.breachAt,
      clock.id,
    );
    return emit(next, s.status, {
      comment: c.details,
      data: { timeLimitDays: c.timeLimitDays, lastDay: d.lastDay },
      notify: notifyRequesting(s, 'the court requests additional information'),
    });
  },
  PROVIDE_INFO: (s: S, c: Cmd<'PROVIDE_INFO'>, { at, emit }: A) => {
    if (!c.details?.trim()) return invalidField('details', 'required', 'the information provided must be described');
    return emit(
      stopClocks(s, (k) => k.kind === 'TIME_LIMIT', at, 'RESOLVED'),
      s.status,
      { comment: c.details },
    );
  },
  // Simplified extradition: the person consents, the judicial phase is skipped.
  RECORD_CONSENT: (s: S, c: Cmd<'RECORD_CONSENT'>, { emit }: A) => emit(s, 'EXECUTIVE_DECISION', { comment: c.comment, data: { simplified: true } }),
  COURT_DECISION: (s: S, c: Cmd<'COURT_DECISION'>, { at, emit }: A) =>
    emit({ ...stopClocks(s, (k) => k.kind === 'TIME_LIMIT', at, 'OBSOLETE'), courtDecision: { outcome: c.outcome, at } }, 'COURT_DECISION', {
      comment: c.comment,
      data: { outcome: c.outcome },
    }),
  APPEAL: (s: S, c: Cmd<'APPEAL'>, { emit }: A) => emit(s, 'JUDICIAL_PHASE', { comment: c.comment }),
  REFER_TO_EXECUTIVE: (s: S, c: Cmd<'REFER_TO_EXECUTIVE'>, { emit }: A) => {
    if (s.courtDecision?.outcome !== 'FAVOURABLE')
      return refusal('CONFLICT', 'COURT_DECISION_UNFAVOURABLE', 'the court ruled against extradition: appeal, or consult and refuse');
    return emit(s, 'EXECUTIVE_DECISION', { comment: c.comment });
  },
};

const decisionHandlers = {
  OPEN_CONSULTATION: (s: S, c: Cmd<'OPEN_CONSULTATION'>, { emit }: A) => {
    if (!c.proposal?.trim()) return invalidField('proposal', 'required', 'a consultation states what is proposed (UNTOC art. 16(16))', 'UNTOC art. 16(16)');
    return emit(s, 'CONSULTATION', { comment: c.proposal, notify: notifyRequesting(s, 'consultation opened') });
  },
  CONSULTATION_REPLY: (s: S, c: Cmd<'CONSULTATION_REPLY'>, { emit }: A) => {
    if (!c.text?.trim()) return invalidField('text', 'required', 'the reply must not be empty');
    return emit(s, s.status, { comment: c.text });
  },
  REQUEST_DOMESTIC_PROSECUTION: (s: S, c: Cmd<'REQUEST_DOMESTIC_PROSECUTION'>, { emit }: A) =>
    emit({ ...s, domesticProsecutionRequested: true }, s.status, { comment: c.comment }),
  GRANT: (s: S, c: Cmd<'GRANT'>, { emit }: A) => {
    const { linkedCaseIds, choice } = s.conflict;
    const legalRef = extraditionLegalRef(s, 'CONFLICTING_REQUESTS');
    if (linkedCaseIds.length && !choice) {
      const message = `another request concerns the same person (${linkedCaseIds.join(', ')}): record the choice between them, with its factors, before granting (${legalRef})`;
      return refusal('CONFLICT', 'CONFLICTING_REQUESTS_CHOICE_REQUIRED', message, { legalRef });
    }
    if (choice && choice.preferredCaseId !== s.ctx.caseId) {
      const message = `the competing request ${choice.preferredCaseId} was preferred: this one is to be refused on that ground after consultation (${legalRef})`;
      return refusal('CONFLICT', 'OTHER_REQUEST_PREFERRED', message, { legalRef });
    }
    return emit(s, 'GRANTED', { comment: c.comment, notify: notifyRequesting(s, 'extradition granted') });
  },
  REFUSE: (s: S, c: Cmd<'REFUSE'>, { at, emit }: A) => {
    const legalRef = EXTRADITION_REFUSAL_GROUNDS[c.ground] && refusalLegalRef(s, c.ground);
    if (!legalRef) return invalidField('ground', 'isIn', `ground must be one of ${Object.keys(EXTRADITION_REFUSAL_GROUNDS).join(', ')}`);
    if (!c.reasons?.trim()) return invalidField('reasons', 'required', 'a refusal must give its reasons', 'UNTOC art. 16(16)');
    if (c.ground === 'NATIONALITY' && s.content.person.nationality !== s.ctx.requestedState) {
      const message = `refusal on nationality applies to nationals of ${s.ctx.requestedState}; the person is recorded as ${s.content.person.nationality ?? 'of unknown nationality'}`;
      return invalidField('ground', 'national_only', message, 'UNTOC art. 16(10)');
    }
    const domestic = c.ground === 'NATIONALITY' && s.domesticProsecutionRequested;
    const next = endAllClocks({ ...s, refusal: { ground: c.ground, legalRef, reasons: c.reasons } }, at);
    return emit(released(next), 'REFUSED', {
      comment: c.reasons,
      legalRef,
      data: { ground: c.ground, openDomesticProsecution: domestic },
      notify: notifyRequesting(s, `extradition refused (${c.ground})${domestic ? '; the case is submitted for domestic prosecution (UNTOC art. 16(10))' : ''}`),
    });
  },
  RECORD_CONFLICT_CHOICE: (s: S, c: Cmd<'RECORD_CONFLICT_CHOICE'>, { at, actor, emit }: A) => {
    if (!s.conflict.linkedCaseIds.length) return refusal('CONFLICT', 'NO_CONFLICT', 'no other request concerns this person');
    const legalRef = extraditionLegalRef(s, 'CONFLICTING_REQUESTS');
    const f = c.factors ?? ({} as ConflictChoice['factors']);
    const missing = (['seriousness', 'placeOfOffence', 'datesOfRequests', 'nationality', 'reExtradition'] as const).filter((k) => !f[k]?.trim());
    if (missing.length) {
      const errors = missing.map((m) => ({ field: `factors.${m}`, rule: 'required', message: `${m} must be weighed` }));
      return refusal('INVALID', 'INVALID_COMMAND', `the choice must weigh every factor (${legalRef}): missing ${missing.join(', ')}`, {
        legalRef,
        errors,
      });
    }
    if (c.preferredCaseId !== s.ctx.caseId && !s.conflict.linkedCaseIds.includes(c.preferredCaseId)) {
      return invalidField('preferredCaseId', 'linked_case', 'the preferred request must be this one or a linked one');
    }
    const choice: ConflictChoice = { preferredCaseId: c.preferredCaseId, factors: f, at, by: actor.userId };
    const next = resolveOpenTasks({ ...s, conflict: { ...s.conflict, choice } }, isConflictTask, at, 'RESOLVED', `request ${c.preferredCaseId} preferred`);
    return emit(next, s.status, { legalRef, data: { ...choice, at: new Date(at).toISOString() } });
  },
  LINK_CONFLICT: (s: S, c: Cmd<'LINK_CONFLICT'>, { at, emit }: A) => {
    if (c.caseId === s.ctx.caseId || s.conflict.linkedCaseIds.includes(c.caseId)) return emit(s, s.status, { data: { linkedCaseId: c.caseId, already: true } });
    const legalRef = extraditionLegalRef(s, 'CONFLICTING_REQUESTS');
    let next: S = {
      ...s,
      conflict: { ...s.conflict, linkedCaseIds: [...s.conflict.linkedCaseIds, c.caseId] },
      flags: withFlag(s.flags, 'CONFLICTING_REQUESTS'),
    };
    // The requested central authority is to choose (domain brief §5, §10): a task for it, one while the choice is open.
    if (followsExtraditionRules(s) && !s.conflict.choice && !s.tasks.some((t) => t.status === 'OPEN' && isConflictTask(t))) {
      const reason = `${CONFLICT_TASK}: another request concerns the same person; choose which request to grant, weighing the seriousness of the offences, the place of offence, the dates of the requests, the nationality of the person and the possibility of re-extradition (${legalRef})`;
      next = openTask(next, { kind: 'ACTION', level: 0, addressee: 'REQUESTED_CA', reason }, at);
    }
    return emit(next, s.status, { data: { linkedCaseId: c.caseId }, legalRef });
  },
};

const surrenderHandlers = {
  SCHEDULE_SURRENDER: (s: S, c: Cmd<'SCHEDULE_SURRENDER'>, { at, emit }: A) => {
    if (!isDate(c.agreedDate)) return invalidField('agreedDate', 'date', 'agreedDate must be YYYY-MM-DD');
    const next = startSurrenderClocks({ ...s, surrender: { agreedDate: c.agreedDate, forceMajeure: 0 } }, c.agreedDate, at);
    return emit(next, 'SURRENDER_SCHEDULED', {
      comment: c.comment,
      data: { agreedDate: c.agreedDate, custodyDays: s.custody.days },
      notify: notifyRequesting(s, `surrender agreed for ${c.agreedDate}`),
    });
  },
  FORCE_MAJEURE: (s: S, c: Cmd<'FORCE_MAJEURE'>, { at, emit }: A) => {
    if (!isDate(c.newDate)) return invalidField('newDate', 'date', 'newDate must be YYYY-MM-DD');
    if (!c.reason?.trim()) return invalidField('reason', 'required', 'force majeure must be explained');
    if (c.newDate <= civilDate(at, s.ctx.timeZones.requested)) return invalidField('newDate', 'in_future', 'the new surrender date must be in the future');
    let next = closeReleaseDecision(
      stopClocks(s, (k) => k.kind === 'SURRENDER', at, 'OBSOLETE', 'CANCELLED'),
      at,
      `new surrender date ${c.newDate}`,
      'OBSOLETE',
    );
    next = startSurrenderClocks(
      { ...next, surrender: { agreedDate: c.newDate, forceMajeure: (s.surrender?.forceMajeure ?? 0) + 1 }, flags: without(next.flags, 'RELEASE_POSSIBLE') },
      c.newDate,
      at,
    );
    const message = `new surrender date ${c.newDate}`;
    return emit(next, s.status, {
      comment: c.reason,
      legalRef: extraditionLegalRef(s, 'FORCE_MAJEURE'),
      data: { newDate: c.newDate },
      notify: [...notifyRequesting(s, message), ...notifyRequested(s, message)],
    });
  },
  // The decision a release-possible task calls for, as the requested State's court or central authority took it.
  DECIDE_ON_RELEASE: (s: S, c: Cmd<'DECIDE_ON_RELEASE'>, { at, emit }: A) => {
    if (c.decision !== 'RELEASE' && c.decision !== 'MAINTAIN_CUSTODY') return invalidField('decision', 'isIn', 'decision must be RELEASE or MAINTAIN_CUSTODY');
    if (!c.reasons?.trim()) return invalidField('reasons', 'required', 'a decision on release gives its reasons');
    if (!s.tasks.some((t) => t.status === 'OPEN' && isReleaseDecision(t)))
      return refusal(
        'CONFLICT',
        'NO_RELEASE_DECISION_DUE',
        'no release-possible decision is open on this case: a soft custody or surrender limit has not passed',
      );
    if (c.decision === 'MAINTAIN_CUSTODY') {
      const next = closeReleaseDecision(s, at, `custody maintained: ${c.reasons}`);
      return emit(next, s.status, { comment: c.reasons, data: { decision: c.decision } });
    }
    const custodyDays = s.status === 'SURRENDER_SCHEDULED' ? s.custody.days : custodyDayCount(s.custody.arrestedAt, at, s.ctx.timeZones.requested, 'ENDS_AT');
    let next = closeReleaseDecision(s, at, `released: ${c.reasons}`);
    next = { ...released(next), custody: { ...next.custody, atLiberty: true, endedAt: at, days: custodyDays } };
    if (s.status === 'SURRENDER_SCHEDULED') {
      return emit(endAllClocks(next, at), 'RELEASED_NOT_TAKEN_OVER', {
        comment: c.reasons,
        data: { decision: c.decision, custodyDays },
        notify: notifyRequesting(s, 'person released: not taken over'),
      });
    }
    next = stopClocks(next, (k) => k.kind === 'CUSTODY' || k.kind === 'CUSTODY_REMINDER' || k.kind === 'CONSENT_NOTICE', at, 'OBSOLETE', 'CANCELLED');
    return emit(next, 'RELEASED_PENDING_REQUEST', {
      comment: c.reasons,
      data: {
        decision: c.decision,
        custodyDays,
        note: 'a formal request that arrives later reopens the case with the person at liberty; a re-arrest may then be requested',
      },
      notify: notifyRequesting(s, 'person released before the custody limit, pending the formal request'),
    });
  },
  RECORD_SURRENDER: (s: S, c: Cmd<'RECORD_SURRENDER'>, { at, emit }: A) =>
    emit(endAllClocks(released(s), at), 'SURRENDERED', { comment: c.comment, data: { custodyDays: s.custody.days } }),
  WITHDRAW: (s: S, c: Cmd<'WITHDRAW'>, { at, emit }: A) => {
    if (!c.reason?.trim()) return invalidField('reason', 'required', 'a withdrawal must give its reason');
    return emit(endAllClocks(s, at), 'WITHDRAWN', {
      comment: c.reason,
      notify: s.transmittedAt !== undefined ? notifyRequested(s, 'extradition request withdrawn') : undefined,
    });
  },
  NOTE: (s: S, c: Cmd<'NOTE'>, { emit }: A) => {
    if (!c.text?.trim()) return invalidField('text', 'required', 'a note must not be empty');
    return emit(s, s.status, { comment: c.text });
  },
};

export const EXTRADITION_RULES: CaseRules<S, ExtraditionCommand, ExtraditionEnvelope['relation']> = {
  commands: EXTRADITION_COMMANDS,
  handlers: {
    ...formalRequestHandlers,
    ...custodyAndCourtHandlers,
    ...decisionHandlers,
    ...surrenderHandlers,
    ASSIGN: (s: S, c: Cmd<'ASSIGN'>, act: A) => assign(EXTRADITION_COMMANDS, s, c, act),
  },
  terminal: EXTRADITION_TERMINAL_STATES,
};

export function handleExtraditionCommand(state: S, envelope: ExtraditionEnvelope, now: number): ExtraditionOutcome {
  return runCommand(EXTRADITION_RULES, state, envelope, now);
}
