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
import { outboxEntriesOf } from '../libs/domain/src/notifications';

export interface CaseProjectionDeps {
  dataSource: DataSource;
  /**
   * Told after a batch that put notifications in the outbox has committed (the worker starts their
   * delivery). Best effort: what it misses stays in the outbox for the next call or the next start.
   */
  onNotifications?: () => Promise<void>;
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
export function createCaseProjectionActivities({ dataSource, onNotifications }: CaseProjectionDeps): CaseProjectionActivities {
  const tips = new ChainTips();
  const written = async (notifications: number) => {
    if (notifications > 0 && onNotifications) await onNotifications().catch(() => undefined);
  };
  return {
    async recordCaseEvents(input: CaseEventsRecord): Promise<void> {
      const record = input.sanitize ? sanitizeRecord(input) : input;
      // One statement, one round trip, in the common case; anything unusual (a retried batch whose rows
      // differ, values Postgres refuses, Postgres away) goes the statement-by-statement way, which
      // decides and reports exactly as it always did.
      let notifications: number;
      try {
        notifications = await writeBatchInOneStatement(dataSource, record, tips);
        return await written(notifications);
      } catch {
        tips.forget(record.caseId);
      }
      try {
        notifications = await dataSource.transaction((tx) => writeBatch(tx, record));
      } catch (err) {
        throw classify(err);
      }
      await written(notifications);
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

/**
 * The hash of the last audit row written per case, by this worker: rows are immutable once stored, so a
 * tip remembered for row n - 1 is the `prev_hash` of row n without reading it back. Bounded, oldest out.
 */
export class ChainTips {
  private readonly tips = new Map<string, { seq: number; hash: string }>();
  constructor(private readonly capacity = 50_000) {}
  prevOf(caseId: string, seq: number): string | undefined {
    if (seq === 0) return GENESIS_HASH;
    const tip = this.tips.get(caseId);
    return tip && tip.seq === seq - 1 ? tip.hash : undefined;
  }
  remember(caseId: string, seq: number, hash: string): void {
    this.tips.delete(caseId);
    this.tips.set(caseId, { seq, hash });
    if (this.tips.size > this.capacity) this.tips.delete(this.tips.keys().next().value!);
  }
  forget(caseId: string): void {
    this.tips.delete(caseId);
  }
}

/** Raised inside the one statement when a stored audit row under the batch's sequence numbers is not the row the batch computes. */
const CHAIN_MISMATCH = 'audit-row-differs';

type Queryable = Pick<DataSource, 'query'>;

/**
 * The whole batch as one statement (data-modifying CTEs): the audit rows chained in memory (from the
 * remembered tip, else the stored predecessor read first), tasks and clocks as multi-row upserts, the
 * case row as one insert-or-update whose CASE expressions apply the same version guards as the separate
 * statements of `writeBatch`, and the operators' failure closed. A stored row under one of the batch's
 * sequence numbers that is not the very row computed here (a different event, or one chained otherwise)
 * makes the statement fail, so nothing of it is kept and `writeBatch` decides.
 */
export async function writeBatchInOneStatement(db: DataSource, record: CaseEventsRecord, tips: ChainTips): Promise<number> {
  const s = record.snapshot;
  const c = s.columns;
  if (record.filing && !c) throw new Error('a filing batch came without the case content');
  const first = record.events[0];
  let prev = first ? (tips.prevOf(record.caseId, first.seq) ?? (await previousHash(db, record.caseId, first.seq))) : GENESIS_HASH;
  const events = record.events.map((e) => {
    const row = auditRowOf(record.caseId, e);
    const hash = auditRowHash(row, prev);
    const out = {
      seq: row.seq,
      event: row.event,
      from_state: row.fromState,
      to_state: row.toState,
      actor_id: row.actorId,
      actor_role: row.actorRole,
      actor_state: row.actorState,
      actor_authority_id: row.actorAuthorityId,
      at: e.at,
      legal_ref: row.legalRef,
      comment: row.comment,
      data: row.data,
      notify: row.notify,
      prev_hash: prev,
      hash,
    };
    prev = hash;
    return out;
  });
  const lastOf = <T extends { id: string }>(items: T[]) => [...new Map(items.map((x) => [x.id, x])).values()];
  const tasks = lastOf(record.tasks).map((t) => ({
    id: t.id,
    kind: t.kind,
    level: t.level,
    addressee: t.addressee,
    addressee_states: t.addresseeStates,
    reason: t.reason,
    created_at: t.createdAt,
    due_at: t.dueAt ?? null,
    status: t.status,
    resolved_at: t.resolvedAt ?? null,
  }));
  const clocks = lastOf(((s.detail as { clocks?: Array<Record<string, any>> }).clocks ?? []) as Array<Record<string, any> & { id: string }>);
  const deadlines = clocks.filter((k) => k.kind !== 'STALL' && k.kind !== 'CUSTODY_REMINDER' && k.status !== 'CANCELLED');
  const escalations = record.tasks.filter((t) => t.kind === 'ESCALATION');
  const lastAt = record.events.reduce((max, e) => (e.at > max ? e.at : max), record.events[0]?.at ?? s.lastPartyEventAt);
  const m = s.milestones;

  const params: unknown[] = [record.caseId, s.version];
  const p = (value: unknown, cast = '') => (params.push(value), `$${params.length}${cast}`);
  // Column → value: the state and content columns only move a case forward (version below the batch's);
  // milestones and figures are written at the batch's version, as the separate statements do.
  const forward: Array<[string, string]> = [
    ['state', p(s.state)],
    ['flags', p(s.flags, '::text[]')],
    ['transmitted', p(s.transmitted, '::boolean')],
    ['executing_authority_ids', p(s.executingAuthorityIds, '::text[]')],
    ['escalated_to_focal_points_of', p(s.escalatedToFocalPointsOf, '::text[]')],
    ['legal_basis', p(s.legalBasis)],
    ['rule_pack_version', p(s.rulePackVersion, '::int')],
    ['detail', p(JSON.stringify(s.detail), '::jsonb')],
    ['last_party_event_at', p(s.lastPartyEventAt, '::timestamptz')],
  ];
  const content: Array<[string, string]> = c
    ? [
        ['assistance_types', p(c.assistanceTypes, '::text[]')],
        ['subject_of_proceedings', p(c.subjectOfProceedings ?? null, '::text')],
        ['facts_summary', p(c.factsSummary ?? null, '::text')],
        ['purpose', p(c.purpose ?? null, '::text')],
        ['persons', p(JSON.stringify(c.persons), '::jsonb')],
        ['language', p(c.language, '::text')],
        ['urgency', p(c.urgency, '::text')],
        ['requested_by_date', p(c.requestedByDate ?? null, '::date')],
        ['deadline_reason', p(c.deadlineReason ?? null, '::text')],
      ]
    : [];
  const personIdentifier = c ? p(c.personIdentifier ?? null, '::text') : null;
  const linkedCaseId = c ? p(c.linkedCaseId ?? null, '::uuid') : null;
  const atVersion: Array<[string, string]> = [
    ...((m
      ? [
          ['transmitted_at', p(m.transmittedAt ?? null, '::timestamptz')],
          ['received_at', p(m.receivedAt ?? null, '::timestamptz')],
          ['results_at', p(m.resultsAt ?? null, '::timestamptz')],
          ['paused_ms', p(m.pausedMs ?? 0, '::bigint')],
          ['refusal_ground', p(m.refusalGround ?? null, '::text')],
          ['custody_days', p(m.custodyDays ?? null, '::int')],
        ]
      : []) as Array<[string, string]>),
    [
      'deadline_rules',
      p(
        deadlines.map((k) => k.ruleId),
        '::text[]',
      ),
    ],
    [
      'breached_rules',
      p(
        deadlines.filter((k) => k.status === 'BREACHED').map((k) => k.ruleId),
        '::text[]',
      ),
    ],
    ['escalations_raised', p(escalations.length, '::int')],
    [
      'escalation_resolution_days',
      p(
        escalations.filter((t) => t.status === 'RESOLVED' && t.resolvedAt).map((t) => (Date.parse(t.resolvedAt!) - Date.parse(t.createdAt)) / 86_400_000),
        '::real[]',
      ),
    ],
  ];
  const lastAtParam = p(lastAt, '::timestamptz');
  const fresh = `cases.version < $2`;
  const set = [
    ...[...content, ...forward].map(([col, v]) => `${col} = CASE WHEN ${fresh} THEN ${v} ELSE cases.${col} END`),
    ...(c
      ? [
          `person_identifier = CASE WHEN ${fresh} THEN COALESCE(${personIdentifier}, cases.person_identifier) ELSE cases.person_identifier END`,
          `linked_case_id = CASE WHEN ${fresh} THEN COALESCE(${linkedCaseId}, cases.linked_case_id) ELSE cases.linked_case_id END`,
        ]
      : []),
    `version = CASE WHEN ${fresh} THEN $2 ELSE cases.version END`,
    `updated_at = CASE WHEN ${fresh} THEN GREATEST(cases.updated_at, ${lastAtParam}) ELSE cases.updated_at END`,
    ...atVersion.map(([col, v]) => `${col} = ${v}`),
  ].join(', ');
  let caseRow: string;
  if (record.filing) {
    const f = record.filing;
    const filedAt = p(f.filedAt, '::timestamptz');
    const columns: Array<[string, string]> = [
      ['id', '$1::uuid'],
      ['kind', p(f.kind)],
      ['workflow_id', p(record.workflowId)],
      ['version', '$2'],
      ['requesting_state', p(f.requestingState)],
      ['requesting_authority_id', p(f.requestingAuthorityId)],
      ['requested_state', p(f.requestedState)],
      ['created_by', p(f.createdBy)],
      ...content,
      ...forward,
      ['person_identifier', personIdentifier!],
      ['linked_case_id', linkedCaseId!],
      ...atVersion,
      ['filed_at', filedAt],
      ['created_at', filedAt],
      ['updated_at', `GREATEST(${filedAt}, ${lastAtParam})`],
    ];
    caseRow = `INSERT INTO cases (${columns.map(([col]) => col).join(', ')}) VALUES (${columns.map(([, v]) => v).join(', ')})
       ON CONFLICT (id) DO UPDATE SET ${set} WHERE cases.version <= $2 RETURNING 1`;
  } else {
    caseRow = `UPDATE cases SET ${set} WHERE cases.id = $1 AND cases.version <= $2 RETURNING 1`;
  }
  const eventsParam = p(JSON.stringify(events), '::jsonb');
  const tasksParam = p(JSON.stringify(tasks), '::jsonb');
  const clocksParam = p(
    JSON.stringify(
      clocks.map((k) => ({
        id: k.id,
        rule_id: k.ruleId,
        kind: k.kind,
        status: k.status,
        started_at: new Date(k.startedAt).toISOString(),
        due_at: new Date(k.breachAt).toISOString(),
        stopped_at: k.stoppedAt !== undefined ? new Date(k.stoppedAt).toISOString() : null,
        legal_ref: k.legalRef ?? null,
      })),
    ),
    '::jsonb',
  );
  const assignmentsParam = p(JSON.stringify(assignmentsOf(record)), '::jsonb');
  const outboxParam = p(JSON.stringify(outboxEntriesOf(record)), '::jsonb');
  const resolution = p(record.sanitize ? 'SANITIZED' : 'WRITTEN');
  const [result]: Array<{ notified: number }> = await db.query(
    `WITH ev AS (
       SELECT * FROM jsonb_to_recordset(${eventsParam}) AS x(seq int, event text, from_state text, to_state text, actor_id text, actor_role text,
         actor_state text, actor_authority_id text, at timestamptz, legal_ref text, comment text, data jsonb, notify jsonb, prev_hash text, hash text)
     ), differs AS (
       SELECT 1 FROM ev JOIN case_events stored ON stored.case_id = $1::uuid AND stored.seq = ev.seq WHERE stored.hash IS DISTINCT FROM ev.hash
     ), case_row AS (
       ${caseRow}
     ), events AS (
       INSERT INTO case_events (case_id, seq, event, from_state, to_state, actor_id, actor_role, actor_state, actor_authority_id, at, legal_ref, comment,
         data, notify, prev_hash, hash)
       SELECT $1::uuid, seq, event, from_state, to_state, actor_id, actor_role, actor_state, actor_authority_id, at, legal_ref, comment, data, notify, prev_hash, hash
       FROM ev ORDER BY seq
       ON CONFLICT (case_id, seq) DO NOTHING
       RETURNING seq
     ), tasks AS (
       INSERT INTO case_tasks (case_id, task_id, kind, level, addressee, addressee_states, reason, created_at, due_at, status, resolved_at)
       SELECT $1::uuid, id, kind, level, addressee, addressee_states, reason, created_at, due_at, status, resolved_at
       FROM jsonb_to_recordset(${tasksParam}) AS t(id text, kind text, level int, addressee text, addressee_states text[], reason text,
         created_at timestamptz, due_at timestamptz, status text, resolved_at timestamptz)
       ON CONFLICT (case_id, task_id) DO UPDATE SET status = EXCLUDED.status, resolved_at = EXCLUDED.resolved_at, due_at = EXCLUDED.due_at,
         reason = EXCLUDED.reason
       WHERE case_tasks.status = 'OPEN' AND (EXCLUDED.status <> 'OPEN' OR EXCLUDED.reason IS DISTINCT FROM case_tasks.reason)
       RETURNING 1
     ), clocks AS (
       INSERT INTO case_clocks (case_id, clock_id, rule_id, kind, status, started_at, due_at, stopped_at, legal_ref)
       SELECT $1::uuid, id, rule_id, kind, status, started_at, due_at, stopped_at, legal_ref
       FROM jsonb_to_recordset(${clocksParam}) AS k(id text, rule_id text, kind text, status text, started_at timestamptz, due_at timestamptz,
         stopped_at timestamptz, legal_ref text)
       ON CONFLICT (case_id, clock_id) DO UPDATE SET status = EXCLUDED.status, due_at = EXCLUDED.due_at, stopped_at = EXCLUDED.stopped_at,
         started_at = EXCLUDED.started_at, legal_ref = EXCLUDED.legal_ref
       WHERE (case_clocks.status, case_clocks.due_at, case_clocks.stopped_at, case_clocks.started_at) IS DISTINCT FROM
             (EXCLUDED.status, EXCLUDED.due_at, EXCLUDED.stopped_at, EXCLUDED.started_at)
       RETURNING 1
     ), assignments AS (
       INSERT INTO case_assignments (case_id, authority_id, assignee_id, assigned_by, assigned_at, seq)
       SELECT DISTINCT ON (authority_id) $1::uuid, authority_id, assignee_id, assigned_by, assigned_at, seq
       FROM jsonb_to_recordset(${assignmentsParam}) AS a(authority_id text, assignee_id text, assigned_by text, assigned_at timestamptz, seq int)
       ORDER BY authority_id, seq DESC
       ON CONFLICT (case_id, authority_id) DO UPDATE SET assignee_id = EXCLUDED.assignee_id, assigned_by = EXCLUDED.assigned_by,
         assigned_at = EXCLUDED.assigned_at, seq = EXCLUDED.seq
       WHERE case_assignments.seq < EXCLUDED.seq
       RETURNING 1
     ), outbox AS (
       INSERT INTO notification_outbox (id, case_id, seq, event, category, addressee, addressee_states, authority_ids, task_id, level, due_at,
         legal_ref, occurred_at)
       SELECT id, $1::uuid, seq, event, category, addressee, "addresseeStates", "authorityIds", "taskId", level, "dueAt", "legalRef", "occurredAt"
       FROM jsonb_to_recordset(${outboxParam}) AS n(id text, seq int, event text, category text, addressee text, "addresseeStates" text[],
         "authorityIds" text[], "taskId" text, level int, "dueAt" timestamptz, "legalRef" text, "occurredAt" timestamptz)
       ON CONFLICT (id) DO NOTHING
       RETURNING 1
     ), resolved AS (
       UPDATE case_projection_failures SET resolved_at = now(), resolution = ${resolution}
       WHERE case_id = $1 AND resolved_at IS NULL AND to_seq <= $2
       RETURNING 1
     )
     -- Not a constant, so that the planner cannot fold the cast (and fail) when nothing differs.
     SELECT CASE WHEN n > 0 THEN CAST('${CHAIN_MISMATCH} ' || n AS int) ELSE 0 END AS mismatch, (SELECT count(*) FROM outbox)::int AS notified
     FROM (SELECT count(*) AS n FROM differs) d`,
    params,
  );
  if (events.length) tips.remember(record.caseId, events[events.length - 1].seq, events[events.length - 1].hash);
  return result?.notified ?? 0;
}

/** The batch statement by statement, in the caller's transaction; answers how many notifications it added to the outbox. */
export async function writeBatch(tx: EntityManager, record: CaseEventsRecord): Promise<number> {
  if (record.filing) await insertCase(tx, record);
  await insertEvents(tx, record);
  await recordAssignments(tx, record);
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
  return writeOutbox(tx, record);
}

/**
 * The notifications of the batch, in the same transaction as its events: either both are stored or
 * neither. Their ids are stable, so a retried batch stores nothing twice. Answers how many are new.
 */
async function writeOutbox(tx: EntityManager, record: CaseEventsRecord): Promise<number> {
  let added = 0;
  for (const n of outboxEntriesOf(record)) {
    const rows: unknown[] = await tx.query(
      `INSERT INTO notification_outbox (id, case_id, seq, event, category, addressee, addressee_states, authority_ids, task_id, level, due_at, legal_ref, occurred_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
       ON CONFLICT (id) DO NOTHING
       RETURNING id`,
      [
        n.id,
        n.caseId,
        n.seq,
        n.event,
        n.category,
        n.addressee,
        n.addresseeStates,
        n.authorityIds,
        n.taskId ?? null,
        n.level ?? null,
        n.dueAt ?? null,
        n.legalRef ?? null,
        n.occurredAt,
      ],
    );
    added += rows.length;
  }
  return added;
}

/**
 * Who each authority assigned the case to, as its latest ASSIGN event says (the audit rows keep every
 * reassignment): the inbox and notification delivery read it. A retried or older batch never moves it back.
 */
async function recordAssignments(tx: EntityManager, record: CaseEventsRecord): Promise<void> {
  for (const a of assignmentsOf(record)) {
    await tx.query(
      `INSERT INTO case_assignments (case_id, authority_id, assignee_id, assigned_by, assigned_at, seq) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (case_id, authority_id) DO UPDATE SET assignee_id = EXCLUDED.assignee_id, assigned_by = EXCLUDED.assigned_by,
         assigned_at = EXCLUDED.assigned_at, seq = EXCLUDED.seq
       WHERE case_assignments.seq < EXCLUDED.seq`,
      [record.caseId, a.authority_id, a.assignee_id, a.assigned_by, a.assigned_at, a.seq],
    );
  }
}

/** The batch's ASSIGN events as case_assignments rows. */
function assignmentsOf(record: CaseEventsRecord) {
  return record.events.flatMap((e) => {
    const data = e.data as { assigneeId?: string; authorityId?: string } | undefined;
    if (e.type !== 'ASSIGN' || !data?.assigneeId || !data.authorityId) return [];
    return [{ authority_id: data.authorityId, assignee_id: data.assigneeId, assigned_by: e.actor.userId, assigned_at: e.at, seq: e.seq }];
  });
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

async function previousHash(tx: Queryable, caseId: string, seq: number): Promise<string> {
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
