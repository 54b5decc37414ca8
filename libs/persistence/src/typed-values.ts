/**
 * Checks for strings that reach Postgres as typed values (uuid, date, timestamptz). A string that
 * passes is one Postgres accepts and means what it says; one that fails must be refused at the edge,
 * because Postgres would refuse it later, as a 500 on a read or as a projection that never lands.
 * Calendar checks are round trips, never `Date.parse` (which rolls 2031-02-30 over to 2 March).
 */

export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID_PATTERN.test(value);
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A day of the proleptic Gregorian calendar written YYYY-MM-DD, years 0001 to 9999. */
export function isCalendarDate(value: unknown, years: { min?: number; max?: number } = {}): value is string {
  if (typeof value !== 'string') return false;
  const m = DATE.exec(value);
  return !!m && isDay(Number(m[1]), Number(m[2]), Number(m[3]), years.min ?? 1, years.max ?? 9999);
}

function isDay(year: number, month: number, day: number, minYear: number, maxYear: number): boolean {
  if (year < minYear || year > maxYear || month < 1 || month > 12 || day < 1) return false;
  const d = new Date(Date.UTC(2000, month - 1, day));
  d.setUTCFullYear(year); // Date.UTC maps years 0..99 to 1900..1999
  d.setUTCMonth(month - 1, day);
  return d.getUTCFullYear() === year && d.getUTCMonth() === month - 1 && d.getUTCDate() === day;
}

const INSTANT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|([+-])(\d{2}):(\d{2}))$/;

/**
 * An instant in strict ISO 8601: a calendar date, a time of day and an offset (`Z` or ±hh:mm up to
 * ±14:00), each part in range; years 1900 to 9999 unless told otherwise.
 */
export function isInstant(value: unknown, years: { min?: number; max?: number } = {}): value is string {
  if (typeof value !== 'string') return false;
  const m = INSTANT.exec(value);
  if (!m) return false;
  const [, y, mo, d, h, mi, s, , oh, om] = m;
  if (!isDay(Number(y), Number(mo), Number(d), years.min ?? 1900, years.max ?? 9999)) return false;
  if (Number(h) > 23 || Number(mi) > 59 || (s !== undefined && Number(s) > 59)) return false;
  if (oh !== undefined && (Number(oh) * 60 + Number(om) > 14 * 60 || Number(om) > 59)) return false;
  return Number.isFinite(Date.parse(value));
}

/** An instant exactly as `Date.prototype.toISOString` writes it: what the engine's own cursors carry. */
export function isCanonicalInstant(value: unknown): value is string {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/.test(value)) return false;
  const t = Date.parse(value);
  return Number.isFinite(t) && new Date(t).toISOString() === value && isInstant(value, { min: 1, max: 9999 });
}

/** Control characters other than tab, line feed and carriage return: C0, DEL and C1. */
export const CONTROL_CHARACTER = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Postgres stores text as UTF-8: an unpaired UTF-16 surrogate has no encoding and is refused. */
export function isWellFormedUnicode(value: string): boolean {
  return !LONE_SURROGATE.test(value);
}

/** Text Postgres stores as written and a reader can display: well formed, no control character but \t \n \r. */
export function isStorableText(value: unknown): value is string {
  return typeof value === 'string' && isWellFormedUnicode(value) && !CONTROL_CHARACTER.test(value);
}
