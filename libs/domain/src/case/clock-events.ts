// What every clock event says of itself (domain brief §6, §10): the rule that fell due, the rule pack it
// comes from as pinned on the case, its legal reference, and what the case was doing when it fell due.
import type { CaseCore, CaseEvent, Clock } from './case-model';

/**
 * Why the case stood where it did when a clock fell due, so that statistics can tell an idle side from a
 * lawful pause: a postponement, a wait for information the requesting side owes, a consultation, or
 * simply the side the clock waits on.
 */
export type ClockCause =
  | 'LAWFUL_POSTPONEMENT'
  | 'AWAITING_ADDITIONAL_INFORMATION'
  | 'IN_CONSULTATION'
  | 'AWAITING_REQUESTED_STATE'
  | 'AWAITING_REQUESTING_STATE'
  | 'NO_PARTY_ACTIVITY';

export function causeAt<S extends CaseCore>(s: S, k: Clock): ClockCause {
  if (s.status === 'POSTPONED') return 'LAWFUL_POSTPONEMENT';
  if (s.status === 'ADDITIONAL_INFO_REQUESTED' || k.status === 'PAUSED') return 'AWAITING_ADDITIONAL_INFORMATION';
  if (s.status === 'CONSULTATION') return 'IN_CONSULTATION';
  if (k.kind === 'STALL') return 'NO_PARTY_ACTIVITY';
  return k.side === 'REQUESTED' ? 'AWAITING_REQUESTED_STATE' : 'AWAITING_REQUESTING_STATE';
}

/** The rule of a clock as the case pinned it: rule id, rule pack (instrument and version), legal reference. */
export function clockRuleData<S extends CaseCore>(s: S, k: Clock): Record<string, unknown> {
  return {
    clockId: k.id,
    ruleId: k.ruleId,
    rulePackId: s.basis.rulePack.instrumentId,
    rulePackVersion: s.basis.rulePack.version,
    ruleLegalRef: k.legalRef,
    ruleVerified: k.verified,
  };
}

/**
 * An event a clock raised, completed with its rule and with the case's state and cause at that instant
 * (`before`: the case as it stood when the clock fell due). Events that do not name a clock pass as they are.
 */
export function describeClockEvent<S extends CaseCore>(before: S, e: CaseEvent): CaseEvent {
  const data = (e.data ?? {}) as Record<string, unknown>;
  const k = typeof data.clockId === 'string' ? before.clocks.find((c) => c.id === data.clockId) : undefined;
  if (!k) return e;
  return {
    ...e,
    legalRef: e.legalRef ?? k.legalRef,
    data: { ...clockRuleData(before, k), caseState: before.status, cause: causeAt(before, k), ...data },
  };
}

/**
 * The provision on a requester's reasoned deadline in the instrument pinned on the case: the pack's own
 * rule where it has one, else what the instrument is known to say, else that the instrument is silent.
 */
export function requesterDeadlineRef<S extends CaseCore>(s: S): string {
  const own = s.basis.rulePack.clocks.REQUESTER_DEADLINE?.legalRef;
  if (own) return own;
  return REQUESTER_DEADLINE_REFS[s.basis.instrumentId] ?? `${s.basis.instrumentId}: no provision on a requester's deadline (reasoned in the request)`;
}

const REQUESTER_DEADLINE_REFS: Record<string, string> = {
  'UNTOC-2000': 'UNTOC art. 18(24)',
  'ECOWAS-MLA-1992': 'ECOWAS art. 5(1)(f)',
  'EIO-2014': 'Directive 2014/41/EU art. 12(2)',
};
