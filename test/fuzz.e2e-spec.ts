import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import { ProblemDetailsFilter } from '../apps/api/src/common/problem';
import { Engine, startEngine } from './support/engine';

/**
 * HTTP fuzzing generated from the engine's own OpenAPI document: every operation gets random and
 * boundary bodies, queries, path parameters and headers, the poison inputs of issue 8 among them.
 * No answer may be a 5xx, no request may hang, and every case touched still takes a valid command.
 */
const SEED = 20260508;
const RUNS_PER_OPERATION = 40;
const REQUEST_TIMEOUT_MS = 20000;
const CONCURRENCY = 3;

type Schema = {
  $ref?: string;
  type?: string;
  format?: string;
  enum?: unknown[];
  items?: Schema;
  properties?: Record<string, Schema>;
  required?: string[];
  allOf?: Schema[];
};
type Operation = { method: string; path: string; body?: Schema; query: Array<{ name: string; schema?: Schema }>; params: string[] };
type Body = { json: unknown } | { raw: string } | undefined;
type Attempt = { op: string; method: string; url: string; user: string | null; headers: Record<string, string>; body: Body };

const b64 = (s: string) => Buffer.from(s).toString('base64url');
/** Percent-encoding that also sends a lone surrogate, as its three WTF-8 bytes (what a careless client sends). */
const enc = (s: string) =>
  [...s]
    .map((ch) => {
      const cp = ch.charCodeAt(0);
      if (ch.length === 1 && cp >= 0xd800 && cp <= 0xdfff)
        return [0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f)].map((b) => `%${b.toString(16).toUpperCase()}`).join('');
      return encodeURIComponent(ch);
    })
    .join('');
const NIL_UUID = '00000000-0000-0000-0000-000000000000';

// The inputs listed at the top of issue 8, and their neighbours.
const POISON_STRINGS = [
  '\u0000',
  'note with a NUL \u0000 inside',
  '\u0007\u001b[2J\u007f\u0085',
  '\ud800',
  'lone high \ud800 surrogate',
  'lone low \udc00 surrogate',
  '\udfff\ud800',
  '2031-02-30',
  '0000-01-01',
  '2024-02-30',
  '9999-12-31',
  '10000-01-01',
  '2031-02-30T10:00:00Z',
  '0000-01-01T00:00:00Z',
  '+275760-09-13T00:00:00.000Z',
  '2025-01-01T25:00:00Z',
  '',
  ' ',
  'x'.repeat(6000),
  'é'.repeat(30000),
  'not-a-uuid',
  '------------------------------------',
  '00000000-0000-0000-0000-00000000000g',
  NIL_UUID,
  "'; DROP TABLE cases; --",
  '%00',
  '../../etc/passwd',
  '{"a":1}',
  '1e309',
  '-1',
];
const POISON_VALUES: unknown[] = [
  ...POISON_STRINGS,
  null,
  true,
  false,
  0,
  -1,
  1.5,
  Infinity,
  2 ** 53 + 2,
  [],
  {},
  [null],
  { a: '\u0000' },
  ['\ud800'],
  { ['\ud800']: 1 },
  { ['n\u0000']: 'x' },
];

const TAMPERED_CURSORS = (id: string) => [
  b64(`2031-02-30T00:00:00.000Z|${id}`),
  b64(`0000-01-01T00:00:00.000Z|${id}`),
  b64(`2025-01-01T00:00:00.000Z|${id}|extra`),
  b64(`2025-01-01T00:00:00.000Z|not-a-uuid`),
  b64(`2025-01-01T00:00:00.000Z|------------------------------------`),
  b64(`garbage`),
  b64(JSON.stringify(['2031-02-30T00:00:00.000Z', id])),
  b64(JSON.stringify(['0000-01-01', id])),
  b64(JSON.stringify(['2031-02-28', 'x'])),
  b64(JSON.stringify([1, 2, 3])),
  b64(JSON.stringify(['2025-01-01T00:00:00.000Z', id, 'task\u0000'])),
  b64(JSON.stringify({ a: 1 })),
  b64('[' + '['.repeat(5000)),
  'not base64 at all!',
  'A'.repeat(5000),
];

