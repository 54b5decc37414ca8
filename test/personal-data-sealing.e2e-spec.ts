import { Client, Connection } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { personKeyOf } from '../activities/person-registry.activities';
import { LOCAL_PERSON_KEY_SECRET } from '../libs/config/src';
import { caseCommandUpdate, caseWorkflowId, personWorkflowId } from '../libs/contracts/src';
import type { CommandEnvelope } from '../libs/domain/src';
import { ENCRYPTED_ENCODING } from '../libs/temporal/src';
import { temporalCliPath } from '../scripts/tools.cjs';
import { Engine, startEngine } from './support/engine';

// Personal data sealed in Temporal: what the server stores (and what its UI or CLI shows to whoever
// reaches them) holds no name, birth date, fact, comment or note in clear; only an administrator opens
// it, through the codec endpoint.

const run = promisify(execFile);
const unique = (label: string) => `${label}${randomBytes(6).toString('hex')}`;
const planted = {
  name: unique('Sealname'),
  extraditedName: unique('Sealperson'),
  identifier: unique('PASS-SEAL-'),
  birthDate: '1937-04-29',
  extraditedBirthDate: '1941-08-13',
  fact: unique('sealed fact '),
  comment: unique('sealed comment '),
  note: unique('sealed note '),
  poisonedNote: unique('poisoned note '),
};
const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');

/** Every string in a JSON value, and the text of every base64 string in it (payload data, metadata). */
function texts(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') {
    out.push(value);
    if (value.length >= 4 && value.length % 4 === 0 && /^[A-Za-z0-9+/]+={0,2}$/.test(value)) out.push(Buffer.from(value, 'base64').toString('latin1'));
  } else if (Array.isArray(value)) value.forEach((v) => texts(v, out));
  else if (value && typeof value === 'object') Object.entries(value).forEach(([k, v]) => (out.push(k), texts(v, out)));
  return out;
}

const found = (haystack: string[]) =>
  Object.entries(planted)
    .filter(([, needle]) => haystack.some((t) => t.includes(needle)))
    .map(([k]) => k);

/** Sealed payloads of a history (proto3 JSON), in the codec protocol's shape. */
function sealedPayloads(history: unknown): Array<{ metadata: Record<string, string>; data: string }> {
  const out: Array<{ metadata: Record<string, string>; data: string }> = [];
  const walk = (v: unknown) => {
    if (Array.isArray(v)) return v.forEach(walk);
    if (!v || typeof v !== 'object') return;
    const o = v as Record<string, unknown>;
    const metadata = o.metadata as Record<string, string> | undefined;
    if (metadata?.encoding === b64(ENCRYPTED_ENCODING) && typeof o.data === 'string') out.push({ metadata, data: o.data });
    else Object.values(o).forEach(walk);
  };
  walk(history);
  return out;
}

