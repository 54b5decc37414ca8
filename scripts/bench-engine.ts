import 'reflect-metadata';
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { cpus, loadavg, totalmem } from 'node:os';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client, Connection, WithStartWorkflowOperation } from '@temporalio/client';
import { Pool } from 'pg';
import type { DataSource } from 'typeorm';
import { projectRoot } from '../libs/config/src/project-root';
import { CASES_TASK_QUEUE, type MlaCaseWorkflowInput } from '../libs/contracts/src';
import type { Actor } from '../libs/domain/src';
import { createDataSource } from '../libs/persistence/src';
import { CaseGateway, engineDataConverter } from '../libs/temporal/src';
import { CaseAccess } from '../apps/api/src/cases/case-access';
import { CaseReference } from '../apps/api/src/cases/case-reference';
import { CasesController } from '../apps/api/src/cases/cases.controller';
import { digest } from '../apps/api/src/cases/usecases/file-mla-request.usecase';
import { PAIRS, caOf, filingBody, prosecutorOf, type Pair } from './chaos/load';
import {
  ManagedProcess,
  apiSpec,
  embeddedPostgresSpec,
  freePort,
  postgresUrl,
  temporalDevServerSpec,
  until,
  workerSpec,
  type ExitRecord,
} from './chaos/processes';
import { ensureLocalKeyPair, mintToken } from './local-auth';
import { CpuMeter, Exhausted, cpuLine, cpuTotal, latencies, load, residentMb, round, type Latencies, type LoadResult } from './bench/measure';
import { benchFiledUpdate, benchPingUpdate } from './bench/trivial-workflow';
import { TRIVIAL_TASK_QUEUE } from './bench/trivial-worker';

/**
 * `npm run bench:engine [-- --quick] [-- --storm 2000,10000]`: starts a fresh engine (embedded
 * PostgreSQL, the Temporal dev server, one worker, one API, each in its own process, plus a worker of a
 * trivial workflow for the baselines) and measures, in one run, each figure beside its baseline:
 *
 * - filing (POST /cases) at 1/8/32 clients beside the same case workflow started straight through
 *   Temporal (update-with-start, wait until filed) and beside a trivial workflow started the same way;
 * - commands (submit, approve) beside a bare update on a trivial workflow;
 * - deadline storms: N cases whose review clock falls due at the same instant (a short hour-based
 *   CA_REVIEW rule pinned on those cases only), lateness of the recorded events, wakes/s, and the
 *   latency of filings made while the storm runs;
 * - GET /cases/:id and GET /cases?limit=50 beside the very SQL they run, through a `pg` pool.
 *
 * CPU is read per process from /proc (each process with its children). Results are printed and written
 * to bench-results/engine-<run>.json. BENCH_NOTE is copied into the report (what else ran on the machine).
 */

function flag(name: string): string | undefined {
  const args = process.argv.slice(2);
  for (let i = 0; i < args.length; i++) {
    if (args[i] === `--${name}`) return args[i + 1] && !args[i + 1].startsWith('--') ? args[i + 1] : 'true';
    if (args[i].startsWith(`--${name}=`)) return args[i].slice(name.length + 3);
  }
  return process.env[`BENCH_${name.toUpperCase().replace(/-/g, '_')}`];
}
const list = (raw: string | undefined, fallback: number[]) =>
  raw
    ? raw
        .split(',')
        .map((x) => Number(x.trim()))
        .filter((x) => x > 0)
    : fallback;

const quick = flag('quick') === 'true' || flag('quick') === '1';
const config = {
  quick,
  /** Seconds each load phase runs. */
  seconds: Number(flag('seconds') ?? (quick ? 4 : 15)),
  filingClients: list(flag('clients'), [1, 8, 32]),
  commandClients: list(flag('command-clients'), [1, 8]),
  readClients: Number(flag('read-clients') ?? 16),
  storms: list(flag('storm'), quick ? [200] : [2000, 10000]),
  /** Clients creating the storm's cases. */
  stormSetupClients: Number(flag('storm-setup-clients') ?? 16),
  /** Longest wait for a storm's events, in seconds. */
  stormTimeout: Number(flag('storm-timeout') ?? (quick ? 120 : 900)),
  only: flag('only')?.split(',') ?? null,
  keepData: flag('keep-data') === 'true',
  note: process.env.BENCH_NOTE ?? '',
};
const runs = (phase: string) => config.only === null || config.only.includes(phase);

