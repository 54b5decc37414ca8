import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyRequest } from 'fastify';
import type { FieldProblem } from '../../../../libs/domain/src';
import { CONTROL_CHARACTER, isUuid, isWellFormedUnicode } from '../../../../libs/persistence/src/typed-values';
import { ProblemException } from './problem';

/**
 * The rules every piece of client input obeys before any DTO, use case or workflow sees it: JSON
 * bodies no deeper than MAX_DEPTH, and no string (value or key, at any depth, path and query
 * parameters included) with a control character or an unpaired UTF-16 surrogate. Postgres refuses
 * both; admitted, they would freeze the case whose projection carries them.
 */
export const MAX_DEPTH = 32;
export const BODY_LIMIT = 1024 * 1024;

export const RULES = {
  depth: 'max_depth',
  control: 'no_control_characters',
  unicode: 'well_formed_unicode',
  key: 'forbidden_key',
  object: 'json_object',
  single: 'single_value',
} as const;

/** The problem with one string, if any: tab, line feed and carriage return are allowed (free text has lines). */
export function textProblem(value: string, field: string, subject = field || 'the value'): FieldProblem | null {
  if (!isWellFormedUnicode(value)) return { field, rule: RULES.unicode, message: `${subject} contains an unpaired UTF-16 surrogate` };
  if (CONTROL_CHARACTER.test(value)) {
    return { field, rule: RULES.control, message: `${subject} contains a control character (only tab, line feed and carriage return are allowed)` };
  }
  return null;
}

/** Whether the raw JSON text nests objects and arrays at most `limit` deep, counted without parsing it. */
export function withinDepth(text: string, limit = MAX_DEPTH): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: the next character is escaped
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > limit) return false;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return true;
}

/** A key as it can be shown in a field path: offending characters written as \uXXXX escapes. */
function printable(key: string): string {
  return key.replace(/[\u0000-\u001F\u007F-\u009F\uD800-\uDFFF]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

const join = (path: string, key: string) => (path ? `${path}.${printable(key)}` : printable(key));

/** Every string problem in a parsed JSON value, values and keys, named by path (`persons[0].name`). */
export function jsonTextProblems(value: unknown, path = '', problems: FieldProblem[] = []): FieldProblem[] {
  if (problems.length >= 20) return problems; // enough to act on, and a bound on the answer's size
  if (typeof value === 'string') {
    const p = textProblem(value, path);
    if (p) problems.push(p);
  } else if (Array.isArray(value)) {
    value.forEach((item, i) => jsonTextProblems(item, `${path}[${i}]`, problems));
  } else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      const field = join(path, key);
      const p = textProblem(key, field, `the property name ${field}`);
      if (p) problems.push(p);
      else if (key === '__proto__' || key === 'constructor' || key === 'prototype') {
        problems.push({ field, rule: RULES.key, message: `${key} is not a property of any request` });
      }
      jsonTextProblems(item, field, problems);
    }
  }
  return problems;
}

export function bodyProblem(problems: FieldProblem[]): ProblemException {
  return ProblemException.of(400, 'INVALID_BODY', `${problems.length} problem(s) in the request`, { errors: problems });
}

/** Query and path parameters: each given once, and storable text. */
export function parameterProblems(query: unknown, params: unknown): { query: FieldProblem[]; path: FieldProblem[] } {
  const out = { query: [] as FieldProblem[], path: [] as FieldProblem[] };
  for (const [where, source] of [
    ['query', query],
    ['path', params],
  ] as const) {
    if (!source || typeof source !== 'object') continue;
    for (const [key, value] of Object.entries(source as Record<string, unknown>)) {
      const field = printable(key);
      const keyProblem = textProblem(key, field, `the parameter name ${field}`);
      if (keyProblem) {
        out[where].push(keyProblem);
        continue;
      }
      if (Array.isArray(value)) {
        out[where].push({ field, rule: RULES.single, message: `${field} may be given once` });
        continue;
      }
      const p = typeof value === 'string' ? textProblem(value, field) : null;
      if (p) out[where].push(p);
    }
  }
  return out;
}

/**
 * Installs the rules on the API's Fastify instance, before Nest registers its routes: the JSON
 * parser (depth on the raw text, then a safe parse, then the walk) and a hook that checks the
 * query and path parameters of every request before it is authenticated or routed to a handler.
 */
export function installInputRules(app: NestFastifyApplication, options: { maxDepth?: number; bodyLimit?: number } = {}): void {
  const maxDepth = options.maxDepth ?? MAX_DEPTH;
  const fastify = app.getHttpAdapter().getInstance();
  const parse = fastify.getDefaultJsonParser('error', 'error');
  // The API speaks JSON only: other bodies are refused (415) rather than handed to a DTO as strings.
  fastify.removeContentTypeParser('text/plain');
  app.useBodyParser('application/x-www-form-urlencoded', {}, (_request, _raw, done) => {
    done(ProblemException.of(415, 'UNSUPPORTED_MEDIA_TYPE', 'request bodies are JSON (content-type: application/json)'), undefined);
  });
  app.useBodyParser('application/json', { bodyLimit: options.bodyLimit ?? BODY_LIMIT }, (request, raw, done) => {
    const text = raw.toString('utf8');
    if (!withinDepth(text, maxDepth)) {
      done(bodyProblem([{ field: '', rule: RULES.depth, message: `the body nests objects and arrays more than ${maxDepth} deep` }]), undefined);
      return;
    }
    void parse(request as never, text, (err: Error | null, value: unknown) => {
      if (err) return done(err, undefined);
      if (value === null || typeof value !== 'object' || Array.isArray(value)) {
        return done(bodyProblem([{ field: '', rule: RULES.object, message: 'the body must be a JSON object' }]), undefined);
      }
      const problems = jsonTextProblems(value);
      if (problems.length) return done(bodyProblem(problems), undefined);
      done(null, value);
    });
  });
  fastify.addHook('onRequest', async (request: FastifyRequest) => {
    const { query, path } = parameterProblems(request.query, request.params);
    // Every `:id` is a case id, a uuid column: anything else names no case (and never reaches Postgres).
    const id = (request.params as Record<string, unknown> | undefined)?.id;
    if (id !== undefined && !path.length && !isUuid(id)) {
      throw ProblemException.of(404, 'CASE_NOT_FOUND', `no case ${printable(String(id)).slice(0, 100)} visible to you`);
    }
    if (path.length) throw ProblemException.of(400, 'INVALID_PATH', `${path.length} problem(s) in the path`, { errors: path });
    if (query.length) throw ProblemException.of(400, 'INVALID_QUERY', `${query.length} problem(s) in the query`, { errors: query });
  });
}
