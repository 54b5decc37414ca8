import type { DataSource } from 'typeorm';
import { Actor, CaseAccessFacts, DOMESTIC_STATES, EXTRADITION_TERMINAL_STATES, MLA_TERMINAL_STATES, MlaState, isDomesticTerminal } from '../../domain/src';
import { accessReaderOf } from './access-log';
import { deadlineBreachedSql, isoSql, overdueSql, prepared } from './read-statements';
import { isCanonicalInstant, isUuid } from './typed-values';

/**
 * Terminal states of every kind of case, from the domain's machines. SQL that cannot import them (the
 * generated `cases.is_open` column) is checked against this set by test/terminal-states.int-spec.ts.
 */
export const TERMINAL_STATES: ReadonlySet<string> = new Set([
  ...MLA_TERMINAL_STATES,
  ...EXTRADITION_TERMINAL_STATES,
  ...DOMESTIC_STATES.filter(isDomesticTerminal),
]);

export interface CaseRow {
  id: string;
  kind: string;
  state: MlaState;
  version: number;
  requestingState: string;
  requestingAuthorityId: string;
  requestedState: string;
  legalBasis: string;
  rulePackVersion: number;
  createdBy: string;
  assistanceTypes: string[];
  subjectOfProceedings: string | null;
  factsSummary: string | null;
  purpose: string | null;
  persons: unknown[];
  language: string;
  urgency: string;
  requestedByDate: string | null;
  deadlineReason: string | null;
  transmitted: boolean;
  executingAuthorityIds: string[];
  escalatedToFocalPointsOf: string[];
  flags: string[];
  detail: Record<string, any>;
  linkedCaseId: string | null;
  lastPartyEventAt: Date;
  filedAt: Date;
  createdAt: Date;
  updatedAt: Date;
}

/**
 * A case as the reads show it (GET /cases/:id, GET /cases): no `detail` beyond its items, instants as
 * ISO text, and the kinds of its clocks that are running past their due instant (`overdue`).
 */
export interface CaseReadRow extends Omit<CaseRow, 'detail' | 'lastPartyEventAt' | 'filedAt' | 'createdAt' | 'updatedAt'> {
  items: Array<Record<string, unknown>> | null;
  lastPartyEventAt: string | null;
  filedAt: string | null;
  createdAt: string;
  updatedAt: string;
  overdue: string[];
}

/** The row of GET /cases/:id: whether the actor's list scope holds the case and, when it does, its history. */
export interface CaseViewRow extends CaseReadRow {
  inScope: boolean;
  history: Array<Omit<CaseEventRow, 'at'> & { at: string }> | null;
}

export interface CaseEventRow {
  seq: number;
  event: string;
  fromState: string | null;
  toState: string;
  actorId: string;
  actorRole: string;
  actorState: string | null;
  actorAuthorityId: string | null;
  at: Date;
  legalRef: string | null;
  comment: string | null;
  data: Record<string, unknown> | null;
  notify: Array<{ stateCode: string; addressee: string; message: string }> | null;
}

export interface CaseTaskRow {
  taskId: string;
  kind: string;
  level: number;
  addressee: string;
  addresseeStates: string[];
  reason: string;
  createdAt: Date;
  dueAt: Date | null;
  status: string;
  resolvedAt: Date | null;
}

export interface CasePage {
  items: CaseReadRow[];
  nextCursor: string | null;
}

const CASE_COLUMNS = `id, kind, state, version, requesting_state AS "requestingState", requesting_authority_id AS "requestingAuthorityId",
  requested_state AS "requestedState", legal_basis AS "legalBasis", rule_pack_version AS "rulePackVersion", created_by AS "createdBy",
  assistance_types AS "assistanceTypes", subject_of_proceedings AS "subjectOfProceedings", facts_summary AS "factsSummary", purpose,
  persons, language, urgency, to_char(requested_by_date, 'YYYY-MM-DD') AS "requestedByDate", deadline_reason AS "deadlineReason",
  transmitted, executing_authority_ids AS "executingAuthorityIds", escalated_to_focal_points_of AS "escalatedToFocalPointsOf",
  flags, detail, linked_case_id AS "linkedCaseId", last_party_event_at AS "lastPartyEventAt", filed_at AS "filedAt",
  created_at AS "createdAt", updated_at AS "updatedAt"`;

