import type {
  ActorRef,
  CaseContext,
  CaseEvent,
  CaseMetrics,
  Clock,
  FieldProblem,
  LegalBasisSnapshot,
  MlaCaseState,
  MlaItem,
  MlaRequestContent,
  Task,
} from '../../domain/src';

export { PERSON_ROLES } from '../../domain/src/mla/mla-content';
export type { PersonConcerned, PersonRole } from '../../domain/src/mla/mla-content';

export interface MlaCaseWorkflowInput {
  caseId: string;
  ctx: CaseContext;
  content: MlaRequestContent;
  basis: LegalBasisSnapshot;
  requestingAuthorityId: string;
  filedBy: ActorRef;
  /** Digest of the filing request, so that a replayed Idempotency-Key with another body is recognised. */
  filingDigest: string;
  /** Carried over by continue-as-new: the case as the previous run left it. */
  continued?: { state: MlaCaseState; filedRecorded: true };
  /** History length after which the run continues as new (default 2 000 events). */
  continueAsNewAfterEvents?: number;
}

/** What a case workflow answers to commands and queries: the case's live status, nothing personal. */
export interface CaseStatus {
  caseId: string;
  state: string;
  /** Sequence number of the last event; the case row's version. */
  seq: number;
  flags: string[];
  filingDigest: string;
  updatedAt: string;
  warnings?: FieldProblem[];
}
export type MlaCaseStatus = CaseStatus;

/** The case as projected into Postgres after each batch of events. */
export interface CaseSnapshot {
  state: string;
  version: number;
  flags: string[];
  transmitted: boolean;
  executingAuthorityIds: string[];
  escalatedToFocalPointsOf: string[];
  columns: CaseColumns;
  /** Milestones managers' figures are computed from (ISO instants). */
  milestones?: { transmittedAt?: string; receivedAt?: string; resultsAt?: string; pausedMs?: number; refusalGround?: string; custodyDays?: number };
  legalBasis: string;
  rulePackVersion: number;
  lastPartyEventAt: string;
  detail: CaseDetail | Record<string, unknown>;
}

/** The searchable content of a case row, whatever its kind. */
export interface CaseColumns extends MlaRequestContent {
  personIdentifier?: string;
  linkedCaseId?: string;
}

export const CASE_KINDS = ['MLA', 'EXTRADITION', 'DOMESTIC_PROSECUTION'] as const;
export type CaseKind = (typeof CASE_KINDS)[number];

export interface CaseDetail {
  clocks: Clock[];
  items: MlaItem[];
  metrics: CaseMetrics;
  transmission?: MlaCaseState['transmission'];
  translation?: MlaCaseState['translation'];
  postponement?: MlaCaseState['postponement'];
  refusal?: MlaCaseState['refusal'];
  basisOverride?: MlaCaseState['basisOverride'];
}

export interface CaseEventsRecord {
  caseId: string;
  workflowId: string;
  /** Present with the batch that holds the filing (seq 0): the case row is created from it. */
  filing?: { kind: CaseKind; requestingAuthorityId: string; createdBy: string; requestingState: string; requestedState: string; filedAt: string };
  events: Array<Omit<CaseEvent, 'at'> & { at: string }>;
  tasks: Array<Omit<Task, 'createdAt' | 'dueAt' | 'resolvedAt'> & { createdAt: string; dueAt?: string; resolvedAt?: string }>;
  snapshot: CaseSnapshot;
}

/** Activities that keep Postgres in step with the workflow. Idempotent on (caseId, seq). */
export interface CaseProjectionActivities {
  recordCaseEvents(record: CaseEventsRecord): Promise<void>;
}
