// The formal request as MLA and extradition share it: submitted by the prosecutor, reviewed by the
// requesting central authority (returned for correction, resubmitted, approved — on a legal basis in
// force for both States, or an administrator's audited override), then transmitted with evidence.
// Each kind says where it keeps the formal request; the rules of each step are written once, here.
import type { ActorRef } from '../roles';
import type { FieldProblem } from '../rule-violation';
import { statesOutOfForce } from '../rule-pack';
import { civilDate } from '../time/calendar';
import { without, type CaseCore, type CaseEvent } from './case-model';
import { invalidField, refusal, type Refused } from './command-guard';
import type { SlaClockSpec } from './sla-clocks';
import { resolveOpenTasks } from './tasks';
import { checkTransmission, type TransmissionChannel } from './transmission';

export type FormalStatus = 'DRAFT' | 'PENDING_CA_REVIEW' | 'RETURNED_FOR_CORRECTION' | 'TRANSLATION_PENDING' | 'READY_TO_TRANSMIT' | 'TRANSMITTED' | 'RECEIVED';

/** Until it is transmitted the requesting side may still change the basis, or override it. */
export const FORMAL_BEFORE_TRANSMISSION: readonly FormalStatus[] = [
  'DRAFT',
  'PENDING_CA_REVIEW',
  'RETURNED_FOR_CORRECTION',
  'TRANSLATION_PENDING',
  'READY_TO_TRANSMIT',
];

export interface ReviewCycle {
  startedAt: number;
  endedAt?: number;
  outcome?: 'APPROVED' | 'RETURNED' | 'ENDED';
}

export interface BasisOverride {
  at: number;
  by: string;
  justification: string;
}

export interface TransmitCommand {
  channel: TransmissionChannel;
  reference: string;
  oral?: boolean;
}

/** What a case that carries a formal request has. */
export interface FormalRequestCase extends CaseCore {
  basisOverride?: BasisOverride;
}

/** Where a kind of case keeps its formal request, and what it asks of one. */
export interface FormalRequestOf<S extends FormalRequestCase> {
  status(s: S): string;
  /** Moves the formal request and keeps its service-level clocks in step. */
  move(s: S, to: FormalStatus, at: number): S;
  cycles(s: S): ReviewCycle[];
  withCycles(s: S, cycles: ReviewCycle[]): S;
  /** Completeness: errors refuse the submission, warnings go with it. */
  completeness(s: S): { errors: FieldProblem[]; warnings: FieldProblem[]; legalRef: string };
  /** Where approval leads (through a translation first, for an MLA request in a language not accepted). */
  approvedTo(s: S): { to: FormalStatus; data?: Record<string, unknown> };
  urgent(s: S): boolean;
  recordTransmission(s: S, c: TransmitCommand, by: ActorRef, at: number): S;
}

/** A step taken: the case after it, what its event carries, warnings for the caller. */
export type Step<S> = { ok: true; state: S; event: Partial<CaseEvent>; warnings: FieldProblem[] } | Refused;

/**
 * The formal request's service-level clocks: the central authority's review (with its escalation),
 * the prosecutor's correction, and the requested State's acknowledgment with the network ladder.
 * `phase` names the phase in the kind's own terms; the reasons are worded for the kind.
 */
export function formalRequestClocks(
  phase: (status: FormalStatus) => string,
  reasons: { review: string; reviewEscalation: string; correction: string; acknowledgment: string },
): SlaClockSpec[] {
  return [
    {
      ruleId: 'CA_REVIEW',
      states: [phase('PENDING_CA_REVIEW')],
      side: 'REQUESTING',
      pausesForInfo: false,
      onBreach: { kind: 'REMINDER', level: 0, addressee: 'REQUESTING_CA', reason: reasons.review },
    },
    {
      ruleId: 'CA_REVIEW_ESCALATION',
      states: [phase('PENDING_CA_REVIEW')],
      side: 'REQUESTING',
      pausesForInfo: false,
      onBreach: { kind: 'ESCALATION', level: 1, addressee: 'REQUESTING_CA_HEAD', reason: reasons.reviewEscalation },
    },
    {
      ruleId: 'CORRECTION',
      states: [phase('RETURNED_FOR_CORRECTION')],
      side: 'REQUESTING',
      pausesForInfo: false,
      onBreach: { kind: 'REMINDER', level: 0, addressee: 'REQUESTING_PROSECUTOR', reason: reasons.correction },
    },
    {
      ruleId: 'ACK',
      states: [phase('TRANSMITTED')],
      side: 'REQUESTED',
      pausesForInfo: false,
      onBreach: { kind: 'REMINDER', level: 0, addressee: 'REQUESTING_CA', reason: reasons.acknowledgment },
    },
    { ruleId: 'NETWORK_ESCALATION_NO_ACK', states: [phase('TRANSMITTED')], side: 'REQUESTED', pausesForInfo: false, onBreach: 'NETWORK_LADDER', repeat: true },
  ];
}