/** What the reads select of a case: what the case view and the list show, and the policy's facts. */
const READ_COLUMNS = `id, kind, state, version, requesting_state AS "requestingState", requesting_authority_id AS "requestingAuthorityId",
  requested_state AS "requestedState", legal_basis AS "legalBasis", rule_pack_version AS "rulePackVersion", created_by AS "createdBy",
  assistance_types AS "assistanceTypes", subject_of_proceedings AS "subjectOfProceedings", facts_summary AS "factsSummary", purpose,
  persons, language, urgency, to_char(requested_by_date, 'YYYY-MM-DD') AS "requestedByDate", deadline_reason AS "deadlineReason",
  transmitted, executing_authority_ids AS "executingAuthorityIds", escalated_to_focal_points_of AS "escalatedToFocalPointsOf",
  flags, detail->'items' AS items, linked_case_id AS "linkedCaseId", ${isoSql('last_party_event_at')} AS "lastPartyEventAt",
  ${isoSql('filed_at')} AS "filedAt", ${isoSql('created_at')} AS "createdAt", ${isoSql('updated_at')} AS "updatedAt",
  ${overdueSql('id')} AS overdue`;

/** The audit history of the case `c`, oldest first, as one JSON array (instants as ISO text). */
const HISTORY_JSON = `coalesce((SELECT json_agg(json_build_object('seq', e.seq, 'event', e.event, 'fromState', e.from_state, 'toState', e.to_state,
    'actorId', e.actor_id, 'actorRole', e.actor_role, 'actorState', e.actor_state, 'actorAuthorityId', e.actor_authority_id,
    'at', ${isoSql('e.at')}, 'legalRef', e.legal_ref, 'comment', e.comment, 'data', e.data, 'notify', e.notify) ORDER BY e.seq)
  FROM case_events e WHERE e.case_id = c.id), '[]'::json)`;

const INSERT_ACCESS_LOG = `INSERT INTO access_log (actor_id, actor_role, actor_state, actor_authority_id, view, case_ids)`;

export type AccessFactsColumns = Pick<
  CaseRow,
  | 'kind'
  | 'state'
  | 'requestingState'
  | 'requestedState'
  | 'requestingAuthorityId'
  | 'createdBy'
  | 'transmitted'
  | 'executingAuthorityIds'
  | 'escalatedToFocalPointsOf'
>;

export function accessFactsOf(row: AccessFactsColumns): CaseAccessFacts {
  return {
    kind: row.kind,
    requestingState: row.requestingState,
    requestedState: row.requestedState,
    requestingAuthorityId: row.requestingAuthorityId,
    createdBy: row.createdBy,
    transmitted: row.transmitted,
    terminal: TERMINAL_STATES.has(row.state),
    executingAuthorityIds: row.executingAuthorityIds,
    escalatedToFocalPointsOf: row.escalatedToFocalPointsOf,
  };
}

/**
 * The SQL twin of `relationsOf` in the domain policy: the cases an actor has any relation to.
 * Lists use it; single reads use the policy itself. A test keeps the two in agreement.
 */
export function caseScope(actor: Actor, params: unknown[], alias?: string): string {
  return scopeSql(actor, params, (column) => (alias ? `${alias}.${column}` : column));
}

/**
 * `caseScope` over rows that keep only some of the case columns (the statistics pre-aggregates, per
 * pair and month): the same condition on unqualified columns, or null when the actor's scope reads a
 * column those rows do not keep (an authority, an escalation, a state), where only case rows can answer.
 */
export function caseScopeOver(columns: ReadonlySet<string>, actor: Actor, params: unknown[]): string | null {
  const trial = [...params];
  let complete = true;
  const sql = scopeSql(actor, trial, (column) => {
    complete &&= columns.has(column);
    return column;
  });
  if (!complete) return null;
  params.push(...trial.slice(params.length));
  return sql;
}

function scopeSql(actor: Actor, params: unknown[], c: (column: string) => string): string {
  const p = (value: unknown) => {
    params.push(value);
    return `$${params.length}`;
  };
  const has = (role: string) => actor.roles.includes(role as never);
  if (has('SECRETARIAT')) return 'TRUE';
  const clauses: string[] = [];
  let stateParam: string | undefined;
  const actorState = () => (stateParam ??= p(actor.stateCode));
  if (has('PROSECUTOR')) {
    clauses.push(`(${c('requesting_state')} = ${actorState()} AND ${c('requesting_authority_id')} = ${p(actor.authorityId)})`);
    clauses.push(`(${c('kind')} = 'DOMESTIC_PROSECUTION' AND ${c('requested_state')} = ${actorState()})`);
  }
  // Administrators see their own State's cases as its central authority does (policy.relationsOf).
  if (has('CENTRAL_AUTHORITY') || has('CENTRAL_AUTHORITY_HEAD') || has('MANAGER') || has('ADMIN')) {
    clauses.push(`(${c('requesting_state')} = ${actorState()} OR (${c('requested_state')} = ${actorState()} AND ${c('transmitted')}))`);
  }
  if (has('EXECUTING_AUTHORITY')) {
    clauses.push(`(${c('requested_state')} = ${actorState()} AND ${p(actor.authorityId)} = ANY(${c('executing_authority_ids')}))`);
  }
  if (has('LIAISON_MAGISTRATE')) {
    for (const posting of actor.liaisonPostings) {
      const a = p(posting.homeState);
      const b = p(posting.hostState);
      const pair = (x: string, y: string) => `(${c('requesting_state')} = ${x} AND ${c('requested_state')} = ${y})`;
      clauses.push(`(${pair(a, b)} OR ${pair(b, a)})`);
    }
  }
  if (has('FOCAL_POINT')) {
    clauses.push(`(${actorState()} = ANY(${c('escalated_to_focal_points_of')}) AND ${c('state')} <> ALL(${p([...TERMINAL_STATES])}))`);
  }
  return clauses.length ? `(${clauses.join(' OR ')})` : 'FALSE';
}

