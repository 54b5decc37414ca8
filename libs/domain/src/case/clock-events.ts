// What every clock event says of itself (domain brief §6, §10): the rule that fell due, the rule pack it
// comes from as pinned on the case, and its legal reference.
import type { CaseCore, CaseEvent, Clock } from './case-model';

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
 * An event a clock raised, completed with its rule (`before`: the case as it stood when the clock fell
 * due). Events that do not name a clock pass as they are.
 */
export function describeClockEvent<S extends CaseCore>(before: S, e: CaseEvent): CaseEvent {
  const data = (e.data ?? {}) as Record<string, unknown>;
  const k = typeof data.clockId === 'string' ? before.clocks.find((c) => c.id === data.clockId) : undefined;
  if (!k) return e;
  return {
    ...e,
    legalRef: e.legalRef ?? k.legalRef,
    data: { ...clockRuleData(before, k), ...data },
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
