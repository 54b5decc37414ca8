import type { DataSource } from 'typeorm';
import type { Actor } from '../../../domain/src';
import { caseScope } from '../case-queries';
import { isCalendarDate, isCanonicalInstant, isStorableText, isUuid } from '../typed-values';

/** What the monitoring reads need of a DataSource: plain SQL (a recording stand-in measures the SQL in the benchmark). */
export type Sql = Pick<DataSource, 'query'>;

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

export type Params = unknown[];
export const param = (params: Params, value: unknown) => {
  params.push(value);
  return `$${params.length}`;
};

/** The filters as conditions on the columns of `alias` (or unqualified columns). */
export function filterConditions(f: MonitoringFilter, params: Params, alias?: string): string[] {
  const c = (column: string) => (alias ? `${alias}.${column}` : column);
  const where: string[] = [];
  if (f.requestingState) where.push(`${c('requesting_state')} = ${param(params, f.requestingState)}`);
  if (f.requestedState) where.push(`${c('requested_state')} = ${param(params, f.requestedState)}`);
  if (f.kind) where.push(`${c('kind')} = ${param(params, f.kind)}`);
  if (f.legalBasis) where.push(`${c('legal_basis')} = ${param(params, f.legalBasis)}`);
  return where;
}

/** The WHERE clause shared by every monitoring query: the actor's scope (the policy's SQL twin) and the filters. */
export function monitoringWhere(actor: Actor, f: MonitoringFilter, params: Params, alias = 'c'): string {
  return [caseScope(actor, params, alias), ...filterConditions(f, params, alias)].join(' AND ');
}

export function encodeKey(values: unknown[]): string {
  return Buffer.from(JSON.stringify(values)).toString('base64url');
}

/** The type of each part of a keyset cursor, as Postgres will receive it. */
export type KeyPart = 'instant' | 'date' | 'uuid' | 'text' | 'rank';
const KEY_PART_CHECKS: Record<KeyPart, (v: unknown) => boolean> = {
  rank: (v) => typeof v === 'string' && /^[0-3]$/.test(v),
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

export const DIRECTIONS = { asc: 'ASC', desc: 'DESC' } as const;
export type Direction = keyof typeof DIRECTIONS;

/** Keyset over (sort column, id): the cursor carries the last row's pair. */
export function keyset(params: Params, column: string, cursor: unknown[] | null, direction: Direction, idColumn = 'c.id'): string {
  if (!cursor) return 'TRUE';
  const op = direction === 'asc' ? '>' : '<';
  return `(${column}, ${idColumn}) ${op} (${param(params, cursor[0])}, ${param(params, cursor[1])})`;
}

/** A page of `limit` rows out of `limit + 1` read: the extra row only says that there is a next page. */
export function pageOf<T>(rows: T[], limit: number, key: (row: T) => unknown[]): Page<T> {
  const items = rows.slice(0, limit);
  return { items, nextCursor: rows.length > limit ? encodeKey(key(items[items.length - 1])) : null };
}
