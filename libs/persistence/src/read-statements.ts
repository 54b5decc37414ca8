import { createHash } from 'node:crypto';
import type { DataSource } from 'typeorm';

/**
 * What the hot reads share: they run as named (prepared) statements on the pool under the DataSource,
 * so Postgres parses and plans each distinct text once per connection; instants leave Postgres as the
 * text `toISOString` would write, so no row pays for a Date; and a clock that is past its due instant
 * but still running reads as breached, whether or not its workflow has woken up to record it.
 */

/** A DataSource, or anything with its `query` (a recording stand-in in the benchmarks and unit tests). */
export type Queryable = Pick<DataSource, 'query'>;

const names = new Map<string, string>();

/** The statement's name: one per distinct text, stable across processes (pg caches it per connection). */
export function statementName(text: string): string {
  let name = names.get(text);
  if (!name) {
    name = `r${createHash('sha1').update(text).digest('hex').slice(0, 20)}`;
    names.set(text, name);
  }
  return name;
}

interface PgPool {
  query(config: { name: string; text: string; values: unknown[] }): Promise<{ rows: unknown[] }>;
}

function poolOf(db: Queryable): PgPool | undefined {
  const pool = (db as { driver?: { master?: PgPool } }).driver?.master;
  return pool && typeof pool.query === 'function' ? pool : undefined;
}

/** Runs `text` as a named statement on the DataSource's pool; a stand-in without a pool gets a plain query. */
export async function prepared<T>(db: Queryable, text: string, values: unknown[]): Promise<T[]> {
  const pool = poolOf(db);
  if (!pool) return db.query(text, values) as Promise<T[]>;
  return (await pool.query({ name: statementName(text), text, values })).rows as T[];
}

/** An instant column as the text `Date.prototype.toISOString` writes (milliseconds, UTC, `Z`). */
export const isoSql = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/** Kinds of the clocks whose breach shows on the case's flags. */
const FLAGGED_CLOCK_KINDS = `('REQUESTER_DEADLINE', 'STALL')`;

/**
 * The kinds of the case's clocks that are still running past their due instant (`case_id` column
 * given): what the workflow will record as breached when it wakes. Evaluated for the rows returned.
 */
export const overdueSql = (caseIdColumn: string) =>
  `ARRAY(SELECT DISTINCT k.kind FROM case_clocks k WHERE k.case_id = ${caseIdColumn} AND k.status = 'RUNNING'
           AND k.due_at <= now() AND k.kind IN ${FLAGGED_CLOCK_KINDS})`;

/**
 * True when the requester's deadline of the case (`id` column given) is breached at read time: as stored,
 * or running past its due instant. Uncorrelated, so Postgres hashes the few overdue clocks once per query.
 */
export const deadlineBreachedSql = (flagsColumn: string, idColumn: string) =>
  `('DEADLINE_BREACHED' = ANY(${flagsColumn}) OR ${idColumn} IN (SELECT k.case_id FROM case_clocks k
      WHERE k.status = 'RUNNING' AND k.due_at <= now() AND k.kind = 'REQUESTER_DEADLINE'))`;

/**
 * The flags a case shows at read time: those stored, and those of its clocks past due that the workflow
 * has not recorded yet (the requester's deadline breached, the case stalled), as the workflow will.
 */
export function flagsAtReadTime(flags: readonly string[], overdue: readonly string[] | null | undefined): string[] {
  if (!overdue || overdue.length === 0) return flags as string[];
  let shown = [...flags];
  if (overdue.includes('REQUESTER_DEADLINE') && !shown.includes('DEADLINE_BREACHED')) {
    shown = [...shown.filter((f) => f !== 'DEADLINE_AT_RISK'), 'DEADLINE_BREACHED'];
  }
  if (overdue.includes('STALL') && !shown.includes('STALLED')) shown = [...shown, 'STALLED'];
  return shown;
}

/** A clock's status as readers see it: a running clock past its due instant is breached. */
export function clockStatusAt(status: string, dueAtMs: number | undefined, nowMs: number): string {
  return status === 'RUNNING' && typeof dueAtMs === 'number' && dueAtMs <= nowMs ? 'BREACHED' : status;
}
