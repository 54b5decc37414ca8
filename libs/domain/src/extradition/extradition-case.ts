import type { ActorRef } from '../roles';
import { CaseRelation, PARTY_RELATIONS } from '../policy';
import type { FieldProblem, RuleViolation } from '../rule-violation';
import { LegalBasisSnapshot, clockRule, statesOutOfForce } from '../rule-pack';
import { addDays, calendarDaysBetween, civilDate, deadlineFrom, zonedInstant } from '../time/calendar';
import {
  CaseContext, CaseCore, CaseEvent, Clock, SYSTEM_ACTOR, SlaClockSpec, addClock, advanceClocks, endAllClocks, eventTime, fireSla, fireStall,
  moveSlaClocks, nextNetworkLevel, openTask, recordPartyActivity, refreshEscalatedFlag, slaSpecOf, stopClocks, stripUndefined, systemEvent, withFlag, without,
} from '../case/clockwork';
import { checkTransmission, TransmissionChannel } from '../case/transmission';
import type { PersonConcerned } from '../mla/mla-content';

// ---------------------------------------------------------------------------------------------
// The extradition case (domain brief §5) as a pure state machine on the shared clockwork: custody
// and surrender clocks are clocks like any other, reminders and escalations are the same tasks.
// ---------------------------------------------------------------------------------------------

export const EXTRADITION_STATES = [
  'PA_REQUESTED',
  'PERSON_IN_PROVISIONAL_CUSTODY',
  'RELEASED_PENDING_REQUEST',
  'FORMAL_REQUEST_PREPARATION',
  'FORMAL_REQUEST_RECEIVED',
  'JUDICIAL_PHASE',
  'COURT_DECISION',
  'EXECUTIVE_DECISION',
  'CONSULTATION',
  'GRANTED',
  'REFUSED',
  'SURRENDER_SCHEDULED',
  'SURRENDERED',
  'RELEASED_NOT_TAKEN_OVER',
  'WITHDRAWN',
] as const;
export type ExtraditionState = (typeof EXTRADITION_STATES)[number];

export const EXTRADITION_TERMINAL_STATES: ReadonlySet<string> = new Set(['REFUSED', 'SURRENDERED', 'RELEASED_NOT_TAKEN_OVER', 'WITHDRAWN']);
export const isExtraditionTerminal = (s: string) => EXTRADITION_TERMINAL_STATES.has(s);

/** The formal request goes through the same review and transmission steps as an MLA request. */
export type FormalRequestStatus = 'DRAFT' | 'PENDING_CA_REVIEW' | 'RETURNED_FOR_CORRECTION' | 'READY_TO_TRANSMIT' | 'TRANSMITTED' | 'RECEIVED';

export const EXTRADITION_REFUSAL_GROUNDS = {
  NATIONALITY: 'UNTOC art. 16(10)',
  POLITICAL_OFFENCE: 'ECE art. 3',
  DISCRIMINATION: 'UNTOC art. 16(14)',
  NO_DUAL_CRIMINALITY: 'UNTOC art. 16(1)',
  CONFLICTING_REQUEST: 'ECE art. 17',
  INSUFFICIENT_GROUNDS: 'UNTOC art. 16(7)',
  OTHER_TREATY_GROUND: 'applicable treaty',
} as const;
export type ExtraditionRefusalGround = keyof typeof EXTRADITION_REFUSAL_GROUNDS;

export interface ExtraditionContent {
  person: PersonConcerned & { identifier: string };
  offence: string;
  factsSummary?: string;
  purpose: 'PROSECUTION' | 'ENFORCEMENT_OF_SENTENCE';
  language: string;
  urgency: 'NORMAL' | 'URGENT';
}

export interface ConflictChoice {
  preferredCaseId: string;
  factors: { seriousness: string; placeOfOffence: string; datesOfRequests: string; nationality: string; reExtradition: string };
  at: number;
  by: string;
}

export interface ExtraditionCaseState extends CaseCore {
  status: ExtraditionState;
  filedAt: number;
  content: ExtraditionContent;
  formal: { status: FormalRequestStatus; reviewCycles: Array<{ startedAt: number; endedAt?: number }>; transmission?: { channel: string; reference: string; at: number; by: string }; receivedAt?: number };
  provisionalArrest?: { channel: string; reference: string; at: number };
  custody: { arrestedAt?: number; endedAt?: number; days: number; atLiberty: boolean };
  surrender?: { agreedDate: string; forceMajeure: number };
  courtDecision?: { outcome: 'FAVOURABLE' | 'UNFAVOURABLE'; at: number };
  refusal?: { ground: string; legalRef: string; reasons: string };
  domesticProsecutionRequested: boolean;
  conflict: { linkedCaseIds: string[]; choice?: ConflictChoice };
  transmittedAt?: number;
}

