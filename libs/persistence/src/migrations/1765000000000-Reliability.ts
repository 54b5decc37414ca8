import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What makes the engine's guarantees hold under retries and faults:
 * - `idempotency_keys`: (actor, key) → the case, the request's digest, its state and first answer, so that a
 *   retried command is applied once and answered alike (IETF Idempotency-Key draft). Keys of commands are kept
 *   for IDEMPOTENCY_RETENTION_HOURS (default 720, thirty days); keys of filings for the life of the case.
 * - `case_projection_failures`: the operators' queue of cases whose read model is behind because Postgres did not
 *   take a batch; it names codes and sequence numbers only, and the filing's access facts when the case row is
 *   missing, so the case stays reachable (and re-drivable) by those who may see it.
 */
export class Reliability1765000000000 implements MigrationInterface {
  name = 'Reliability1765000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE idempotency_keys (
        actor_id text NOT NULL,
        key text NOT NULL,
        operation text NOT NULL,
        case_id uuid,
        request_digest text NOT NULL,
        status text NOT NULL CHECK (status IN ('IN_FLIGHT', 'DONE')),
        response_status int,
        response_version int,
        locked_until timestamptz NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        completed_at timestamptz,
        PRIMARY KEY (actor_id, key)
      );
      CREATE INDEX idempotency_keys_expiry_idx ON idempotency_keys (created_at) WHERE operation <> 'FILE';

      CREATE TABLE case_projection_failures (
        id bigserial PRIMARY KEY,
        case_id uuid NOT NULL,
        workflow_id text NOT NULL,
        kind text,
        requesting_state char(2),
        requesting_authority_id text,
        requested_state char(2),
        created_by text,
        from_seq int NOT NULL,
        to_seq int NOT NULL,
        reason text NOT NULL CHECK (reason IN ('DATA', 'CONFLICT', 'UNAVAILABLE')),
        sql_state text,
        attempts int NOT NULL DEFAULT 1,
        first_failed_at timestamptz NOT NULL,
        last_failed_at timestamptz NOT NULL,
        resolved_at timestamptz,
        resolution text CHECK (resolution IN ('WRITTEN', 'SANITIZED'))
      );
      CREATE UNIQUE INDEX case_projection_failures_open_idx ON case_projection_failures (case_id) WHERE resolved_at IS NULL;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE case_projection_failures; DROP TABLE idempotency_keys;`);
  }
}