const ROOT = projectRoot();
const runId = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '').replace('T', '-');
const dataDir = join(ROOT, '.data', `bench-engine-${runId}`);
const logDir = join(ROOT, 'test-results', `bench-engine-${runId}-logs`);
const t0 = Date.now();
const say = (m: string) => console.log(`[bench ${((Date.now() - t0) / 1000).toFixed(0).padStart(4)}s] ${m}`);

const exits: ExitRecord[] = [];
const procs: ManagedProcess[] = [];
async function closeAll(): Promise<void> {
  for (const prefix of ['api', 'trivial', 'worker', 'temporal', 'postgres'])
    await Promise.all(procs.filter((p) => p.name.startsWith(prefix)).map((p) => p.close().catch(() => {})));
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    say(`${signal}: stopping every process started`);
    void closeAll().then(() => process.exit(130));
  });
}

interface Report {
  run: string;
  startedAt: string;
  machine: { cpus: number; model: string; memoryGb: number; loadavgAtStart: number[]; node: string; note: string };
  config: typeof config;
  filing: Record<string, { api?: LoadResult; temporalCase?: LoadResult; temporalTrivial?: LoadResult; ratioApiToCase?: number; ratioApiToTrivial?: number }>;
  commands: Record<string, { submit?: LoadResult; approve?: LoadResult; bareUpdate?: LoadResult; ratioSubmit?: number; ratioApprove?: number }>;
  storms: StormResult[];
  reads: Record<string, { api: LoadResult; sql: LoadResult; statements: number; ratio: number }>;
  goals: Array<{ goal: string; measured: string; met: boolean | null }>;
}

interface StormResult {
  cases: number;
  dueSpreadMs: { p1: number; p50: number; p99: number };
  recorded: number;
  complete: boolean;
  /** When each event showed in Postgres (polled every second), after its clock's due instant. */
  recordedLatenessMs: Latencies;
  /** The instant the workflow handled the wake (the event's `at`), after the due instant. */
  wakeLatenessMs: Latencies;
  wakesPerSecond: number;
  cpuMsPerWake: Record<string, number>;
  filingsDuringStorm: Latencies;
  setupSeconds: number;
  /** Open cases on the engine after the storm, and the worker's resident memory then. */
  openCases: number;
  workerRssMb: number;
}