export type ExtraditionCommand =
  | { type: 'RECORD_ARREST'; comment?: string }
  | { type: 'SUBMIT'; comment?: string }
  | { type: 'RETURN_FOR_CORRECTION'; comment: string }
  | { type: 'RESUBMIT'; comment?: string }
  | { type: 'APPROVE'; comment?: string }
  | { type: 'TRANSMIT'; channel: TransmissionChannel; reference: string; comment?: string }
  | { type: 'RECEIVE_FORMAL_REQUEST'; reference?: string; comment?: string }
  | { type: 'REQUEST_REARREST'; comment?: string }
  | { type: 'OPEN_JUDICIAL_PHASE'; comment?: string }
  | { type: 'COURT_REQUEST_INFO'; details: string; timeLimitDays: number }
  | { type: 'PROVIDE_INFO'; details: string }
  | { type: 'RECORD_CONSENT'; comment?: string }
  | { type: 'COURT_DECISION'; outcome: 'FAVOURABLE' | 'UNFAVOURABLE'; comment?: string }
  | { type: 'APPEAL'; comment?: string }
  | { type: 'REFER_TO_EXECUTIVE'; comment?: string }
  | { type: 'OPEN_CONSULTATION'; proposal: string }
  | { type: 'CONSULTATION_REPLY'; text: string }
  | { type: 'REQUEST_DOMESTIC_PROSECUTION'; comment?: string }
  | { type: 'GRANT'; comment?: string }
  | { type: 'REFUSE'; ground: ExtraditionRefusalGround; reasons: string }
  | { type: 'RECORD_CONFLICT_CHOICE'; preferredCaseId: string; factors: ConflictChoice['factors'] }
  | { type: 'LINK_CONFLICT'; caseId: string }
  | { type: 'SCHEDULE_SURRENDER'; agreedDate: string; comment?: string }
  | { type: 'FORCE_MAJEURE'; newDate: string; reason: string }
  | { type: 'RECORD_SURRENDER'; comment?: string }
  | { type: 'WITHDRAW'; reason: string }
  | { type: 'NOTE'; text: string };
export type ExtraditionCommandType = ExtraditionCommand['type'];

export interface ExtraditionEnvelope {
  command: ExtraditionCommand;
  actor: ActorRef;
  relation: CaseRelation | 'SYSTEM';
  occurredAt?: string;
}

const REQUESTING: CaseRelation[] = ['REQUESTING_PROSECUTOR', 'REQUESTING_CA'];
const OPEN_BEFORE_DECISION: ExtraditionState[] = ['PA_REQUESTED', 'PERSON_IN_PROVISIONAL_CUSTODY', 'RELEASED_PENDING_REQUEST', 'FORMAL_REQUEST_PREPARATION', 'FORMAL_REQUEST_RECEIVED', 'JUDICIAL_PHASE', 'COURT_DECISION', 'EXECUTIVE_DECISION', 'CONSULTATION'];
const AWAITING_FORMAL: ExtraditionState[] = ['PA_REQUESTED', 'PERSON_IN_PROVISIONAL_CUSTODY', 'RELEASED_PENDING_REQUEST', 'FORMAL_REQUEST_PREPARATION'];

export const EXTRADITION_COMMANDS: Record<ExtraditionCommandType, { from: readonly ExtraditionState[] | 'ANY_OPEN'; by: readonly (CaseRelation | 'SYSTEM')[]; legalRef?: string }> = {
  RECORD_ARREST: { from: ['PA_REQUESTED', 'RELEASED_PENDING_REQUEST', 'FORMAL_REQUEST_PREPARATION', 'FORMAL_REQUEST_RECEIVED', 'JUDICIAL_PHASE'], by: ['REQUESTED_CA'], legalRef: 'UNTOC art. 16(9)' },
  SUBMIT: { from: AWAITING_FORMAL, by: ['REQUESTING_PROSECUTOR'] },
  RETURN_FOR_CORRECTION: { from: AWAITING_FORMAL, by: ['REQUESTING_CA'] },
  RESUBMIT: { from: AWAITING_FORMAL, by: ['REQUESTING_PROSECUTOR'] },
  APPROVE: { from: AWAITING_FORMAL, by: ['REQUESTING_CA'] },
  TRANSMIT: { from: AWAITING_FORMAL, by: ['REQUESTING_CA'], legalRef: 'UNTOC art. 16' },
  RECEIVE_FORMAL_REQUEST: { from: AWAITING_FORMAL, by: ['REQUESTED_CA'] },
  REQUEST_REARREST: { from: ['FORMAL_REQUEST_RECEIVED', 'JUDICIAL_PHASE', 'COURT_DECISION', 'EXECUTIVE_DECISION'], by: ['REQUESTING_CA'] },
  OPEN_JUDICIAL_PHASE: { from: ['FORMAL_REQUEST_RECEIVED'], by: ['REQUESTED_CA'] },
  COURT_REQUEST_INFO: { from: ['JUDICIAL_PHASE'], by: ['REQUESTED_CA'] },
  PROVIDE_INFO: { from: ['JUDICIAL_PHASE'], by: REQUESTING },
  RECORD_CONSENT: { from: ['FORMAL_REQUEST_RECEIVED', 'JUDICIAL_PHASE', 'PERSON_IN_PROVISIONAL_CUSTODY'], by: ['REQUESTED_CA'], legalRef: 'UNTOC art. 16(8)' },
  COURT_DECISION: { from: ['JUDICIAL_PHASE'], by: ['REQUESTED_CA'] },
  APPEAL: { from: ['COURT_DECISION'], by: ['REQUESTED_CA'] },
  REFER_TO_EXECUTIVE: { from: ['COURT_DECISION'], by: ['REQUESTED_CA'] },
  OPEN_CONSULTATION: { from: ['COURT_DECISION', 'EXECUTIVE_DECISION'], by: ['REQUESTED_CA'], legalRef: 'UNTOC art. 16(16)' },
  CONSULTATION_REPLY: { from: ['CONSULTATION'], by: REQUESTING },
  REQUEST_DOMESTIC_PROSECUTION: { from: OPEN_BEFORE_DECISION, by: ['REQUESTING_CA'], legalRef: 'UNTOC art. 16(10)' },
  GRANT: { from: ['EXECUTIVE_DECISION', 'CONSULTATION'], by: ['REQUESTED_CA'] },
  REFUSE: { from: ['CONSULTATION'], by: ['REQUESTED_CA'], legalRef: 'UNTOC art. 16(16)' },
  RECORD_CONFLICT_CHOICE: { from: OPEN_BEFORE_DECISION, by: ['REQUESTED_CA'], legalRef: 'ECE art. 17' },
  LINK_CONFLICT: { from: 'ANY_OPEN', by: ['SYSTEM'] },
  SCHEDULE_SURRENDER: { from: ['GRANTED'], by: ['REQUESTED_CA'] },
  FORCE_MAJEURE: { from: ['SURRENDER_SCHEDULED'], by: ['REQUESTED_CA', 'REQUESTING_CA'], legalRef: 'ECE art. 18(5)' },
  RECORD_SURRENDER: { from: ['SURRENDER_SCHEDULED'], by: ['REQUESTED_CA'] },
  WITHDRAW: { from: 'ANY_OPEN', by: REQUESTING },
  NOTE: { from: 'ANY_OPEN', by: ['REQUESTING_PROSECUTOR', 'REQUESTING_CA', 'REQUESTED_CA', 'EXECUTING_AUTHORITY', 'LIAISON_MAGISTRATE', 'FOCAL_POINT'] },
};

