import type { DataSource } from 'typeorm';

/** What the store says of a request carrying an Idempotency-Key (IETF draft semantics). */
export type IdempotencyClaim =
  /** First time this key is seen (or an earlier attempt was abandoned): run the request. */
  | { kind: 'RUN' }
  /** The key's request already completed: answer as it was answered, from the case it names. */
  | { kind: 'REPLAY'; caseId: string | null; status: number; version: number | null }
  /** The same key with another request. */
  | { kind: 'MISMATCH' }
  /** The first request with this key is still being processed. */
  | { kind: 'IN_FLIGHT' };

export interface IdempotencyOptions {
  /** How long keys of commands are kept; keys of filings are kept for the life of their case. */
  retentionHours: number;
  /** How long a request holds its key before a retry may take over (the workflow deduplicates by key anyway). */
  leaseSeconds: number;
}

/**
 * (actor, key) → request digest, state and first answer. The unique key makes two concurrent
 * requests with one key meet here; the first runs, the other is told to wait (409).
 */
export class IdempotencyStore {
  constructor(
    private readonly db: DataSource,
    private readonly options: IdempotencyOptions = { retentionHours: 720, leaseSeconds: 60 },
  ) {}

  async claim(actorId: string, key: string, operation: string, digest: string, caseId: string | null): Promise<IdempotencyClaim> {
    // Keys past their retention are forgotten, the actor's own only: the primary key index finds them.
    await this.db.query(`DELETE FROM idempotency_keys WHERE actor_id = $1 AND operation <> 'FILE' AND created_at < now() - make_interval(hours => $2)`, [
      actorId,
      this.options.retentionHours,
    ]);
    const inserted: unknown[] = await this.db.query(
      `INSERT INTO idempotency_keys (actor_id, key, operation, case_id, request_digest, status, locked_until)
       VALUES ($1, $2, $3, $4, $5, 'IN_FLIGHT', now() + make_interval(secs => $6))
       ON CONFLICT (actor_id, key) DO NOTHING RETURNING 1`,
      [actorId, key, operation, caseId, digest, this.options.leaseSeconds],
    );
    if (inserted.length) return { kind: 'RUN' };
    const [row]: Array<{
      request_digest: string;
      status: string;
      case_id: string | null;
      response_status: number | null;
      response_version: number | null;
      expired: boolean;
    }> = await this.db.query(
      `SELECT request_digest, status, case_id, response_status, response_version, locked_until <= now() AS expired
         FROM idempotency_keys WHERE actor_id = $1 AND key = $2`,
      [actorId, key],
    );
    if (!row) return this.claim(actorId, key, operation, digest, caseId);
    if (row.status === 'IN_FLIGHT' && !row.expired) return { kind: 'IN_FLIGHT' };
    if (row.request_digest !== digest) return { kind: 'MISMATCH' };
    // An answer of 202 was not final: run again, the workflow answers an update id it has seen with its first result.
    if (row.status === 'DONE' && row.response_status !== 202) {
      return { kind: 'REPLAY', caseId: row.case_id, status: row.response_status ?? 200, version: row.response_version };
    }
    const taken: unknown[] = await this.db.query(
      `UPDATE idempotency_keys SET status = 'IN_FLIGHT', locked_until = now() + make_interval(secs => $3)
       WHERE actor_id = $1 AND key = $2 AND (status = 'DONE' OR locked_until <= now()) RETURNING 1`,
      [actorId, key, this.options.leaseSeconds],
    );
    return taken.length ? { kind: 'RUN' } : { kind: 'IN_FLIGHT' };
  }

  async complete(actorId: string, key: string, status: number, caseId: string | null, version: number | null): Promise<void> {
    await this.db.query(
      `UPDATE idempotency_keys SET status = 'DONE', response_status = $3, case_id = COALESCE($4, case_id), response_version = $5, completed_at = now()
       WHERE actor_id = $1 AND key = $2`,
      [actorId, key, status, caseId, version],
    );
  }

  /** The request changed nothing (refused, or a dependency was away): a retry runs afresh. */
  async release(actorId: string, key: string): Promise<void> {
    await this.db.query(`DELETE FROM idempotency_keys WHERE actor_id = $1 AND key = $2 AND status = 'IN_FLIGHT'`, [actorId, key]);
  }
}

export interface ProjectionFailureRow {
  caseId: string;
  workflowId: string;
  kind: string | null;
  requestingState: string | null;
  requestingAuthorityId: string | null;
  requestedState: string | null;
  createdBy: string | null;
  fromSeq: number;
  toSeq: number;
  reason: string;
  sqlState: string | null;
  attempts: number;
  firstFailedAt: Date;
  lastFailedAt: Date;
}

const FAILURE_COLUMNS = `case_id AS "caseId", workflow_id AS "workflowId", kind, requesting_state AS "requestingState",
  requesting_authority_id AS "requestingAuthorityId", requested_state AS "requestedState", created_by AS "createdBy",
  from_seq AS "fromSeq", to_seq AS "toSeq", reason, sql_state AS "sqlState", attempts, first_failed_at AS "firstFailedAt", last_failed_at AS "lastFailedAt"`;

/** The operators' queue of cases whose read model is behind. */
export class ProjectionFailureQueries {
  constructor(private readonly db: DataSource) {}

  async open(caseId: string): Promise<ProjectionFailureRow | null> {
    const rows: ProjectionFailureRow[] = await this.db.query(
      `SELECT ${FAILURE_COLUMNS} FROM case_projection_failures WHERE case_id = $1 AND resolved_at IS NULL`,
      [caseId],
    );
    return rows[0] ?? null;
  }

  async list(limit: number): Promise<ProjectionFailureRow[]> {
    return this.db.query(`SELECT ${FAILURE_COLUMNS} FROM case_projection_failures WHERE resolved_at IS NULL ORDER BY first_failed_at LIMIT $1`, [limit]);
  }

  async countOpen(): Promise<number> {
    const [row] = await this.db.query(`SELECT count(*)::int AS n FROM case_projection_failures WHERE resolved_at IS NULL`);
    return row.n;
  }
}
