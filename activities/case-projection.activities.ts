import { ApplicationFailure } from '@temporalio/activity';
import type { DataSource, EntityManager } from 'typeorm';
import {
  PROJECTION_CONFLICT_FAILURE,
  PROJECTION_DATA_FAILURE,
  type CaseEventsRecord,
  type CaseProjectionActivities,
  type ProjectionFailureRecord,
} from '../libs/contracts/src';
import { GENESIS_HASH, auditRowHash, type AuditRowContent } from '../libs/persistence/src/audit-chain';

export interface CaseProjectionDeps {
  dataSource: DataSource;
}

type RecordedEvent = CaseEventsRecord['events'][number];

/**
 * Writes the workflow's facts to Postgres. Activities run at least once, so every statement is
 * idempotent: audit rows are keyed by (case_id, seq) and a row already there must be the same event,
 * tasks only move from OPEN, and the case row only moves forward in version.
 *
 * Failures are classified for the workflow: values Postgres refuses (SQLSTATE classes 22 and 23) and
 * a stored event that differs are non-retryable; anything else is transient. Neither carries the
 * values or the SQL parameters: they name personal data.
 */
export function createCaseProjectionActivities({ dataSource }: CaseProjectionDeps): CaseProjectionActivities {
  return {
    async recordCaseEvents(input: CaseEventsRecord): Promise<void> {
      const record = input.sanitize ? sanitizeRecord(input) : input;
      try {
        await dataSource.transaction((tx) => writeBatch(tx, record));
      } catch (err) {
        throw classify(err);
      }
    },

    async recordProjectionFailure(failure: ProjectionFailureRecord): Promise<void> {
      try {
        await recordFailure(dataSource, failure);
      } catch (err) {
        throw classify(err);
      }
    },
  };
}

async function writeBatch(tx: EntityManager, record: CaseEventsRecord): Promise<void> {
  if (record.filing) await insertCase(tx, record);
  await insertEvents(tx, record);
  for (const t of record.tasks) {
    await tx.query(
      `INSERT INTO case_tasks (case_id, task_id, kind, level, addressee, addressee_states, reason, created_at, due_at, status, resolved_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
       ON CONFLICT (case_id, task_id) DO UPDATE SET status = EXCLUDED.status, resolved_at = EXCLUDED.resolved_at, due_at = EXCLUDED.due_at,
         reason = EXCLUDED.reason
       WHERE case_tasks.status = 'OPEN' AND (EXCLUDED.status <> 'OPEN' OR EXCLUDED.reason IS DISTINCT FROM case_tasks.reason)`,
      [record.caseId, t.id, t.kind, t.level, t.addressee, t.addresseeStates, t.reason, t.createdAt, t.dueAt ?? null, t.status, t.resolvedAt ?? null],
    );
  }
  const s = record.snapshot;
  const lastAt = record.events.reduce((max, e) => (e.at > max ? e.at : max), record.events[0]?.at ?? s.lastPartyEventAt);
  // The content comes only with a batch that changed it (or files the case): absent, the stored content stands.
  const c = s.columns;
  if (c) {
    await tx.query(
      `UPDATE cases SET assistance_types = $3, subject_of_proceedings = $4, facts_summary = $5, purpose = $6, persons = $7::jsonb,
         language = $8, urgency = $9, requested_by_date = $10, deadline_reason = $11, person_identifier = COALESCE($12, person_identifier),
         linked_case_id = COALESCE($13::uuid, linked_case_id)
       WHERE id = $1 AND version < $2`,
      [
        record.caseId,
        s.version,
        c.assistanceTypes,
        c.subjectOfProceedings ?? null,
        c.factsSummary ?? null,
        c.purpose ?? null,
        JSON.stringify(c.persons),
        c.language,
        c.urgency,
        c.requestedByDate ?? null,
        c.deadlineReason ?? null,
        c.personIdentifier ?? null,
        c.linkedCaseId ?? null,
      ],
    );
  }
  await tx.query(
    `UPDATE cases SET state = $2, version = $3, flags = $4, transmitted = $5, executing_authority_ids = $6,
       escalated_to_focal_points_of = $7, legal_basis = $8, rule_pack_version = $9, detail = $10::jsonb, last_party_event_at = $11,
       updated_at = GREATEST(updated_at, $12::timestamptz)
     WHERE id = $1 AND version < $3`,
    [
      record.caseId,
      s.state,
      s.version,
      s.flags,
      s.transmitted,
      s.executingAuthorityIds,
      s.escalatedToFocalPointsOf,
      s.legalBasis,
      s.rulePackVersion,
      JSON.stringify(s.detail),
      s.lastPartyEventAt,
      lastAt,
    ],
  );
  const m = s.milestones;
  if (m) {
    await tx.query(
      `UPDATE cases SET transmitted_at = $2, received_at = $3, results_at = $4, paused_ms = $5, refusal_ground = $6, custody_days = $7
       WHERE id = $1 AND version = $8`,
      [
        record.caseId,
        m.transmittedAt ?? null,
        m.receivedAt ?? null,
        m.resultsAt ?? null,
        m.pausedMs ?? 0,
        m.refusalGround ?? null,
        m.custodyDays ?? null,
        s.version,
      ],
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
      [
        record.caseId,
        k.id,
        k.ruleId,
        k.kind,
        k.status,
        new Date(k.startedAt),
        new Date(k.breachAt),
        k.stoppedAt !== undefined ? new Date(k.stoppedAt) : null,
        k.legalRef ?? null,
      ],
    );
  }
  // The batch is written: whatever failure the operators were shown for this case is over.
  await tx.query(`UPDATE case_projection_failures SET resolved_at = now(), resolution = $3 WHERE case_id = $1 AND resolved_at IS NULL AND to_seq <= $2`, [
    record.caseId,
    s.version,
    record.sanitize ? 'SANITIZED' : 'WRITTEN',
  ]);
}