/** The formal request's review and transmission run on the same service-level clocks as an MLA request. */
const FORMAL_SLA: SlaClockSpec[] = [
  { ruleId: 'CA_REVIEW', states: ['FORMAL:PENDING_CA_REVIEW'], side: 'REQUESTING', pausesForInfo: false,
    onBreach: { kind: 'REMINDER', level: 0, addressee: 'REQUESTING_CA', reason: 'central-authority review of the formal request overdue' } },
  { ruleId: 'CA_REVIEW_ESCALATION', states: ['FORMAL:PENDING_CA_REVIEW'], side: 'REQUESTING', pausesForInfo: false,
    onBreach: { kind: 'ESCALATION', level: 1, addressee: 'REQUESTING_CA_HEAD', reason: 'formal request still pending review' } },
  { ruleId: 'CORRECTION', states: ['FORMAL:RETURNED_FOR_CORRECTION'], side: 'REQUESTING', pausesForInfo: false,
    onBreach: { kind: 'REMINDER', level: 0, addressee: 'REQUESTING_PROSECUTOR', reason: 'correction of the formal request overdue' } },
  { ruleId: 'ACK', states: ['FORMAL:TRANSMITTED'], side: 'REQUESTED', pausesForInfo: false,
    onBreach: { kind: 'REMINDER', level: 0, addressee: 'REQUESTING_CA', reason: 'no acknowledgment of the formal request' } },
  { ruleId: 'NETWORK_ESCALATION_NO_ACK', states: ['FORMAL:TRANSMITTED'], side: 'REQUESTED', pausesForInfo: false, onBreach: 'NETWORK_LADDER', repeat: true },
];

export type ExtraditionOutcome =
  | { ok: true; state: ExtraditionCaseState; events: CaseEvent[]; warnings: FieldProblem[] }
  | { ok: false; violation: RuleViolation };

// --------------------------------------------------------------------------------- filing

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
  const out = statesOutOfForce(f.basis, [f.ctx.requestingState, f.ctx.requestedState], civilDate(f.at, f.ctx.timeZones.requesting));
  if (out.length) state = { ...state, flags: withFlag(state.flags, 'BASIS_NOT_IN_FORCE') };
  const event: CaseEvent = {
    seq: 0, type: 'FILED', from: status, to: status, actor: f.filedBy, at: f.at, legalRef: f.basis.instrumentId,
    data: { rulePack: { instrumentId: f.basis.instrumentId, version: f.basis.rulePack.version }, provisionalArrest: f.provisionalArrest },
    notify: f.provisionalArrest ? [{ stateCode: f.ctx.requestedState, addressee: 'REQUESTED_CA', message: 'request for provisional arrest' }] : undefined,
  };
  return { state, events: [event] };
}

// --------------------------------------------------------------------------------- commands

const fail = (kind: RuleViolation['kind'], code: string, message: string, extra: Partial<RuleViolation> = {}): ExtraditionOutcome => ({ ok: false, violation: { kind, code, message, ...extra } });
const invalid = (field: string, rule: string, message: string, legalRef?: string): ExtraditionOutcome =>
  fail('INVALID', 'INVALID_COMMAND', message, { legalRef, errors: [{ field, rule, message, legalRef }] });