/** States of the pair for which the basis was not in force on the filing date. */
export function basisOutOfForce(s: CaseCore): string[] {
  return statesOutOfForce(s.basis, [s.ctx.requestingState, s.ctx.requestedState], civilDate(s.filedAt, s.ctx.timeZones.requesting));
}

/**
 * The warning a basis not in force for a State of the pair calls for, at filing and on submission:
 * the instrument, the State, the date its membership ended (or that it never was a party on that
 * date), and the instruments in force for the pair. Approval stays blocked until the basis changes.
 */
export function basisWarnings(s: Pick<CaseCore, 'basis' | 'ctx' | 'filedAt'>): FieldProblem[] {
  const filed = civilDate(s.filedAt, s.ctx.timeZones.requesting);
  const out = statesOutOfForce(s.basis, [s.ctx.requestingState, s.ctx.requestedState], filed);
  if (!out.length) return [];
  const inForce = s.ctx.basesInForce?.filter((id) => id !== s.basis.instrumentId);
  const alternatives =
    inForce === undefined
      ? ''
      : inForce.length
        ? `; in force for ${s.ctx.requestingState} and ${s.ctx.requestedState}: ${inForce.join(', ')}`
        : `; no instrument in the reference data is in force for ${s.ctx.requestingState} and ${s.ctx.requestedState}`;
  return out.map((state) => {
    const periods = s.basis.parties.filter((p) => p.stateCode === state);
    const ended = periods
      .map((p) => p.to)
      .filter((to): to is string => to !== null && to <= filed)
      .sort()
      .at(-1);
    const why = ended ? `its membership ended on ${ended}` : `it is not a party on ${filed}`;
    return {
      field: 'legalBasis',
      rule: 'basis_not_in_force',
      message: `${s.basis.instrumentId} is not in force for ${state}: ${why}${alternatives}; approval is blocked until the basis changes or an administrator records an override`,
      legalRef: s.basis.instrumentId,
      instrumentId: s.basis.instrumentId,
      stateCode: state,
      membershipEnded: ended ?? null,
      inForce: inForce ?? null,
    } as FieldProblem;
  });
}

function needs<S extends FormalRequestCase>(f: FormalRequestOf<S>, s: S, wanted: readonly string[], step: string): Refused | undefined {
  const status = f.status(s);
  if (wanted.includes(status)) return undefined;
  return refusal('CONFLICT', 'INVALID_TRANSITION', `the formal request is ${status}; ${step} needs it ${wanted.join(' or ')}`);
}

function closeReviewCycle<S extends FormalRequestCase>(f: FormalRequestOf<S>, s: S, at: number, outcome: ReviewCycle['outcome']): S {
  const cycles = f.cycles(s);
  return f.withCycles(
    s,
    cycles.map((c, i) => (i === cycles.length - 1 && c.endedAt === undefined ? { ...c, endedAt: at, outcome } : c)),
  );
}

/** SUBMIT from a draft, RESUBMIT after a return: complete, it goes to the central authority's review. */
export function submit<S extends FormalRequestCase>(f: FormalRequestOf<S>, s: S, at: number, step: 'SUBMIT' | 'RESUBMIT'): Step<S> {
  const wrong = needs(f, s, [step === 'SUBMIT' ? 'DRAFT' : 'RETURNED_FOR_CORRECTION'], step);
  if (wrong) return wrong;
  const report = f.completeness(s);
  if (report.errors.length) {
    return refusal(
      'INVALID',
      'INCOMPLETE_REQUEST',
      `the request lacks ${report.errors.length} mandatory element(s): ${report.errors.map((e) => e.message).join('; ')}`,
      {
        legalRef: report.legalRef,
        errors: [...report.errors, ...report.warnings.map((w) => ({ ...w, rule: `warning:${w.rule}` }))],
      },
    );
  }
  const next = f.move(f.withCycles(s, [...f.cycles(s), { startedAt: at }]), 'PENDING_CA_REVIEW', at);
  return { ok: true, state: next, event: { data: report.warnings.length ? { warnings: report.warnings } : undefined }, warnings: report.warnings };
}

