import type { ActorRef } from '../roles';
import { PARTY_RELATIONS } from '../policy';
import type { FieldProblem, RuleViolation } from '../rule-violation';
import { LegalBasisSnapshot, clockRule, statesOutOfForce } from '../rule-pack';
import { DAY_MS, calendarDaysBetween, civilDate, deadlineFrom, endOfDate, workingDaysBetween, zonedInstant } from '../time/calendar';
import {
  Addressee, BreachAction, CaseContext, CaseEvent, Clock, ClockKind, ClockStatus, Flag, Notification, Side, Task,
  SlaClockSpec, addClock, advanceClocks, endAllClocks, eventTime, fireSla, fireStall, moveSlaClocks, pauseClocks, resumeClocks, slaSpecOf, nextNetworkLevel, nextWakeAt, openTask, recordPartyActivity, refreshEscalatedFlag,
  resolveOpenTasks, restartStallClock, ruleDue, startClock, stopClocks, stripUndefined, systemEvent, tzOf, withFlag, without,
} from '../case/clockwork';

export type { Addressee, CaseContext, CaseEvent, Clock, ClockKind, ClockStatus, Flag, Notification, Side, Task } from '../case/clockwork';
export { SYSTEM_ACTOR, nextWakeAt } from '../case/clockwork';
import { checkCompleteness } from './mla-completeness';
import { CommandEnvelope, ItemForwarding, MLA_COMMANDS, MlaCommand, REFUSAL_GROUNDS } from './mla-commands';
import { checkTransmission } from '../case/transmission';
import type { MlaItem, MlaRequestContent } from './mla-content';
import { MlaState, isTerminal } from './mla-states';

// ---------------------------------------------------------------------------------------------
// The MLA case as a pure state machine. The workflow owns one MlaCaseState, feeds it commands and
// the passing of time, and persists the events it returns. Nothing here reads a clock or does I/O.
// ---------------------------------------------------------------------------------------------

export interface ReviewCycle {
  startedAt: number;
  endedAt?: number;
  outcome?: 'APPROVED' | 'RETURNED' | 'ENDED';
}

export interface MlaCaseState {
  ctx: CaseContext;
  status: MlaState;
  seq: number;
  filedAt: number;
  lastEventAt: number;
  lastPartyEventAt: number;
  content: MlaRequestContent;
  basis: LegalBasisSnapshot;
  basisOverride?: { at: number; by: string; justification: string };
  flags: Flag[];
  items: MlaItem[];
  clocks: Clock[];
  tasks: Task[];
  escalatedToFocalPointsOf: string[];
  /** Where the case returns once additional information is provided. */
  resumeTo?: MlaState;
  pauseStartedAt?: number;
  pausedMs: number;
  reviewCycles: ReviewCycle[];
  transmission?: { channel: string; reference: string; at: number; by: string; oral: boolean };
  translation?: { language: string; documentRef: string; at: number };
  postponement?: { reviewDate: string; reasons: string };
  refusal?: { ground: string; legalRef: string; reasons: string };
  transmittedAt?: number;
  receivedAt?: number;
  resultsTransmittedAt?: number;
  consultationOpenedAt?: number;
  nextId: number;
}

export type Outcome =
  | { ok: true; state: MlaCaseState; events: CaseEvent[]; warnings: FieldProblem[] }
  | { ok: false; violation: RuleViolation };

// --------------------------------------------------------------------------------- clocks table

