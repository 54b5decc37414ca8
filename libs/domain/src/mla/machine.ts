// The MLA case as a pure state machine: filing, and one small handler per command. The workflow owns
// one MlaCaseState, feeds it commands and the passing of time, and persists the events it returns.
// Who may run a command and from where is in commands.ts; the clocks are in clocks.ts; what every
// command shares (relation, terminal states, occurredAt, flags) is the pipeline's.
import type { ActorRef } from '../roles';
import type { LegalBasisSnapshot } from '../rule-pack';
import { clockRule } from '../rule-pack';
import {
  deadlineWithPauses,
  invalidField,
  openTask,
  assign,
  refusal,
  ruleDue,
  runCommand,
  stopClocks,
  withFlag,
  without,
  type Act,
  type CaseContext,
  type CaseEvent,
  type CaseRules,
  type HandlerTable,
  type Outcome,
  type Step,
} from '../case/clockwork';
import * as formal from '../case/formal-request';
import { refreshBasisFlag, stallable, syncRequesterDeadline, transition } from './clocks';
import { CommandEnvelope, MLA_COMMANDS, MlaCommand } from './commands';
import { MLA_FORMAL_REQUEST, acceptedLanguages } from './formal';
import { executionHandlers } from './execution';
import { TRANSLATION_NOT_ON_FILE, attachTranslationDocument, checkPackage, documentsDrive, translationByReference } from './document-rules';
import type { MlaRequestContent } from './mla-content';
import { MLA_TERMINAL_STATES, type MlaCaseState } from './states';

export interface FilingInput {
  ctx: CaseContext;
  content: MlaRequestContent;
  basis: LegalBasisSnapshot;
  filedBy: ActorRef;
  at: number;
  /** The liaison magistrate of the pair pre-checks the draft from its filing (false replays cases filed before). */
  precheckOnDraft?: boolean;
  /** Each forwarded item runs its own execution clock (false replays cases filed before). */
  itemClocks?: boolean;
}

const PRECHECK = { kind: 'PRECHECK' as const, level: 2, addressee: 'LIAISON_MAGISTRATE' as const, reason: 'pre-check of the draft (comments only)' };

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
  if (input.itemClocks) state = { ...state, itemClocks: true };
  if (input.precheckOnDraft) {
    state = { ...state, precheckOnDraft: true };
    // Where the pair has a liaison magistrate, the draft goes to them for comments (no approval power).
    if (ctx.network.liaisonMagistrate) state = openTask(state, PRECHECK, at, ruleDue(state, 'PRECHECK', at, 'REQUESTING'));
  }
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
  const warnings = formal.basisWarnings(state);
  if (warnings.length) event.data = { ...event.data, warnings };
  return { state, events: [event] };
}

type Cmd<K extends MlaCommand['type']> = Extract<MlaCommand, { type: K }>;

/** A formal-request step as an MLA event: the case moves with its request. */
function formalEvent(step: Step<MlaCaseState>, act: Act<MlaCaseState>, extra: Partial<CaseEvent> = {}): Outcome<MlaCaseState> {
  if (!step.ok) return step;
  const out = act.emit(step.state, step.state.status, { ...step.event, ...extra, data: noEmptyData({ ...step.event.data, ...extra.data }) });
  return { ...out, warnings: step.warnings };
}
/**
 * Approval straight to transmission (the basis accepts the request's language) in a language that is
 * not one of the requested State's own: the engine advises a courtesy translation, never blocks.
 */
function withLanguageAdvice(step: Step<MlaCaseState>): Step<MlaCaseState> {
  if (!step.ok || step.state.status !== 'READY_TO_TRANSMIT') return step;
  const s = step.state;
  const official = s.ctx.requestedStateLanguages;
  if (official.includes(s.content.language)) return step;
  const advice = {
    field: 'language',
    rule: 'courtesy_translation',
    message: `${s.content.language} is accepted under ${s.basis.instrumentId} but is not an official language of ${s.ctx.requestedState} (${official.join(', ')}): a courtesy translation is advised`,
    legalRef: s.basis.rulePack.acceptedLanguagesRef ?? s.basis.instrumentId,
  };
  const warnings = [...step.warnings, advice];
  return { ...step, warnings, event: { ...step.event, data: { ...step.event.data, warnings } } };
}

/**
 * Submitted before the liaison magistrate answered: the pre-check is not cancelled, it stays open
 * until they answer or the central authority approves; the submission says so.
 */
function withPrecheckPending(step: Step<MlaCaseState>, taskId: string): Step<MlaCaseState> {
  if (!step.ok) return step;
  const notice = {
    field: 'precheck',
    rule: 'precheck_pending',
    message: `the liaison magistrate's pre-check (${taskId}) has not been answered: it stays open until they answer or the request is approved`,
  };
  const warnings = [...step.warnings, notice];
  const tasks = step.state.tasks.map((t) =>
    t.id === taskId ? { ...t, reason: 'pre-check of the draft (comments only); the draft was submitted before an answer: open until answered or approved' } : t,
  );
  return { ...step, state: { ...step.state, tasks }, warnings, event: { ...step.event, data: { ...step.event.data, warnings, precheckPending: taskId } } };
}