export function handleExtraditionCommand(state: ExtraditionCaseState, envelope: ExtraditionEnvelope, now: number): ExtraditionOutcome {
  const { command: c, relation, actor } = envelope;
  const spec = EXTRADITION_COMMANDS[c.type];
  if (!spec) return fail('INVALID', 'UNKNOWN_COMMAND', `unknown command ${String(c.type)}`);
  if (isExtraditionTerminal(state.status)) return fail('CONFLICT', 'CASE_TERMINAL', `the case is ${state.status}, a terminal state: no further command is accepted`);
  if (!spec.by.includes(relation)) return fail('CONFLICT', 'NOT_YOUR_STEP', `${c.type} is not a step for ${String(relation).toLowerCase().replace(/_/g, ' ')}`);
  if (spec.from !== 'ANY_OPEN' && !spec.from.includes(state.status)) {
    if (c.type === 'REFUSE') {
      return fail('CONFLICT', 'CONSULTATION_REQUIRED', 'refusal of extradition is possible only after consultation with the requesting State (UNTOC art. 16(16))', { legalRef: 'UNTOC art. 16(16)' });
    }
    return fail('CONFLICT', 'INVALID_TRANSITION', `${c.type} is possible only from ${spec.from.join(', ')}; the case is ${state.status}`);
  }
  const when = eventTime(envelope.occurredAt, now, state.lastEventAt);
  if (!('at' in when)) return invalid(when.field, when.rule, when.message);
  const at = when.at;
  const r = apply(state, c, actor, at);
  if (!r.ok) return r;
  let next = r.state;
  if (PARTY_RELATIONS.has(relation as CaseRelation)) next = recordPartyActivity(next, relation, at, !isExtraditionTerminal(next.status));
  if (relation !== 'SYSTEM') next = { ...next, lastEventAt: at };
  // An act that settles the last open escalation (or ends the case) ends ESCALATED with it.
  next = refreshEscalatedFlag(next);
  return { ok: true, state: next, events: r.events, warnings: [] };
}