async function main(): Promise<void> {
  mkdirSync(dataDir, { recursive: true });
  const report: Report = {
    run: runId,
    startedAt: new Date().toISOString(),
    machine: {
      cpus: cpus().length,
      model: cpus()[0]?.model ?? '',
      memoryGb: round(totalmem() / 2 ** 30),
      loadavgAtStart: loadavg().map((x) => round(x, 2)),
      node: process.version,
      note: config.note,
    },
    config,
    filing: {},
    commands: {},
    storms: [],
    reads: {},
    goals: [],
  };
  say(
    `run ${runId}${quick ? ' (quick)' : ''}: ${cpus().length} cores, load average ${loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')}; logs in ${relative(ROOT, logDir)}`,
  );

  // Fresh servers, each in its own process.
  const pgPort = await freePort();
  const temporalPorts = { port: await freePort(), httpPort: await freePort(), metricsPort: await freePort() };
  const apiPort = await freePort();
  const temporalAddress = `127.0.0.1:${temporalPorts.port}`;
  const postgres = new ManagedProcess(embeddedPostgresSpec(ROOT, join(dataDir, 'postgres'), pgPort), logDir, exits, say);
  const temporal = new ManagedProcess(temporalDevServerSpec(ROOT, join(dataDir, 'temporal.db'), temporalPorts), logDir, exits, say);
  procs.push(postgres, temporal);
  say('starting PostgreSQL and the Temporal dev server');
  await Promise.all([postgres.start(), temporal.start()]);
  const keys = await ensureLocalKeyPair(join(dataDir, 'keys'));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: postgresUrl(pgPort),
    TEMPORAL_ADDRESS: temporalAddress,
    AUTH_PUBLIC_KEY_FILE: keys.publicKeyFile,
    AUTH_ISSUER: 'mla-engine-local',
    AUTH_AUDIENCE: 'mla-engine',
    SEED_DEMO_USERS: 'true',
    LOG_LEVEL: 'warn',
    // The worker must not spend the run refreshing statistics.
    STATS_REFRESH_SECONDS: '0',
  };
  say('applying migrations and seeds');
  const seeded = spawnSync(process.execPath, [join(ROOT, 'dist/seeds/run.js')], { cwd: ROOT, env, encoding: 'utf8' });
  if (seeded.status !== 0) throw new Error(`migrations and seeds failed: ${seeded.stderr || seeded.stdout}`);
  const worker = new ManagedProcess(workerSpec(ROOT, 'worker', env), logDir, exits, say);
  const api = new ManagedProcess(apiSpec(ROOT, 'api', apiPort, env), logDir, exits, say);
  const trivial = new ManagedProcess(
    {
      name: 'trivial-worker',
      command: process.execPath,
      args: [join(ROOT, 'dist/scripts/bench/trivial-worker.js')],
      env,
      cwd: ROOT,
      ready: (p) => until(p, async () => p.output.includes('polling task queue')),
    },
    logDir,
    exits,
    say,
  );
  procs.push(worker, api, trivial);
  say('starting the worker, the API and the baseline worker');
  await Promise.all([worker.start(), api.start(), trivial.start(120_000)]);
  const meter = new CpuMeter(() => ({
    temporal: temporal.child?.pid,
    worker: worker.child?.pid,
    api: api.child?.pid,
    postgres: postgres.child?.pid,
    trivialWorker: trivial.child?.pid,
  }));

  const ds: DataSource = await createDataSource(postgresUrl(pgPort)).initialize();
  const pool = new Pool({ connectionString: postgresUrl(pgPort), max: 10 });
  const connection = await Connection.connect({ address: temporalAddress });
  const plain = new Client({ connection });
  const gateway = new CaseGateway(new Client({ connection, dataConverter: engineDataConverter(undefined) }), CASES_TASK_QUEUE, 60_000);
  const base = `http://127.0.0.1:${apiPort}`;
  try {
    // Tokens of the seeded users the clients act as.
    const tokens = new Map<string, string>();
    for (const p of PAIRS)
      for (const u of [prosecutorOf(p.requesting), caOf(p.requesting)])
        if (!tokens.has(u))
          tokens.set(
            u,
            await mintToken({ privateKeyFile: keys.privateKeyFile, subject: u, issuer: 'mla-engine-local', audience: 'mla-engine', ttlSeconds: 6 * 3600 }),
          );
    const users = new Map<string, { stateCode: string; authorityId: string }>(
      (await ds.query(`SELECT id, state_code AS "stateCode", authority_id AS "authorityId" FROM users`)).map((u: any) => [u.id, u]),
    );

    const http = async (method: string, path: string, user: string, body?: unknown): Promise<any> => {
      const res = await fetch(`${base}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${tokens.get(user)}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json', 'idempotency-key': randomUUID() }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${text.slice(0, 200)}`);
      return text ? JSON.parse(text) : null;
    };

    // What the API would start, per pair of States: built once with the API's own reference code.
    const reference = new CaseReference(ds);
    const templates = new Map<Pair, Omit<MlaCaseWorkflowInput, 'caseId' | 'filingDigest' | 'content'>>();
    for (const pair of PAIRS) {
      const pros = prosecutorOf(pair.requesting);
      const who = users.get(pros)!;
      const today = await reference.localToday(pair.requesting);
      const problems: unknown[] = [];
      const ctx = await reference.contextFor(pair.requesting, pair.requested, today, problems as never);
      const basis = await reference.basisFor(pair.legalBasis, today, [pair.requesting, pair.requested], problems as never);
      if (!ctx || !basis) throw new Error(`no filing context for ${pair.requesting}→${pair.requested}: ${JSON.stringify(problems)}`);
      ctx.basesInForce = await reference.basesInForce(pair.requesting, pair.requested, 'MLA', today);
      templates.set(pair, {
        ctx,
        basis,
        requestingAuthorityId: who.authorityId,
        filedBy: { userId: pros, role: 'PROSECUTOR', stateCode: who.stateCode, authorityId: who.authorityId },
      });
    }
    let filings = 0;
    const straightInput = (pair: Pair, tweak?: (input: MlaCaseWorkflowInput) => void): MlaCaseWorkflowInput => {
      const caseId = randomUUID();
      const dto = filingBody(pair, `bench ${runId} ${filings++}`);
      const t = structuredClone(templates.get(pair)!);
      const input: MlaCaseWorkflowInput = {
        ...t,
        caseId,
        ctx: { ...t.ctx, caseId },
        content: {
          assistanceTypes: dto.assistanceTypes as never,
          subjectOfProceedings: dto.subjectOfProceedings,
          factsSummary: dto.factsSummary,
          purpose: dto.purpose,
          persons: dto.persons as never,
          language: dto.language,
          urgency: 'NORMAL',
        },
        filingDigest: digest(dto),
      };
      tweak?.(input);
      return input;
    };
    const fileStraight = async (pair: Pair, tweak?: (input: MlaCaseWorkflowInput) => void): Promise<string> => {
      const input = straightInput(pair, tweak);
      const outcome = await gateway.fileMla(input);
      if (!outcome.completed) throw new Error('filing not completed in time');
      return input.caseId;
    };
    const fileApi = async (pair: Pair): Promise<string> =>
      (await http('POST', '/cases', prosecutorOf(pair.requesting), filingBody(pair, `bench ${runId} ${filings++}`))).id;
    const fileTrivial = async () => {
      const startWorkflowOperation = new WithStartWorkflowOperation('benchTrivialWorkflow', {
        workflowId: `bench-${randomUUID()}`,
        taskQueue: TRIVIAL_TASK_QUEUE,
        workflowIdConflictPolicy: 'USE_EXISTING',
      });
      const update = await plain.workflow.startUpdateWithStart(benchFiledUpdate, { waitForStage: 'ACCEPTED', startWorkflowOperation });
      await update.result();
    };
    const pairOf = (c: number, i: number) => PAIRS[(c * 7 + Math.max(i, 0)) % PAIRS.length];

    // Filing.
    if (runs('filing')) {
      for (const clients of config.filingClients) {
        say(`filing, ${clients} client(s): through the API, straight through Temporal, and a trivial workflow`);
        const apiRun = await load(meter, clients, config.seconds, (c, i) => fileApi(pairOf(c, i)));
        const caseRun = await load(meter, clients, config.seconds, (c, i) => fileStraight(pairOf(c, i)));
        const trivialRun = await load(meter, clients, config.seconds, () => fileTrivial());
        const entry = {
          api: apiRun,
          temporalCase: caseRun,
          temporalTrivial: trivialRun,
          ratioApiToCase: round(apiRun.perSecond / caseRun.perSecond, 2),
          ratioApiToTrivial: round(apiRun.perSecond / trivialRun.perSecond, 2),
        };
        report.filing[String(clients)] = entry;
        printLoad('  POST /cases            ', apiRun);
        printLoad('  case workflow, direct  ', caseRun);
        printLoad('  trivial workflow       ', trivialRun);
        say(`  ratio API/direct ${entry.ratioApiToCase}x, API/trivial ${entry.ratioApiToTrivial}x`);
      }
    }

    // Commands: submit then approve on cases filed beforehand, beside a bare update.
    if (runs('commands')) {
      for (const clients of config.commandClients) {
        const perClient = Math.ceil(config.seconds * (clients === 1 ? 20 : 6)) + 5;
        say(`commands, ${clients} client(s): filing ${clients * perClient} cases to act on`);
        const pools: string[][] = Array.from({ length: clients }, () => []);
        const pairs = new Map<string, Pair>();
        await Promise.all(
          Array.from({ length: Math.min(16, clients * perClient) }, async (_, w) => {
            for (let k = w; k < clients * perClient; k += 16) {
              const pair = PAIRS[k % PAIRS.length];
              const id = await fileStraight(pair);
              pairs.set(id, pair);
              pools[k % clients].push(id);
            }
          }),
        );
        const submitted: string[][] = Array.from({ length: clients }, () => []);
        const submit = await load(
          meter,
          clients,
          config.seconds,
          async (c) => {
            const id = pools[c].pop();
            if (!id) throw new Exhausted('no case left to submit');
            await http('POST', `/cases/${id}/submit`, prosecutorOf(pairs.get(id)!.requesting), {});
            submitted[c].push(id);
          },
          0,
        );
        const approve = await load(
          meter,
          clients,
          config.seconds,
          async (c) => {
            const id = submitted[c].pop();
            if (!id) throw new Exhausted('no submitted case left to approve');
            await http('POST', `/cases/${id}/approve`, caOf(pairs.get(id)!.requesting), { comment: 'complete' });
          },
          0,
        );
        const handles = await Promise.all(
          Array.from({ length: clients }, async () => {
            const h = await plain.workflow.start('benchTrivialWorkflow', { workflowId: `bench-${randomUUID()}`, taskQueue: TRIVIAL_TASK_QUEUE });
            return h;
          }),
        );
        const bare = await load(meter, clients, config.seconds, (c, i) => handles[c].executeUpdate(benchPingUpdate, { args: [i] }));
        const entry = {
          submit,
          approve,
          bareUpdate: bare,
          ratioSubmit: round(submit.latencyMs.p50 / bare.latencyMs.p50, 2),
          ratioApprove: round(approve.latencyMs.p50 / bare.latencyMs.p50, 2),
        };
        report.commands[String(clients)] = entry;
        printLoad('  submit                 ', submit);
        printLoad('  approve                ', approve);
        printLoad('  bare update (trivial)  ', bare);
        say(`  p50 ratio: submit ${entry.ratioSubmit}x, approve ${entry.ratioApprove}x a bare update (goal ≤ 2x)`);
      }
    }

    // Reads, beside the SQL the API runs for them (captured by running the API's own code on a recording DataSource).
    if (runs('reads')) {
      const actor: Actor = {
        userId: 'u-sn-prosecutor',
        roles: ['PROSECUTOR'],
        stateCode: 'SN',
        authorityId: users.get('u-sn-prosecutor')!.authorityId,
        liaisonPostings: [],
      };
      const mine: Array<{ id: string }> = await ds.query(`SELECT id FROM cases WHERE created_by = $1 ORDER BY created_at DESC LIMIT 200`, [actor.userId]);
      while (mine.length < 60) mine.push({ id: await fileStraight(PAIRS[0]) });
      // Every statement, whether through DataSource.query or as a named (prepared) statement on its pool.
      const captured: Array<{ sql: string; params: unknown[]; name?: string }> = [];
      const recordingPool = (pool: any) =>
        new Proxy(pool, {
          get(target, prop, receiver) {
            if (prop === 'query')
              return (config: any, values?: unknown[]) => {
                if (config && typeof config === 'object' && typeof config.text === 'string')
                  captured.push({ sql: config.text, params: config.values ?? [], name: config.name });
                return target.query(config, values);
              };
            return Reflect.get(target, prop, receiver);
          },
        });
      const recording = new Proxy(ds, {
        get(target, prop, receiver) {
          if (prop === 'query') return (sql: string, params: unknown[] = []) => (captured.push({ sql, params }), target.query(sql, params));
          if (prop === 'driver')
            return new Proxy(target.driver, {
              get: (d, p, r) => (p === 'master' ? recordingPool((d as any).master) : Reflect.get(d, p, r)),
            });
          return Reflect.get(target, prop, receiver);
        },
      });
      const controller = new CasesController(
        undefined as never,
        undefined as never,
        new CaseAccess(recording as DataSource),
        undefined as never,
        undefined as never,
      );
      const capture = async (call: () => Promise<unknown>) => {
        captured.length = 0;
        await call();
        return [...captured];
      };
      const id = mine[0].id;
      const shapes: Array<{ name: string; path: string; sql: Array<{ sql: string; params: unknown[]; name?: string }> }> = [
        { name: 'GET /cases/:id', path: `/cases/${id}`, sql: await capture(() => controller.get(actor, id, {} as never)) },
        { name: 'GET /cases?limit=50', path: '/cases?limit=50', sql: await capture(() => controller.list(actor, { limit: 50 } as never)) },
      ];
      for (const shape of shapes) {
        say(`${shape.name}, ${config.readClients} clients, beside its ${shape.sql.length} statement(s) through pg`);
        const apiRun = await load(meter, config.readClients, config.seconds, () => http('GET', shape.path, actor.userId));
        const sqlRun = await load(meter, config.readClients, config.seconds, async () => {
          const client = await pool.connect();
          try {
            for (const s of shape.sql) await (s.name ? client.query({ name: s.name, text: s.sql, values: s.params }) : client.query(s.sql, s.params));
          } finally {
            client.release();
          }
        });
        const ratio = round(apiRun.perSecond / sqlRun.perSecond, 2);
        report.reads[shape.name] = { api: apiRun, sql: sqlRun, statements: shape.sql.length, ratio };
        printLoad('  through the API        ', apiRun);
        printLoad('  the same SQL via pg    ', sqlRun);
        say(`  ratio ${ratio}x (goal ≥ 0.8x)`);
      }
    }

    /**
     * N cases whose CA_REVIEW clock falls due at the same instant T: each is filed straight through
     * Temporal with a rule pack whose review period is counted in hours (pinned on that case only, as
     * a pack of that shape would be), long enough to reach T from when it is submitted; then submitted
     * through the API, which starts the clock.
     */
    async function storm(n: number, setupRate: number): Promise<StormResult> {
      const setupSeconds = n / setupRate;
      const dueAt = Date.now() + Math.max(20_000, setupSeconds * 1.2 * 1000 + 15_000);
      say(`storm of ${n}: creating the cases (~${setupSeconds.toFixed(0)} s), their clocks fall due at ${new Date(dueAt).toISOString()}`);
      const setupStarted = Date.now();
      let lag = 300;
      let next = 0;
      const ids: string[] = [];
      await Promise.all(
        Array.from({ length: config.stormSetupClients }, async (_, c) => {
          while (next < n) {
            const k = next++;
            const pair = PAIRS[k % PAIRS.length];
            const started = Date.now();
            if (started + lag + 3000 > dueAt) return;
            const hours = (dueAt - started - lag) / 3_600_000;
            const id = await fileStraight(pair, (input) => {
              input.basis.rulePack.clocks = {
                ...input.basis.rulePack.clocks,
                CA_REVIEW: { amount: hours, unit: 'HOURS', legalRef: 'benchmark', verified: false },
              };
            });
            const sent = Date.now();
            await http('POST', `/cases/${id}/submit`, prosecutorOf(pair.requesting), {});
            lag = 0.8 * lag + 0.2 * ((sent + Date.now()) / 2 - started);
            ids.push(id);
            void c;
          }
        }),
      );
      const setup = (Date.now() - setupStarted) / 1000;
      if (ids.length < n) say(`  only ${ids.length} of ${n} cases could be created before the due instant`);
      const due = new Map<string, number>(
        (await ds.query(`SELECT case_id AS id, due_at FROM case_clocks WHERE rule_id = 'CA_REVIEW' AND case_id = ANY($1::uuid[])`, [ids])).map((r: any) => [
          r.id,
          new Date(r.due_at).getTime(),
        ]),
      );
      const spread = [...due.values()].map((d) => d - dueAt).sort((a, b) => a - b);
      const pick = (p: number) => round(spread[Math.min(spread.length - 1, Math.floor(p * spread.length))] ?? NaN);
      say(`  ${ids.length} cases created in ${setup.toFixed(0)} s; due instants spread p1 ${pick(0.01)} ms, p99 ${pick(0.99)} ms around T`);
      // Wait for T, then watch the events land while a client keeps filing.
      await sleep(Math.max(0, dueAt - Date.now()));
      meter.reset();
      const seen = new Map<string, { recorded: number; at: number }>();
      let watching = true;
      const duringStorm: number[] = [];
      const filer = (async () => {
        for (let i = 0; watching; i++) {
          const t = performance.now();
          try {
            await fileApi(PAIRS[i % PAIRS.length]);
            duringStorm.push(performance.now() - t);
          } catch {
            duringStorm.push(performance.now() - t);
          }
          await sleep(200);
        }
      })();
      const deadline = Date.now() + config.stormTimeout * 1000;
      let lastReport = Date.now();
      while (seen.size < ids.length && Date.now() < deadline) {
        const pending = ids.filter((id) => !seen.has(id));
        const rows: Array<{ id: string; at: Date }> = await ds.query(
          `SELECT e.case_id AS id, min(e.at) AS at FROM case_events e
             JOIN case_clocks k ON k.case_id = e.case_id AND k.rule_id = 'CA_REVIEW'
           WHERE e.case_id = ANY($1::uuid[]) AND e.at >= k.due_at GROUP BY e.case_id`,
          [pending],
        );
        const now = Date.now();
        for (const r of rows) seen.set(r.id, { recorded: now, at: new Date(r.at).getTime() });
        if (now - lastReport > 15_000) {
          say(`  ${seen.size}/${ids.length} breaches recorded, ${((now - dueAt) / 1000).toFixed(0)} s after T`);
          lastReport = now;
        }
        await sleep(1000);
      }
      watching = false;
      await filer;
      const cpu = meter.read();
      const recorded = [...seen.entries()].map(([id, s]) => s.recorded - (due.get(id) ?? dueAt));
      const woke = [...seen.entries()].map(([id, s]) => s.at - (due.get(id) ?? dueAt));
      const lastRecorded = Math.max(...[...seen.values()].map((s) => s.recorded));
      const result: StormResult = {
        cases: ids.length,
        dueSpreadMs: { p1: pick(0.01), p50: pick(0.5), p99: pick(0.99) },
        recorded: seen.size,
        complete: seen.size === ids.length,
        recordedLatenessMs: latencies(recorded),
        wakeLatenessMs: latencies(woke),
        wakesPerSecond: round(seen.size / Math.max(1, (lastRecorded - dueAt) / 1000)),
        cpuMsPerWake: Object.fromEntries(Object.entries(cpu).map(([k, v]) => [k, round(seen.size ? v / seen.size : NaN, 2)])),
        filingsDuringStorm: latencies(duringStorm),
        setupSeconds: round(setup),
        openCases: Number((await ds.query(`SELECT count(*) AS n FROM cases WHERE state NOT IN ('CLOSED', 'WITHDRAWN', 'REFUSED')`))[0].n),
        workerRssMb: residentMb(worker.child?.pid),
      };
      say(
        `  storm of ${result.cases}: ${result.recorded} recorded${result.complete ? '' : ' (INCOMPLETE)'}; lateness p50 ${(result.recordedLatenessMs.p50 / 1000).toFixed(1)} s, p99 ${(result.recordedLatenessMs.p99 / 1000).toFixed(1)} s; ${result.wakesPerSecond} wakes/s`,
      );
      say(
        `  CPU ms per wake: ${cpuLine(result.cpuMsPerWake)}; filings during the storm p50 ${result.filingsDuringStorm.p50} ms, p99 ${result.filingsDuringStorm.p99} ms (n=${result.filingsDuringStorm.n}); ${result.openCases} open cases, worker resident memory ${result.workerRssMb} MB`,
      );
      return result;
    }

    // Deadline storms.
    if (runs('storm')) {
      const f8 = report.filing['8']?.temporalCase?.perSecond;
      const c8 = report.commands['8']?.submit?.perSecond;
      const setupRate = f8 && c8 ? 1 / (1 / f8 + 1 / c8) : 15;
      for (const n of config.storms) report.storms.push(await storm(n, setupRate));
    }

    report.goals = goals(report);
    say('goals (ratios in this run):');
    for (const g of report.goals) say(`  ${g.met === null ? '?' : g.met ? 'met   ' : 'MISSED'} ${g.goal}: ${g.measured}`);
    mkdirSync(join(ROOT, 'bench-results'), { recursive: true });
    const file = join(ROOT, 'bench-results', `engine-${runId}${quick ? '-quick' : ''}.json`);
    writeFileSync(file, JSON.stringify(report, null, 2));
    say(`report: ${relative(ROOT, file)}`);
  } finally {
    await connection.close().catch(() => {});
    await pool.end().catch(() => {});
    await ds.destroy().catch(() => {});
    await closeAll();
    const unexpected = exits.filter((e) => !e.expected);
    if (unexpected.length) say(`processes that exited on their own: ${unexpected.map((e) => `${e.name} (${e.signal ?? e.code})`).join(', ')}`);
    if (!config.keepData) rmSync(dataDir, { recursive: true, force: true });
  }
}

