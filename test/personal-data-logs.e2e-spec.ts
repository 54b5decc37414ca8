import { Client, Connection } from '@temporalio/client';
import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { caseCommandUpdate, mlaCaseWorkflowId } from '../libs/contracts/src';
import type { CommandEnvelope } from '../libs/domain/src';
import { createDataSource } from '../libs/persistence/src';
import { engineDataConverter } from '../libs/temporal/src';
import { loadSeeds } from '../seeds/loader';
import { ensureLocalDatabaseRoles } from '../scripts/local-database-roles';
import { ensureLocalKeyPair, mintToken } from '../scripts/local-auth';
import { ROOT } from '../scripts/tools.cjs';
import { testCodecKeys } from './support/engine';
import { freePort, startAll, startPostgres, startTemporalDevServer, type Running } from './support/servers';

// Logs carry no personal data: the API and the worker run as in production (from dist/, their own
// loggers, at debug level so that every line they can write is written), a run plants names, a birth
// date, an identifier, facts, a comment and a note, goes through refusals and failures (bad bodies, a
// refused command, a missing case, a value Postgres refuses, the database away for a while), and
// every line either process wrote to stdout or stderr is searched for each planted value, as written
// and JSON-escaped and base64-encoded.

const hex = () => randomBytes(5).toString('hex');
const planted = {
  name: `Logsname Ndèye-${hex()}`,
  extraditedName: `Logsperson ${hex()}`,
  identifier: `PASS-LOG-${hex()}`,
  birthDate: '1933-02-17',
  fact: `logged fact ${hex()}`,
  badFact: `refused fact ${hex()}`,
  comment: `logged comment ${hex()}`,
  note: `logged note ${hex()}`,
  poisonedNote: `poisoned note ${hex()}`,
  awayNote: `note while away ${hex()}`,
};

/** The runs of base64 characters that encode `s` wherever it starts in a longer text (three alignments). */
function base64Forms(s: string): string[] {
  const bytes = Buffer.from(s, 'utf8');
  return [0, 1, 2].map((pad) => {
    const encoded = Buffer.concat([Buffer.alloc(pad), bytes]).toString('base64');
    const first = Math.ceil(pad / 3) * 4;
    const last = Math.floor((pad + bytes.length) / 3) * 4;
    return encoded.slice(first, last);
  });
}

/** What a planted value looks like in a log line: as written, JSON-escaped (ASCII-safe too), base64. */
function forms(s: string): string[] {
  const json = JSON.stringify(s).slice(1, -1);
  const asciiJson = json.replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return [...new Set([s, json, asciiJson, ...base64Forms(s)])];
}

/** A TCP relay to Postgres that can be taken away (every connection cut, new ones refused) and brought back. */
class Relay {
  private server?: Server;
  private readonly sockets = new Set<Socket>();
  constructor(
    readonly port: number,
    private readonly target: { host: string; port: number },
  ) {}
  async up(): Promise<void> {
    this.server = createServer((client) => {
      const upstream = createConnection(this.target);
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => undefined);
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => this.server!.listen(this.port, '127.0.0.1', resolve));
  }
  async down(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const s of this.sockets) s.destroy();
    if (server) await new Promise((r) => server.close(r));
  }
}

