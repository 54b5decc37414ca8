/**
 * What may be logged of an error: its name, its code and, for a database error, its SQLSTATE. Never
 * its message or its other fields: a driver's message and a TypeORM QueryFailedError's `parameters`
 * quote the values of the statement, and those are names, birth dates and facts of criminal cases.
 */
export interface ErrorFacts {
  name: string;
  code?: string;
  sqlState?: string;
}

const SQLSTATE = /^[0-9A-Z]{5}$/;

export function errorFacts(err: unknown): ErrorFacts {
  if (!err || typeof err !== 'object') return { name: typeof err };
  const e = err as { name?: unknown; code?: unknown; driverError?: { code?: unknown } };
  const facts: ErrorFacts = { name: typeof e.name === 'string' ? e.name.slice(0, 80) : 'Error' };
  if (typeof e.code === 'string' || typeof e.code === 'number') facts.code = String(e.code).slice(0, 40);
  const sqlState = typeof e.driverError?.code === 'string' ? e.driverError.code : facts.code;
  if (sqlState && SQLSTATE.test(sqlState)) facts.sqlState = sqlState;
  return facts;
}

/** `QueryFailedError, SQLSTATE 23505`: the facts of an error as a line of text. */
export function describeError(err: unknown): string {
  const f = errorFacts(err);
  const parts = [f.name];
  if (f.code && f.code !== f.sqlState) parts.push(`code ${f.code}`);
  if (f.sqlState) parts.push(`SQLSTATE ${f.sqlState}`);
  return parts.join(', ');
}

function isErrorLike(v: unknown): boolean {
  return v instanceof Error || (!!v && typeof v === 'object' && 'stack' in v && 'message' in v);
}

/**
 * Log metadata made safe: scalars (ids, counts, durations) kept, errors reduced to their facts, any other
 * object or array dropped, since it could be a workflow's input or a statement's parameters.
 */
export function safeLogMeta(meta: Record<string, unknown> | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(meta ?? {})) {
    if (value === null || value === undefined || typeof value === 'number' || typeof value === 'boolean') out[key] = value;
    else if (typeof value === 'bigint') out[key] = value.toString();
    else if (typeof value === 'string') out[key] = value.length > 300 ? `${value.slice(0, 300)}…` : value;
    else if (isErrorLike(value)) out[key] = errorFacts(value);
    else out[key] = '[omitted]';
  }
  return out;
}
