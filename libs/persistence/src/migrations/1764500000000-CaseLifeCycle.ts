import { MigrationInterface, QueryRunner } from 'typeorm';

/** The full MLA life cycle: clocks, items and metrics on the case row, tasks, and richer audit rows. */
export class CaseLifeCycle1764500000000 implements MigrationInterface {
  name = 'CaseLifeCycle1764500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE cases
        ADD COLUMN detail jsonb NOT NULL DEFAULT '{}',
        ADD COLUMN last_party_event_at timestamptz,
        ADD COLUMN filed_at timestamptz;
      UPDATE cases SET last_party_event_at = updated_at, filed_at = created_at;
      ALTER TABLE cases ALTER COLUMN last_party_event_at SET NOT NULL, ALTER COLUMN filed_at SET NOT NULL;

      -- System events (reminders, escalations, breaches) have no user behind them.
      ALTER TABLE case_events
        ALTER COLUMN actor_state DROP NOT NULL,
        ALTER COLUMN actor_authority_id DROP NOT NULL,
        ADD COLUMN data jsonb,
        ADD COLUMN notify jsonb;
      CREATE INDEX case_events_case_idx ON case_events (case_id, seq);

      CREATE TABLE case_tasks (
        case_id uuid NOT NULL REFERENCES cases(id),
        task_id text NOT NULL,
        kind text NOT NULL,
        level int NOT NULL,
        addressee text NOT NULL,
        addressee_states text[] NOT NULL,
        reason text NOT NULL,
        created_at timestamptz NOT NULL,
        due_at timestamptz,
        status text NOT NULL CHECK (status IN ('OPEN', 'RESOLVED', 'OBSOLETE')),
        resolved_at timestamptz,
        PRIMARY KEY (case_id, task_id)
      );
      CREATE INDEX case_tasks_open_idx ON case_tasks (addressee, created_at) WHERE status = 'OPEN';
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TABLE case_tasks;
      DROP INDEX case_events_case_idx;
      ALTER TABLE case_events DROP COLUMN data, DROP COLUMN notify;
      ALTER TABLE cases DROP COLUMN detail, DROP COLUMN last_party_event_at, DROP COLUMN filed_at;
    `);
  }
}