export function encodeCursor(row: { createdAt: Date | string; id: string; queueRank?: number }): string {
  const rank = row.queueRank === undefined || row.queueRank === OTHER_CASES ? '' : `|${row.queueRank}`;
  const createdAt = typeof row.createdAt === 'string' ? row.createdAt : row.createdAt.toISOString();
  return Buffer.from(`${createdAt}|${row.id}${rank}`).toString('base64url');
}

/**
 * The (created_at, id) pair of a cursor this API issued, with the queue rank of the row when it was
 * in a central authority's work queue, or null. Everything is checked before it reaches Postgres:
 * the encoding is canonical (re-encoding gives the same text), two or three parts, an instant as
 * `toISOString` writes it, a real uuid and a rank of the queue.
 */
export function decodeCursor(cursor: unknown): { createdAt: string; id: string; queueRank?: number } | null {
  if (typeof cursor !== 'string' || cursor.length > 200 || !/^[A-Za-z0-9_-]+$/.test(cursor)) return null;
  const parts = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  if (parts.length !== 2 && parts.length !== 3) return null;
  const [createdAt, id, rank] = parts;
  if (!isCanonicalInstant(createdAt) || !isUuid(id)) return null;
  if (rank !== undefined && !/^[0-3]$/.test(rank)) return null;
  const key = rank === undefined ? { createdAt, id } : { createdAt, id, queueRank: Number(rank) };
  return encodeCursor({ ...key, createdAt: new Date(createdAt) }) === cursor ? key : null;
}

/** Rank of the cases that are not in the requested side's work queue: they follow it, newest first. */
const OTHER_CASES = 4;

/**
 * The requested side's work queue for a central authority (domain brief §10): its State's open requests
 * received first, urgent ones, then those whose deadline is breached, then at risk, then the others, each
 * oldest first; every other case follows, newest first. For anyone else every case ranks alike.
 */
function queueRank(actor: Actor, params: unknown[]): string {
  if (!actor.roles.some((r) => r === 'CENTRAL_AUTHORITY' || r === 'CENTRAL_AUTHORITY_HEAD')) return `${OTHER_CASES}`;
  params.push(actor.stateCode);
  return `(CASE WHEN requested_state = $${params.length} AND transmitted AND is_open THEN
      CASE WHEN urgency = 'URGENT' OR 'URGENT' = ANY(flags) THEN 0 WHEN ${deadlineBreachedSql('flags', 'id')} THEN 1
           WHEN 'DEADLINE_AT_RISK' = ANY(flags) THEN 2 ELSE 3 END
    ELSE ${OTHER_CASES} END)`;
}

export class CaseQueries {
  constructor(private readonly db: DataSource) {}

  async findCase(caseId: string): Promise<CaseRow | null> {
    const rows: CaseRow[] = await this.db.query(`SELECT ${CASE_COLUMNS} FROM cases WHERE id = $1`, [caseId]);
    return rows[0] ?? null;
  }

  async history(caseId: string): Promise<CaseEventRow[]> {
    return this.db.query(
      `SELECT seq, event, from_state AS "fromState", to_state AS "toState", actor_id AS "actorId", actor_role AS "actorRole",
              actor_state AS "actorState", actor_authority_id AS "actorAuthorityId", at, legal_ref AS "legalRef", comment, data, notify
       FROM case_events WHERE case_id = $1 ORDER BY seq`,
      [caseId],
    );
  }

  async tasks(caseId: string): Promise<CaseTaskRow[]> {
    return this.db.query(
      `SELECT task_id AS "taskId", kind, level, addressee, addressee_states AS "addresseeStates", reason, created_at AS "createdAt",
              due_at AS "dueAt", status, resolved_at AS "resolvedAt"
       FROM case_tasks WHERE case_id = $1 ORDER BY created_at, task_id`,
      [caseId],
    );
  }