function apply(s: ExtraditionCaseState, c: ExtraditionCommand, actor: ActorRef, at: number): ExtraditionOutcome {
  const emit = (next: ExtraditionCaseState, to: ExtraditionState, extra: Partial<CaseEvent> = {}): ExtraditionOutcome => {
    const seq = next.seq + 1;
    const event: CaseEvent = { seq, type: c.type, from: s.status, to, actor, at, legalRef: EXTRADITION_COMMANDS[c.type].legalRef, ...stripUndefined(extra) };
    return { ok: true, state: { ...next, seq, status: to }, events: [event], warnings: [] };
  };
  const notifyRequesting = (message: string) => [{ stateCode: s.ctx.requestingState, addressee: 'REQUESTING_CA' as const, message }];

  switch (c.type) {
    case 'RECORD_ARREST': {
      if (!s.custody.atLiberty) return fail('CONFLICT', 'ALREADY_IN_CUSTODY', 'the person is already in custody');
      let next: ExtraditionCaseState = { ...s, custody: { ...s.custody, arrestedAt: at, endedAt: undefined, atLiberty: false }, flags: withFlag(s.flags, 'IN_CUSTODY') };
      // Day 0 is the arrest. Before the formal request arrives the custody clocks run; after, the
      // person is held under the extradition procedure and no provisional-arrest limit applies.
      const formalReceived = s.formal.status === 'RECEIVED';
      const to: ExtraditionState = formalReceived ? s.status : 'PERSON_IN_PROVISIONAL_CUSTODY';
      if (!formalReceived) next = startCustodyClocks(next, at);
      return emit(next, to, { comment: c.comment, notify: notifyRequesting('person arrested') });
    }
    case 'SUBMIT':
    case 'RESUBMIT': {
      const wanted: FormalRequestStatus = c.type === 'SUBMIT' ? 'DRAFT' : 'RETURNED_FOR_CORRECTION';
      if (s.formal.status !== wanted) return fail('CONFLICT', 'INVALID_TRANSITION', `the formal request is ${s.formal.status}; ${c.type} needs it ${wanted}`);
      const missing = formalRequestProblems(s.content);
      if (missing.length) return fail('INVALID', 'INCOMPLETE_REQUEST', `the formal request lacks: ${missing.map((m) => m.message).join('; ')}`, { legalRef: 'UNTOC art. 16', errors: missing });
      const next = moveFormal({ ...s, formal: { ...s.formal, reviewCycles: [...s.formal.reviewCycles, { startedAt: at }] } }, 'PENDING_CA_REVIEW', at);
      return emit(next, s.status, { comment: c.comment, data: { formalRequest: 'PENDING_CA_REVIEW' } });
    }
    case 'RETURN_FOR_CORRECTION':
    case 'APPROVE': {
      if (s.formal.status !== 'PENDING_CA_REVIEW') return fail('CONFLICT', 'INVALID_TRANSITION', `the formal request is ${s.formal.status}; ${c.type} needs it PENDING_CA_REVIEW`);
      if (c.type === 'RETURN_FOR_CORRECTION' && !c.comment?.trim()) return invalid('comment', 'required', 'a return for correction must say what to correct');
      if (c.type === 'APPROVE') {
        const out = statesOutOfForce(s.basis, [s.ctx.requestingState, s.ctx.requestedState], civilDate(s.filedAt, s.ctx.timeZones.requesting));
        if (out.length) return fail('CONFLICT', 'LEGAL_BASIS_NOT_IN_FORCE', `${s.basis.instrumentId} was not in force for ${out.join(' and ')} on the filing date`, { legalRef: s.basis.instrumentId });
      }
      const to: FormalRequestStatus = c.type === 'APPROVE' ? 'READY_TO_TRANSMIT' : 'RETURNED_FOR_CORRECTION';
      const cycles = s.formal.reviewCycles.map((r, i) => (i === s.formal.reviewCycles.length - 1 ? { ...r, endedAt: at } : r));
      const next = moveFormal({ ...s, formal: { ...s.formal, reviewCycles: cycles } }, to, at);
      return emit(next, s.status, { comment: c.comment, data: { formalRequest: to } });
    }
    case 'TRANSMIT': {
      if (s.formal.status !== 'READY_TO_TRANSMIT') return fail('CONFLICT', 'INVALID_TRANSITION', `the formal request is ${s.formal.status}; it must be approved before transmission`);
      const problem = checkTransmission(s.content.urgency === 'URGENT', c);
      if (problem) return invalid(problem.field, problem.rule, problem.message, problem.legalRef);
      const next = moveFormal({ ...s, formal: { ...s.formal, transmission: { channel: c.channel, reference: c.reference, at, by: actor.userId } }, transmittedAt: s.transmittedAt ?? at }, 'TRANSMITTED', at);
      return emit(next, s.status, {
        comment: c.comment,
        data: { formalRequest: 'TRANSMITTED', channel: c.channel, evidence: { reference: c.reference, at: new Date(at).toISOString(), by: actor.userId } },
        notify: [{ stateCode: s.ctx.requestedState, addressee: 'REQUESTED_CA', message: 'formal request for extradition transmitted' }],
      });
    }
    case 'RECEIVE_FORMAL_REQUEST': {
      if (s.formal.status !== 'TRANSMITTED') return fail('CONFLICT', 'INVALID_TRANSITION', `the formal request is ${s.formal.status}: nothing has been transmitted to receive`);
      let next = moveFormal({ ...s, formal: { ...s.formal, receivedAt: at } }, 'RECEIVED', at);
      // Custody clocks stop: the person is now held on the formal request.
      next = stopClocks(next, (k) => k.kind === 'CUSTODY' || k.kind === 'CUSTODY_REMINDER' || k.kind === 'CONSENT_NOTICE', at, 'RESOLVED', 'MET');
      const custodyDays = !s.custody.atLiberty && s.custody.arrestedAt !== undefined ? calendarDaysBetween(s.custody.arrestedAt, at, s.ctx.timeZones.requested) : s.custody.days;
      next = { ...next, custody: { ...next.custody, days: custodyDays }, flags: without(next.flags, 'RELEASE_POSSIBLE') };
      return emit(next, 'FORMAL_REQUEST_RECEIVED', {
        comment: c.comment,
        data: { custodyDays, personAtLiberty: s.custody.atLiberty, reArrestAvailable: s.custody.atLiberty && s.status === 'RELEASED_PENDING_REQUEST' },
        notify: notifyRequesting('formal request received'),
      });
    }
    case 'REQUEST_REARREST': {
      if (!s.custody.atLiberty) return fail('CONFLICT', 'IN_CUSTODY', 'the person is in custody: there is no one to re-arrest');
      return emit(s, s.status, { comment: c.comment, notify: [{ stateCode: s.ctx.requestedState, addressee: 'REQUESTED_CA', message: 're-arrest requested' }] });
    }
    case 'OPEN_JUDICIAL_PHASE':
      return emit(s, 'JUDICIAL_PHASE', { comment: c.comment });
    case 'COURT_REQUEST_INFO': {
      if (!c.details?.trim()) return invalid('details', 'required', 'say what the court needs');
      if (!Number.isInteger(c.timeLimitDays) || c.timeLimitDays < 1 || c.timeLimitDays > 365) return invalid('timeLimitDays', 'range', 'the court sets a time limit of 1 to 365 days');
      const d = deadlineFrom(at, c.timeLimitDays, 'CALENDAR_DAYS', s.ctx.timeZones.requested);
      let next = addClock(s, { ruleId: 'COURT_TIME_LIMIT', kind: 'TIME_LIMIT', side: 'REQUESTING', legalRef: 'time limit set by the court', verified: true, startedAt: at, breachAt: d.breachAt, lastDay: d.lastDay });
      const clock = next.clocks[next.clocks.length - 1];
      next = openTask(next, { kind: 'INFO_RESPONSE', level: 0, addressee: 'REQUESTING_CA', reason: `additional information for the court: ${c.details}` }, at, d.breachAt, clock.id);
      return emit(next, s.status, { comment: c.details, data: { timeLimitDays: c.timeLimitDays, lastDay: d.lastDay }, notify: notifyRequesting('the court requests additional information') });
    }
    case 'PROVIDE_INFO': {
      if (!c.details?.trim()) return invalid('details', 'required', 'the information provided must be described');
      const next = stopClocks(s, (k) => k.kind === 'TIME_LIMIT', at, 'RESOLVED');
      return emit(next, s.status, { comment: c.details });
    }
    case 'RECORD_CONSENT':
      // Simplified extradition: the person consents, the judicial phase is skipped.
      return emit(s, 'EXECUTIVE_DECISION', { comment: c.comment, data: { simplified: true } });
    case 'COURT_DECISION': {
      const next = { ...stopClocks(s, (k) => k.kind === 'TIME_LIMIT', at, 'OBSOLETE'), courtDecision: { outcome: c.outcome, at } };
      return emit(next, 'COURT_DECISION', { comment: c.comment, data: { outcome: c.outcome } });
    }
    case 'APPEAL':
      return emit(s, 'JUDICIAL_PHASE', { comment: c.comment });
    case 'REFER_TO_EXECUTIVE':
      if (s.courtDecision?.outcome !== 'FAVOURABLE') return fail('CONFLICT', 'COURT_DECISION_UNFAVOURABLE', 'the court ruled against extradition: appeal, or consult and refuse');
      return emit(s, 'EXECUTIVE_DECISION', { comment: c.comment });
    case 'OPEN_CONSULTATION':
      if (!c.proposal?.trim()) return invalid('proposal', 'required', 'a consultation states what is proposed (UNTOC art. 16(16))', 'UNTOC art. 16(16)');
      return emit(s, 'CONSULTATION', { comment: c.proposal, notify: notifyRequesting('consultation opened') });
    case 'CONSULTATION_REPLY':
      if (!c.text?.trim()) return invalid('text', 'required', 'the reply must not be empty');
      return emit(s, s.status, { comment: c.text });
    case 'REQUEST_DOMESTIC_PROSECUTION':
      return emit({ ...s, domesticProsecutionRequested: true }, s.status, { comment: c.comment });
    case 'GRANT': {
      if (s.conflict.linkedCaseIds.length && !s.conflict.choice) {
        return fail('CONFLICT', 'CONFLICTING_REQUESTS_CHOICE_REQUIRED', `another request concerns the same person (${s.conflict.linkedCaseIds.join(', ')}): record the choice between them, with its factors, before granting (ECE art. 17)`, { legalRef: 'ECE art. 17' });
      }
      if (s.conflict.choice && s.conflict.choice.preferredCaseId !== s.ctx.caseId) {
        return fail('CONFLICT', 'OTHER_REQUEST_PREFERRED', `the competing request ${s.conflict.choice.preferredCaseId} was preferred: this one is to be refused on that ground after consultation (ECE art. 17)`, { legalRef: 'ECE art. 17' });
      }
      return emit(s, 'GRANTED', { comment: c.comment, notify: notifyRequesting('extradition granted') });
    }
    case 'REFUSE': {
      const legalRef = EXTRADITION_REFUSAL_GROUNDS[c.ground];
      if (!legalRef) return invalid('ground', 'isIn', `ground must be one of ${Object.keys(EXTRADITION_REFUSAL_GROUNDS).join(', ')}`);
      if (!c.reasons?.trim()) return invalid('reasons', 'required', 'a refusal must give its reasons', 'UNTOC art. 16(16)');
      if (c.ground === 'NATIONALITY' && s.content.person.nationality !== s.ctx.requestedState) {
        return invalid('ground', 'national_only', `refusal on nationality applies to nationals of ${s.ctx.requestedState}; the person is recorded as ${s.content.person.nationality ?? 'of unknown nationality'}`, 'UNTOC art. 16(10)');
      }
      const domestic = c.ground === 'NATIONALITY' && s.domesticProsecutionRequested;
      const next = endAllClocks({ ...s, refusal: { ground: c.ground, legalRef, reasons: c.reasons } }, at);
      return emit({ ...next, flags: without(without(next.flags, 'IN_CUSTODY'), 'RELEASE_POSSIBLE') }, 'REFUSED', {
        comment: c.reasons,
        legalRef,
        data: { ground: c.ground, openDomesticProsecution: domestic },
        notify: notifyRequesting(`extradition refused (${c.ground})${domestic ? '; the case is submitted for domestic prosecution (UNTOC art. 16(10))' : ''}`),
      });
    }
    case 'RECORD_CONFLICT_CHOICE': {
      if (!s.conflict.linkedCaseIds.length) return fail('CONFLICT', 'NO_CONFLICT', 'no other request concerns this person');
      const f = c.factors ?? ({} as ConflictChoice['factors']);
      const missing = (['seriousness', 'placeOfOffence', 'datesOfRequests', 'nationality', 'reExtradition'] as const).filter((k) => !f[k]?.trim());
      if (missing.length) return fail('INVALID', 'INVALID_COMMAND', `the choice must weigh every factor (ECE art. 17): missing ${missing.join(', ')}`, { legalRef: 'ECE art. 17', errors: missing.map((m) => ({ field: `factors.${m}`, rule: 'required', message: `${m} must be weighed` })) });
      if (c.preferredCaseId !== s.ctx.caseId && !s.conflict.linkedCaseIds.includes(c.preferredCaseId)) return invalid('preferredCaseId', 'linked_case', 'the preferred request must be this one or a linked one');
      const choice: ConflictChoice = { preferredCaseId: c.preferredCaseId, factors: f, at, by: actor.userId };
      return emit({ ...s, conflict: { ...s.conflict, choice } }, s.status, { data: { ...choice, at: new Date(at).toISOString() } });
    }
    case 'LINK_CONFLICT': {
      if (c.caseId === s.ctx.caseId || s.conflict.linkedCaseIds.includes(c.caseId)) return emit(s, s.status, { data: { linkedCaseId: c.caseId, already: true } });
      return emit({ ...s, conflict: { ...s.conflict, linkedCaseIds: [...s.conflict.linkedCaseIds, c.caseId] }, flags: withFlag(s.flags, 'CONFLICTING_REQUESTS') }, s.status, {
        data: { linkedCaseId: c.caseId },
        legalRef: 'ECE art. 17',
      });
    }
    case 'SCHEDULE_SURRENDER': {
      if (!/^\d{4}-\d{2}-\d{2}$/.test(c.agreedDate ?? '')) return invalid('agreedDate', 'date', 'agreedDate must be YYYY-MM-DD');
      const next = startSurrenderClocks({ ...s, surrender: { agreedDate: c.agreedDate, forceMajeure: 0 } }, c.agreedDate, at);
      return emit(next, 'SURRENDER_SCHEDULED', { comment: c.comment, data: { agreedDate: c.agreedDate, custodyDays: s.custody.days }, notify: notifyRequesting(`surrender agreed for ${c.agreedDate}`) });
    }
    case 'FORCE_MAJEURE': {
      if (!/^\d{4}-\d{2}-\d{2}$/.test(c.newDate ?? '')) return invalid('newDate', 'date', 'newDate must be YYYY-MM-DD');
      if (!c.reason?.trim()) return invalid('reason', 'required', 'force majeure must be explained');
      if (c.newDate <= civilDate(at, s.ctx.timeZones.requested)) return invalid('newDate', 'in_future', 'the new surrender date must be in the future');
      let next = stopClocks(s, (k) => k.kind === 'SURRENDER', at, 'OBSOLETE', 'CANCELLED');
      next = startSurrenderClocks({ ...next, surrender: { agreedDate: c.newDate, forceMajeure: (s.surrender?.forceMajeure ?? 0) + 1 }, flags: without(next.flags, 'RELEASE_POSSIBLE') }, c.newDate, at);
      return emit(next, s.status, { comment: c.reason, data: { newDate: c.newDate }, notify: [{ stateCode: s.ctx.requestingState, addressee: 'REQUESTING_CA', message: `new surrender date ${c.newDate}` }, { stateCode: s.ctx.requestedState, addressee: 'REQUESTED_CA', message: `new surrender date ${c.newDate}` }] });
    }
    case 'RECORD_SURRENDER': {
      const next = endAllClocks({ ...s, flags: without(without(s.flags, 'IN_CUSTODY'), 'RELEASE_POSSIBLE') }, at);
      return emit(next, 'SURRENDERED', { comment: c.comment, data: { custodyDays: s.custody.days } });
    }
    case 'WITHDRAW': {
      if (!c.reason?.trim()) return invalid('reason', 'required', 'a withdrawal must give its reason');
      const next = endAllClocks(s, at);
      return emit(next, 'WITHDRAWN', { comment: c.reason, notify: s.transmittedAt !== undefined ? [{ stateCode: s.ctx.requestedState, addressee: 'REQUESTED_CA', message: 'extradition request withdrawn' }] : undefined });
    }
    case 'NOTE':
      if (!c.text?.trim()) return invalid('text', 'required', 'a note must not be empty');
      return emit(s, s.status, { comment: c.text });
  }
}

