// The extradition case (domain brief §5): its states, its content and what the workflow keeps of it.
import type { CaseCore } from '../case/case-model';
import type { BasisOverride, ReviewCycle } from '../case/formal-request';
import type { PersonConcerned } from '../mla/mla-content';

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
}