/** A submission on a basis not in force for a State of the pair goes ahead, with the warning that approval will wait. */
function withBasisWarnings(step: Step<MlaCaseState>, s: MlaCaseState): Step<MlaCaseState> {
  if (!step.ok || s.basisOverride) return step;
  const basis = formal.basisWarnings(s);
  if (!basis.length) return step;
  const warnings = [...step.warnings, ...basis];
  return { ...step, warnings, event: { ...step.event, data: { ...step.event.data, warnings } } };
}
const noEmptyData = (data: Record<string, unknown> | undefined) => (data && Object.keys(data).length ? data : undefined);

const requestHandlers = {
  SUBMIT: (s: MlaCaseState, c: Cmd<'SUBMIT'>, act: Act<MlaCaseState>) => {
    const open = s.precheckOnDraft ? s.tasks.find((t) => t.kind === 'PRECHECK' && t.status === 'OPEN') : undefined;
    const step = withBasisWarnings(formal.submit(MLA_FORMAL_REQUEST, s, act.at, 'SUBMIT'), s);
    const out = formalEvent(open ? withPrecheckPending(step, open.id) : step, act, { comment: c.comment });
    if (!out.ok || !s.ctx.network.liaisonMagistrate || s.precheckOnDraft) return out;
    // Cases filed before the pre-check moved to the draft: it opens on submission, as it did then.
    return { ...out, state: openTask(out.state, PRECHECK, act.at, ruleDue(out.state, 'PRECHECK', act.at, 'REQUESTING')) };
  },
  RESUBMIT: (s: MlaCaseState, c: Cmd<'RESUBMIT'>, act: Act<MlaCaseState>) =>
    formalEvent(withBasisWarnings(formal.submit(MLA_FORMAL_REQUEST, s, act.at, 'RESUBMIT'), s), act, { comment: c.comment }),
  AMEND: (s: MlaCaseState, c: Cmd<'AMEND'>, act: Act<MlaCaseState>) => {
    const { legalBasis: _ignored, ...changes } = c.changes ?? {};
    let next: MlaCaseState = { ...s, content: { ...s.content, ...changes } };
    if (changes.assistanceTypes) {
      next.items = changes.assistanceTypes.map((assistanceType, i) => ({ id: `item-${i + 1}`, assistanceType, status: 'PENDING' }));
    }
    if (c.basis) next = { ...next, basis: c.basis, basisOverride: undefined };
    next = { ...next, flags: next.content.urgency === 'URGENT' ? withFlag(next.flags, 'URGENT') : without(next.flags, 'URGENT') };
    next = syncRequesterDeadline(refreshBasisFlag(next), act.at);
    return act.emit(next, s.status, { comment: c.comment, data: { changed: Object.keys(changes), basis: c.basis?.instrumentId } });
  },
  APPROVE: (s: MlaCaseState, c: Cmd<'APPROVE'>, act: Act<MlaCaseState>) =>
    formalEvent(withLanguageAdvice(formal.approve(MLA_FORMAL_REQUEST, s, act.at)), act, { comment: c.comment }),
  RETURN_FOR_CORRECTION: (s: MlaCaseState, c: Cmd<'RETURN_FOR_CORRECTION'>, act: Act<MlaCaseState>) =>
    formalEvent(formal.returnForCorrection(MLA_FORMAL_REQUEST, s, c.comment, act.at), act, { comment: c.comment }),
  OVERRIDE_BASIS: (s: MlaCaseState, c: Cmd<'OVERRIDE_BASIS'>, act: Act<MlaCaseState>) =>
    formalEvent(formal.overrideBasis(MLA_FORMAL_REQUEST, s, c.justification, act.actor, act.at), act),
  REPIN_RULE_PACK: (s: MlaCaseState, c: Cmd<'REPIN_RULE_PACK'>, { at, emit }: Act<MlaCaseState>) => {
    if (!c.justification?.trim() || c.justification.trim().length < 20) {
      return invalidField('justification', 'min_length', 're-pinning a rule pack moves running clocks: give a written justification (20 characters at least)');
    }
    if (!c.basis || c.basis.instrumentId !== s.basis.instrumentId) {
      return invalidField('basis', 'same_instrument', 'a re-pin takes a newer pack of the same instrument; change the basis by amendment instead');
    }
    const pack = c.basis.rulePack;
    const moved: string[] = [];
    const clocks = s.clocks.map((k) => {
      const rule = clockRule(pack, k.ruleId);
      const live = k.status === 'RUNNING' || k.status === 'PAUSED';
      if (!live || !rule || (k.kind !== 'SLA' && k.kind !== 'STALL') || k.firings > 0) return k;
      // The new rule from the clock's start, moved by the pauses it went through.
      const d = deadlineWithPauses(s, k, rule);
      // A shorter period that has already run out falls due at the re-pin (or, paused, at the
      // resumption), never at an instant before the act that set it.
      const breachAt = Math.max(k.status === 'PAUSED' ? (k.pausedAt ?? at) : at, d.breachAt);
      if (breachAt === k.breachAt) return k;
      moved.push(k.id);
      return { ...k, breachAt, lastDay: d.lastDay, legalRef: rule.legalRef, verified: rule.verified };
    });
    const next = { ...s, basis: { ...s.basis, rulePack: pack }, clocks };
    const data = { instrumentId: s.basis.instrumentId, fromVersion: s.basis.rulePack.version, toVersion: pack.version, clocksMoved: moved };
    return emit(next, s.status, { comment: c.justification, data });
  },
  ATTACH_TRANSLATION: (s: MlaCaseState, c: Cmd<'ATTACH_TRANSLATION'>, act: Act<MlaCaseState>) => {
    const { at, emit } = act;
    const accepted = acceptedLanguages(s);
    const byReference = translationByReference(s, c);
    if (documentsDrive(s) && !byReference) return attachTranslationDocument(s, c, act, accepted);
    if (!c.certified)
      return invalidField('certified', 'must_be_true', 'transmission waits for a certified translation (UNTOC art. 18(14))', 'UNTOC art. 18(14)');
    if (!c.language || !accepted.includes(c.language)) {
      const message = `${c.language} is not a language ${s.ctx.requestedState} accepts under ${s.basis.instrumentId} (accepted: ${accepted.join(', ')})`;
      return invalidField('language', 'accepted_language', message, s.basis.rulePack.acceptedLanguagesRef ?? 'UNTOC art. 18(14)');
    }
    if (!c.documentRef?.trim()) return invalidField('documentRef', 'required', 'the certified translation document must be referenced');
    const next = { ...transition(s, 'READY_TO_TRANSMIT', at), translation: { language: c.language, documentRef: c.documentRef!, at } };
    if (!byReference) return emit(next, 'READY_TO_TRANSMIT', { comment: c.comment, data: { language: c.language, documentRef: c.documentRef } });
    const warnings = [TRANSLATION_NOT_ON_FILE(c.documentRef!)];
    const out = emit(next, 'READY_TO_TRANSMIT', { comment: c.comment, data: { language: c.language, documentRef: c.documentRef, warnings } });
    return { ...out, warnings };
  },
  TRANSMIT: (s: MlaCaseState, c: Cmd<'TRANSMIT'>, act: Act<MlaCaseState>) => {
    const sealed = documentsDrive(s) ? checkPackage(s, c.package) : undefined;
    if (sealed && 'refused' in sealed) return sealed.refused;
    return formalEvent(formal.transmit(MLA_FORMAL_REQUEST, s, c, act.actor, act.at), act, {
      comment: c.comment,
      // The request package, sealed into the audit trail: what the requested State receives, document by document.
      data: sealed ? { oral: Boolean(c.oral), package: sealed.package } : { oral: Boolean(c.oral) },
      notify: [{ stateCode: s.ctx.requestedState, addressee: 'REQUESTED_CA', message: 'a request for mutual legal assistance has been transmitted' }],
    });
  },
  CONFIRM_IN_WRITING: (s: MlaCaseState, c: Cmd<'CONFIRM_IN_WRITING'>, { at, emit }: Act<MlaCaseState>) => {
    if (!s.flags.includes('ORAL_UNCONFIRMED')) return refusal('CONFLICT', 'NOT_ORAL', 'the request was not made orally: there is nothing to confirm');
    const next = stopClocks({ ...s, flags: without(s.flags, 'ORAL_UNCONFIRMED') }, (k) => k.kind === 'ORAL_CONFIRMATION', at, 'RESOLVED');
    return emit(next, s.status, { comment: c.comment, data: { reference: c.reference } });
  },
};

const MLA_HANDLERS: HandlerTable<MlaCaseState, MlaCommand> = {
  ...requestHandlers,
  ...executionHandlers,
  ASSIGN: (s, c, act) => assign(MLA_COMMANDS, s, c, act),
};

export const MLA_RULES: CaseRules<MlaCaseState, MlaCommand> = {
  commands: MLA_COMMANDS,
  handlers: MLA_HANDLERS,
  terminal: MLA_TERMINAL_STATES,
  stallable: (s) => stallable(s.status),
};

/**
 * Applies one command at workflow time `now`. Refusals say which rule, and cite the article where
 * there is one; acceptance returns the new state and the events to record. Pure.
 */
export function handleCommand(state: MlaCaseState, envelope: CommandEnvelope, now: number): Outcome<MlaCaseState> {
  return runCommand(MLA_RULES, state, envelope, now);
}