describe('personal data sealed in Temporal (real dev server, real Postgres, through HTTP)', () => {
  let engine: Engine;
  let raw: Client;
  let address: string;
  const ids: string[] = [];

  beforeAll(async () => {
    engine = await startEngine();
    // A client without the codec: what anyone who reaches the server (UI, CLI, a backup) gets.
    raw = new Client({ connection: engine.temporal.client.connection });
    address = (engine.temporal.client.connection as Connection).options.address;
  }, 180000);

  afterAll(async () => {
    await engine?.stop();
  }, 60000);

  const call = async (user: string, method: string, path: string, body?: unknown) => {
    const res = await engine.request(method, path, { token: await engine.token(user), body: method === 'GET' ? undefined : (body ?? {}) });
    expect([200, 201]).toContain(res.status);
    return res.body;
  };

  it('files an MLA request and an extradition with planted personal data and moves them on', async () => {
    const mla = await call('u-sn-prosecutor', 'POST', '/cases', {
      requestedState: 'GH',
      legalBasis: 'ECOWAS-MLA-1992',
      assistanceTypes: ['BANK_RECORDS'],
      subjectOfProceedings: 'Smuggling of migrants, organised criminal group',
      factsSummary: `Payments routed abroad: ${planted.fact}`,
      purpose: 'Trace the proceeds',
      persons: [{ role: 'SUSPECT', name: planted.name, nationality: 'SN', dateOfBirth: planted.birthDate }],
      language: 'fr',
      urgency: 'NORMAL',
    });
    await call('u-sn-prosecutor', 'POST', `/cases/${mla.id}/submit`);
    await call('u-sn-ca', 'POST', `/cases/${mla.id}/return-for-correction`, { comment: planted.comment });
    await call('u-sn-prosecutor', 'POST', `/cases/${mla.id}/resubmit`);
    await call('u-sn-prosecutor', 'POST', `/cases/${mla.id}/notes`, { text: planted.note });
    await engine.settle(mla.id);
    // The read model holds the content in clear (Postgres is the engine's own store): the planting worked.
    const view = await call('u-sn-prosecutor', 'GET', `/cases/${mla.id}`);
    expect(JSON.stringify(view)).toContain(planted.name);

    const ext = await call('u-ng-prosecutor', 'POST', '/extraditions', {
      requestedState: 'BJ',
      legalBasis: 'ECOWAS-EXT-1994',
      person: { role: 'ACCUSED', name: planted.extraditedName, nationality: 'NG', identifier: planted.identifier, dateOfBirth: planted.extraditedBirthDate },
      offence: 'Smuggling of migrants (Protocol art. 6)',
      factsSummary: `Sea crossings: ${planted.fact}`,
      purpose: 'PROSECUTION',
      language: 'en',
      urgency: 'URGENT',
      provisionalArrest: { channel: 'INTERPOL_URGENT', reference: 'INTERPOL-DIFF-2024-881' },
    });
    await call('u-bj-ca', 'POST', `/extraditions/${ext.id}/arrest`, { comment: planted.comment });
    await engine.settle(ext.id);
    ids.push(
      caseWorkflowId('MLA', mla.id),
      caseWorkflowId('EXTRADITION', ext.id),
      personWorkflowId(personKeyOf(LOCAL_PERSON_KEY_SECRET, 'BJ', planted.identifier)),
    );
  }, 120000);

  it('keeps failure messages and stack traces sealed: the server holds "Encoded failure" and a sealed payload', async () => {
    // A value Postgres refuses (a NUL byte), sent past the API straight to the workflow: the projection activity fails.
    const envelope = {
      command: { type: 'NOTE', text: `${planted.poisonedNote}\u0000` },
      relation: 'REQUESTING_PROSECUTOR',
      actor: { userId: 'u-sn-prosecutor', role: 'PROSECUTOR', stateCode: 'SN', authorityId: 'SN-PROS-DAKAR' },
    } as CommandEnvelope;
    const answer = await engine.temporal.client.workflow.getHandle(ids[0]).executeUpdate(caseCommandUpdate, { args: [envelope] });
    expect(answer.readModel).toBe('FAILED');
    const failures = (json: { events: Array<Record<string, any>> }) =>
      json.events.flatMap((e) =>
        Object.values(e)
          .filter((v) => v && typeof v === 'object' && v.failure)
          .map((v) => v.failure as Record<string, any>),
      );
    const rawHistory = JSON.parse(historyToJSON(await raw.workflow.getHandle(ids[0]).fetchHistory()));
    const stored = failures(rawHistory);
    expect(stored.length).toBeGreaterThan(0);
    for (const failure of stored) {
      expect({ message: failure.message, stackTrace: failure.stackTrace ?? '' }).toEqual({ message: 'Encoded failure', stackTrace: '' });
      expect(failure.encodedAttributes.metadata.encoding).toBe(b64(ENCRYPTED_ENCODING));
    }
    // An administrator opens them through the codec: the activity's failure as the worker reported it, by its facts.
    const decoded = await engine.request('POST', '/codec/decode', { token: await engine.token('u-admin'), body: { payloads: [stored[0].encodedAttributes] } });
    expect(decoded.status).toBe(200);
    const attributes = JSON.parse(Buffer.from(decoded.body.payloads[0].data, 'base64').toString('utf8'));
    expect(attributes.message).toMatch(/SQLSTATE 22/);
  }, 60000);

  it('stores no planted name, birth date, fact, comment or note in any history the server holds', async () => {
    const listed: string[] = [];
    for await (const w of raw.workflow.list()) listed.push(w.workflowId);
    const all = [...new Set([...ids, ...listed])];
    let sealed = 0;
    for (const id of all) {
      const history = historyToJSON(await raw.workflow.getHandle(id).fetchHistory());
      const json = JSON.parse(history);
      expect(json.events.length).toBeGreaterThan(0);
      expect({ id, found: found([history, ...texts(json)]) }).toEqual({ id, found: [] });
      sealed += sealedPayloads(json).length;
    }
    expect(sealed).toBeGreaterThan(10);
  }, 60000);

  it('shows none of it through the Temporal CLI either', async () => {
    for (const id of ids) {
      const { stdout } = await run(
        temporalCliPath(),
        ['workflow', 'show', '--address', address, '--namespace', 'default', '--workflow-id', id, '--output', 'json'],
        { maxBuffer: 64 * 1024 * 1024 },
      );
      expect(stdout.length).toBeGreaterThan(100);
      expect({ id, found: found([stdout, ...texts(JSON.parse(stdout))]) }).toEqual({ id, found: [] });
    }
    // Pointed at the codec endpoint with an administrator's token, the same CLI shows the case as filed.
    const decoded = await run(
      temporalCliPath(),
      [
        'workflow',
        'show',
        '--address',
        address,
        '--namespace',
        'default',
        '--workflow-id',
        ids[0],
        '--output',
        'json',
        '--codec-endpoint',
        `${engine.baseUrl}/codec`,
        '--codec-auth',
        `Bearer ${await engine.token('u-admin')}`,
      ],
      { maxBuffer: 64 * 1024 * 1024 },
    );
    expect(found(texts(JSON.parse(decoded.stdout)))).toEqual(expect.arrayContaining(['name', 'birthDate', 'fact', 'comment', 'note']));
  }, 60000);

  it('opens sealed payloads for an administrator through the codec endpoint, and for nobody else', async () => {
    const payloads = (
      await Promise.all(ids.map(async (id) => sealedPayloads(JSON.parse(historyToJSON(await raw.workflow.getHandle(id).fetchHistory())))))
    ).flat();
    const body = { payloads };
    const admin = await engine.request('POST', '/codec/decode', { token: await engine.token('u-admin'), body, headers: { 'x-namespace': 'default' } });
    expect(admin.status).toBe(200);
    expect(admin.body.payloads).toHaveLength(payloads.length);
    expect(admin.body.payloads.every((p: { metadata: Record<string, string> }) => p.metadata.encoding !== b64(ENCRYPTED_ENCODING))).toBe(true);
    // What the server keeps sealed is the very content filed: every planted value comes back.
    expect(found(texts(admin.body)).sort()).toEqual(Object.keys(planted).sort());

    const encoded = await engine.request('POST', '/codec/encode', {
      token: await engine.token('u-admin'),
      body: { payloads: admin.body.payloads.slice(0, 1) },
    });
    expect(encoded.status).toBe(200);
    expect(Buffer.from(encoded.body.payloads[0].metadata.encoding, 'base64').toString()).toBe(ENCRYPTED_ENCODING);

    for (const user of ['u-sn-prosecutor', 'u-wacap-secretariat']) {
      const refused = await engine.request('POST', '/codec/decode', { token: await engine.token(user), body });
      expect({ user, status: refused.status, code: refused.body.code }).toEqual({ user, status: 403, code: 'FORBIDDEN' });
      expect(JSON.stringify(refused.body)).not.toContain(planted.name);
    }
    const anonymous = await engine.request('POST', '/codec/decode', { body });
    expect(anonymous.status).toBe(401);
    expect((await engine.request('POST', '/codec/encode', { body })).status).toBe(401);
  }, 60000);

  it('answers bad codec requests with problem details, never 5xx', async () => {
    const token = await engine.token('u-admin');
    // Protobuf's JSON leaves out an empty list: `{}` is no payloads (the CLI sends it).
    const empty = await engine.request('POST', '/codec/decode', { token, body: {} });
    expect({ status: empty.status, body: empty.body }).toEqual({ status: 200, body: { payloads: [] } });
    const notArray = await engine.request('POST', '/codec/decode', { token, body: { payloads: 'x' } });
    expect(notArray.status).toBe(400);
    expect(notArray.body.errors[0]).toMatchObject({ field: 'payloads', rule: 'array' });
    const badBase64 = await engine.request('POST', '/codec/decode', { token, body: { payloads: [{ metadata: { encoding: '%%' }, data: 'not base64!' }] } });
    expect(badBase64.status).toBe(400);
    expect(badBase64.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['payloads[0].data', 'payloads[0].metadata.encoding']);
    const tampered = await engine.request('POST', '/codec/decode', {
      token,
      body: { payloads: [{ metadata: { encoding: b64(ENCRYPTED_ENCODING), 'encryption-key-id': b64('test-2') }, data: randomBytes(64).toString('base64') }] },
    });
    expect(tampered.status).toBe(422);
    expect(tampered.body.code).toBe('PAYLOAD_NOT_DECODABLE');
    const unknownKey = await engine.request('POST', '/codec/decode', {
      token,
      body: {
        payloads: [{ metadata: { encoding: b64(ENCRYPTED_ENCODING), 'encryption-key-id': b64('retired-key') }, data: randomBytes(64).toString('base64') }],
      },
    });
    expect(unknownKey.status).toBe(422);
    expect(unknownKey.body.detail).toMatch(/"retired-key"/);
    const otherNamespace = await engine.request('POST', '/codec/decode', { token, body: { payloads: [] }, headers: { 'x-namespace': 'elsewhere' } });
    expect(otherNamespace.status).toBe(400);
    expect(otherNamespace.body.errors[0].field).toBe('X-Namespace');
  });

  it('lets the configured Temporal UI origin call the codec endpoint from a browser, and no other', async () => {
    const preflight = (origin: string) =>
      fetch(`${engine.baseUrl}/codec/decode`, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type,x-namespace' },
      });
    const ui = await preflight('http://127.0.0.1:8233');
    expect(ui.status).toBe(204);
    expect(ui.headers.get('access-control-allow-origin')).toBe('http://127.0.0.1:8233');
    expect(ui.headers.get('access-control-allow-headers')).toMatch(/authorization/i);
    const evil = await preflight('https://evil.example');
    expect(evil.headers.get('access-control-allow-origin')).toBeNull();
    // A refusal carries the CORS headers too, so that the UI sees 401 rather than a network error.
    const refused = await fetch(`${engine.baseUrl}/codec/decode`, {
      method: 'POST',
      headers: { origin: 'http://localhost:8233', 'content-type': 'application/json' },
      body: '{"payloads":[]}',
    });
    expect(refused.status).toBe(401);
    expect(refused.headers.get('access-control-allow-origin')).toBe('http://localhost:8233');
  });
});