/**
 * Audit rows are append-only. A row already stored under the same (case_id, seq) is accepted only
 * when it is the same event (a retried batch); another event there means the workflow and the trail
 * disagree (a change of code that shifted sequence numbers, say), and that is never silently skipped.
 *
 * Each row is chained to the case's previous row (libs/persistence/src/audit-chain.ts). Batches of a
 * case are written in order, so the row before the batch is already stored; within the batch the
 * chain is carried in memory, through the stored row's hash when a retried batch finds it there.
 */
async function insertEvents(tx: EntityManager, record: CaseEventsRecord): Promise<void> {
  let prev = record.events.length ? await previousHash(tx, record.caseId, record.events[0].seq) : GENESIS_HASH;
  for (const e of record.events) {
    const row = auditRowOf(record.caseId, e);
    const hash = auditRowHash(row, prev);
    const inserted: unknown[] = await tx.query(
      `INSERT INTO case_events (case_id, seq, event, from_state, to_state, actor_id, actor_role, actor_state, actor_authority_id, at, legal_ref, comment, data, notify, prev_hash, hash)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13::jsonb, $14::jsonb, $15, $16)
       ON CONFLICT (case_id, seq) DO NOTHING
       RETURNING seq`,
      [
        row.caseId,
        row.seq,
        row.event,
        row.fromState,
        row.toState,
        row.actorId,
        row.actorRole,
        row.actorState,
        row.actorAuthorityId,
        e.at,
        row.legalRef,
        row.comment,
        row.data === null ? null : JSON.stringify(row.data),
        row.notify === null ? null : JSON.stringify(row.notify),
        prev,
        hash,
      ],
    );
    prev = inserted.length === 0 ? await assertSameEvent(tx, record.caseId, e) : hash;
  }
}

/** What the row stores, as the chain reads it back. */
function auditRowOf(caseId: string, e: RecordedEvent): AuditRowContent {
  return {
    caseId,
    seq: e.seq,
    event: e.type,
    fromState: e.seq === 0 ? null : e.from,
    toState: e.to,
    actorId: e.actor.userId,
    actorRole: e.actor.role,
    actorState: e.actor.stateCode || null,
    actorAuthorityId: e.actor.authorityId || null,
    at: e.at,
    legalRef: e.legalRef ?? null,
    comment: e.comment ?? null,
    data: e.data ? e.data : null,
    notify: e.notify?.length ? e.notify : null,
  };
}

async function previousHash(tx: EntityManager, caseId: string, seq: number): Promise<string> {
  if (seq === 0) return GENESIS_HASH;
  const [row]: Array<{ hash: string | null }> = await tx.query(`SELECT hash FROM case_events WHERE case_id = $1 AND seq = $2`, [caseId, seq - 1]);
  // Batches are written in order: a missing predecessor is a batch still on its way, so this one waits (retries).
  if (!row?.hash) throw new Error(`projection failed: audit row ${seq - 1} of the case is not chained yet`);
  return row.hash;
}

/** The stored row's hash, which the next row chains to, when it is the same event. */
async function assertSameEvent(tx: EntityManager, caseId: string, e: RecordedEvent): Promise<string> {
  const [stored]: Array<{ event: string; to_state: string; actor_id: string; at: Date; hash: string | null }> = await tx.query(
    `SELECT event, to_state, actor_id, at, hash FROM case_events WHERE case_id = $1 AND seq = $2`,
    [caseId, e.seq],
  );
  if (stored?.hash && stored.event === e.type && stored.to_state === e.to && stored.actor_id === e.actor.userId && stored.at.getTime() === Date.parse(e.at)) {
    return stored.hash;
  }
  throw ApplicationFailure.create({
    type: PROJECTION_CONFLICT_FAILURE,
    nonRetryable: true,
    message: `audit row ${e.seq} of case ${caseId} holds ${stored?.event ?? 'another event'}, the workflow recorded ${e.type}`,
  });
}

/**
 * The operators' queue of cases whose read model is behind, with the filing's access facts when the
 * case row itself is missing. A report that arrives after the batch was written changes nothing.
 */
