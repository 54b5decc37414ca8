import type { Actor } from '../../../domain/src';
import { deadlineBreachedSql, flagsAtReadTime, isoSql, overdueSql, prepared } from '../read-statements';
import { DIRECTIONS, Direction, MonitoringFilter, Page, Params, Sql, keyset, monitoringWhere, pageOf, param } from './sql';

/**
 * The managers' lists (domain brief §8): stalled cases, deadlines at risk or breached, open escalations.
 * Each is one named statement; instants leave Postgres as ISO text; flags are those of read time (a
 * clock running past its due instant shows as breached before its workflow wakes, see read-statements).
 */

/** The columns of a case every case list shows (`CASE_LIST_COLUMNS`). */
interface CaseListRow {
  id: string;
  kind: string;
  state: string;
  requestingState: string;
  requestedState: string;
  legalBasis: string;
  flags: string[];
}

export interface StalledRow extends CaseListRow {
  lastPartyEventAt: string;
  filedAt: string;
  idleDays: number;
}

export interface DeadlineRow extends CaseListRow {
  requestedByDate: string;
  daysLeft: number;
}

export interface EscalationRow {
  caseId: string;
  taskId: string;
  level: number;
  addressee: string;
  addresseeStates: string[];
  reason: string;
  createdAt: string;
  ageDays: number;
  requestingState: string;
  requestedState: string;
  kind: string;
  state: string;
}

interface Paging {
  direction: Direction;
  limit: number;
  cursor: unknown[] | null;
}
export type StalledOptions = Paging & { days: number; now: Date; sort: 'idle' | 'filed' };
export type DeadlineOptions = Paging & { status: 'at-risk' | 'breached' | 'all'; withinDays: number; today: string };
export type EscalationOptions = Paging & { level?: number; now: Date };
export type QueueOptions = Omit<Paging, 'direction'>;

export interface QueueRow extends CaseListRow {
  urgency: string;
  requestedByDate: string | null;
  transmittedAt: string;
  /** 0 urgent, 1 deadline breached, 2 at risk, 3 the others. */
  rank: number;
}

const CASE_LIST_COLUMNS = `c.id, c.kind, c.state, c.requesting_state AS "requestingState", c.requested_state AS "requestedState",
            c.legal_basis AS "legalBasis", c.flags, ${overdueSql('c.id')} AS overdue`;

/** Rows of `CASE_LIST_COLUMNS` with their read-time flags, `overdue` folded in. */
async function caseList<T extends CaseListRow>(db: Sql, text: string, params: Params): Promise<T[]> {
  const rows = await prepared<T & { overdue?: string[] }>(db, text, params);
  return rows.map(({ overdue, ...row }) => ({ ...row, flags: flagsAtReadTime(row.flags, overdue) }) as unknown as T);
}

/** Open cases with no act by either party for `days` days (network contacts' notes do not count). */
export async function stalledCases(db: Sql, actor: Actor, f: MonitoringFilter, o: StalledOptions): Promise<Page<StalledRow>> {
  const params: Params = [];
  const column = o.sort === 'idle' ? 'c.last_party_event_at' : 'c.filed_at';
  // Longest idle first is the ascending order of the last party event.
  const direction: Direction = o.sort === 'idle' ? (o.direction === 'desc' ? 'asc' : 'desc') : o.direction;
  const since = param(params, new Date(o.now.getTime() - o.days * 86_400_000));
  const now = param(params, o.now);
  const where = monitoringWhere(actor, f, params);
  const key = keyset(params, column, o.cursor ? [new Date(String(o.cursor[0])), o.cursor[1]] : null, direction);
  const rows = await caseList<StalledRow>(
    db,
    `SELECT ${CASE_LIST_COLUMNS},
            ${isoSql('c.last_party_event_at')} AS "lastPartyEventAt", ${isoSql('c.filed_at')} AS "filedAt",
            floor(extract(epoch FROM (${now}::timestamptz - c.last_party_event_at)) / 86400)::int AS "idleDays"
     FROM cases c
     WHERE c.is_open AND c.last_party_event_at < ${since} AND ${where} AND ${key}
     ORDER BY ${column} ${DIRECTIONS[direction]}, c.id ${DIRECTIONS[direction]}
     LIMIT ${param(params, o.limit + 1)}`,
    params,
  );
  return pageOf(rows, o.limit, (r: StalledRow) => [o.sort === 'idle' ? r.lastPartyEventAt : r.filedAt, r.id]);
}