export function returnForCorrection<S extends FormalRequestCase>(f: FormalRequestOf<S>, s: S, comment: string | undefined, at: number): Step<S> {
  const wrong = needs(f, s, ['PENDING_CA_REVIEW'], 'RETURN_FOR_CORRECTION');
  if (wrong) return wrong;
  if (!comment?.trim()) return invalidField('comment', 'required', 'a return for correction must say what to correct');
  return { ok: true, state: f.move(closeReviewCycle(f, s, at, 'RETURNED'), 'RETURNED_FOR_CORRECTION', at), event: {}, warnings: [] };
}

/** Approval needs a basis in force for both States on the filing date, or an administrator's override. */
export function approve<S extends FormalRequestCase>(f: FormalRequestOf<S>, s: S, at: number): Step<S> {
  const wrong = needs(f, s, ['PENDING_CA_REVIEW'], 'APPROVE');
  if (wrong) return wrong;
  const out = basisOutOfForce(s);
  if (out.length && !s.basisOverride) {
    const filed = civilDate(s.filedAt, s.ctx.timeZones.requesting);
    return refusal(
      'CONFLICT',
      'LEGAL_BASIS_NOT_IN_FORCE',
      `${s.basis.instrumentId} was not in force for ${out.join(' and ')} on the filing date ${filed}: change the legal basis, or an administrator must record an override with its justification`,
      { legalRef: s.basis.instrumentId },
    );
  }
  const { to, data } = f.approvedTo(s);
  let next = f.move(closeReviewCycle(f, s, at, 'APPROVED'), to, at);
  // A liaison magistrate's pre-check that has not come is overtaken by the approval.
  next = resolveOpenTasks(next, (t) => t.kind === 'PRECHECK', at, 'OBSOLETE', 'overtaken by the approval before the liaison magistrate answered');
  return { ok: true, state: next, event: { data }, warnings: [] };
}

/** An administrator lets the request proceed on a basis not in force for both States: written, audited. */
export function overrideBasis<S extends FormalRequestCase>(
  f: FormalRequestOf<S>,
  s: S,
  justification: string | undefined,
  actor: ActorRef,
  at: number,
): Step<S> {
  const wrong = needs(f, s, FORMAL_BEFORE_TRANSMISSION, 'OVERRIDE_BASIS');
  if (wrong) return wrong;
  if (!justification?.trim() || justification.trim().length < 20) {
    return invalidField('justification', 'min_length', 'an override of the legal basis needs a written justification (20 characters at least)');
  }
  const next: S = { ...s, basisOverride: { at, by: actor.userId, justification }, flags: without(s.flags, 'BASIS_NOT_IN_FORCE') };
  return { ok: true, state: next, event: { comment: justification, legalRef: s.basis.instrumentId }, warnings: [] };
}

/** Transmission of the approved request, with evidence of dispatch (UNTOC art. 16, 18(13), 18(14)). */
export function transmit<S extends FormalRequestCase>(f: FormalRequestOf<S>, s: S, c: TransmitCommand, actor: ActorRef, at: number): Step<S> {
  const wrong = needs(f, s, ['READY_TO_TRANSMIT'], 'TRANSMIT');
  if (wrong) return wrong;
  const problem = checkTransmission(f.urgent(s), c);
  if (problem) return invalidField(problem.field, problem.rule, problem.message, problem.legalRef);
  const next = f.recordTransmission(f.move(s, 'TRANSMITTED', at), c, actor, at);
  const evidence = { reference: c.reference, at: new Date(at).toISOString(), by: actor.userId };
  return { ok: true, state: next, event: { data: { channel: c.channel, evidence } }, warnings: [] };
}
