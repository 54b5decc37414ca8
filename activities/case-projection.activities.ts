import type { DataSource } from 'typeorm';
import type { CaseFiledRecord, CaseProjectionActivities, TransitionRecord } from '../libs/contracts/src';

export interface CaseProjectionDeps {
  dataSource: DataSource;
}

/**
 * Writes the workflow's facts to Postgres. Activities run at least once, so every statement is
 * idempotent: audit rows are keyed by (case_id, seq), and the case row only moves forward in version.
 */
export function createCaseProjectionActivities({ dataSource }: CaseProjectionDeps): CaseProjectionActivities {
  return {
    async recordCaseFiled(record: CaseFiledRecord): Promise<void> {
      const { filing, filedBy } = record;
      await dataSource.transaction(async (tx) => {
        await tx.query(
          `INSERT INTO cases (id, kind, workflow_id, state, version, requesting_state, requesting_authority_id, requested_state,
             legal_basis, rule_pack_version, created_by, assistance_types, subject_of_proceedings, facts_summary, purpose, persons,
             language, urgency, requested_by_date, deadline_reason, flags, created_at, updated_at)
           VALUES ($1, 'MLA', $2, 'DRAFT', 0, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13::jsonb, $14, $15, $16, $17, $18, $19, $19)
           ON CONFLICT (id) DO NOTHING`,
          [
            record.caseId,
            record.workflowId,
            filing.requestingState,
            filing.requestingAuthorityId,
            filing.requestedState,
            filing.legalBasis,
            filing.rulePackVersion,
            filedBy.userId,
            filing.assistanceTypes,
            filing.subjectOfProceedings ?? null,
            filing.factsSummary ?? null,
            filing.purpose ?? null,
            JSON.stringify(filing.persons),
            filing.language,
            filing.urgency,
            filing.requestedByDate ?? null,
            filing.deadlineReason ?? null,
            filing.urgency === 'URGENT' ? ['URGENT'] : [],
            record.at,
          ],
        );
        await insertEvent(tx, {
          caseId: record.caseId,
          seq: 0,
          event: 'FILED',
          from: null,
          to: 'DRAFT',
          actor: filedBy,
          at: record.at,
        });
      });
    },

    async recordTransition(record: TransitionRecord): Promise<void> {
      await dataSource.transaction(async (tx) => {
        await insertEvent(tx, record);
        await tx.query(
          `UPDATE cases SET state = $2, version = $3, updated_at = $4
           WHERE id = $1 AND version < $3`,
          [record.caseId, record.to, record.seq, record.at],
        );
      });
    },
  };
}

type EventRow = Omit<TransitionRecord, 'from'> & { from: string | null };

async function insertEvent(tx: { query: DataSource['query'] }, row: EventRow): Promise<void> {
  await tx.query(
    `INSERT INTO case_events (case_id, seq, event, from_state, to_state, actor_id, actor_role, actor_state, actor_authority_id, at, legal_ref, comment)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
     ON CONFLICT (case_id, seq) DO NOTHING`,
    [
      row.caseId,
      row.seq,
      row.event,
      row.from,
      row.to,
      row.actor.userId,
      row.actor.role,
      row.actor.stateCode,
      row.actor.authorityId,
      row.at,
      row.legalRef ?? null,
      row.comment ?? null,
    ],
  );
}
