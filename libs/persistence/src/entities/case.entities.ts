import { Column, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

/** The read model of a case: a projection of its workflow, written only by activities. */
@Entity({ name: 'cases' })
export class CaseEntity {
  @PrimaryColumn({ type: 'uuid' }) id: string;
  @Column({ type: 'text' }) kind: string;
  @Column({ type: 'text', name: 'workflow_id' }) workflowId: string;
  @Column({ type: 'text' }) state: string;
  @Column({ type: 'int' }) version: number;
  @Column({ type: 'text', name: 'requesting_state' }) requestingState: string;
  @Column({ type: 'text', name: 'requesting_authority_id' }) requestingAuthorityId: string;
  @Column({ type: 'text', name: 'requested_state' }) requestedState: string;
  @Column({ type: 'text', name: 'legal_basis' }) legalBasis: string;
  @Column({ type: 'int', name: 'rule_pack_version' }) rulePackVersion: number;
  @Column({ type: 'text', name: 'created_by' }) createdBy: string;
  @Column({ type: 'text', array: true, name: 'assistance_types' }) assistanceTypes: string[];
  @Column({ type: 'text', name: 'subject_of_proceedings', nullable: true }) subjectOfProceedings: string | null;
  @Column({ type: 'text', name: 'facts_summary', nullable: true }) factsSummary: string | null;
  @Column({ type: 'text', nullable: true }) purpose: string | null;
  @Column({ type: 'jsonb' }) persons: unknown[];
  @Column({ type: 'text' }) language: string;
  @Column({ type: 'text' }) urgency: string;
  @Column({ type: 'date', name: 'requested_by_date', nullable: true }) requestedByDate: string | null;
  @Column({ type: 'text', name: 'deadline_reason', nullable: true }) deadlineReason: string | null;
  @Column({ type: 'boolean' }) transmitted: boolean;
  @Column({ type: 'text', array: true, name: 'executing_authority_ids' }) executingAuthorityIds: string[];
  @Column({ type: 'text', array: true, name: 'escalated_to_focal_points_of' }) escalatedToFocalPointsOf: string[];
  @Column({ type: 'text', array: true }) flags: string[];
  @Column({ type: 'jsonb' }) detail: Record<string, unknown>;
  @Column({ type: 'text', name: 'person_identifier', nullable: true }) personIdentifier: string | null;
  @Column({ type: 'uuid', name: 'linked_case_id', nullable: true }) linkedCaseId: string | null;
  @Column({ type: 'timestamptz', name: 'last_party_event_at' }) lastPartyEventAt: Date;
  @Column({ type: 'timestamptz', name: 'filed_at' }) filedAt: Date;
  @Column({ type: 'timestamptz', name: 'created_at' }) createdAt: Date;
  @Column({ type: 'timestamptz', name: 'updated_at' }) updatedAt: Date;
}

/** Immutable audit trail: one row per state change, never updated or deleted (a trigger refuses it). */
@Entity({ name: 'case_events' })
export class CaseEventEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' }) id: string;
  @Column({ type: 'uuid', name: 'case_id' }) caseId: string;
  @Column({ type: 'int' }) seq: number;
  @Column({ type: 'text' }) event: string;
  @Column({ type: 'text', name: 'from_state', nullable: true }) fromState: string | null;
  @Column({ type: 'text', name: 'to_state' }) toState: string;
  @Column({ type: 'text', name: 'actor_id' }) actorId: string;
  @Column({ type: 'text', name: 'actor_role' }) actorRole: string;
  @Column({ type: 'text', name: 'actor_state', nullable: true }) actorState: string | null;
  @Column({ type: 'text', name: 'actor_authority_id', nullable: true }) actorAuthorityId: string | null;
  @Column({ type: 'jsonb', nullable: true }) data: Record<string, unknown> | null;
  @Column({ type: 'jsonb', nullable: true }) notify: unknown[] | null;
  @Column({ type: 'timestamptz' }) at: Date;
  @Column({ type: 'text', name: 'legal_ref', nullable: true }) legalRef: string | null;
  @Column({ type: 'text', nullable: true }) comment: string | null;
  @Column({ type: 'timestamptz', name: 'recorded_at' }) recordedAt: Date;
}

/** Reminders, escalations and owed steps, one row per task: what managers count and addressees work from. */
@Entity({ name: 'case_tasks' })
export class CaseTaskEntity {
  @PrimaryColumn({ type: 'uuid', name: 'case_id' }) caseId: string;
  @PrimaryColumn({ type: 'text', name: 'task_id' }) taskId: string;
  @Column({ type: 'text' }) kind: string;
  @Column({ type: 'int' }) level: number;
  @Column({ type: 'text' }) addressee: string;
  @Column({ type: 'text', array: true, name: 'addressee_states' }) addresseeStates: string[];
  @Column({ type: 'text' }) reason: string;
  @Column({ type: 'timestamptz', name: 'created_at' }) createdAt: Date;
  @Column({ type: 'timestamptz', name: 'due_at', nullable: true }) dueAt: Date | null;
  @Column({ type: 'text' }) status: string;
  @Column({ type: 'timestamptz', name: 'resolved_at', nullable: true }) resolvedAt: Date | null;
}
