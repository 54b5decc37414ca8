import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What managers ask (domain brief §8), answerable from indexes: the milestones of each case as
 * columns, every clock as a row, and partial indexes over open cases.
 */
export class Monitoring1764700000000 implements MigrationInterface {
  name = 'Monitoring1764700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE cases
        -- The terminal states of every machine: test/terminal-states.int-spec.ts holds this list to the domain's.
        ADD COLUMN is_open boolean GENERATED ALWAYS AS (
          state NOT IN ('CLOSED', 'REFUSED', 'WITHDRAWN', 'SURRENDERED', 'RELEASED_NOT_TAKEN_OVER', 'JUDGMENT', 'DISCONTINUED')
        ) STORED,
        ADD COLUMN transmitted_at timestamptz,
        ADD COLUMN received_at timestamptz,
        ADD COLUMN results_at timestamptz,
        ADD COLUMN paused_ms bigint NOT NULL DEFAULT 0,
        ADD COLUMN refusal_ground text,
        ADD COLUMN custody_days int;

      CREATE INDEX cases_open_party_activity_idx ON cases (last_party_event_at, id) WHERE is_open;
      CREATE INDEX cases_open_deadline_idx ON cases (requested_by_date, id) WHERE is_open AND requested_by_date IS NOT NULL;
      CREATE INDEX cases_pair_filed_idx ON cases (requesting_state, requested_state, filed_at);

      CREATE TABLE case_clocks (
        case_id uuid NOT NULL REFERENCES cases(id),
        clock_id text NOT NULL,
        rule_id text NOT NULL,
        kind text NOT NULL,
        status text NOT NULL,
        started_at timestamptz NOT NULL,
        due_at timestamptz NOT NULL,
        stopped_at timestamptz,
        legal_ref text,
        PRIMARY KEY (case_id, clock_id)
      );
      CREATE INDEX case_clocks_rule_idx ON case_clocks (rule_id, status);
      CREATE INDEX case_tasks_kind_idx ON case_tasks (kind, status, level);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TABLE case_clocks; DROP INDEX case_tasks_kind_idx;
      DROP INDEX cases_open_party_activity_idx; DROP INDEX cases_open_deadline_idx; DROP INDEX cases_pair_filed_idx;
      ALTER TABLE cases DROP COLUMN is_open, DROP COLUMN transmitted_at, DROP COLUMN received_at, DROP COLUMN results_at,
        DROP COLUMN paused_ms, DROP COLUMN refusal_ground, DROP COLUMN custody_days;
    `);
  }
}
