import type { DataSource } from 'typeorm';
import type { Actor } from '../../domain/src';
import { caseScope } from './case-queries';
import { isCalendarDate, isCanonicalInstant, isStorableText, isUuid } from './typed-values';

/** Filters every monitoring call accepts. */
export interface MonitoringFilter {
  requestingState?: string;
  requestedState?: string;
  kind?: string;
  legalBasis?: string;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

type Params = unknown[];
const param = (params: Params, value: unknown) => {
  params.push(value);
  return `$${params.length}`;
};

/** The WHERE clause shared by every monitoring query: the actor's scope (the policy's SQL twin) and the filters. */
export function monitoringWhere(actor: Actor, f: MonitoringFilter, params: Params, alias = 'c'): string {
  const where = [caseScope(actor, params, alias)];
  if (f.requestingState) where.push(`${alias}.requesting_state = ${param(params, f.requestingState)}`);
  if (f.requestedState) where.push(`${alias}.requested_state = ${param(params, f.requestedState)}`);
  if (f.kind) where.push(`${alias}.kind = ${param(params, f.kind)}`);
  if (f.legalBasis) where.push(`${alias}.legal_basis = ${param(params, f.legalBasis)}`);
  return where.join(' AND ');
}

export function encodeKey(values: unknown[]): string {
  return Buffer.from(JSON.stringify(values)).toString('base64url');
}

/** The type of each part of a keyset cursor, as Postgres will receive it. */
export type KeyPart = 'instant' | 'date' | 'uuid' | 'text';
const KEY_PART_CHECKS: Record<KeyPart, (v: unknown) => boolean> = {
  instant: isCanonicalInstant,
  date: (v) => isCalendarDate(v),
  uuid: isUuid,
  text: (v) => isStorableText(v) && v.length <= 200,
};

/**
 * The values of a cursor this API issued for a list whose key has the given parts, or null: the
 * encoding is canonical, the arity and the type of every part are those of the list's key.
 */
export function decodeKey(cursor: unknown, parts: readonly KeyPart[]): string[] | null {
  if (typeof cursor !== 'string' || cursor.length > 1000 || !/^[A-Za-z0-9_-]+$/.test(cursor)) return null;
  let v: unknown;
  try {
    v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  if (!Array.isArray(v) || v.length !== parts.length || !parts.every((part, i) => KEY_PART_CHECKS[part](v[i]))) return null;
  return encodeKey(v) === cursor ? (v as string[]) : null;
}

export interface StalledRow {
  id: string;
  kind: string;
  state: string;
  requestingState: string;
  requestedState: string;
  legalBasis: string;
  flags: string[];
  lastPartyEventAt: Date;
  filedAt: Date;
  idleDays: number;
}

export interface DeadlineRow {
  id: string;
  kind: string;
  state: string;
  requestingState: string;
  requestedState: string;
  legalBasis: string;
  requestedByDate: string;
  daysLeft: number;
  flags: string[];
}

export interface EscalationRow {
  caseId: string;
  taskId: string;
  level: number;
  addressee: string;
  addresseeStates: string[];
  reason: string;
  createdAt: Date;
  ageDays: number;
  requestingState: string;
  requestedState: string;
  kind: string;
  state: string;
}

const DIRECTIONS = { asc: 'ASC', desc: 'DESC' } as const;
export type Direction = keyof typeof DIRECTIONS;

/** Keyset over (sort column, id): the cursor carries the last row's pair. */
function keyset(params: Params, column: string, cursor: unknown[] | null, direction: Direction, idColumn = 'c.id'): string {
  if (!cursor) return 'TRUE';
  const op = direction === 'asc' ? '>' : '<';
  return `(${column}, ${idColumn}) ${op} (${param(params, cursor[0])}, ${param(params, cursor[1])})`;
}

/**
 * Read side of the managers' view (domain brief §8). Every list is scoped by the access policy's SQL
 * twin, filtered by pair, kind and basis, and paginated by keyset; indexes come from migrations.
 */
export class MonitoringQueries {
  constructor(private readonly db: DataSource) {}

  /** Open cases with no act by either party for `days` days (network contacts' notes do not count). */
  async stalled(actor: Actor, f: MonitoringFilter, o: { days: number; now: Date; sort: 'idle' | 'filed'; direction: Direction; limit: number; cursor: unknown[] | null }): Promise<Page<StalledRow>> {
    const params: Params = [];
    const column = o.sort === 'idle' ? 'c.last_party_event_at' : 'c.filed_at';
    // Longest idle first is the ascending order of the last party event.
    const direction: Direction = o.sort === 'idle' ? (o.direction === 'desc' ? 'asc' : 'desc') : o.direction;
    const since = param(params, new Date(o.now.getTime() - o.days * 86_400_000));
    const now = param(params, o.now);
    const where = monitoringWhere(actor, f, params);
    const key = keyset(params, column, o.cursor ? [new Date(String(o.cursor[0])), o.cursor[1]] : null, direction);
    const rows = await this.db.query(
      `SELECT c.id, c.kind, c.state, c.requesting_state AS "requestingState", c.requested_state AS "requestedState", c.legal_basis AS "legalBasis",
              c.flags, c.last_party_event_at AS "lastPartyEventAt", c.filed_at AS "filedAt",
              floor(extract(epoch FROM (${now}::timestamptz - c.last_party_event_at)) / 86400)::int AS "idleDays"
       FROM cases c
       WHERE c.is_open AND c.last_party_event_at < ${since} AND ${where} AND ${key}
       ORDER BY ${column} ${DIRECTIONS[direction]}, c.id ${DIRECTIONS[direction]}
       LIMIT ${param(params, o.limit + 1)}`,
      params,
    );
    return this.page(rows, o.limit, (r: StalledRow) => [(o.sort === 'idle' ? r.lastPartyEventAt : r.filedAt).toISOString(), r.id]);
  }

  /** Open cases whose requester's deadline has passed or falls within `withinDays`. */
  async deadlines(actor: Actor, f: MonitoringFilter, o: { status: 'at-risk' | 'breached' | 'all'; withinDays: number; today: string; direction: Direction; limit: number; cursor: unknown[] | null }): Promise<Page<DeadlineRow>> {
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
    const rows = await this.db.query(
      `SELECT c.id, c.kind, c.state, c.requesting_state AS "requestingState", c.requested_state AS "requestedState", c.legal_basis AS "legalBasis",
              to_char(c.requested_by_date, 'YYYY-MM-DD') AS "requestedByDate", (c.requested_by_date - ${today}::date) AS "daysLeft", c.flags
       FROM cases c
       WHERE c.is_open AND c.requested_by_date IS NOT NULL AND ${window} AND ${where} AND ${key}
       ORDER BY c.requested_by_date ${DIRECTIONS[o.direction]}, c.id ${DIRECTIONS[o.direction]}
       LIMIT ${param(params, o.limit + 1)}`,
      params,
    );
    return this.page(rows, o.limit, (r: DeadlineRow) => [r.requestedByDate, r.id]);
  }

  /** Open escalations by level and age. */
  async escalations(actor: Actor, f: MonitoringFilter, o: { level?: number; now: Date; direction: Direction; limit: number; cursor: unknown[] | null }): Promise<Page<EscalationRow>> {
    const params: Params = [];
    const now = param(params, o.now);
    const where = monitoringWhere(actor, f, params);
    const level = o.level !== undefined ? `AND t.level = ${param(params, o.level)}` : '';
    // Oldest first (descending age) is the ascending order of creation.
    const direction: Direction = o.direction === 'desc' ? 'asc' : 'desc';
    const key = o.cursor
      ? `(t.created_at, t.case_id, t.task_id) ${direction === 'asc' ? '>' : '<'} (${param(params, new Date(String(o.cursor[0])))}, ${param(params, o.cursor[1])}, ${param(params, o.cursor[2])})`
      : 'TRUE';
    const rows = await this.db.query(
      `SELECT t.case_id AS "caseId", t.task_id AS "taskId", t.level, t.addressee, t.addressee_states AS "addresseeStates", t.reason,
              t.created_at AS "createdAt", floor(extract(epoch FROM (${now}::timestamptz - t.created_at)) / 86400)::int AS "ageDays",
              c.requesting_state AS "requestingState", c.requested_state AS "requestedState", c.kind, c.state
       FROM case_tasks t JOIN cases c ON c.id = t.case_id
       WHERE t.kind = 'ESCALATION' AND t.status = 'OPEN' ${level} AND ${where} AND ${key}
       ORDER BY t.created_at ${DIRECTIONS[direction]}, t.case_id ${DIRECTIONS[direction]}, t.task_id ${DIRECTIONS[direction]}
       LIMIT ${param(params, o.limit + 1)}`,
      params,
    );
    const page = rows.slice(0, o.limit);
    const last = page[page.length - 1] as EscalationRow | undefined;
    return { items: page, nextCursor: rows.length > o.limit && last ? encodeKey([last.createdAt.toISOString(), last.caseId, last.taskId]) : null };
  }

  /**
   * Figures per country pair for cases filed in [from, to): see `STATISTICS_DEFINITIONS`. One round
   * trip: each figure group is a CTE over the same scoped set.
   */
  async statistics(actor: Actor, f: MonitoringFilter, period: { from: string; to: string }): Promise<PairStatistics[]> {
    const params: Params = [];
    const from = param(params, period.from);
    const to = param(params, period.to);
    const where = monitoringWhere(actor, f, params);
    const rows: Array<Record<string, any>> = await this.db.query(
      `WITH scoped AS (
         -- Only the columns the figures need: the wide ones (detail, persons) stay on disk.
         SELECT c.id, c.kind, c.requesting_state, c.requested_state, c.is_open, c.transmitted_at, c.received_at, c.results_at, c.paused_ms,
                c.refusal_ground, c.custody_days, c.deadline_rules, c.breached_rules, c.escalations_raised, c.escalation_resolution_days
         FROM cases c WHERE c.filed_at >= ${from}::date AND c.filed_at < ${to}::date AND ${where}
       ),
       base AS (
         SELECT requesting_state, requested_state,
                count(*) FILTER (WHERE is_open) AS open, count(*) FILTER (WHERE NOT is_open) AS terminal,
                percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM received_at - transmitted_at) / 86400) AS ack_median,
                percentile_cont(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM received_at - transmitted_at) / 86400) AS ack_p90,
                count(*) FILTER (WHERE received_at IS NOT NULL AND transmitted_at IS NOT NULL) AS ack_n,
                percentile_cont(0.5) WITHIN GROUP (ORDER BY (extract(epoch FROM results_at - received_at) * 1000 - paused_ms) / 86400000) AS exec_median,
                percentile_cont(0.9) WITHIN GROUP (ORDER BY (extract(epoch FROM results_at - received_at) * 1000 - paused_ms) / 86400000) AS exec_p90,
                count(*) FILTER (WHERE results_at IS NOT NULL AND received_at IS NOT NULL) AS exec_n,
                count(*) FILTER (WHERE kind = 'EXTRADITION' AND custody_days IS NOT NULL) AS custody_cases,
                coalesce(sum(custody_days) FILTER (WHERE kind = 'EXTRADITION'), 0) AS custody_total,
                max(custody_days) FILTER (WHERE kind = 'EXTRADITION') AS custody_max
         FROM scoped GROUP BY requesting_state, requested_state
       ),
       clocks AS (
         -- One pass over the rules each case ran: no join, no sort.
         SELECT requesting_state, requested_state,
                json_agg(json_build_object('ruleId', rule_id, 'total', total, 'breached', breached) ORDER BY rule_id) AS deadlines
         FROM (SELECT requesting_state, requested_state, rule_id, count(*) AS total, count(*) FILTER (WHERE rule_id = ANY(breached_rules)) AS breached
               FROM scoped, unnest(deadline_rules) AS rule_id
               GROUP BY requesting_state, requested_state, rule_id) k
         GROUP BY requesting_state, requested_state
       ),
       escalations AS (
         SELECT requesting_state, requested_state, sum(escalations_raised) AS raised FROM scoped GROUP BY requesting_state, requested_state
       ),
       resolutions AS (
         SELECT requesting_state, requested_state, count(*) AS resolved, percentile_cont(0.5) WITHIN GROUP (ORDER BY d) AS resolution_median
         FROM scoped, unnest(escalation_resolution_days) d GROUP BY requesting_state, requested_state
       ),
       refusals AS (
         SELECT requesting_state, requested_state, json_object_agg(refusal_ground, n) AS by_ground
         FROM (SELECT requesting_state, requested_state, refusal_ground, count(*) AS n FROM scoped WHERE refusal_ground IS NOT NULL GROUP BY 1, 2, 3) r
         GROUP BY requesting_state, requested_state
       )
       SELECT b.*, c.deadlines, e.raised, v.resolved, v.resolution_median, r.by_ground
       FROM base b
       LEFT JOIN clocks c USING (requesting_state, requested_state)
       LEFT JOIN escalations e USING (requesting_state, requested_state)
       LEFT JOIN resolutions v USING (requesting_state, requested_state)
       LEFT JOIN refusals r USING (requesting_state, requested_state)
       ORDER BY b.requesting_state, b.requested_state`,
      params,
    );
    return toPairStatistics(rows);
  }

  /**
   * The same figures from the per pair and month pre-aggregates (refreshed by the worker), for
   * actors whose scope is whole pairs (central authorities, managers, the secretariat) and periods
   * of whole months. Exact, as the pre-aggregates keep every value.
   */
  async statisticsPreAggregated(actor: Actor, f: MonitoringFilter, period: { from: string; to: string }): Promise<{ pairs: PairStatistics[]; refreshedAt: Date } | null> {
    const pairScoped = actor.roles.every((r) => ['MANAGER', 'SECRETARIAT', 'ADMIN', 'CENTRAL_AUTHORITY', 'CENTRAL_AUTHORITY_HEAD'].includes(r));
    if (!pairScoped || !period.from.endsWith('-01') || !period.to.endsWith('-01')) return null;
    const params: Params = [];
    const conditions = [`month >= ${param(params, period.from)}::date`, `month < ${param(params, period.to)}::date`];
    if (!actor.roles.some((r) => r === 'ADMIN' || r === 'SECRETARIAT')) {
      const st = param(params, actor.stateCode);
      conditions.push(`(requesting_state = ${st} OR (requested_state = ${st} AND transmitted))`);
    }
    if (f.requestingState) conditions.push(`requesting_state = ${param(params, f.requestingState)}`);
    if (f.requestedState) conditions.push(`requested_state = ${param(params, f.requestedState)}`);
    if (f.kind) conditions.push(`kind = ${param(params, f.kind)}`);
    if (f.legalBasis) conditions.push(`legal_basis = ${param(params, f.legalBasis)}`);
    const where = conditions.join(' AND ');
    const rows: Array<Record<string, any>> = await this.db.query(
      `WITH m AS (SELECT * FROM stats_monthly WHERE ${where}),
       base AS (
         SELECT requesting_state, requested_state, sum(open) AS open, sum(terminal) AS terminal, sum(custody_cases) AS custody_cases,
                sum(custody_total) AS custody_total, max(custody_max) AS custody_max, sum(escalations_raised) AS raised
         FROM m GROUP BY requesting_state, requested_state
       ),
       ack AS (
         SELECT requesting_state, requested_state, percentile_cont(0.5) WITHIN GROUP (ORDER BY d) AS ack_median,
                percentile_cont(0.9) WITHIN GROUP (ORDER BY d) AS ack_p90, count(*) AS ack_n
         FROM m, unnest(ack_days) d GROUP BY requesting_state, requested_state
       ),
       exe AS (
         SELECT requesting_state, requested_state, percentile_cont(0.5) WITHIN GROUP (ORDER BY d) AS exec_median,
                percentile_cont(0.9) WITHIN GROUP (ORDER BY d) AS exec_p90, count(*) AS exec_n
         FROM m, unnest(execution_days) d GROUP BY requesting_state, requested_state
       ),
       clocks AS (
         SELECT requesting_state, requested_state,
                json_agg(json_build_object('ruleId', rule_id, 'total', total, 'breached', breached) ORDER BY rule_id) AS deadlines
         FROM (SELECT requesting_state, requested_state, rule_id, sum(total) AS total, sum(breached) AS breached
               FROM stats_monthly_rules WHERE ${where} GROUP BY requesting_state, requested_state, rule_id) k
         GROUP BY requesting_state, requested_state
       ),
       resolutions AS (
         SELECT requesting_state, requested_state, count(*) AS resolved, percentile_cont(0.5) WITHIN GROUP (ORDER BY d) AS resolution_median
         FROM stats_monthly_resolutions, unnest(days) d WHERE ${where} GROUP BY requesting_state, requested_state
       ),
       refusals AS (
         SELECT requesting_state, requested_state, json_object_agg(refusal_ground, n) AS by_ground
         FROM (SELECT requesting_state, requested_state, refusal_ground, sum(n) AS n FROM stats_monthly_refusals WHERE ${where} GROUP BY 1, 2, 3) r
         GROUP BY requesting_state, requested_state
       )
       SELECT b.*, a.ack_median, a.ack_p90, coalesce(a.ack_n, 0) AS ack_n, e.exec_median, e.exec_p90, coalesce(e.exec_n, 0) AS exec_n,
              c.deadlines, v.resolved, v.resolution_median, r.by_ground
       FROM base b
       LEFT JOIN ack a USING (requesting_state, requested_state)
       LEFT JOIN exe e USING (requesting_state, requested_state)
       LEFT JOIN clocks c USING (requesting_state, requested_state)
       LEFT JOIN resolutions v USING (requesting_state, requested_state)
       LEFT JOIN refusals r USING (requesting_state, requested_state)
       ORDER BY b.requesting_state, b.requested_state`,
      params,
    );
    const [{ refreshed_at }] = await this.db.query(`SELECT refreshed_at FROM stats_refreshes WHERE id = 1`);
    return { pairs: toPairStatistics(rows), refreshedAt: refreshed_at };
  }

  /** Rebuilds the pre-aggregates from the case rows; readers are not blocked while it runs. */
  async refreshStatistics(): Promise<Date> {
    for (const view of ['stats_monthly', 'stats_monthly_rules', 'stats_monthly_resolutions', 'stats_monthly_refusals']) {
      await this.db.query(`REFRESH MATERIALIZED VIEW CONCURRENTLY ${view}`);
    }
    const [{ refreshed_at }] = await this.db.query(`UPDATE stats_refreshes SET refreshed_at = now() WHERE id = 1 RETURNING refreshed_at`);
    return refreshed_at;
  }

  /** Case rows for CSV export, in chunks by keyset on (filed_at, id). */
  async *caseRows(actor: Actor, f: MonitoringFilter, period: { from: string; to: string }, chunk = 5000): AsyncGenerator<Record<string, unknown>[]> {
    let after: [Date, string] | null = null;
    for (;;) {
      const params: Params = [];
      const from = param(params, period.from);
      const to = param(params, period.to);
      const where = monitoringWhere(actor, f, params);
      const key = after ? `(c.filed_at, c.id) > (${param(params, after[0])}, ${param(params, after[1])})` : 'TRUE';
      const rows: Array<Record<string, any>> = await this.db.query(
        `SELECT c.id, c.kind, c.state, c.requesting_state, c.requested_state, c.legal_basis, c.urgency, c.filed_at, c.transmitted_at, c.received_at,
                c.results_at, round((extract(epoch FROM c.received_at - c.transmitted_at) / 86400)::numeric, 1) AS ack_days,
                round(((extract(epoch FROM c.results_at - c.received_at) * 1000 - c.paused_ms) / 86400000)::numeric, 1) AS execution_days_net,
                to_char(c.requested_by_date, 'YYYY-MM-DD') AS requested_by_date, c.refusal_ground, c.custody_days, array_to_string(c.flags, ' ') AS flags,
                c.last_party_event_at
         FROM cases c
         WHERE c.filed_at >= ${from}::date AND c.filed_at < ${to}::date AND ${where} AND ${key}
         ORDER BY c.filed_at, c.id
         LIMIT ${param(params, chunk)}`,
        params,
      );
      if (rows.length === 0) return;
      yield rows;
      if (rows.length < chunk) return;
      const last = rows[rows.length - 1];
      after = [last.filed_at, last.id];
    }
  }

  private page<T>(rows: T[], limit: number, key: (row: T) => unknown[]): Page<T> {
    const items = rows.slice(0, limit);
    return { items, nextCursor: rows.length > limit ? encodeKey(key(items[items.length - 1])) : null };
  }
}

export interface PairStatistics {
  requestingState: string;
  requestedState: string;
  open: number;
  terminal: number;
  ackDays: { median: number | null; p90: number | null; cases: number };
  executionDays: { median: number | null; p90: number | null; cases: number };
  deadlines: Array<{ ruleId: string; total: number; breached: number; shareBreached: number }>;
  escalations: { raised: number; resolved: number; medianResolutionDays: number | null };
  refusalsByGround: Record<string, number>;
  custody: { cases: number; totalDays: number; maxDays: number | null };
}

/** What each figure means; served with the statistics and in the API docs. */
export const STATISTICS_DEFINITIONS = {
  period: 'cases filed from `from` (inclusive) to `to` (exclusive), by the filing date',
  open: 'cases of the pair not in a terminal state',
  terminal: 'cases closed, refused, withdrawn, surrendered or released not taken over',
  ackDays: 'days from transmission to acknowledgment of receipt (median, 90th percentile, number of cases acknowledged)',
  executionDays: "days from receipt to results transmitted, net of time paused awaiting the requester's additional information",
  deadlines: 'per rule of the pinned rule packs: clocks run (excluding cancelled ones), clocks breached, and their share',
  escalations: 'escalation tasks (ladder levels 1–4) raised and resolved, and the median days to resolution',
  refusalsByGround: 'refused cases by refusal ground',
  custody: 'extradition cases with custody: number, total and longest custody days',
} as const;

function toPairStatistics(rows: Array<Record<string, any>>): PairStatistics[] {
  const num = (v: unknown) => (v === null || v === undefined ? null : Math.round(Number(v) * 10) / 10);
    return rows.map((r) => ({
      requestingState: r.requesting_state,
      requestedState: r.requested_state,
      open: Number(r.open),
      terminal: Number(r.terminal),
      ackDays: { median: num(r.ack_median), p90: num(r.ack_p90), cases: Number(r.ack_n) },
      executionDays: { median: num(r.exec_median), p90: num(r.exec_p90), cases: Number(r.exec_n) },
      deadlines: (r.deadlines ?? []).map((d: { ruleId: string; total: number; breached: number }) => ({
        ruleId: d.ruleId,
        total: Number(d.total),
        breached: Number(d.breached),
        shareBreached: Number(d.total) ? Math.round((Number(d.breached) / Number(d.total)) * 1000) / 1000 : 0,
      })),
      escalations: { raised: Number(r.raised ?? 0), resolved: Number(r.resolved ?? 0), medianResolutionDays: num(r.resolution_median) },
      refusalsByGround: Object.fromEntries(Object.entries(r.by_ground ?? {}).map(([k, v]) => [k, Number(v)])),
      custody: { cases: Number(r.custody_cases), totalDays: Number(r.custody_total), maxDays: r.custody_max === null ? null : Number(r.custody_max) },
    }));
}
