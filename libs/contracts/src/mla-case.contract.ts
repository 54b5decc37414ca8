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
  continued?: ContinuedCase<MlaCaseState>;
  /** History length after which the run continues as new (default 2 000 events). */
  continueAsNewAfterEvents?: number;
  /** Sets the case search attributes (CASE_SEARCH_ATTRIBUTES): pinned at filing, from TEMPORAL_SEARCH_ATTRIBUTES. */
  searchAttributes?: boolean;
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
  /** Sequence number of the last event written to Postgres (-1 before the filing is). */
  projectedSeq?: number;
  /** CURRENT when Postgres shows every event; BEHIND while a batch is on its way; FAILED when one could not be written. */
  readModel?: ReadModelState;
}
export type MlaCaseStatus = CaseStatus;

export type ReadModelState = 'CURRENT' | 'BEHIND' | 'FAILED';

/**
 * What a run hands to the next one when it continues as new: the case, the events Postgres has not
 * shown yet (a batch that could not be written travels on, it is never dropped), and the answers to
 * recent updates, so that a command retried with the same id across the boundary is applied once.
 */
export interface ContinuedCase<S> {
  state: S;
  filedRecorded: true;
  unprojected?: CaseEvent[];
  projectedSeq?: number;
  projectionFailure?: ProjectionFailureInfo;
  /** An operator chose to store the case with unstorable text made storable. */
  sanitize?: boolean;
  recentUpdates?: Array<[string, CaseStatus]>;
  /** Digest of the content columns Postgres last took; absent in runs from before it was kept (content is then sent again). */
  projectedContentDigest?: string;
}

/** Why the read model of a case is behind; names no personal data (no SQL parameters, no content). */
export interface ProjectionFailureInfo {
  fromSeq: number;
  toSeq: number;
  /** `DATA` (Postgres refused the values: SQLSTATE class 22 or 23), `CONFLICT` (a stored event differs), or `UNAVAILABLE` (retries ran out). */
  reason: 'DATA' | 'CONFLICT' | 'UNAVAILABLE';
  sqlState?: string;
  at: string;
}

/** The case as projected into Postgres after each batch of events. */
export interface CaseSnapshot {
  state: string;
  version: number;
  flags: string[];
  transmitted: boolean;
  executingAuthorityIds: string[];
  escalatedToFocalPointsOf: string[];
  /**
   * The case's content (persons, facts, purpose …): only with the batch that files the case, with a
   * batch in which it changed, and with an operator's re-drive; absent, the stored content stands.
   */
  columns?: CaseColumns;
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
  /** Set by an operator's re-drive: text Postgres cannot store is made storable (NUL removed, lone surrogates replaced). */
  sanitize?: boolean;
}

/** A batch that could not be written, as the operators' queue records it (ids and codes only). */
export interface ProjectionFailureRecord extends ProjectionFailureInfo {
  caseId: string;
  workflowId: string;
  /** The filing's access facts when the case row itself could not be written, so the case stays reachable. */
  filing?: CaseEventsRecord['filing'];
}

/** ApplicationFailure types the projection raises for errors no retry can mend. */
export const PROJECTION_DATA_FAILURE = 'ProjectionDataError';
export const PROJECTION_CONFLICT_FAILURE = 'ProjectionConflict';

/** Activities that keep Postgres in step with the workflow. Idempotent on (caseId, seq). */
export interface CaseProjectionActivities {
  recordCaseEvents(record: CaseEventsRecord): Promise<void>;
  recordProjectionFailure(failure: ProjectionFailureRecord): Promise<void>;
}
