import type { RequestPackage } from '../documents';
import type { LegalBasisSnapshot } from '../rule-pack';
import type { CaseContext, Clock, Flag, Task } from '../case/case-model';
import type { BasisOverride, ReviewCycle } from '../case/formal-request';
import type { MlaItem, MlaRequestContent } from './mla-content';

/** Every state of the MLA request life cycle (domain brief §4). */
export const MLA_STATES = [
  'DRAFT',
  'PENDING_CA_REVIEW',
  'RETURNED_FOR_CORRECTION',
  'TRANSLATION_PENDING',
  'READY_TO_TRANSMIT',
  'TRANSMITTED',
  'RECEIVED',
  'ADDITIONAL_INFO_REQUESTED',
  'CONSULTATION',
  'IN_EXECUTION',
  'POSTPONED',
  'PARTIALLY_EXECUTED',
  'EXECUTED',
  'RESULTS_TRANSMITTED',
  'CLOSED',
  'REFUSED',
  'WITHDRAWN',
] as const;
export type MlaState = (typeof MLA_STATES)[number];

export const MLA_TERMINAL_STATES: ReadonlySet<MlaState> = new Set<MlaState>(['CLOSED', 'REFUSED', 'WITHDRAWN']);

/** States in which the requested State's authorities have the request in hand. */
export const MLA_STATES_BEFORE_TRANSMISSION: ReadonlySet<MlaState> = new Set<MlaState>([
  'DRAFT',
  'PENDING_CA_REVIEW',
  'RETURNED_FOR_CORRECTION',
  'TRANSLATION_PENDING',
  'READY_TO_TRANSMIT',
]);

export function isTerminal(state: MlaState): boolean {
  return MLA_TERMINAL_STATES.has(state);
}

export const ASSISTANCE_TYPES = [
  'TAKING_OF_STATEMENT',
  'SERVICE_OF_DOCUMENTS',
  'SEARCH_AND_SEIZURE',
  'EXAMINATION_OF_OBJECTS_AND_SITES',
  'EXPERT_EVALUATION',
  'DOCUMENTS_AND_RECORDS',
  'BANK_RECORDS',
  'IDENTIFY_OR_TRACE_PROCEEDS',
  'FREEZING_OF_ASSETS',
  'TEMPORARY_TRANSFER_OF_DETAINED_PERSON',
  'VIDEO_HEARING',
  'OTHER',
] as const;
export type AssistanceType = (typeof ASSISTANCE_TYPES)[number];

export const URGENCY_LEVELS = ['NORMAL', 'URGENT'] as const;
export type Urgency = (typeof URGENCY_LEVELS)[number];

export type { ReviewCycle } from '../case/formal-request';

/** One MLA case as the workflow owns it (the pure state machine's state). */
export interface MlaCaseState {
  ctx: CaseContext;
  status: MlaState;
  seq: number;
  filedAt: number;
  lastEventAt: number;
  lastPartyEventAt: number;
  content: MlaRequestContent;
  basis: LegalBasisSnapshot;
  basisOverride?: BasisOverride;
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
  transmission?: { channel: string; reference: string; at: number; by: string; oral: boolean; package?: RequestPackage };
  translation?: { language: string; documentRef: string; at: number; sha256?: string };
  postponement?: { reviewDate: string; reasons: string };
  /** The one notice that the recognition of an EIO cannot be decided in time (EIO Directive art. 12(5)). */
  recognitionExtension?: { reasons: string; estimatedDecisionDate: string; lastDay: string; at: number };
  refusal?: { ground: string; legalRef: string; reasons: string };
  transmittedAt?: number;
  receivedAt?: number;
  resultsTransmittedAt?: number;
  consultationOpenedAt?: number;
  nextId: number;
  /** Set at filing on cases whose liaison magistrate pre-checks the draft (domain brief §10); earlier cases open it on submission. */
  precheckOnDraft?: boolean;
  /** Set at filing on cases whose forwarded items each run their own execution clock (domain brief §10); earlier cases keep one. */
  itemClocks?: boolean;
  /** The officer each authority assigned the case to (authority id → user id). */
  assignees?: Record<string, string>;
}