  /**
   * GET /cases/:id in one statement: the case, whether the actor's scope (the policy's SQL twin) holds it,
   * its history when it does, and the access-log row of the read when it will be shown (in scope, recorded,
   * at `minVersion` or later). The caller still applies the policy itself to the row.
   */
  async read(actor: Actor, caseId: string, minVersion = -1): Promise<CaseViewRow | null> {
    const { text, values } = viewStatement(actor, caseId, minVersion);
    const rows = await prepared<CaseViewRow>(this.db, text, values);
    return rows[0] ?? null;
  }

  /**
   * The actor's cases by keyset on (queue rank, created_at, id), stable under concurrent inserts: a
   * central authority's work queue first (see `queueRank`), then, as for everyone else, newest first.
   * One statement also records the read of the page in the access log.
   */
  async list(actor: Actor, limit: number, after: { createdAt: string; id: string; queueRank?: number } | null): Promise<CasePage> {
    const { text, values } = listStatement(actor, limit, after);
    const rows = await prepared<CaseReadRow & { queueRank: number }>(this.db, text, values);
    const items = rows.slice(0, limit);
    const nextCursor = rows.length > limit ? encodeCursor(items[items.length - 1]) : null;
    return { items: items.map(({ queueRank: _rank, ...row }) => row), nextCursor };
  }
}

/** The statement of GET /cases/:id (see `CaseQueries.read`); the benchmark runs the very same through `pg`. */
export function viewStatement(actor: Actor, caseId: string, minVersion = -1): { text: string; values: unknown[] } {
  const values: unknown[] = [caseId];
  const scope = caseScope(actor, values);
  const r = accessReaderOf(actor);
  values.push(r.userId, r.role, r.stateCode, r.authorityId, minVersion);
  const n = values.length;
  const text = `WITH c AS (SELECT ${READ_COLUMNS}, ${scope} AS "inScope" FROM cases WHERE id = $1),
  logged AS (${INSERT_ACCESS_LOG}
    SELECT $${n - 4}, $${n - 3}, $${n - 2}, $${n - 1}, 'CASE', ARRAY[c.id] FROM c
    WHERE c."inScope" AND NOT 'PROJECTION_FAILED' = ANY(c.flags) AND c.version >= $${n}::int)
  SELECT c.*, CASE WHEN c."inScope" THEN ${HISTORY_JSON} END AS history FROM c`;
  return { text, values };
}

/** The statement of GET /cases (see `CaseQueries.list`). */
export function listStatement(
  actor: Actor,
  limit: number,
  after: { createdAt: string; id: string; queueRank?: number } | null,
): { text: string; values: unknown[] } {
  const params: unknown[] = [];
  const scope = caseScope(actor, params);
  const rank = queueRank(actor, params);
  let key = 'TRUE';
  if (after) {
    params.push(after.queueRank ?? OTHER_CASES, after.createdAt, after.id);
    const [r, c, i] = [`$${params.length - 2}::int`, `$${params.length - 1}::timestamptz`, `$${params.length}::uuid`];
    key = `(k_rank > ${r} OR (k_rank = ${r} AND CASE WHEN ${r} < ${OTHER_CASES} THEN (k_created, k_id) > (${c}, ${i}) ELSE (k_created, k_id) < (${c}, ${i}) END))`;
  }
  const reader = accessReaderOf(actor);
  params.push(limit + 1, limit, reader.userId, reader.role, reader.stateCode, reader.authorityId);
  const n = params.length;
  const order = (r: string, c: string, i: string) =>
    `${r}, CASE WHEN ${r} < ${OTHER_CASES} THEN ${c} END, CASE WHEN ${r} < ${OTHER_CASES} THEN ${i} END, ${c} DESC, ${i} DESC`;
  // The page's keys first (rank computed once per case in scope), then what the list shows, for those rows only.
  const text = `WITH keys AS (
    SELECT k_id, k_created, k_rank FROM (SELECT id AS k_id, created_at AS k_created, ${rank} AS k_rank FROM cases WHERE ${scope}) s
    WHERE ${key}
    ORDER BY ${order('k_rank', 'k_created', 'k_id')}
    LIMIT $${n - 5}),
  page AS (
    SELECT ${READ_COLUMNS}, k_rank AS "queueRank" FROM keys JOIN cases ON cases.id = keys.k_id
    ORDER BY ${order('k_rank', 'k_created', 'k_id')}),
  logged AS (${INSERT_ACCESS_LOG}
    SELECT $${n - 3}, $${n - 2}, $${n - 1}, $${n}, 'LIST', array_agg(s.id) FROM (SELECT id FROM page LIMIT $${n - 4}) s HAVING count(*) > 0)
  SELECT * FROM page`;
  return { text, values: params };
}
