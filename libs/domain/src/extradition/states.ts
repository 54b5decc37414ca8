// The extradition case (domain brief §5): its states, its content and what the workflow keeps of it.
import type { CaseCore } from '../case/case-model';
import type { BasisOverride, ReviewCycle } from '../case/formal-request';
import type { PersonConcerned } from '../mla/mla-content';
import type { ExtraditionLegalTopic } from '../rule-pack';

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

export const EXTRADITION_TERMINAL_STATES: ReadonlySet<string> = new Set<ExtraditionState>(['REFUSED', 'SURRENDERED', 'RELEASED_NOT_TAKEN_OVER', 'WITHDRAWN']);
export const isExtraditionTerminal = (s: string) => EXTRADITION_TERMINAL_STATES.has(s);

/** The formal request goes through the same review and transmission steps as an MLA request. */
export type FormalRequestStatus = 'DRAFT' | 'PENDING_CA_REVIEW' | 'RETURNED_FOR_CORRECTION' | 'READY_TO_TRANSMIT' | 'TRANSMITTED' | 'RECEIVED';

/** The extradition rules new cases are filed under (see CaseContext.extraditionRules). */
export const EXTRADITION_RULES_VERSION = 1;
export const followsExtraditionRules = (s: { ctx: { extraditionRules?: number } }, version = 1): boolean => (s.ctx.extraditionRules ?? 0) >= version;

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

/** What cases filed before the extradition rules were pinned keep citing (ECE, whatever their basis). */
const LEGACY_REFS: Record<ExtraditionLegalTopic, string> = {
  CONFLICTING_REQUESTS: 'ECE art. 17',
  POLITICAL_OFFENCE: 'ECE art. 3',
  FORCE_MAJEURE: 'ECE art. 18(5)',
};

/**
 * The legal reference of a topic of the extradition path, from the instrument the case is filed under
 * (its pinned rule pack): ECE art. 17 only under ECE, the treaty's or UNTOC's provision otherwise, and
 * the requested State's national law when the instrument says nothing of it.
 */
export function extraditionLegalRef(s: ExtraditionCaseState, topic: ExtraditionLegalTopic): string {
  if (!followsExtraditionRules(s)) return LEGACY_REFS[topic];
  return s.basis.rulePack.legalRefs?.[topic] ?? `national law of ${s.ctx.requestedState} (${s.basis.instrumentId} has no provision)`;
}

/** The legal reference of a refusal ground on this case. */
export function refusalLegalRef(s: ExtraditionCaseState, ground: ExtraditionRefusalGround): string {
  if (ground === 'POLITICAL_OFFENCE') return extraditionLegalRef(s, 'POLITICAL_OFFENCE');
  if (ground === 'CONFLICTING_REQUEST') return extraditionLegalRef(s, 'CONFLICTING_REQUESTS');
  return EXTRADITION_REFUSAL_GROUNDS[ground];
}

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
  basisOverride?: BasisOverride;
  formal: {
    status: FormalRequestStatus;
    reviewCycles: ReviewCycle[];
    transmission?: { channel: string; reference: string; at: number; by: string };
    receivedAt?: number;
  };
  provisionalArrest?: { channel: string; reference: string; at: number };
  custody: { arrestedAt?: number; endedAt?: number; days: number; atLiberty: boolean };
  surrender?: { agreedDate: string; forceMajeure: number };
  courtDecision?: { outcome: 'FAVOURABLE' | 'UNFAVOURABLE'; at: number };
  refusal?: { ground: string; legalRef: string; reasons: string };
  domesticProsecutionRequested: boolean;
  conflict: { linkedCaseIds: string[]; choice?: ConflictChoice };
  transmittedAt?: number;
  /** The officer each authority assigned the case to (authority id → user id). */
  assignees?: Record<string, string>;
}