const SLA_CLOCKS: SlaClockSpec[] = [
  { ruleId: 'CA_REVIEW', states: ['PENDING_CA_REVIEW'], side: 'REQUESTING', pausesForInfo: false,
    onBreach: { kind: 'REMINDER', level: 0, addressee: 'REQUESTING_CA', reason: 'central-authority review overdue' } },
  { ruleId: 'CA_REVIEW_ESCALATION', states: ['PENDING_CA_REVIEW'], side: 'REQUESTING', pausesForInfo: false,
    onBreach: { kind: 'ESCALATION', level: 1, addressee: 'REQUESTING_CA_HEAD', reason: 'central-authority review still pending' } },
  { ruleId: 'CORRECTION', states: ['RETURNED_FOR_CORRECTION'], side: 'REQUESTING', pausesForInfo: false,
    onBreach: { kind: 'REMINDER', level: 0, addressee: 'REQUESTING_PROSECUTOR', reason: 'correction overdue' } },
  { ruleId: 'TRANSLATION', states: ['TRANSLATION_PENDING'], side: 'REQUESTING', pausesForInfo: false,
    onBreach: { kind: 'REMINDER', level: 0, addressee: 'REQUESTING_CA', reason: 'certified translation overdue' } },
  { ruleId: 'ACK', states: ['TRANSMITTED'], side: 'REQUESTED', pausesForInfo: false,
    onBreach: { kind: 'REMINDER', level: 0, addressee: 'REQUESTING_CA', reason: 'no acknowledgment of receipt' } },
  { ruleId: 'NETWORK_ESCALATION_NO_ACK', states: ['TRANSMITTED'], side: 'REQUESTED', pausesForInfo: false, onBreach: 'NETWORK_LADDER', repeat: true },
  { ruleId: 'REQUESTED_REVIEW', states: ['RECEIVED'], side: 'REQUESTED', pausesForInfo: true,
    onBreach: { kind: 'REMINDER', level: 0, addressee: 'REQUESTED_CA', reason: 'review by the requested central authority overdue' } },
  { ruleId: 'INFO_RESPONSE', states: ['ADDITIONAL_INFO_REQUESTED'], side: 'REQUESTING', pausesForInfo: false,
    onBreach: { kind: 'REMINDER', level: 0, addressee: 'REQUESTING_PROSECUTOR', reason: 'additional information overdue' } },
  { ruleId: 'STATUS_CHECK', states: ['IN_EXECUTION', 'PARTIALLY_EXECUTED'], side: 'REQUESTED', pausesForInfo: true, repeat: true,
    onBreach: { kind: 'STATUS_CHECK', level: 0, addressee: 'REQUESTED_CA', reason: 'status check: progress of execution (UNTOC art. 18(24))' } },
  { ruleId: 'RESULTS_TRANSMISSION', states: ['EXECUTED'], side: 'REQUESTED', pausesForInfo: false,
    onBreach: { kind: 'REMINDER', level: 0, addressee: 'REQUESTED_CA', reason: 'results not yet transmitted' } },
  // European Investigation Order (Directive 2014/41/EU): run only when the pinned pack defines them.
  { ruleId: 'EIO_RECEIPT', states: ['TRANSMITTED'], side: 'REQUESTED', pausesForInfo: false,
    onBreach: { kind: 'REMINDER', level: 0, addressee: 'REQUESTED_CA', reason: 'acknowledgment of receipt (Annex B) overdue (EIO art. 16(1))' } },
  { ruleId: 'EIO_RECOGNITION', states: ['RECEIVED', 'CONSULTATION'], side: 'REQUESTED', pausesForInfo: true,
    onBreach: { kind: 'ESCALATION', level: 1, addressee: 'REQUESTED_CA_HEAD', reason: 'decision on recognition overdue (EIO art. 12(3))' } },
  { ruleId: 'EIO_EXECUTION', states: ['IN_EXECUTION', 'PARTIALLY_EXECUTED', 'POSTPONED'], side: 'REQUESTED', pausesForInfo: true,
    onBreach: { kind: 'ESCALATION', level: 1, addressee: 'REQUESTED_CA_HEAD', reason: 'execution overdue (EIO art. 12(4))' } },
];

/** A draft can sit unsubmitted: STALLED counts only once the request is in the authorities' hands. */
const stallable = (state: MlaState) => state !== 'DRAFT' && !isTerminal(state);

export function advanceTime(state: MlaCaseState, now: number): { state: MlaCaseState; events: CaseEvent[] } {
  return advanceClocks(state, now, fireAt, (s) => isTerminal(s.status));
}

// --------------------------------------------------------------------------------- construction

export interface FilingInput {
  ctx: CaseContext;
  content: MlaRequestContent;
  basis: LegalBasisSnapshot;
  filedBy: ActorRef;
  at: number;
}

export function fileCase(input: FilingInput): { state: MlaCaseState; events: CaseEvent[] } {
  const { ctx, content, basis, at } = input;
  let state: MlaCaseState = {
    ctx,
    status: 'DRAFT',
    seq: 0,
    filedAt: at,
    lastEventAt: at,
    lastPartyEventAt: at,
    content,
    basis,
    flags: content.urgency === 'URGENT' ? ['URGENT'] : [],
    items: content.assistanceTypes.map((assistanceType, i) => ({ id: `item-${i + 1}`, assistanceType, status: 'PENDING' })),
    clocks: [],
    tasks: [],
    escalatedToFocalPointsOf: [],
    pausedMs: 0,
    reviewCycles: [],
    nextId: 1,
  };
  state = refreshBasisFlag(state);
  state = syncRequesterDeadline(state, at);
  const event: CaseEvent = {
    seq: 0,
    type: 'FILED',
    from: 'DRAFT',
    to: 'DRAFT',
    actor: input.filedBy,
    at,
    legalRef: basis.instrumentId,
    data: { rulePack: { instrumentId: basis.instrumentId, version: basis.rulePack.version } },
  };
  return { state, events: [event] };
}

// --------------------------------------------------------------------------------- commands

function violation(kind: RuleViolation['kind'], code: string, message: string, extra: Partial<RuleViolation> = {}): Outcome {
  return { ok: false, violation: { kind, code, message, ...extra } };
}

function invalidField(field: string, rule: string, message: string, legalRef?: string): Outcome {
  return violation('INVALID', 'INVALID_COMMAND', message, { legalRef, errors: [{ field, rule, message, legalRef }] });
}

/**
 * Applies one command at workflow time `now`. Refusals say which rule, and cite the article where
 * there is one; acceptance returns the new state and the events to record. Pure.
 */
