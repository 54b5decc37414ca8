import { MigrationInterface, QueryRunner } from 'typeorm';
import { ENGINE_ROLE, handOverToOwner } from './1765100000000-AuditTrust';

/**
 * Reads of personal data leave a trace (Law Enforcement Directive, art. 25): who (user, role,
 * authority, State), which cases, which view, when. One row per request: a list page or an export
 * chunk names all its cases in `case_ids` (a GIN index answers "who read this case"), so that a
 * thousand-case export is one row, not a thousand, and is written before the rows leave.
 * Append-only like `case_events`: a trigger refuses UPDATE, DELETE and TRUNCATE, and the engine
 * role may only INSERT and SELECT.
 */
export class AccessLog1765200000000 implements MigrationInterface {
  name = 'AccessLog1765200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE access_log (
        id bigserial PRIMARY KEY,
        at timestamptz NOT NULL DEFAULT now(),
        actor_id text NOT NULL,
        actor_role text,
        actor_state text,
        actor_authority_id text,
        view text NOT NULL,
        case_ids uuid[] NOT NULL
      );
      CREATE INDEX access_log_case_ids_idx ON access_log USING gin (case_ids);
      CREATE INDEX access_log_actor_idx ON access_log (actor_id, at);
      CREATE INDEX access_log_at_idx ON access_log (at);

      CREATE FUNCTION access_log_is_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'access_log is an append-only record of reads: % refused', TG_OP;
      END $$;
      CREATE TRIGGER access_log_no_update BEFORE UPDATE OR DELETE ON access_log
        FOR EACH ROW EXECUTE FUNCTION access_log_is_immutable();
      CREATE TRIGGER access_log_no_truncate BEFORE TRUNCATE ON access_log
        FOR EACH STATEMENT EXECUTE FUNCTION access_log_is_immutable();
    `);
    await handOverToOwner(q);
    await q.query(`
      REVOKE ALL ON access_log FROM ${ENGINE_ROLE};
      GRANT SELECT, INSERT ON access_log TO ${ENGINE_ROLE};
      GRANT USAGE ON SEQUENCE access_log_id_seq TO ${ENGINE_ROLE};
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE access_log; DROP FUNCTION access_log_is_immutable();`);
  }
}