class Proc {
  output = '';
  readonly child: ChildProcess;
  constructor(
    readonly name: string,
    script: string,
    env: NodeJS.ProcessEnv,
  ) {
    this.child = spawn(process.execPath, [join(ROOT, script)], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child.stdout!.on('data', (d) => (this.output += String(d)));
    this.child.stderr!.on('data', (d) => (this.output += String(d)));
  }
  async until(re: RegExp, ms = 60000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!re.test(this.output)) {
      if (this.child.exitCode !== null) throw new Error(`${this.name} exited (${this.child.exitCode}):\n${this.output}`);
      if (Date.now() > deadline) throw new Error(`${this.name} did not log ${re}:\n${this.output}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((r) => this.child.once('exit', r));
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 15000);
    await exited;
    clearTimeout(timer);
  }
}

describe('no personal data in any log line of the API or the worker (production processes, failures included)', () => {
  let postgres: Running & { url: string };
  let temporal: Running & { address: string };
  /** The API's and the worker's ways to Postgres, each of which can be cut. */
  let relays: { api: Relay; worker: Relay };
  let owner: DataSource;
  let client: Client;
  let api: Proc;
  let worker: Proc;
  let baseUrl: string;
  let keysDir: string;
  let token: (user: string) => Promise<string>;

  beforeAll(async () => {
    if (!existsSync(join(ROOT, 'dist/apps/api/src/main.js')) || !existsSync(join(ROOT, 'dist/apps/worker/src/main.js'))) {
      throw new Error('dist/ is missing: run "npm run build" before this suite (it runs the engine as shipped)');
    }
    [postgres, temporal] = await startAll(startPostgres(), startTemporalDevServer()); // both or neither
    const roles = await ensureLocalDatabaseRoles(postgres.url);
    owner = await createDataSource(roles.ownerUrl).initialize();
    await owner.runMigrations({ transaction: 'each' });
    await loadSeeds(owner);
    const pg = new URL(roles.engineUrl);
    relays = {
      api: new Relay(await freePort(), { host: pg.hostname, port: Number(pg.port) }),
      worker: new Relay(await freePort(), { host: pg.hostname, port: Number(pg.port) }),
    };
    await Promise.all([relays.api.up(), relays.worker.up()]);
    const through = (relay: Relay) => Object.assign(new URL(roles.engineUrl), { hostname: '127.0.0.1', port: String(relay.port) }).toString();

    keysDir = mkdtempSync(join(ROOT, '.data', 'test-keys-'));
    const keys = await ensureLocalKeyPair(keysDir);
    token = (subject) => mintToken({ privateKeyFile: keys.privateKeyFile, subject, issuer: 'mla-engine-test', audience: 'mla-engine' });
    const codecKeys = testCodecKeys();
    const taskQueue = `logs-${process.pid}`;
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      NODE_ENV: 'production',
      LOG_LEVEL: 'debug',
      TEMPORAL_ADDRESS: temporal.address,
      TEMPORAL_TASK_QUEUE: taskQueue,
      TEMPORAL_CODEC_KEYS: JSON.stringify({
        current: codecKeys.current,
        keys: Object.fromEntries(Object.entries(codecKeys.keys).map(([id, k]) => [id, k.toString('base64')])),
      }),
      PERSON_KEY_SECRET: randomBytes(32).toString('base64'),
      WORKER_METRICS_ADDRESS: 'off',
      WORKER_HEALTH_ADDRESS: 'off',
      STATS_REFRESH_SECONDS: '0',
    };
    const port = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
    worker = new Proc('worker', 'dist/apps/worker/src/main.js', { ...env, DATABASE_URL: through(relays.worker) });
    api = new Proc('api', 'dist/apps/api/src/main.js', {
      ...env,
      DATABASE_URL: through(relays.api),
      API_PORT: String(port),
      COMMAND_WAIT_MS: '3000',
      AUTH_PUBLIC_KEY_FILE: keys.publicKeyFile,
      AUTH_ISSUER: 'mla-engine-test',
      AUTH_AUDIENCE: 'mla-engine',
    });
    await Promise.all([worker.until(/polling task queue/), api.until(/listening on/)]);
    client = new Client({ connection: await Connection.connect({ address: temporal.address }), dataConverter: engineDataConverter(codecKeys) });
  }, 240000);

  afterAll(async () => {
    await Promise.all([api?.stop(), worker?.stop()]);
    if (process.env.KEEP_LOGS) for (const p of [api, worker]) if (p) writeFileSync(`${process.env.KEEP_LOGS}-${p.name}.log`, p.output);
    await client?.connection.close();
    await owner?.destroy();
    await Promise.all([relays?.api.down(), relays?.worker.down()]);
    await Promise.all([temporal?.stop(), postgres?.stop()]);
    if (keysDir) rmSync(keysDir, { recursive: true, force: true });
  }, 60000);

  const request = async (user: string | null, method: string, path: string, body?: unknown) => {
    const headers: Record<string, string> = {};
    if (user) headers.authorization = `Bearer ${await token(user)}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${baseUrl}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  };
  const settled = async (caseId: string, version: number) => {
    for (let i = 0; i < 300; i++) {
      const [row] = await owner.query(`SELECT version FROM cases WHERE id = $1`, [caseId]);
      if (row && row.version >= version) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`case ${caseId} did not reach version ${version}`);
  };
  const mlaFiling = (over: Record<string, unknown> = {}) => ({
    requestedState: 'GH',
    legalBasis: 'ECOWAS-MLA-1992',
    assistanceTypes: ['BANK_RECORDS'],
    subjectOfProceedings: 'Smuggling of migrants, organised criminal group',
    factsSummary: `Payments routed abroad: ${planted.fact}`,
    purpose: 'Trace the proceeds',
    persons: [{ role: 'SUSPECT', name: planted.name, nationality: 'SN', dateOfBirth: planted.birthDate }],
    language: 'fr',
    urgency: 'NORMAL',
    ...over,
  });

  let mlaId: string;

  it('runs cases with planted personal data through successes, refusals and failures', async () => {
    const filed = await request('u-sn-prosecutor', 'POST', '/cases', mlaFiling());
    expect(filed.status).toBe(201);
    mlaId = filed.body.id;
    expect((await request('u-sn-prosecutor', 'POST', `/cases/${mlaId}/submit`, {})).status).toBe(200);
    expect((await request('u-sn-ca', 'POST', `/cases/${mlaId}/return-for-correction`, { comment: planted.comment })).status).toBe(200);
    // A refused command (the case is already back with its prosecutor), with personal data in its body.
    const refused = await request('u-sn-ca', 'POST', `/cases/${mlaId}/return-for-correction`, { comment: `${planted.comment} again` });
    expect([409, 422]).toContain(refused.status);
    expect((await request('u-sn-prosecutor', 'POST', `/cases/${mlaId}/resubmit`, {})).status).toBe(200);
    expect((await request('u-sn-prosecutor', 'POST', `/cases/${mlaId}/notes`, { text: planted.note })).status).toBe(200);
    const read = await request('u-sn-prosecutor', 'GET', `/cases/${mlaId}`);
    expect(read.status).toBe(200);
    expect(JSON.stringify(read.body)).toContain(planted.name);

    const ext = await request('u-ng-prosecutor', 'POST', '/extraditions', {
      requestedState: 'BJ',
      legalBasis: 'ECOWAS-EXT-1994',
      person: { role: 'ACCUSED', name: planted.extraditedName, nationality: 'NG', identifier: planted.identifier, dateOfBirth: planted.birthDate },
      offence: 'Smuggling of migrants (Protocol art. 6)',
      factsSummary: `Sea crossings: ${planted.fact}`,
      purpose: 'PROSECUTION',
      language: 'en',
      urgency: 'URGENT',
      provisionalArrest: { channel: 'INTERPOL_URGENT', reference: 'INTERPOL-DIFF-2024-881' },
    });
    expect(ext.status).toBe(201);

    // Bad bodies: a rule broken beside the personal data, a field that does not exist, JSON cut short.
    const badDate = await request(
      'u-sn-prosecutor',
      'POST',
      '/cases',
      mlaFiling({ factsSummary: planted.badFact, persons: [{ role: 'SUSPECT', name: planted.name, dateOfBirth: `${planted.birthDate}x` }] }),
    );
    expect(badDate.status).toBe(400);
    const unknownField = await request('u-sn-prosecutor', 'POST', '/cases', mlaFiling({ [planted.badFact.replace(/ /g, '_')]: planted.name }));
    expect(unknownField.status).toBe(400);
    const cutShort = await request('u-sn-prosecutor', 'POST', '/cases', `{"factsSummary":"${planted.badFact}","persons":[{"name":"${planted.name}"`);
    expect(cutShort.status).toBe(400);
    // Personal data in the query string and the path.
    expect(
      (await request('u-sn-prosecutor', 'GET', `/cases?q=${encodeURIComponent(planted.name)}&personName=${encodeURIComponent(planted.name)}`)).status,
    ).toBeLessThan(500);
    expect([400, 404]).toContain((await request('u-sn-prosecutor', 'GET', `/cases/${encodeURIComponent(planted.identifier)}`)).status);
    // A case that does not exist, and one of another State.
    expect((await request('u-sn-prosecutor', 'GET', `/cases/${randomUUID()}`)).status).toBe(404);
    expect((await request('u-ng-prosecutor', 'POST', `/cases/${mlaId}/notes`, { text: planted.note })).status).toBe(404);
    // No token, and a token that is not one.
    expect((await request(null, 'POST', '/cases', mlaFiling())).status).toBe(401);

    // A value Postgres refuses (a NUL byte), sent straight to the workflow past the API: the projection fails.
    const envelope: CommandEnvelope = {
      command: { type: 'NOTE', text: `${planted.poisonedNote}\u0000${planted.name}` },
      relation: 'REQUESTING_PROSECUTOR',
      actor: { userId: 'u-sn-prosecutor', role: 'PROSECUTOR', stateCode: 'SN', authorityId: 'SN-PROS-DAKAR' },
    } as CommandEnvelope;
    const poisoned = await client.workflow.getHandle(mlaCaseWorkflowId(mlaId)).executeUpdate(caseCommandUpdate, { args: [envelope] });
    expect(poisoned.readModel).toBe('FAILED');
    for (let i = 0; i < 100; i++) {
      const [failure] = await owner.query(`SELECT 1 FROM case_projection_failures WHERE case_id = $1`, [mlaId]);
      if (failure) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const redriven = await request('u-admin', 'POST', `/operations/cases/${mlaId}/projection/redrive`, { sanitize: true });
    expect(redriven.status).toBe(200);

    // The database away from the worker: a command is taken, its projection fails and retries until it is back.
    const version = (await owner.query(`SELECT version FROM cases WHERE id = $1`, [mlaId]))[0].version as number;
    await relays.worker.down();
    const noteAway = await request('u-sn-prosecutor', 'POST', `/cases/${mlaId}/notes`, { text: planted.awayNote });
    expect([200, 202]).toContain(noteAway.status);
    await new Promise((r) => setTimeout(r, 3000));
    await relays.worker.up();
    await settled(mlaId, version + 1);
    // And away from the API: a read with personal data in its path and body answers 503.
    await relays.api.down();
    expect((await request('u-sn-prosecutor', 'GET', `/cases/${mlaId}`)).status).toBe(503);
    expect((await request('u-sn-prosecutor', 'POST', `/cases/${mlaId}/notes`, { text: planted.awayNote })).status).toBe(503);
    await relays.api.up();
    expect((await request('u-sn-prosecutor', 'GET', `/cases/${mlaId}`)).status).toBe(200);
  }, 180000);

  it('wrote none of the planted values, in any form, to any log line', async () => {
    await Promise.all([api.stop(), worker.stop()]);
    const lines = { api: api.output.split('\n'), worker: worker.output.split('\n') };
    // The logs were written, and they speak of what happened: requests, refusals, failing activities.
    expect(lines.api.length).toBeGreaterThan(20);
    expect(api.output).toMatch(/"status":400/);
    expect(api.output).toMatch(/"status":404/);
    expect(api.output).toMatch(/"status":50\d/);
    expect(worker.output).toMatch(/"Activity failed"/);
    expect(worker.output).toMatch(/"attempt":2/);
    // The search finds a value in each form it looks for: in a JSON field, ASCII-escaped, in base64.
    const sample = [
      `{"x":${JSON.stringify(planted.name)}}`,
      Buffer.from(`{"note":"${planted.note}"}`).toString('base64'),
      JSON.stringify({ m: planted.name }).replace(/è/g, '\\u00e8'),
    ];
    expect(
      sample.map((line) =>
        forms(planted.name)
          .concat(forms(planted.note))
          .some((n) => line.includes(n)),
      ),
    ).toEqual([true, true, true]);
    const leaks: Array<{ process: string; value: string; line: string }> = [];
    for (const [name, value] of Object.entries(planted)) {
      const needles = forms(value);
      for (const [process, ls] of Object.entries(lines)) {
        for (const line of ls) if (needles.some((n) => line.includes(n))) leaks.push({ process, value: name, line: line.slice(0, 300) });
      }
    }
    expect(leaks).toEqual([]);
  }, 60000);
});