async function recordFailure(db: DataSource, f: ProjectionFailureRecord): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.query(
      `INSERT INTO case_projection_failures (case_id, workflow_id, kind, requesting_state, requesting_authority_id, requested_state, created_by,
         from_seq, to_seq, reason, sql_state, first_failed_at, last_failed_at)
       SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12
       WHERE NOT EXISTS (SELECT 1 FROM cases WHERE id = $1 AND version >= $9)
       ON CONFLICT (case_id) WHERE resolved_at IS NULL DO UPDATE SET
         to_seq = GREATEST(case_projection_failures.to_seq, EXCLUDED.to_seq), reason = EXCLUDED.reason, sql_state = EXCLUDED.sql_state,
         last_failed_at = GREATEST(case_projection_failures.last_failed_at, EXCLUDED.last_failed_at),
         attempts = case_projection_failures.attempts + 1,
         kind = COALESCE(case_projection_failures.kind, EXCLUDED.kind),
         requesting_state = COALESCE(case_projection_failures.requesting_state, EXCLUDED.requesting_state),
         requesting_authority_id = COALESCE(case_projection_failures.requesting_authority_id, EXCLUDED.requesting_authority_id),
         requested_state = COALESCE(case_projection_failures.requested_state, EXCLUDED.requested_state),
         created_by = COALESCE(case_projection_failures.created_by, EXCLUDED.created_by)`,
      [
        f.caseId,
        f.workflowId,
        f.filing?.kind ?? null,
        f.filing?.requestingState ?? null,
        f.filing?.requestingAuthorityId ?? null,
        f.filing?.requestedState ?? null,
        f.filing?.createdBy ?? null,
        f.fromSeq,
        f.toSeq,
        f.reason,
        f.sqlState ?? null,
        f.at,
      ],
    );
    await tx.query(
      `UPDATE cases SET flags = array_append(flags, 'PROJECTION_FAILED') WHERE id = $1 AND version < $2 AND NOT ('PROJECTION_FAILED' = ANY(flags))`,
      [f.caseId, f.toSeq],
    );
  });
}

/** Postgres error to activity failure, by SQLSTATE: the message names codes, never values or parameters. */
export function classify(err: unknown): Error {
  if (err instanceof ApplicationFailure) return err;
  const e = err as { code?: unknown; driverError?: { code?: unknown }; name?: string };
  const code = typeof e?.code === 'string' ? e.code : typeof e?.driverError?.code === 'string' ? e.driverError.code : undefined;
  if (code && /^2[23][0-9A-Z]{3}$/.test(code)) {
    return ApplicationFailure.create({
      type: PROJECTION_DATA_FAILURE,
      nonRetryable: true,
      message: `Postgres refused the batch's values (SQLSTATE ${code})`,
      details: [{ sqlState: code }],
    });
  }
  return new Error(`projection failed: ${e?.name ?? 'Error'}${code ? ` (SQLSTATE ${code})` : ''}`);
}

/** What an operator's re-drive with `sanitize` stores instead of text Postgres refuses. */
export function sanitizeRecord(record: CaseEventsRecord): CaseEventsRecord {
  const clean = sanitizeValue(record) as CaseEventsRecord;
  const date = clean.snapshot.columns?.requestedByDate;
  if (date !== undefined && !isCalendarDate(date)) clean.snapshot.columns = { ...clean.snapshot.columns!, requestedByDate: undefined };
  return clean;
}

function sanitizeValue(value: unknown): unknown {
  if (typeof value === 'string')
    return value.replace(/\u0000/g, '').replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
  if (Array.isArray(value)) return value.map(sanitizeValue);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [sanitizeValue(k) as string, sanitizeValue(v)]));
  return value;
}

function isCalendarDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const d = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value && value >= '0001-01-01';
}

async function insertCase(tx: EntityManager, record: CaseEventsRecord): Promise<void> {
  const f = record.filing!;
  const s = record.snapshot;
  if (!s.columns)
    throw ApplicationFailure.create({ type: PROJECTION_DATA_FAILURE, nonRetryable: true, message: 'a filing batch came without the case content' });
  await tx.query(
    `INSERT INTO cases (id, kind, workflow_id, state, version, requesting_state, requesting_authority_id, requested_state,
       legal_basis, rule_pack_version, created_by, assistance_types, subject_of_proceedings, facts_summary, purpose, persons,
       language, urgency, requested_by_date, deadline_reason, flags, detail, last_party_event_at, filed_at, created_at, updated_at)
     VALUES ($1, $19, $2, 'DRAFT', -1, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13::jsonb, $14, $15, $16, $17, '{}', '{}', $18, $18, $18, $18)
     ON CONFLICT (id) DO NOTHING`,
    [
      record.caseId,
      record.workflowId,
      f.requestingState,
      f.requestingAuthorityId,
      f.requestedState,
      s.legalBasis,
      s.rulePackVersion,
      f.createdBy,
      s.columns.assistanceTypes,
      s.columns.subjectOfProceedings ?? null,
      s.columns.factsSummary ?? null,
      s.columns.purpose ?? null,
      JSON.stringify(s.columns.persons),
      s.columns.language,
      s.columns.urgency,
      s.columns.requestedByDate ?? null,
      s.columns.deadlineReason ?? null,
      f.filedAt,
      f.kind,
    ],
  );
}