export function handleCommand(state: MlaCaseState, envelope: CommandEnvelope, now: number): Outcome {
  const { command, relation, actor } = envelope;
  const spec = MLA_COMMANDS[command.type];
  if (!spec) return violation('INVALID', 'UNKNOWN_COMMAND', `unknown command ${String(command.type)}`);
  if (isTerminal(state.status)) {
    return violation('CONFLICT', 'CASE_TERMINAL', `the case is ${state.status}, a terminal state: no further command is accepted`);
  }
  if (!spec.by.includes(relation)) {
    return violation('CONFLICT', 'NOT_YOUR_STEP', `${command.type} is not a step for ${relation.toLowerCase().replace(/_/g, ' ')}`);
  }
  if (spec.from !== 'ANY_OPEN' && !spec.from.includes(state.status)) {
    if ((command.type === 'REFUSE' || command.type === 'POSTPONE') && state.status !== 'CONSULTATION') {
      return violation('CONFLICT', 'CONSULTATION_REQUIRED', `${command.type === 'REFUSE' ? 'refusal' : 'postponement'} is possible only after consultation with the requesting State (UNTOC art. 18(26)); open a consultation first`, {
        legalRef: 'UNTOC art. 18(26)',
      });
    }
    return violation('CONFLICT', 'INVALID_TRANSITION', `${command.type} is possible only from ${spec.from.join(', ')}; the case is ${state.status}`);
  }

  const when = eventTime(envelope.occurredAt, now, state.lastEventAt);
  if (!('at' in when)) return invalidField(when.field, when.rule, when.message);
  const at = when.at;

  const result = apply(state, command, actor, at);
  if (!result.ok) return result;
  let next = result.state;
  const events = result.events;
  // A party's act is news from the case: STALLED ends and its clock restarts. Network contacts'
  // notes and administrators' overrides are not party activity.
  if (PARTY_RELATIONS.has(relation)) next = recordPartyActivity(next, relation, at, stallable(next.status));
  next = { ...next, lastEventAt: at };
  next = refreshEscalatedFlag(next);
  return { ok: true, state: next, events, warnings: result.warnings };
}

type Applied = { ok: true; state: MlaCaseState; events: CaseEvent[]; warnings: FieldProblem[] } | { ok: false; violation: RuleViolation };