const deepBody = (depth: number) => `{"text":${'['.repeat(depth)}${']'.repeat(depth)}}`;
const deepObject = (depth: number) => `{"text":"x","a":${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}}`;
const RAW_BODIES = [
  deepBody(10000),
  deepObject(40),
  deepBody(33),
  '{"text":"a\\u0000b"}',
  '{"text":"\\ud800"}',
  '{"\\ud800":1}',
  '{"__proto__":{"x":1}}',
  '{',
  '[]',
  'null',
  '"string"',
  '12',
  '{"text":"x"}'.repeat(2),
  '',
];

describe('HTTP fuzzing from the OpenAPI document (real Temporal dev server, real Postgres)', () => {
  let engine: Engine;
  const tokens: Record<string, string> = {};
  const users = [
    'u-sn-prosecutor',
    'u-sn-ca',
    'u-gh-ca',
    'u-gh-executing',
    'u-ng-prosecutor',
    'u-ng-ca',
    'u-bj-ca',
    'u-wacap-secretariat',
    'u-admin',
    'u-fr-lm-sn',
    'u-sn-manager',
  ];
  let mlaId: string;
  let extraditionId: string;
  let sacrificial: { mla: string; extradition: string };
  let operations: Operation[];
  const serverErrors: string[] = [];

  const mlaFiling = (over: Record<string, unknown> = {}) => ({
    requestedState: 'GH',
    legalBasis: 'ECOWAS-MLA-1992',
    assistanceTypes: ['BANK_RECORDS'],
    subjectOfProceedings: 'Smuggling of migrants, organised criminal group',
    factsSummary: 'Payments for crossings were routed through accounts held in Accra.',
    purpose: 'Trace the proceeds of the smuggling network',
    persons: [{ role: 'SUSPECT', name: 'Person A', nationality: 'SN' }],
    language: 'fr',
    ...over,
  });
  const extraditionFiling = (over: Record<string, unknown> = {}) => ({
    requestedState: 'BJ',
    legalBasis: 'ECOWAS-EXT-1994',
    person: { role: 'ACCUSED', name: 'Person E', nationality: 'NG', identifier: `PASS-FUZZ-${randomUUID().slice(0, 8)}` },
    offence: 'Smuggling of migrants (Protocol art. 6)',
    purpose: 'PROSECUTION',
    language: 'en',
    provisionalArrest: { channel: 'INTERPOL_URGENT', reference: 'INTERPOL-DIFF-FUZZ' },
    ...over,
  });

  async function file(path: string, user: string, body: unknown): Promise<string> {
    const res = await engine.request('POST', path, { token: tokens[user], body });
    if (res.status !== 200 && res.status !== 201) throw new Error(`filing ${path} answered ${res.status}: ${JSON.stringify(res.body)}`);
    return res.body.id;
  }

  beforeAll(async () => {
    // The server's side of a 5xx, printed with the input that caused it (the engine's logs are off).
    const filter = ProblemDetailsFilter.prototype;
    const original = filter.catch;
    jest.spyOn(filter, 'catch').mockImplementation(function (this: ProblemDetailsFilter, exception: unknown, host) {
      const status = (exception as { getStatus?: () => number })?.getStatus?.() ?? 500;
      if (status >= 500)
        serverErrors.push(exception instanceof Error ? (exception.stack ?? exception.message).split('\n').slice(0, 4).join(' | ') : String(exception));
      return original.call(this, exception, host);
    });
    engine = await startEngine();
    await Promise.all(users.map(async (u) => (tokens[u] = await engine.token(u))));
    [mlaId, extraditionId] = await Promise.all([file('/cases', 'u-sn-prosecutor', mlaFiling()), file('/extraditions', 'u-ng-prosecutor', extraditionFiling())]);
    sacrificial = {
      mla: await file('/cases', 'u-sn-prosecutor', mlaFiling()),
      extradition: await file('/extraditions', 'u-ng-prosecutor', extraditionFiling()),
    };
    const docs = await engine.request('GET', '/docs/openapi.json');
    expect(docs.status).toBe(200);
    operations = operationsOf(docs.body);
  }, 180000);

  afterAll(async () => {
    await engine?.stop();
  }, 60000);

  function operationsOf(doc: { paths: Record<string, Record<string, any>> }): Operation[] {
    const ops: Operation[] = [];
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(item)) {
        if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue;
        const parameters: Array<{ name: string; in: string; schema?: Schema }> = op.parameters ?? [];
        ops.push({
          method: method.toUpperCase(),
          path,
          body: op.requestBody?.content?.['application/json']?.schema,
          query: parameters.filter((p) => p.in === 'query').map((p) => ({ name: p.name, schema: p.schema })),
          params: parameters.filter((p) => p.in === 'path').map((p) => p.name),
        });
      }
    }
    return ops;
  }

  function resolve(schema: Schema | undefined, doc: any, seen = 0): Schema {
    if (!schema) return {};
    if (schema.$ref && seen < 10) return resolve(doc.components.schemas[schema.$ref.split('/').pop()!], doc, seen + 1);
    if (schema.allOf)
      return schema.allOf.reduce<Schema>((acc, s) => {
        const r = resolve(s, doc, seen + 1);
        return { ...acc, ...r, properties: { ...(acc.properties ?? {}), ...(r.properties ?? {}) }, required: [...(acc.required ?? []), ...(r.required ?? [])] };
      }, {});
    return schema;
  }

  const poison = fc.constantFrom(...POISON_VALUES);
  const poisonString = fc.constantFrom(...POISON_STRINGS);
  const anyJson = fc.jsonValue({ maxDepth: 3 });

  /** Mostly valid values for the schema, with poison and wrong types mixed in at every level. */
  function valueFor(schema: Schema | undefined, doc: any, depth = 0, clean = false): fc.Arbitrary<unknown> {
    const s = resolve(schema, doc);
    let valid: fc.Arbitrary<unknown>;
    if (s.enum) valid = fc.constantFrom(...s.enum);
    else if (s.type === 'string' && s.format === 'date')
      valid = fc.oneof(
        fc.constantFrom('2031-02-28', '2032-02-29', '2030-11-01'),
        fc.date({ min: new Date('1950-01-01'), max: new Date('2040-01-01'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)),
      );
    else if (s.type === 'string' && s.format === 'date-time') valid = fc.constantFrom(new Date(Date.now() - 60000).toISOString(), '2020-01-01T00:00:00Z');
    else if (s.type === 'string' && s.format === 'uuid') valid = fc.constantFrom(mlaId, extraditionId, randomUUID());
    else if (s.type === 'string')
      valid = fc.oneof(fc.string({ maxLength: 40 }), fc.constantFrom('fr', 'en', 'GH', 'BJ', 'ECOWAS-MLA-1992', 'a reason with\na line break'));
    else if (s.type === 'integer' || s.type === 'number') valid = fc.oneof(fc.integer({ min: -5, max: 400 }), fc.double());
    else if (s.type === 'boolean') valid = fc.boolean();
    else if (s.type === 'array') valid = depth > 4 ? fc.constant([]) : fc.array(valueFor(s.items, doc, depth + 1, clean), { maxLength: 3 });
    else if (s.properties) {
      const props = s.properties;
      const keys = Object.keys(props);
      valid =
        depth > 4
          ? fc.constant({})
          : fc
              .tuple(
                fc.record(Object.fromEntries(keys.map((k) => [k, valueFor(props[k], doc, depth + 1, clean)])), {
                  requiredKeys: s.required?.filter((k) => keys.includes(k)) ?? [],
                }),
                clean
                  ? fc.constant(null)
                  : fc.oneof(
                      { weight: 6, arbitrary: fc.constant(null) },
                      { weight: 1, arbitrary: fc.tuple(fc.constantFrom('surprise', '\ud800', 'n\u0000', '__proto__', 'constructor'), poison) },
                    ),
              )
              .map(([o, extra]) => (extra ? { ...o, [extra[0]]: extra[1] } : o));
    } else valid = anyJson;
    return clean ? valid : fc.oneof({ weight: 6, arbitrary: valid }, { weight: 1, arbitrary: poison }, { weight: 1, arbitrary: anyJson });
  }

  function pathValue(name: string): fc.Arbitrary<string> {
    const real = name === 'itemId' ? fc.constantFrom('item-1', 'BANK_RECORDS-1') : fc.constantFrom(mlaId, extraditionId, mlaId, extraditionId);
    return fc.oneof(
      { weight: 5, arbitrary: real },
      {
        weight: 1,
        arbitrary: fc
          .constantFrom(randomUUID(), NIL_UUID, 'not-a-uuid', '------------------------------------', '00000000-0000-0000-0000-00000000000G', 'x'.repeat(3000))
          .map(enc),
      },
      { weight: 1, arbitrary: fc.constantFrom('%00', 'a%00b', '%ED%A0%80', '%C0%80', '%FF', '%01', '..%2F..') },
    );
  }

  function attemptsFor(op: Operation, doc: any, index: number): Attempt[] {
    const name = `${op.method} ${op.path}`;
    const terminal = /\/(withdraw|refuse|grant|surrendered|confirm-receipt)$/.test(op.path);
    const queryArb = fc.array(
      fc.tuple(
        fc.constantFrom(...op.query.map((q) => q.name), 'cursor', 'limit', 'from', 'to', 'unknown\u0000', '\ud800'),
        fc.oneof(
          poisonString,
          fc.constantFrom(...TAMPERED_CURSORS(mlaId)),
          fc.constantFrom('2031-02-30', '0000-01-01', '2024-02-29', '1', '0', '-1', '201', '1e3', 'desc', 'asc', 'idle', 'MLA', 'SN'),
          fc.string({ maxLength: 20 }),
        ),
      ),
      { maxLength: 4 },
    );
    const bodyArb: fc.Arbitrary<Body> = op.body
      ? fc.oneof(
          { weight: 4, arbitrary: valueFor(op.body, doc, 0, true).map((json) => ({ json })) },
          { weight: 5, arbitrary: valueFor(op.body, doc).map((json) => ({ json })) },
          { weight: 1, arbitrary: fc.constantFrom(...RAW_BODIES).map((raw) => ({ raw })) },
        )
      : fc.oneof({ weight: 4, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.constantFrom(...RAW_BODIES).map((raw) => ({ raw })) });
    const arb = fc.record({
      params: fc.tuple(...op.params.map(pathValue)),
      query: queryArb,
      body: bodyArb,
      user: fc.oneof({ weight: 8, arbitrary: fc.constantFrom(...users) }, { weight: 1, arbitrary: fc.constant(null) }),
      key: fc.oneof({ weight: 6, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.constantFrom('key-1', 'x'.repeat(300), 'with space', '') }),
      contentType: fc.oneof(
        { weight: 10, arbitrary: fc.constant(null) },
        {
          weight: 1,
          arbitrary: fc.constantFrom(
            'application/json; charset=utf-8',
            'text/plain',
            'application/x-www-form-urlencoded',
            'application/json; charset=latin1',
            'multipart/form-data',
          ),
        },
      ),
    });
    return fc.sample(arb, { seed: SEED + index, numRuns: RUNS_PER_OPERATION }).map((s) => {
      let path = op.path;
      op.params.forEach((p, i) => {
        let v = s.params[i];
        // The ends of a life cycle are fuzzed on cases of their own, so that the others stay open.
        if (terminal && v === mlaId) v = sacrificial.mla;
        if (terminal && v === extraditionId) v = sacrificial.extradition;
        path = path.replace(`{${p}}`, v);
      });
      const qs = s.query.map(([k, v]) => `${enc(k)}=${enc(v)}`).join('&');
      const headers: Record<string, string> = {};
      if (s.key !== null) headers['idempotency-key'] = s.key;
      if (s.body !== undefined) headers['content-type'] = s.contentType ?? 'application/json';
      return { op: name, method: op.method, url: qs ? `${path}?${qs}` : path, user: s.user, headers, body: s.body };
    });
  }

  /** The issue's poison inputs, aimed explicitly at the operations they froze or crashed. */
  function corpus(): Attempt[] {
    const a = (op: string, method: string, url: string, user: string, body?: Body): Attempt => ({
      op,
      method,
      url,
      user,
      headers: body ? { 'content-type': 'application/json' } : {},
      body,
    });
    const out: Attempt[] = [];
    for (const text of ['a\u0000b', '\u0000', 'x\ud800', '\udc00', 'bell\u0007']) {
      out.push(a('POST /cases/{id}/notes', 'POST', `/cases/${mlaId}/notes`, 'u-sn-prosecutor', { json: { text } }));
      out.push(a('POST /cases/{id}/notes', 'POST', `/cases/${mlaId}/notes`, 'u-fr-lm-sn', { json: { text } }));
      out.push(a('POST /extraditions/{id}/notes', 'POST', `/extraditions/${extraditionId}/notes`, 'u-ng-prosecutor', { json: { text } }));
      out.push(a('POST /cases', 'POST', '/cases', 'u-sn-prosecutor', { json: mlaFiling({ factsSummary: text }) }));
      out.push(a('POST /extraditions', 'POST', '/extraditions', 'u-ng-prosecutor', { json: extraditionFiling({ offence: text }) }));
    }
    for (const persons of [
      [{ role: 'SUSPECT', name: 'x\ud800' }],
      [{ role: 'SUSPECT', name: 'ok', ['\udc00']: 1 }],
      [{ role: 'SUSPECT', name: 'ok', location: 'a\u0000' }],
      [['\ud800']],
    ]) {
      out.push(a('POST /cases', 'POST', '/cases', 'u-sn-prosecutor', { json: mlaFiling({ persons }) }));
      out.push(a('PATCH /cases/{id}', 'PATCH', `/cases/${mlaId}`, 'u-sn-prosecutor', { json: { persons } }));
    }
    for (const date of ['2031-02-30', '0000-01-01', '2024-02-30', '10000-01-01']) {
      out.push(a('PATCH /cases/{id}', 'PATCH', `/cases/${mlaId}`, 'u-sn-prosecutor', { json: { requestedByDate: date, deadlineReason: 'detention' } }));
      out.push(
        a('POST /cases', 'POST', '/cases', 'u-sn-prosecutor', {
          json: mlaFiling({ requestedByDate: date, deadlineReason: 'detention', persons: [{ role: 'SUSPECT', name: 'B', dateOfBirth: date }] }),
        }),
      );
      out.push(a('POST /cases/{id}/postpone', 'POST', `/cases/${mlaId}/postpone`, 'u-gh-ca', { json: { reviewDate: date, reasons: 'r' } }));
      out.push(a('POST /extraditions/{id}/surrender-date', 'POST', `/extraditions/${extraditionId}/surrender-date`, 'u-bj-ca', { json: { agreedDate: date } }));
      out.push(
        a('POST /extraditions/{id}/force-majeure', 'POST', `/extraditions/${extraditionId}/force-majeure`, 'u-bj-ca', {
          json: { newDate: date, reason: 'storm' },
        }),
      );
      out.push(a('POST /cases/{id}/notes', 'POST', `/cases/${mlaId}/notes`, 'u-sn-prosecutor', { json: { text: 'dated', occurredAt: `${date}T10:00:00Z` } }));
      for (const q of ['from', 'to']) {
        out.push(a('GET /monitoring/statistics', 'GET', `/monitoring/statistics?${q}=${date}`, 'u-wacap-secretariat'));
        out.push(a('GET /monitoring/statistics.csv', 'GET', `/monitoring/statistics.csv?${q}=${date}`, 'u-wacap-secretariat'));
        out.push(a('GET /monitoring/cases.csv', 'GET', `/monitoring/cases.csv?${q}=${date}`, 'u-wacap-secretariat'));
      }
      out.push(a('GET /reference/legal-bases', 'GET', `/reference/legal-bases?requesting=SN&requested=GH&kind=MLA&date=${date}`, 'u-sn-prosecutor'));
    }
    for (const cursor of TAMPERED_CURSORS(mlaId)) {
      out.push(a('GET /cases', 'GET', `/cases?cursor=${enc(cursor)}`, 'u-sn-prosecutor'));
      for (const list of ['stalled', 'deadlines', 'escalations'])
        out.push(a(`GET /monitoring/${list}`, 'GET', `/monitoring/${list}?cursor=${enc(cursor)}`, 'u-wacap-secretariat'));
    }
    for (const id of ['not-a-uuid', '------------------------------------', NIL_UUID, '00000000-0000-0000-0000-00000000000g']) {
      out.push(a('GET /cases/{id}', 'GET', `/cases/${id}`, 'u-sn-prosecutor'));
      out.push(a('POST /cases/{id}/notes', 'POST', `/cases/${id}/notes`, 'u-sn-prosecutor', { json: { text: 'x' } }));
      out.push(
        a('POST /extraditions/{id}/conflict-choice', 'POST', `/extraditions/${extraditionId}/conflict-choice`, 'u-bj-ca', {
          json: { preferredCaseId: id, factors: { seriousness: 'a', placeOfOffence: 'b', datesOfRequests: 'c', nationality: 'd', reExtradition: 'e' } },
        }),
      );
    }
    for (const raw of [deepBody(10000), deepObject(100), JSON.stringify({ text: 'x'.repeat(10 * 1024 * 1024) })]) {
      out.push(a('POST /cases/{id}/notes', 'POST', `/cases/${mlaId}/notes`, 'u-sn-prosecutor', { raw }));
      out.push(a('POST /cases', 'POST', '/cases', 'u-sn-prosecutor', { raw }));
    }
    return out;
  }

  async function send(attempt: Attempt): Promise<{ status: number } | { hang: true } | { clientError: string }> {
    const headers: Record<string, string> = { ...attempt.headers };
    if (attempt.user) headers.authorization = `Bearer ${tokens[attempt.user]}`;
    const body = attempt.body === undefined ? undefined : 'raw' in attempt.body ? attempt.body.raw : JSON.stringify(attempt.body.json);
    try {
      const res = await fetch(`${engine.baseUrl}${attempt.url}`, { method: attempt.method, headers, body, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
      await res.arrayBuffer();
      return { status: res.status };
    } catch (err) {
      if ((err as Error).name === 'TimeoutError') return { hang: true };
      // The client refused to send it (an invalid header value, say): nothing reached the server.
      return { clientError: String((err as Error).message) };
    }
  }

  const show = (a: Attempt) => {
    const body = a.body === undefined ? '' : 'raw' in a.body ? a.body.raw : JSON.stringify(a.body.json);
    return `${a.op} as ${a.user ?? 'nobody'}: ${a.method} ${a.url.slice(0, 300)} ${JSON.stringify(a.headers)} ${body.length > 400 ? `${body.slice(0, 400)}… (${body.length} chars)` : body}`;
  };

  it('answers every operation of the document, random and poison input alike, with no 5xx and no hang; touched cases still move', async () => {
    const doc = (await engine.request('GET', '/docs/openapi.json')).body;
    expect(operations.length).toBeGreaterThan(40);
    const attempts = [...corpus(), ...operations.flatMap((op, i) => attemptsFor(op, doc, i))];
    const failures: string[] = [];
    const hangs: string[] = [];
    const statuses: Record<string, number> = {};
    const covered = new Set<string>();
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < attempts.length) {
          const attempt = attempts[next++];
          const result = await send(attempt);
          if ('hang' in result) hangs.push(show(attempt));
          else if ('status' in result) {
            covered.add(attempt.op);
            statuses[String(result.status)] = (statuses[String(result.status)] ?? 0) + 1;
            if (result.status >= 500) failures.push(`${result.status} ${show(attempt)}`);
          }
        }
      }),
    );
    process.stdout.write(`fuzz: ${attempts.length} requests on ${operations.length} operations, answers ${JSON.stringify(statuses)}\n`);
    if (failures.length || hangs.length) {
      process.stderr.write(`fuzz failures:\n${[...failures, ...hangs.map((h) => `HANG ${h}`), ...serverErrors.map((e) => `server: ${e}`)].join('\n')}\n`);
    }
    expect({ failures, hangs }).toEqual({ failures: [], hangs: [] });
    // Every operation was really exercised, and most answers were refusals, not crashes.
    expect(operations.filter((op) => !covered.has(`${op.method} ${op.path}`))).toEqual([]);
    expect(Object.keys(statuses).some((s) => s.startsWith('2'))).toBe(true);
    expect(statuses['400']).toBeGreaterThan(100);

    // Every touched case still takes a valid command and its projection catches up.
    const mlaNote = await engine.request('POST', `/cases/${mlaId}/notes`, { token: tokens['u-sn-prosecutor'], body: { text: 'after the fuzzing' } });
    expect({ status: mlaNote.status, event: mlaNote.body.history?.at(-1)?.event }).toEqual({ status: 200, event: 'NOTE' });
    const extNote = await engine.request('POST', `/extraditions/${extraditionId}/notes`, {
      token: tokens['u-ng-prosecutor'],
      body: { text: 'after the fuzzing' },
    });
    expect({ status: extNote.status, event: extNote.body.history?.at(-1)?.event }).toEqual({ status: 200, event: 'NOTE' });
    for (const id of [mlaId, extraditionId, sacrificial.mla, sacrificial.extradition]) await engine.settle(id);
  }, 600000);
});