function formalRequestProblems(content: ExtraditionContent): FieldProblem[] {
  const problems: FieldProblem[] = [];
  if (!content.offence?.trim()) problems.push({ field: 'offence', rule: 'required', message: 'offence required (UNTOC art. 16(1))', legalRef: 'UNTOC art. 16(1)' });
  if (!content.factsSummary?.trim()) problems.push({ field: 'factsSummary', rule: 'required', message: 'facts_summary required', legalRef: 'UNTOC art. 16' });
  if (!content.person?.identifier?.trim()) problems.push({ field: 'person.identifier', rule: 'required', message: 'the person must be identified' });
  return problems;
}

function moveFormal(s: ExtraditionCaseState, to: FormalRequestStatus, at: number): ExtraditionCaseState {
  return moveSlaClocks({ ...s, formal: { ...s.formal, status: to } }, FORMAL_SLA, `FORMAL:${to}`, at);
}

/** Custody after a provisional arrest: soft and hard limits from the pinned pack, reminders before the soft one. */
function startCustodyClocks(s: ExtraditionCaseState, at: number): ExtraditionCaseState {
  let next = s;
  const tz = s.ctx.timeZones.requested;
  for (const ruleId of ['PA_SOFT', 'PA_HARD', 'CONSENT_NOTICE'] as const) {
    const rule = clockRule(s.basis.rulePack, ruleId);
    if (!rule) continue;
    const d = deadlineFrom(at, rule.amount, rule.unit, tz);
    next = addClock(next, { ruleId, kind: ruleId === 'CONSENT_NOTICE' ? 'CONSENT_NOTICE' : 'CUSTODY', side: 'REQUESTED', legalRef: rule.legalRef, verified: rule.verified, startedAt: at, breachAt: d.breachAt, lastDay: d.lastDay });
  }
  // Reminders at a local hour on given days after the arrest, to the requesting central authority.
  const reminders = s.basis.rulePack.clocks.PA_REMINDER_DAYS as unknown as { days?: number[]; atLocalTime?: string; legalRef?: string; verified?: boolean } | undefined;
  if (reminders?.days?.length) {
    const [hh, mm] = (reminders.atLocalTime ?? '09:00').split(':').map(Number);
    const day0 = civilDate(at, tz);
    for (const n of reminders.days) {
      const lastDay = addDays(day0, n);
      next = addClock(next, { ruleId: `PA_REMINDER_D${n}`, kind: 'CUSTODY_REMINDER', side: 'REQUESTING', legalRef: reminders.legalRef ?? 'provisional-arrest reminder (rule pack)', verified: Boolean(reminders.verified), startedAt: at, breachAt: zonedInstant(lastDay, s.ctx.timeZones.requesting, hh, mm), lastDay });
    }
  }
  return next;
}