function apply(s: MlaCaseState, c: MlaCommand, actor: ActorRef, at: number): Applied {
  const ev = (state: MlaCaseState, to: MlaState, extra: Partial<CaseEvent> = {}) => emit(state, c, actor, at, s.status, to, extra);
  switch (c.type) {
    case 'SUBMIT':
    case 'RESUBMIT': {
      const report = checkCompleteness(s.content, s.basis.rulePack.completenessProfile);
      if (report.errors.length) {
        return {
          ok: false,
          violation: {
            kind: 'INVALID',
            code: 'INCOMPLETE_REQUEST',
            message: `the request lacks ${report.errors.length} mandatory element(s): ${report.errors.map((e) => e.message).join('; ')}`,
            legalRef: s.basis.rulePack.completenessProfile === 'ECOWAS_5_1' ? 'ECOWAS art. 5(1); UNTOC art. 18(15)' : 'UNTOC art. 18(15)',
            errors: [...report.errors, ...report.warnings.map((w) => ({ ...w, rule: `warning:${w.rule}` }))],
          },
        };
      }
      let next = transition(s, 'PENDING_CA_REVIEW', at);
      next = { ...next, reviewCycles: [...next.reviewCycles, { startedAt: at }] };
      const out = ev(next, 'PENDING_CA_REVIEW', { comment: c.comment, data: report.warnings.length ? { warnings: report.warnings } : undefined });
      if (s.ctx.network.liaisonMagistrate && c.type === 'SUBMIT') {
        out.state = openTask(out.state, { kind: 'PRECHECK', level: 2, addressee: 'LIAISON_MAGISTRATE', reason: 'pre-check of the draft (comments only)' }, at, ruleDue(out.state, 'PRECHECK', at, 'REQUESTING'));
      }
      return { ok: true, ...out, warnings: report.warnings };
    }
    case 'AMEND': {
      const { legalBasis: _ignored, ...changes } = c.changes ?? {};
      let next: MlaCaseState = { ...s, content: { ...s.content, ...changes } };
      if (changes.assistanceTypes) {
        next.items = changes.assistanceTypes.map((assistanceType, i) => ({ id: `item-${i + 1}`, assistanceType, status: 'PENDING' }));
      }
      if (c.basis) next = { ...next, basis: c.basis, basisOverride: undefined };
      next = { ...next, flags: next.content.urgency === 'URGENT' ? withFlag(next.flags, 'URGENT') : without(next.flags, 'URGENT') };
      next = refreshBasisFlag(next);
      next = syncRequesterDeadline(next, at);
      return { ok: true, ...ev(next, s.status, { comment: c.comment, data: { changed: Object.keys(changes), basis: c.basis?.instrumentId } }), warnings: [] };
    }
    case 'APPROVE': {
      const out = statesOutOfForce(s.basis, [s.ctx.requestingState, s.ctx.requestedState], civilDate(s.filedAt, s.ctx.timeZones.requesting));
      if (out.length && !s.basisOverride) {
        return {
          ok: false,
          violation: {
            kind: 'CONFLICT',
            code: 'LEGAL_BASIS_NOT_IN_FORCE',
            message: `${s.basis.instrumentId} was not in force for ${out.join(' and ')} on the filing date ${civilDate(s.filedAt, s.ctx.timeZones.requesting)}: change the legal basis, or an administrator must record an override with its justification`,
            legalRef: s.basis.instrumentId,
          },
        };
      }
      const accepted = acceptedLanguages(s);
      const needsTranslation = !accepted.includes(s.content.language);
      const to: MlaState = needsTranslation ? 'TRANSLATION_PENDING' : 'READY_TO_TRANSMIT';
      let next = closeReviewCycle(s, at, 'APPROVED');
      next = transition(next, to, at);
      const { state, events } = ev(next, to, {
        comment: c.comment,
        data: needsTranslation ? { translationRequiredInto: accepted } : undefined,
      });
      const precheckDone = resolveOpenTasks(state, (t) => t.kind === 'PRECHECK', at, 'OBSOLETE');
      return { ok: true, state: precheckDone, events, warnings: [] };
    }
    case 'RETURN_FOR_CORRECTION': {
      if (!c.comment?.trim()) return invalidField('comment', 'required', 'a return for correction must say what to correct');
      const next = transition(closeReviewCycle(s, at, 'RETURNED'), 'RETURNED_FOR_CORRECTION', at);
      return { ok: true, ...ev(next, 'RETURNED_FOR_CORRECTION', { comment: c.comment }), warnings: [] };
    }
    case 'OVERRIDE_BASIS': {
      if (!c.justification?.trim() || c.justification.trim().length < 20) {
        return invalidField('justification', 'min_length', 'an override of the legal basis needs a written justification (20 characters at least)');
      }
      const next = { ...s, basisOverride: { at, by: actor.userId, justification: c.justification }, flags: without(s.flags, 'BASIS_NOT_IN_FORCE') };
      return { ok: true, ...ev(next, s.status, { comment: c.justification, legalRef: s.basis.instrumentId }), warnings: [] };
    }
    case 'REPIN_RULE_PACK': {
      if (!c.justification?.trim() || c.justification.trim().length < 20) {
        return invalidField('justification', 'min_length', 're-pinning a rule pack moves running clocks: give a written justification (20 characters at least)');
      }
      if (!c.basis || c.basis.instrumentId !== s.basis.instrumentId) {
        return invalidField('basis', 'same_instrument', 'a re-pin takes a newer pack of the same instrument; change the basis by amendment instead');
      }
      const moved: string[] = [];
      const clocks = s.clocks.map((k) => {
        const rule = clockRule(c.basis!.rulePack, k.ruleId);
        const live = k.status === 'RUNNING' || k.status === 'PAUSED';
        if (!live || !rule || (k.kind !== 'SLA' && k.kind !== 'STALL') || k.firings > 0) return k;
        const d = deadlineFrom(k.startedAt, rule.amount, rule.unit, tzOf(s, k.side));
        // A shorter period that has already run out falls due at the re-pin (or, paused, at the
        // resumption), never at an instant before the act that set it.
        const breachAt = Math.max(k.status === 'PAUSED' ? k.pausedAt ?? at : at, d.breachAt + k.pausedMs);
        if (breachAt === k.breachAt) return k;
        moved.push(k.id);
        return { ...k, breachAt, lastDay: d.lastDay, legalRef: rule.legalRef, verified: rule.verified };
      });
      const from = s.basis.rulePack.version;
      const next = { ...s, basis: { ...s.basis, rulePack: c.basis.rulePack }, clocks };
      return { ok: true, ...ev(next, s.status, { comment: c.justification, data: { instrumentId: s.basis.instrumentId, fromVersion: from, toVersion: c.basis.rulePack.version, clocksMoved: moved } }), warnings: [] };
    }
    case 'ATTACH_TRANSLATION': {
      const accepted = acceptedLanguages(s);
      if (!c.certified) return invalidField('certified', 'must_be_true', 'transmission waits for a certified translation (UNTOC art. 18(14))', 'UNTOC art. 18(14)');
      if (!accepted.includes(c.language)) {
        return invalidField('language', 'accepted_language', `${c.language} is not a language ${s.ctx.requestedState} accepts under ${s.basis.instrumentId} (accepted: ${accepted.join(', ')})`, s.basis.rulePack.acceptedLanguagesRef ?? 'UNTOC art. 18(14)');
      }
      if (!c.documentRef?.trim()) return invalidField('documentRef', 'required', 'the certified translation document must be referenced');
      const next = { ...transition(s, 'READY_TO_TRANSMIT', at), translation: { language: c.language, documentRef: c.documentRef, at } };
      return { ok: true, ...ev(next, 'READY_TO_TRANSMIT', { comment: c.comment, data: { language: c.language, documentRef: c.documentRef } }), warnings: [] };
    }
    case 'TRANSMIT': {
      const problem = checkTransmission(s.content.urgency === 'URGENT', c);
      if (problem) return invalidField(problem.field, problem.rule, problem.message, problem.legalRef);
      let next: MlaCaseState = {
        ...transition(s, 'TRANSMITTED', at),
        transmission: { channel: c.channel, reference: c.reference, at, by: actor.userId, oral: Boolean(c.oral) },
        transmittedAt: at,
      };
      if (c.oral) {
        next = { ...next, flags: withFlag(next.flags, 'ORAL_UNCONFIRMED') };
        next = startClock(next, 'ORAL_CONFIRMATION', 'ORAL_CONFIRMATION', 'REQUESTING', at);
      }
      return {
        ok: true,
        ...ev(next, 'TRANSMITTED', {
          comment: c.comment,
          data: { channel: c.channel, evidence: { reference: c.reference, at: new Date(at).toISOString(), by: actor.userId }, oral: Boolean(c.oral) },
          notify: [{ stateCode: s.ctx.requestedState, addressee: 'REQUESTED_CA', message: 'a request for mutual legal assistance has been transmitted' }],
        }),
        warnings: [],
      };
    }
    case 'CONFIRM_IN_WRITING': {
      if (!s.flags.includes('ORAL_UNCONFIRMED')) return violation('CONFLICT', 'NOT_ORAL', 'the request was not made orally: there is nothing to confirm');
      let next = { ...s, flags: without(s.flags, 'ORAL_UNCONFIRMED') };
      next = stopClocks(next, (k) => k.kind === 'ORAL_CONFIRMATION', at, 'RESOLVED');
      return { ok: true, ...ev(next, s.status, { comment: c.comment, data: { reference: c.reference } }), warnings: [] };
    }
    case 'ACKNOWLEDGE': {
      const next = { ...transition(s, 'RECEIVED', at), receivedAt: at };
      return { ok: true, ...ev(next, 'RECEIVED', { comment: c.comment, data: c.reference ? { reference: c.reference } : undefined, notify: notifyRequesting(s, 'receipt acknowledged') }), warnings: [] };
    }
    case 'REQUEST_INFO': {
      if (!c.details?.trim()) return invalidField('details', 'required', 'say what additional information is needed (UNTOC art. 18(16))', 'UNTOC art. 18(16)');
      const next = { ...transition(s, 'ADDITIONAL_INFO_REQUESTED', at), resumeTo: s.status };
      const out = ev(next, 'ADDITIONAL_INFO_REQUESTED', { comment: c.details, notify: notifyRequesting(s, 'additional information requested') });
      const clock = out.state.clocks.find((k) => k.ruleId === 'INFO_RESPONSE' && k.status === 'RUNNING');
      out.state = openTask(out.state, { kind: 'INFO_RESPONSE', level: 0, addressee: 'REQUESTING_PROSECUTOR', reason: `provide the additional information requested: ${c.details}` }, at, clock?.breachAt, clock?.id);
      return { ok: true, ...out, warnings: [] };
    }
    case 'PROVIDE_INFO': {
      if (!c.details?.trim()) return invalidField('details', 'required', 'the information provided must be described');
      const to = s.resumeTo ?? 'RECEIVED';
      const next = { ...transition(s, to, at), resumeTo: undefined };
      return { ok: true, ...ev(next, to, { comment: c.details }), warnings: [] };
    }
    case 'OPEN_CONSULTATION': {
      if (!c.proposal?.trim()) return invalidField('proposal', 'required', 'a consultation states what is proposed (UNTOC art. 18(26))', 'UNTOC art. 18(26)');
      const next = { ...transition(s, 'CONSULTATION', at), consultationOpenedAt: at };
      return { ok: true, ...ev(next, 'CONSULTATION', { comment: c.proposal, notify: notifyRequesting(s, 'consultation opened') }), warnings: [] };
    }
    case 'CONSULTATION_REPLY': {
      if (!c.text?.trim()) return invalidField('text', 'required', 'the reply must not be empty');
      return { ok: true, ...ev(s, s.status, { comment: c.text }), warnings: [] };
    }
    case 'REFUSE': {
      const legalRef = REFUSAL_GROUNDS[c.ground];
      if (!legalRef) return invalidField('ground', 'isIn', `ground must be one of ${Object.keys(REFUSAL_GROUNDS).join(', ')} (UNTOC art. 18(21))`, 'UNTOC art. 18(21)');
      if (!c.reasons?.trim()) return invalidField('reasons', 'required', 'reasons shall be given for any refusal of mutual legal assistance (UNTOC art. 18(23))', 'UNTOC art. 18(23)');
      const next = { ...transition(s, 'REFUSED', at), refusal: { ground: c.ground, legalRef, reasons: c.reasons } };
      return { ok: true, ...ev(next, 'REFUSED', { comment: c.reasons, legalRef, data: { ground: c.ground }, notify: notifyRequesting(s, `request refused (${c.ground})`) }), warnings: [] };
    }
    case 'POSTPONE': {
      if (!/^\d{4}-\d{2}-\d{2}$/.test(c.reviewDate ?? '')) return invalidField('reviewDate', 'date', 'reviewDate must be a calendar date (YYYY-MM-DD)');
      if (c.reviewDate <= civilDate(at, s.ctx.timeZones.requested)) return invalidField('reviewDate', 'in_future', 'the review date of a postponement must be in the future (UNTOC art. 18(25))', 'UNTOC art. 18(25)');
      if (!c.reasons?.trim()) return invalidField('reasons', 'required', 'a postponement must give its reasons (UNTOC art. 18(23), 18(25))', 'UNTOC art. 18(25)');
      let next: MlaCaseState = { ...transition(s, 'POSTPONED', at), postponement: { reviewDate: c.reviewDate, reasons: c.reasons } };
      next = addClock(next, {
        ruleId: 'POSTPONEMENT_REVIEW', kind: 'REVIEW_DATE', side: 'REQUESTED', legalRef: 'UNTOC art. 18(25)', verified: true,
        startedAt: at, breachAt: zonedInstant(c.reviewDate, s.ctx.timeZones.requested), lastDay: c.reviewDate,
      });
      return { ok: true, ...ev(next, 'POSTPONED', { comment: c.reasons, data: { reviewDate: c.reviewDate }, notify: notifyRequesting(s, `execution postponed until ${c.reviewDate}`) }), warnings: [] };
    }
    case 'RESUME': {
      const next = transition(s, 'IN_EXECUTION', at);
      return { ok: true, ...ev(next, 'IN_EXECUTION', { comment: c.comment }), warnings: [] };
    }
    case 'ACCEPT': {
      const forwarded = forward(s, c.forward ?? [], at);
      if (!forwarded.ok) return forwarded;
      const next = transition(forwarded.state, 'IN_EXECUTION', at);
      return { ok: true, ...ev(next, 'IN_EXECUTION', { comment: c.comment, data: c.forward?.length ? { forward: c.forward } : undefined, notify: notifyRequesting(s, 'request accepted for execution') }), warnings: [] };
    }
    case 'FORWARD_ITEMS': {
      const forwarded = forward(s, c.forward, at);
      if (!forwarded.ok) return forwarded;
      return { ok: true, ...ev(forwarded.state, s.status, { comment: c.comment, data: { forward: c.forward } }), warnings: [] };
    }
    case 'RECORD_EXECUTION': {
      const item = s.items.find((i) => i.id === c.itemId);
      if (!item) return invalidField('itemId', 'known_item', `no item ${c.itemId} in this request`);
      if (item.status !== 'FORWARDED') return violation('CONFLICT', 'ITEM_NOT_FORWARDED', `item ${c.itemId} is ${item.status}: only a forwarded item can be executed`);
      if (item.executingAuthorityId !== actor.authorityId) {
        return violation('CONFLICT', 'NOT_YOUR_ITEM', `item ${c.itemId} was forwarded to ${item.executingAuthorityId}, not to your authority`);
      }
      const items = s.items.map((i) => (i.id === c.itemId ? { ...i, status: 'EXECUTED' as const, executedAt: at, note: c.note } : i));
      const to = derivedExecutionState(items);
      const next = transition({ ...s, items }, to, at);
      return { ok: true, ...ev(next, to, { comment: c.note, data: { itemId: c.itemId } }), warnings: [] };
    }
    case 'TRANSMIT_RESULTS': {
      if (!c.reference?.trim()) return invalidField('reference', 'required', 'the transmission of results needs a reference');
      const wanted = c.itemIds?.length ? c.itemIds : s.items.filter((i) => i.status === 'EXECUTED').map((i) => i.id);
      for (const id of wanted) {
        const item = s.items.find((i) => i.id === id);
        if (!item) return invalidField('itemIds', 'known_item', `no item ${id} in this request`);
        if (item.status !== 'EXECUTED') return violation('CONFLICT', 'ITEM_NOT_EXECUTED', `item ${id} is ${item.status}: only executed items have results to transmit`);
      }
      if (wanted.length === 0) return violation('CONFLICT', 'NOTHING_TO_TRANSMIT', 'no executed item has results to transmit');
      const items = s.items.map((i) => (wanted.includes(i.id) ? { ...i, status: 'RETURNED' as const, returnedAt: at } : i));
      const allReturned = items.every((i) => i.status === 'RETURNED');
      const to: MlaState = allReturned ? 'RESULTS_TRANSMITTED' : s.status;
      let next: MlaCaseState = { ...s, items };
      if (allReturned) next = { ...transition(next, 'RESULTS_TRANSMITTED', at), resultsTransmittedAt: at };
      return { ok: true, ...ev(next, to, { comment: c.comment, data: { itemIds: wanted, reference: c.reference }, notify: notifyRequesting(s, 'results transmitted') }), warnings: [] };
    }
    case 'CONFIRM_RECEIPT': {
      const next = transition(s, 'CLOSED', at);
      return { ok: true, ...ev(next, 'CLOSED', { comment: c.comment, notify: [{ stateCode: s.ctx.requestedState, addressee: 'REQUESTED_CA', message: 'receipt of results confirmed; case closed' }] }), warnings: [] };
    }
    case 'WITHDRAW': {
      if (!c.reason?.trim()) return invalidField('reason', 'required', 'a withdrawal must give its reason');
      const notify: Notification[] = s.transmittedAt !== undefined ? [{ stateCode: s.ctx.requestedState, addressee: 'REQUESTED_CA', message: 'request withdrawn' }] : [];
      const next = transition(s, 'WITHDRAWN', at);
      return { ok: true, ...ev(next, 'WITHDRAWN', { comment: c.reason, notify }), warnings: [] };
    }
    case 'NOTE': {
      if (!c.text?.trim()) return invalidField('text', 'required', 'a note must not be empty');
      let next = s;
      if (actor.role === 'LIAISON_MAGISTRATE') next = resolveOpenTasks(next, (t) => t.kind === 'PRECHECK', at, 'RESOLVED');
      return { ok: true, ...ev(next, s.status, { comment: c.text }), warnings: [] };
    }
  }
}

