import type { CivilDate, ClockUnit } from './time/calendar';

export interface ClockRule {
  amount: number;
  unit: ClockUnit;
  legalRef: string;
  verified: boolean;
}

/** A rule pack as pinned on a case when it is filed: later edits of the pack do not move its clocks. */
export interface RulePackSnapshot {
  instrumentId: string;
  version: number;
  verified: boolean;
  acceptedLanguages: string[];
  acceptedLanguagesRef?: string;
  completenessProfile: CompletenessProfile;
  clocks: Record<string, ClockRule>;
  /** The instrument's own provisions on topics of the extradition path; a topic it leaves out is for national law. */
  legalRefs?: Partial<Record<ExtraditionLegalTopic, string>>;
}

export type ExtraditionLegalTopic = 'CONFLICTING_REQUESTS' | 'POLITICAL_OFFENCE' | 'FORCE_MAJEURE';

export type CompletenessProfile = 'UNTOC_18_15' | 'ECOWAS_5_1';

export interface PartyPeriod {
  stateCode: string;
  from: CivilDate;
  to: CivilDate | null;
}

/** The instrument a case is filed under, with the party dates of the two States. */
export interface LegalBasisSnapshot {
  instrumentId: string;
  rulePack: RulePackSnapshot;
  parties: PartyPeriod[];
}

/** Whether `state` is a party to the instrument on `date` (party from ≤ date, and date < to when `to` is set). */
export function isPartyOn(parties: readonly PartyPeriod[], stateCode: string, date: CivilDate): boolean {
  return parties.some((p) => p.stateCode === stateCode && p.from <= date && (p.to === null || date < p.to));
}

/** States of the pair for which the basis is not in force on `date`. */
export function statesOutOfForce(basis: LegalBasisSnapshot, states: readonly string[], date: CivilDate): string[] {
  return states.filter((s) => !isPartyOn(basis.parties, s, date));
}

export function clockRule(pack: RulePackSnapshot, id: string): ClockRule | undefined {
  const rule = pack.clocks[id];
  return rule && typeof rule.amount === 'number' ? rule : undefined;
}