/** Open cases whose requester's deadline has passed or falls within `withinDays`. */
export async function deadlineCases(db: Sql, actor: Actor, f: MonitoringFilter, o: DeadlineOptions): Promise<Page<DeadlineRow>> {
  const params: Params = [];
  const today = param(params, o.today);
  const window =
    o.status === 'breached'
      ? `c.requested_by_date < ${today}::date`
      : o.status === 'at-risk'
        ? `c.requested_by_date >= ${today}::date AND c.requested_by_date <= ${today}::date + ${param(params, o.withinDays)}::int`
        : `c.requested_by_date <= ${today}::date + ${param(params, o.withinDays)}::int`;
  const where = monitoringWhere(actor, f, params);
  const key = keyset(params, 'c.requested_by_date', o.cursor ? [o.cursor[0], o.cursor[1]] : null, o.direction);
  const rows = await caseList<DeadlineRow>(
    db,
    `SELECT ${CASE_LIST_COLUMNS},
            to_char(c.requested_by_date, 'YYYY-MM-DD') AS "requestedByDate", (c.requested_by_date - ${today}::date) AS "daysLeft"
     FROM cases c
     WHERE c.is_open AND c.requested_by_date IS NOT NULL AND ${window} AND ${where} AND ${key}
     ORDER BY c.requested_by_date ${DIRECTIONS[o.direction]}, c.id ${DIRECTIONS[o.direction]}
     LIMIT ${param(params, o.limit + 1)}`,
    params,
  );
  return pageOf(rows, o.limit, (r: DeadlineRow) => [r.requestedByDate, r.id]);
}

/**
 * The requested side's work queue (domain brief §10): open requests received by the actor's State (every
 * State for the network secretariat), urgent first, then deadline breached, then at risk, then the
 * longest received; keyset on (rank, transmitted_at, id).
 */
export async function workQueue(db: Sql, actor: Actor, f: MonitoringFilter, o: QueueOptions): Promise<Page<QueueRow>> {
  const params: Params = [];
  const where = monitoringWhere(actor, f, params);
  const side = actor.roles.includes('SECRETARIAT') ? 'TRUE' : `c.requested_state = ${param(params, actor.stateCode)}`;
  const rank = `(CASE WHEN c.urgency = 'URGENT' OR 'URGENT' = ANY(c.flags) THEN 0 WHEN ${deadlineBreachedSql('c.flags', 'c.id')} THEN 1
                      WHEN 'DEADLINE_AT_RISK' = ANY(c.flags) THEN 2 ELSE 3 END)`;
  const after = o.cursor && [param(params, Number(o.cursor[0])), param(params, new Date(String(o.cursor[1]))), param(params, o.cursor[2])];
  const key = after ? `(${rank}, c.transmitted_at, c.id) > (${after[0]}::int, ${after[1]}::timestamptz, ${after[2]}::uuid)` : 'TRUE';
  const rows = await caseList<QueueRow>(
    db,
    `SELECT ${CASE_LIST_COLUMNS}, c.urgency, to_char(c.requested_by_date, 'YYYY-MM-DD') AS "requestedByDate",
            ${isoSql('c.transmitted_at')} AS "transmittedAt", ${rank} AS rank
     FROM cases c
     WHERE c.is_open AND c.transmitted AND c.transmitted_at IS NOT NULL AND ${side} AND ${where} AND ${key}
     ORDER BY rank, c.transmitted_at, c.id
     LIMIT ${param(params, o.limit + 1)}`,
    params,
  );
  return pageOf(rows, o.limit, (r: QueueRow) => [String(r.rank), r.transmittedAt, r.id]);
}

/** Open escalations by level and age. */
export async function openEscalations(db: Sql, actor: Actor, f: MonitoringFilter, o: EscalationOptions): Promise<Page<EscalationRow>> {
  const params: Params = [];
  const now = param(params, o.now);
  const where = monitoringWhere(actor, f, params);
  const level = o.level !== undefined ? `AND t.level = ${param(params, o.level)}` : '';
  // Oldest first (descending age) is the ascending order of creation.
  const direction: Direction = o.direction === 'desc' ? 'asc' : 'desc';
  const after = o.cursor && [param(params, new Date(String(o.cursor[0]))), param(params, o.cursor[1]), param(params, o.cursor[2])];
  const key = after ? `(t.created_at, t.case_id, t.task_id) ${direction === 'asc' ? '>' : '<'} (${after.join(', ')})` : 'TRUE';
  const order = DIRECTIONS[direction];
  const rows = await prepared<EscalationRow>(
    db,
    `SELECT t.case_id AS "caseId", t.task_id AS "taskId", t.level, t.addressee, t.addressee_states AS "addresseeStates", t.reason,
            ${isoSql('t.created_at')} AS "createdAt", floor(extract(epoch FROM (${now}::timestamptz - t.created_at)) / 86400)::int AS "ageDays",
            c.requesting_state AS "requestingState", c.requested_state AS "requestedState", c.kind, c.state
     FROM case_tasks t JOIN cases c ON c.id = t.case_id
     WHERE t.kind = 'ESCALATION' AND t.status = 'OPEN' ${level} AND ${where} AND ${key}
     ORDER BY t.created_at ${order}, t.case_id ${order}, t.task_id ${order}
     LIMIT ${param(params, o.limit + 1)}`,
    params,
  );
  return pageOf(rows, o.limit, (r: EscalationRow) => [r.createdAt, r.caseId, r.taskId]);
}
