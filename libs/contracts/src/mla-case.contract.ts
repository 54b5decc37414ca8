import type { ActorRef, AssistanceType, MlaState, Urgency } from '../../domain/src';

export const PERSON_ROLES = ['SUSPECT', 'ACCUSED', 'WITNESS', 'VICTIM', 'OTHER'] as const;
export type PersonRole = (typeof PERSON_ROLES)[number];

export interface PersonConcerned {
  role: PersonRole;
  name: string;
  nationality?: string;
  dateOfBirth?: string;
  location?: string;
  identifier?: string;
}

/** The content of an MLA request as filed by the prosecutor. */
export interface MlaFiling {
  requestingState: string;
  requestingAuthorityId: string;
  requestedState: string;
  legalBasis: string;
  rulePackVersion: number;
  assistanceTypes: AssistanceType[];
  subjectOfProceedings?: string;
  factsSummary?: string;
  purpose?: string;
  persons: PersonConcerned[];
  language: string;
  urgency: Urgency;
  requestedByDate?: string;
  deadlineReason?: string;
}

export interface MlaCaseWorkflowInput {
  caseId: string;
  filing: MlaFiling;
  filedBy: ActorRef;
  /** Digest of the filing request, so that a replayed Idempotency-Key with another body is recognised. */
  filingDigest: string;
}

/** What the workflow answers to commands and queries: the case's live status, nothing personal. */
export interface MlaCaseStatus {
  caseId: string;
  state: MlaState;
  /** Sequence number of the last event; the case row's version. */
  seq: number;
  filingDigest: string;
  updatedAt: string;
}

export interface CaseFiledRecord {
  caseId: string;
  workflowId: string;
  filing: MlaFiling;
  filedBy: ActorRef;
  at: string;
}

export interface TransitionRecord {
  caseId: string;
  seq: number;
  event: string;
  from: MlaState;
  to: MlaState;
  actor: ActorRef;
  at: string;
  legalRef?: string;
  comment?: string;
}

/** Activities that keep Postgres in step with the workflow. Each is idempotent on (caseId, seq). */
export interface CaseProjectionActivities {
  recordCaseFiled(record: CaseFiledRecord): Promise<void>;
  recordTransition(record: TransitionRecord): Promise<void>;
}