function emit(state: MlaCaseState, c: MlaCommand, actor: ActorRef, at: number, from: MlaState, to: MlaState, extra: Partial<CaseEvent>): { state: MlaCaseState; events: CaseEvent[] } {
  const seq = state.seq + 1;
  const event: CaseEvent = { seq, type: c.type, from, to, actor, at, legalRef: MLA_COMMANDS[c.type].legalRef, ...stripUndefined(extra) };
  return { state: { ...state, seq, status: to }, events: [event] };
}


function notifyRequesting(s: MlaCaseState, message: string): Notification[] {
  return [{ stateCode: s.ctx.requestingState, addressee: 'REQUESTING_CA', message }];
}

function acceptedLanguages(s: MlaCaseState): string[] {
  return [...new Set([...(s.basis.rulePack.acceptedLanguages ?? []), ...s.ctx.requestedStateLanguages])];
}

function forward(s: MlaCaseState, forwarding: ItemForwarding[], at: number): { ok: true; state: MlaCaseState } | { ok: false; violation: RuleViolation } {
  let items = s.items;
  for (const f of forwarding) {
    if (!f.executingAuthorityId?.trim()) return { ok: false, violation: { kind: 'INVALID', code: 'INVALID_COMMAND', message: 'executingAuthorityId required', errors: [{ field: 'forward.executingAuthorityId', rule: 'required', message: 'executingAuthorityId required' }] } };
    for (const id of f.itemIds) {
      const item = items.find((i) => i.id === id);
      if (!item) return { ok: false, violation: { kind: 'INVALID', code: 'INVALID_COMMAND', message: `no item ${id} in this request`, errors: [{ field: 'forward.itemIds', rule: 'known_item', message: `no item ${id}` }] } };
      if (item.status === 'EXECUTED' || item.status === 'RETURNED') {
        return { ok: false, violation: { kind: 'CONFLICT', code: 'ITEM_ALREADY_EXECUTED', message: `item ${id} is already ${item.status}` } };
      }
      items = items.map((i) => (i.id === id ? { ...i, status: 'FORWARDED' as const, executingAuthorityId: f.executingAuthorityId, forwardedAt: at } : i));
    }
  }
  return { ok: true, state: { ...s, items } };
}

