import type { DataSource, EntityManager } from 'typeorm';
import type { CaseEventsRecord, CaseProjectionActivities } from '../libs/contracts/src';

export interface CaseProjectionDeps {
  dataSource: DataSource;
}

/**
 * Writes the workflow's facts to Postgres. Activities run at least once, so every statement is
 * idempotent: audit rows are keyed by (case_id, seq), tasks only move from OPEN, and the case row
 * only moves forward in version.
 */
export function createCaseProjectionActivities({ dataSource }: CaseProjectionDeps): CaseProjectionActivities {
  return {
    async recordCaseEvents(record: CaseEventsRecord): Promise<void> {
      await dataSource.transaction(async (tx) => {
        if (record.filing) await insertCase(tx, record);
        for (const e of record.events) {
          await tx.query(
            `INSERT INTO case_events (case_id, seq, event, from_state, to_state, actor_id, actor_role, actor_state, actor_authority_id, at, legal_ref, comment, data, notify)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13::jsonb, $14::jsonb)
             ON CONFLICT (case_id, seq) DO NOTHING`,
            [
              record.caseId, e.seq, e.type, e.seq === 0 ? null : e.from, e.to, e.actor.userId, e.actor.role,
              e.actor.stateCode || null, e.actor.authorityId || null, e.at, e.legalRef ?? null, e.comment ?? null,
              e.data ? JSON.stringify(e.data) : null, e.notify?.length ? JSON.stringify(e.notify) : null,
            ],
          );
        }
        for (const t of record.tasks) {
          await tx.query(
            `INSERT INTO case_tasks (case_id, task_id, kind, level, addressee, addressee_states, reason, created_at, due_at, status, resolved_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
             ON CONFLICT (case_id, task_id) DO UPDATE SET status = EXCLUDED.status, resolved_at = EXCLUDED.resolved_at, due_at = EXCLUDED.due_at
             WHERE case_tasks.status = 'OPEN' AND EXCLUDED.status <> 'OPEN'`,
            [record.caseId, t.id, t.kind, t.level, t.addressee, t.addresseeStates, t.reason, t.createdAt, t.dueAt ?? null, t.status, t.resolvedAt ?? null],
          );
        }
        const s = record.snapshot;
        const lastAt = record.events.reduce((max, e) => (e.at > max ? e.at : max), record.events[0]?.at ?? s.lastPartyEventAt);
        await tx.query(
          `UPDATE cases SET state = $2, version = $3, flags = $4, transmitted = $5, executing_authority_ids = $6,
             escalated_to_focal_points_of = $7, legal_basis = $8, rule_pack_version = $9, assistance_types = $10,
             subject_of_proceedings = $11, facts_summary = $12, purpose = $13, persons = $14::jsonb, language = $15, urgency = $16,
             requested_by_date = $17, deadline_reason = $18, detail = $19::jsonb, last_party_event_at = $20,
             updated_at = GREATEST(updated_at, $21::timestamptz), person_identifier = COALESCE($22, person_identifier),
             linked_case_id = COALESCE($23::uuid, linked_case_id)
           WHERE id = $1 AND version < $3`,
          [
            record.caseId, s.state, s.version, s.flags, s.transmitted, s.executingAuthorityIds, s.escalatedToFocalPointsOf,
            s.legalBasis, s.rulePackVersion, s.columns.assistanceTypes, s.columns.subjectOfProceedings ?? null,
            s.columns.factsSummary ?? null, s.columns.purpose ?? null, JSON.stringify(s.columns.persons), s.columns.language,
            s.columns.urgency, s.columns.requestedByDate ?? null, s.columns.deadlineReason ?? null, JSON.stringify(s.detail),
            s.lastPartyEventAt, lastAt, s.columns.personIdentifier ?? null, s.columns.linkedCaseId ?? null,
          ],
        );
        const m = s.milestones;
        if (m) {
          await tx.query(
            `UPDATE cases SET transmitted_at = $2, received_at = $3, results_at = $4, paused_ms = $5, refusal_ground = $6, custody_days = $7
             WHERE id = $1 AND version = $8`,
            [record.caseId, m.transmittedAt ?? null, m.receivedAt ?? null, m.resultsAt ?? null, m.pausedMs ?? 0, m.refusalGround ?? null, m.custodyDays ?? null, s.version],
          );
        }
        const clocks = (s.detail as { clocks?: Array<Record<string, any>> }).clocks ?? [];
        // The case's own figures, for statistics that read one row per case.
        const deadlines = clocks.filter((k) => k.kind !== 'STALL' && k.kind !== 'CUSTODY_REMINDER' && k.status !== 'CANCELLED');
        const escalations = record.tasks.filter((t) => t.kind === 'ESCALATION');
        await tx.query(
          `UPDATE cases SET deadline_rules = $2, breached_rules = $3, escalations_raised = $4, escalation_resolution_days = $5 WHERE id = $1 AND version = $6`,
          [
            record.caseId,
            deadlines.map((k) => k.ruleId),
            deadlines.filter((k) => k.status === 'BREACHED').map((k) => k.ruleId),
            escalations.length,
            escalations.filter((t) => t.status === 'RESOLVED' && t.resolvedAt).map((t) => (Date.parse(t.resolvedAt!) - Date.parse(t.createdAt)) / 86_400_000),
            s.version,
          ],
        );
        for (const k of clocks) {
          await tx.query(
            `INSERT INTO case_clocks (case_id, clock_id, rule_id, kind, status, started_at, due_at, stopped_at, legal_ref)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
             ON CONFLICT (case_id, clock_id) DO UPDATE SET status = EXCLUDED.status, due_at = EXCLUDED.due_at, stopped_at = EXCLUDED.stopped_at,
               started_at = EXCLUDED.started_at, legal_ref = EXCLUDED.legal_ref
             WHERE (case_clocks.status, case_clocks.due_at, case_clocks.stopped_at, case_clocks.started_at) IS DISTINCT FROM
                   (EXCLUDED.status, EXCLUDED.due_at, EXCLUDED.stopped_at, EXCLUDED.started_at)`,
            [record.caseId, k.id, k.ruleId, k.kind, k.status, new Date(k.startedAt), new Date(k.breachAt), k.stoppedAt !== undefined ? new Date(k.stoppedAt) : null, k.legalRef ?? null],
          );
        }
      });
    },
  };
}

async function insertCase(tx: EntityManager, record: CaseEventsRecord): Promise<void> {
  const f = record.filing!;
  const s = record.snapshot;
  await tx.query(
    `INSERT INTO cases (id, kind, workflow_id, state, version, requesting_state, requesting_authority_id, requested_state,
       legal_basis, rule_pack_version, created_by, assistance_types, subject_of_proceedings, facts_summary, purpose, persons,
       language, urgency, requested_by_date, deadline_reason, flags, detail, last_party_event_at, filed_at, created_at, updated_at)
     VALUES ($1, $19, $2, 'DRAFT', -1, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13::jsonb, $14, $15, $16, $17, '{}', '{}', $18, $18, $18, $18)
     ON CONFLICT (id) DO NOTHING`,
    [
      record.caseId, record.workflowId, f.requestingState, f.requestingAuthorityId, f.requestedState, s.legalBasis, s.rulePackVersion,
      f.createdBy, s.columns.assistanceTypes, s.columns.subjectOfProceedings ?? null, s.columns.factsSummary ?? null,
      s.columns.purpose ?? null, JSON.stringify(s.columns.persons), s.columns.language, s.columns.urgency,
      s.columns.requestedByDate ?? null, s.columns.deadlineReason ?? null, f.filedAt, f.kind,
    ],
  );
}
