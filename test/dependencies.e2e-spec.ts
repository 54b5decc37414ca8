import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { createApi } from '../apps/api/src/bootstrap';
import type { AppConfig } from '../libs/config/src';
import { createDataSource } from '../libs/persistence/src';
import { loadSeeds } from '../seeds/loader';
import { ensureLocalKeyPair, mintToken } from '../scripts/local-auth';
import { ROOT } from '../scripts/tools.cjs';
import { quietRuntime } from './support/engine';
import { freePort, startPostgres } from './support/servers';

// A dependency that is away is a 503 with Retry-After, naming it, and nothing is half done.
describe('dependencies away: 503 with Retry-After, nothing written', () => {
  let postgres: Awaited<ReturnType<typeof startPostgres>> | undefined;
  let db: DataSource;
  let app: NestFastifyApplication;
  let baseUrl: string;
  let keysDir: string;
  let token: string;
  let filedAt = 0;

  beforeAll(async () => {
    quietRuntime();
    postgres = await startPostgres();
    db = await createDataSource(postgres.url).initialize();
    await db.runMigrations({ transaction: 'each' });
    await loadSeeds(db);
    keysDir = mkdtempSync(join(ROOT, '.data', 'test-keys-'));
    const keys = await ensureLocalKeyPair(keysDir);
    // A port nobody listens on: Temporal is away for the whole suite.
    const closedPort = await freePort();
    const config: AppConfig = {
      database: { url: postgres.url },
      temporal: { address: `127.0.0.1:${closedPort}`, namespace: 'default', taskQueue: `deps-${process.pid}` },
      auth: { issuer: 'mla-engine-test', audience: 'mla-engine', publicKeyFile: keys.publicKeyFile, algorithms: ['ES256'] },
      api: { host: '127.0.0.1', port: 0 },
      logLevel: 'error',
    };
    app = await createApi(config, false);
    await app.listen({ host: '127.0.0.1', port: 0 });
    baseUrl = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    token = await mintToken({ privateKeyFile: keys.privateKeyFile, subject: 'u-sn-prosecutor', issuer: 'mla-engine-test', audience: 'mla-engine' });
  }, 120000);

  afterAll(async () => {
    // The SDK keeps retrying the start in the background for about 20 s; closing its channel under
    // it makes the retry throw outside any test.
    await new Promise((r) => setTimeout(r, Math.max(0, filedAt + 25000 - Date.now())));
    await app?.close().catch(() => undefined);
    if (db?.isInitialized) await db.destroy().catch(() => undefined);
    await postgres?.stop();
    if (keysDir) rmSync(keysDir, { recursive: true, force: true });
  }, 60000);

  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
      signal: AbortSignal.timeout(60000),
    });
    return { status: res.status, headers: res.headers, body: (await res.json()) as any };
  };

  it('answers a filing with 503 and Retry-After when Temporal cannot be reached, and writes nothing to Postgres', async () => {
    const filing = {
      requestedState: 'GH',
      legalBasis: 'ECOWAS-MLA-1992',
      assistanceTypes: ['BANK_RECORDS'],
      subjectOfProceedings: 'Smuggling of migrants',
      factsSummary: 'Payments routed through accounts held in Accra.',
      purpose: 'Trace the proceeds',
      persons: [{ role: 'SUSPECT', name: 'Person A', nationality: 'SN' }],
      language: 'fr',
    };
    filedAt = Date.now();
    const res = await call('POST', '/cases', filing);
    expect(res.status).toBe(503);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    // The SDK reports UNAVAILABLE after its own retries (about 20 s); a gateway that waits less
    // answers first that the command was not taken. Either way: 503, retry later, nothing done.
    if (res.body.code === 'DEPENDENCY_UNAVAILABLE') expect(res.body).toMatchObject({ status: 503, dependency: 'temporal' });
    else expect(res.body).toMatchObject({ status: 503, code: 'COMMAND_NOT_ACCEPTED' });
    // Nothing of the request comes back: no names, no facts.
    expect(JSON.stringify(res.body)).not.toContain('Person A');
    const [{ cases, events }] = await db.query(`SELECT (SELECT count(*)::int FROM cases) AS cases, (SELECT count(*)::int FROM case_events) AS events`);
    expect({ cases, events }).toEqual({ cases: 0, events: 0 });
  }, 90000);

  it('answers reads with 503 naming Postgres when Postgres is stopped', async () => {
    const id = '6f1c1d2e-3a4b-4c5d-8e9f-0a1b2c3d4e5f';
    expect((await call('GET', `/cases/${id}`)).status).toBe(404); // up: an unknown case
    await db.destroy();
    await postgres!.stop();
    postgres = undefined;
    for (const path of [`/cases/${id}`, '/cases', `/cases/${id}/timeline`]) {
      const res = await call('GET', path);
      expect({ path, status: res.status }).toEqual({ path, status: 503 });
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(res.body).toMatchObject({ status: 503, code: 'DEPENDENCY_UNAVAILABLE', dependency: 'postgres' });
    }
  }, 90000);
});