function derivedExecutionState(items: MlaItem[]): MlaState {
  const done = items.filter((i) => i.status === 'EXECUTED' || i.status === 'RETURNED').length;
  if (done === items.length) return 'EXECUTED';
  return done > 0 ? 'PARTIALLY_EXECUTED' : 'IN_EXECUTION';
}

function closeReviewCycle(s: MlaCaseState, at: number, outcome: ReviewCycle['outcome']): MlaCaseState {
  const cycles = s.reviewCycles.map((c, i) => (i === s.reviewCycles.length - 1 && c.endedAt === undefined ? { ...c, endedAt: at, outcome } : c));
  return { ...s, reviewCycles: cycles };
}

// --------------------------------------------------------------------------------- transitions

/**
 * Moves the case to `to` and keeps the clocks in step: clocks of the state left stop (met), those of
 * the state entered start; entering ADDITIONAL_INFO_REQUESTED pauses the requested side's clocks
 * instead, and leaving it resumes them; a terminal state cancels every clock and task.
 */
function transition(s: MlaCaseState, to: MlaState, at: number): MlaCaseState {
  const from = s.status;
  let next: MlaCaseState = { ...s, status: to };
  if (from === to) return next;

  // The case ends: every timer stops and every open task becomes obsolete.
  if (isTerminal(to)) {
    next = endAllClocks(next, at);
    return { ...next, flags: next.flags.filter((f) => f === 'URGENT' || f === 'DEADLINE_BREACHED') };
  }

  if (to === 'ADDITIONAL_INFO_REQUESTED') next = { ...pauseClocks(next, SLA_CLOCKS, at), pauseStartedAt: at };
  if (from === 'ADDITIONAL_INFO_REQUESTED') {
    const paused = next.pauseStartedAt !== undefined ? at - next.pauseStartedAt : 0;
    next = { ...resumeClocks(next, at), pausedMs: next.pausedMs + paused, pauseStartedAt: undefined };
  }
  next = stopClocks(next, (k) => k.kind === 'REVIEW_DATE', at, 'RESOLVED');
  next = moveSlaClocks(next, SLA_CLOCKS, to, at);
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

function specOf(k: Clock): SlaClockSpec | undefined {
  return slaSpecOf(SLA_CLOCKS, k);
}







/** The requester's reasoned deadline: an absolute date, end of day in the requested State, never paused. */
function syncRequesterDeadline(s: MlaCaseState, at: number): MlaCaseState {
  const date = s.content.requestedByDate;
  const others = s.clocks.filter((k) => k.kind !== 'REQUESTER_DEADLINE');
  if (!date) return { ...s, clocks: others };
  const tz = s.ctx.timeZones.requested;
  // A deadline already past when it is set is breached from that moment, not on some earlier day
  // before the act that set it (nor before the case existed).
  const breachAt = Math.max(at, endOfDate(date, tz));
  const atRisk = clockRule(s.basis.rulePack, 'DEADLINE_AT_RISK_BEFORE');
  // A deadline already close when it is set is at risk from that moment, not from some earlier day.
  const warnAt = atRisk ? Math.max(at, zonedInstant(date, tz) - (atRisk.amount - 1) * DAY_MS) : undefined;
  const existing = s.clocks.find((k) => k.kind === 'REQUESTER_DEADLINE');
  const clock: Clock = {
    id: existing?.id ?? `clock-${s.nextId}`,
    ruleId: 'REQUESTER_DEADLINE',
    kind: 'REQUESTER_DEADLINE',
    side: 'REQUESTED',
    legalRef: 'UNTOC art. 18(24); ECOWAS art. 5(1)(f)',
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

function refreshBasisFlag(s: MlaCaseState): MlaCaseState {
  const out = statesOutOfForce(s.basis, [s.ctx.requestingState, s.ctx.requestedState], civilDate(s.filedAt, s.ctx.timeZones.requesting));
  return { ...s, flags: out.length && !s.basisOverride ? withFlag(s.flags, 'BASIS_NOT_IN_FORCE') : without(s.flags, 'BASIS_NOT_IN_FORCE') };
}


// --------------------------------------------------------------------------------- tasks





// --------------------------------------------------------------------------------- time




function fireAt(s: MlaCaseState, at: number): { state: MlaCaseState; events: CaseEvent[] } {
  const events: CaseEvent[] = [];
  let next = s;
  // Warnings before breaches at the same instant.
  for (const k of next.clocks) {
    if (k.status === 'RUNNING' && k.warnAt === at && !k.warned) {
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
    case 'REQUESTER_DEADLINE': {
      setClock({ status: 'BREACHED', stoppedAt: at });
      next = { ...next, flags: withFlag(without(next.flags, 'DEADLINE_AT_RISK'), 'DEADLINE_BREACHED') };
      if (next.transmittedAt !== undefined && next.resultsTransmittedAt === undefined) {
        next = openTask(next, { kind: 'ESCALATION', level: 1, addressee: 'REQUESTED_CA_HEAD', reason: "requester's deadline passed without results (UNTOC art. 18(24))" }, at, undefined, k.id);
      }
      record('DEADLINE_BREACHED', { data: { clockId: k.id, requestedByDate: k.lastDay } });
      return { state: next, events };
    }
    case 'REVIEW_DATE':
      setClock({ status: 'BREACHED', stoppedAt: at });
      next = openTask(next, { kind: 'REMINDER', level: 0, addressee: 'REQUESTED_CA', reason: 'postponement review date reached: resume or consult' }, at, undefined, k.id);
      record('POSTPONEMENT_REVIEW_DUE', { data: { clockId: k.id } });
      return { state: next, events };
    case 'ORAL_CONFIRMATION':
      setClock({ status: 'BREACHED', stoppedAt: at });
      next = openTask(next, { kind: 'REMINDER', level: 0, addressee: 'REQUESTING_CA', reason: 'oral request not yet confirmed in writing (UNTOC art. 18(14))' }, at, undefined, k.id);
      record('REMINDER', { data: { clockId: k.id, ruleId: k.ruleId } });
      return { state: next, events };
    case 'SLA': {
      const spec = specOf(k)!;
      return fireSla(next, k, at, spec.onBreach === 'NETWORK_LADDER' ? nextNetworkLevel(next) : spec.onBreach, Boolean(spec.repeat));
    }
    default:
      // Kinds of other life cycles (custody, surrender) never run on an MLA case.
      return { state: next, events };
  }
}


// --------------------------------------------------------------------------------- reading

export interface CaseMetrics {
  ackDays?: number;
  requestedProcessingDays?: number;
  pausedDays: number;
  reviewCycles: Array<{ startedAt: string; endedAt?: string; outcome?: string; workingDays?: number }>;
  reminders: number;
  escalations: number;
  requesterDeadline?: { date: string; status: ClockStatus };
}

/** Figures a central authority and a manager ask for, computed from the case alone. */
export function metricsOf(s: MlaCaseState): CaseMetrics {
  const reqTz = s.ctx.timeZones.requested;
  const deadline = s.clocks.find((k) => k.kind === 'REQUESTER_DEADLINE');
  return {
    ackDays: s.transmittedAt !== undefined && s.receivedAt !== undefined ? calendarDaysBetween(s.transmittedAt, s.receivedAt, reqTz) : undefined,
    requestedProcessingDays:
      s.receivedAt !== undefined && s.resultsTransmittedAt !== undefined
        ? calendarDaysBetween(s.receivedAt, s.resultsTransmittedAt, reqTz) - Math.round(s.pausedMs / DAY_MS)
        : undefined,
    pausedDays: Math.round(s.pausedMs / DAY_MS),
    reviewCycles: s.reviewCycles.map((c) => ({
      startedAt: new Date(c.startedAt).toISOString(),
      endedAt: c.endedAt !== undefined ? new Date(c.endedAt).toISOString() : undefined,
      outcome: c.outcome,
      workingDays: c.endedAt !== undefined ? workingDaysBetween(c.startedAt, c.endedAt, s.ctx.timeZones.requesting) : undefined,
    })),
    reminders: s.tasks.filter((t) => t.kind === 'REMINDER').length,
    escalations: s.tasks.filter((t) => t.kind === 'ESCALATION').length,
    requesterDeadline: deadline ? { date: deadline.lastDay!, status: deadline.status } : undefined,
  };
}