/** Surrender: day 0 is the agreed date; release possible after the soft limit, required after the hard one. */
function startSurrenderClocks(s: ExtraditionCaseState, agreedDate: string, at: number): ExtraditionCaseState {
  let next = s;
  const tz = s.ctx.timeZones.requested;
  const day0 = zonedInstant(agreedDate, tz, 12, 0);
  for (const ruleId of ['SURRENDER_SOFT', 'SURRENDER_HARD'] as const) {
    const rule = clockRule(s.basis.rulePack, ruleId);
    if (!rule) continue;
    const d = deadlineFrom(day0, rule.amount, rule.unit, tz);
    // A limit already run out when the date is recorded falls due then, not before the act that set it.
    next = addClock(next, { ruleId, kind: 'SURRENDER', side: 'REQUESTED', legalRef: rule.legalRef, verified: rule.verified, startedAt: at, breachAt: Math.max(at, d.breachAt), lastDay: d.lastDay });
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
  let next: ExtraditionCaseState = { ...s, clocks: s.clocks.map((c) => (c.id === k.id && k.kind !== 'SLA' && k.kind !== 'STALL' ? { ...c, status: 'BREACHED' as const, stoppedAt: at } : c)) };
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
      next = openTask(next, { kind: 'REMINDER', level: 0, addressee: 'REQUESTING_CA', reason: `person in provisional custody: the formal request must reach ${s.ctx.requestedState}${soft?.lastDay ? ` before release becomes possible after ${soft.lastDay}` : ''}` }, at, soft?.breachAt, k.id);
      const event = record('REMINDER', { notify: [{ stateCode: s.ctx.requestingState, addressee: 'REQUESTING_CA', message: 'formal extradition request due' }] });
      return { state: next, events: [event] };
    }
    case 'CONSENT_NOTICE':
      next = openTask(next, { kind: 'REMINDER', level: 0, addressee: 'REQUESTED_CA', reason: 'notice of consent to simplified extradition due (CETS 209 art. 6)' }, at, undefined, k.id);
      const event = record('REMINDER');
      return { state: next, events: [event] };
    case 'CUSTODY': {
      if (k.ruleId === 'PA_SOFT') {
        next = { ...next, flags: withFlag(next.flags, 'RELEASE_POSSIBLE') };
        const event = record('RELEASE_POSSIBLE', { notify: [{ stateCode: s.ctx.requestingState, addressee: 'REQUESTING_CA', message: 'release of the person is now possible' }] });
        return { state: next, events: [event] };
      }
      // Hard limit without a formal request: the person must be released.
      const custodyDays = s.custody.arrestedAt !== undefined ? calendarDaysBetween(s.custody.arrestedAt, at, s.ctx.timeZones.requested) : 0;
      next = stopClocks(next, (c) => c.kind === 'CUSTODY_REMINDER' || c.kind === 'CONSENT_NOTICE' || c.ruleId === 'PA_SOFT', at, 'OBSOLETE', 'CANCELLED');
      next = { ...next, custody: { ...next.custody, atLiberty: true, endedAt: at, days: custodyDays }, flags: without(without(next.flags, 'IN_CUSTODY'), 'RELEASE_POSSIBLE') };
      const event = toState('RELEASED_PENDING_REQUEST', 'RELEASE_REQUIRED', {
        data: { clockId: k.id, custodyDays, note: 'a formal request that arrives later reopens the case with the person at liberty; a re-arrest may then be requested' },
        notify: [{ stateCode: s.ctx.requestingState, addressee: 'REQUESTING_CA', message: 'person released: custody limit reached without a formal request' }],
      });
      return { state: next, events: [event] };
    }
    case 'SURRENDER': {
      if (k.ruleId === 'SURRENDER_SOFT') {
        next = { ...next, flags: withFlag(next.flags, 'RELEASE_POSSIBLE') };
        const event = record('RELEASE_POSSIBLE');
        return { state: next, events: [event] };
      }
      next = endAllClocks({ ...next, flags: without(without(next.flags, 'IN_CUSTODY'), 'RELEASE_POSSIBLE'), custody: { ...next.custody, atLiberty: true, endedAt: at } }, at);
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
    custodyDays: running ? calendarDaysBetween(s.custody.arrestedAt!, now!, s.ctx.timeZones.requested) : s.custody.days,
    inCustody: !s.custody.atLiberty,
    reminders: s.tasks.filter((t) => t.kind === 'REMINDER').length,
    escalations: s.tasks.filter((t) => t.kind === 'ESCALATION').length,
    reviewCycles: s.formal.reviewCycles.length,
  };
}