function printLoad(label: string, r: LoadResult): void {
  say(
    `${label} ${r.perSecond.toFixed(1).padStart(7)}/s  p50 ${r.latencyMs.p50.toFixed(0).padStart(4)} ms  p99 ${r.latencyMs.p99.toFixed(0).padStart(5)} ms` +
      `  CPU/op ${cpuTotal(r.cpuMsPerOp).toFixed(1)} ms (${cpuLine(r.cpuMsPerOp)})${r.errors ? `  ${r.errors} errors: ${r.firstError}` : ''}`,
  );
}

function goals(r: Report): Report['goals'] {
  const out: Report['goals'] = [];
  const f8 = r.filing['8']?.api;
  if (f8) {
    const cpu = cpuTotal(f8.cpuMsPerOp);
    out.push({ goal: 'CPU per filing (all engine processes, 8 clients) ≤ 21 ms', measured: `${cpu} ms`, met: cpu <= 21 });
    out.push({ goal: 'filings at 8 clients ≥ 90/s', measured: `${f8.perSecond}/s`, met: f8.perSecond >= 90 });
  }
  const f1 = r.filing['1']?.api;
  if (f1) out.push({ goal: 'one filing alone p50 ≤ 50 ms', measured: `${f1.latencyMs.p50} ms`, met: f1.latencyMs.p50 <= 50 });
  const c1 = r.commands['1'];
  if (c1?.ratioSubmit !== undefined)
    out.push({
      goal: 'a command ≤ 2x a bare update (p50, 1 client)',
      measured: `submit ${c1.ratioSubmit}x, approve ${c1.ratioApprove}x`,
      met: Math.max(c1.ratioSubmit, c1.ratioApprove ?? 0) <= 2,
    });
  for (const s of r.storms) {
    out.push({ goal: `storm of ${s.cases}: ≥ 300 wakes/s`, measured: `${s.wakesPerSecond}/s`, met: s.wakesPerSecond >= 300 });
    out.push({
      goal: `storm of ${s.cases}: every event recorded within 60 s (p99)`,
      measured: `p99 ${(s.recordedLatenessMs.p99 / 1000).toFixed(1)} s${s.complete ? '' : ' (not all recorded)'}`,
      met: s.complete && s.recordedLatenessMs.p99 <= 60_000,
    });
    out.push({
      goal: `storm of ${s.cases}: a filing during the storm p99 < 1 s`,
      measured: `p99 ${s.filingsDuringStorm.p99} ms`,
      met: s.filingsDuringStorm.p99 < 1000,
    });
  }
  for (const [name, x] of Object.entries(r.reads)) out.push({ goal: `${name} ≥ 0.8x its SQL`, measured: `${x.ratio}x`, met: x.ratio >= 0.8 });
  return out;
}

void main().catch(async (err) => {
  console.error(err);
  await closeAll();
  process.exit(1);
});
