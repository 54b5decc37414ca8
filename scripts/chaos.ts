import 'reflect-metadata';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { projectRoot } from '../libs/config/src/project-root';
import { checkRun, type CheckResult } from './chaos/checks';
import { ChaosHttp } from './chaos/client';
import { PAIRS, caOf, driveCase, prosecutorOf, type CaseRun } from './chaos/load';
import { startCluster } from './chaos/cluster';
import { ManagedProcess, postgresUrl, type ExitRecord } from './chaos/processes';
import { mintToken } from './local-auth';

/**
 * `npm run chaos [-- --filings N --clients N ...]`: files N MLA requests (default 1 000) and runs
 * commands on them from several clients, against two API and two worker processes, while it kills
 * -9 and restarts a worker, an API process and the Temporal dev server (persistent database file),
 * and restarts PostgreSQL, each several times. Then it waits for the engine to settle and checks that
 * every acknowledged request is in Postgres exactly once, that audit sequences have no holes, that no
 * case is stuck and no clock fired twice. Last line: `chaos: N acknowledged, N lost, N duplicated, N stuck`;
 * exit status 1 when any of the last three is not 0. Report: test-results/chaos-<run>.json.
 */

function setting(name: string, fallback: number): number {
  const flag = `--${name}`;
  const args = process.argv.slice(2);
  let raw: string | undefined;
  for (let i = 0; i < args.length; i++) {
    if (args[i] === flag) raw = args[i + 1];
    else if (args[i].startsWith(`${flag}=`)) raw = args[i].slice(flag.length + 1);
  }
  raw ??= process.env[`CHAOS_${name.toUpperCase().replace(/-/g, '_')}`];
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0) throw new Error(`--${name} (CHAOS_${name.toUpperCase().replace(/-/g, '_')}) must be a number ≥ 0, got "${raw}"`);
  return n;
}

const config = {
  filings: setting('filings', 1000),
  clients: setting('clients', 8),
  /** Seconds between the end of one fault and the start of the next. */
  faultInterval: setting('fault-interval', 8),
  /** Each kind of fault (worker, API, Temporal, Postgres) happens at least this many times. */
  faultsEach: setting('faults-each', 3),
  /** Seconds a killed or stopped process stays down. */
  downtime: setting('downtime', 2),
  /** Seconds one HTTP exchange may take before the client abandons it and retries. */
  httpTimeout: setting('http-timeout', 30),
  /** Seconds a request is retried before it is given up (then it is unacknowledged, not lost). */
  requestDeadline: setting('request-deadline', 180),
  /** Seconds to wait for every case to catch up at the end. */
  settle: setting('settle', 180),
  keepData: process.env.CHAOS_KEEP_DATA === '1',
};

const ROOT = projectRoot();
const runId = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '').replace('T', '-');
const dataDir = join(ROOT, '.data', `chaos-${runId}`);
const logDir = join(ROOT, 'test-results', `chaos-${runId}-logs`);
const reportFile = join(ROOT, 'test-results', `chaos-${runId}.json`);
const t0 = Date.now();
const say = (m: string) => console.log(`[chaos ${((Date.now() - t0) / 1000).toFixed(0).padStart(4)}s] ${m}`);

let exits: ExitRecord[] = [];
const procs: ManagedProcess[] = [];
let closing: Promise<void> | null = null;

/** Stops everything this run started: APIs first, then workers, Temporal, Postgres. */
function closeAll(): Promise<void> {
  closing ??= (async () => {
    const order = ['api', 'worker', 'temporal', 'postgres'];
    for (const prefix of order) await Promise.all(procs.filter((p) => p.name.startsWith(prefix)).map((p) => p.close().catch(() => {})));
  })();
  return closing;
}

let interrupted = false;
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(signal, () => {
    if (interrupted) return;
    interrupted = true;
    say(`${signal}: stopping every process started`);
    void closeAll().then(() => {
      if (!config.keepData) rmSync(dataDir, { recursive: true, force: true });
      process.exit(130);
    });
  });
}

// A stray error (a late gRPC retry, say) must not leave the engine's processes behind.
for (const event of ['uncaughtException', 'unhandledRejection'] as const) {
  process.on(event, (err: unknown) => {
    console.error(`[chaos] ${event}: ${err instanceof Error ? err.stack : String(err)}`);
    void closeAll().then(() => {
      console.log('chaos: run aborted before its checks');
      process.exit(2);
    });
  });
}

interface FaultRecord {
  kind: string;
  target: string;
  action: string;
  at: string;
  downMs: number;
  backInMs: number;
  error?: string;
}

async function main(): Promise<number> {
  mkdirSync(dataDir, { recursive: true });
  mkdirSync(logDir, { recursive: true });
  say(`run ${runId}: ${config.filings} filings, ${config.clients} clients; data in ${relative(ROOT, dataDir)}, logs in ${relative(ROOT, logDir)}`);

  // Servers: ports chosen once, kept across restarts (scripts/chaos/cluster.ts, as `npm run start:cluster`).
  const cluster = await startCluster({ root: ROOT, dataDir, logDir, apis: 2, workers: 2, say });
  procs.push(...cluster.procs);
  exits = cluster.exits;
  const { postgres, temporal, workers, apis, keys, pgPort, temporalPorts } = cluster;
  const apiPorts = cluster.apiUrls.map((u) => Number(new URL(u).port));

  // Clients: tokens of the seeded users they act as.
  const users = new Set<string>();
  for (const p of PAIRS) [prosecutorOf(p.requesting), caOf(p.requesting), caOf(p.requested)].forEach((u) => users.add(u));
  const tokens = new Map<string, string>();
  for (const u of users)
    tokens.set(
      u,
      await mintToken({ privateKeyFile: keys.privateKeyFile, subject: u, issuer: 'mla-engine-local', audience: 'mla-engine', ttlSeconds: 6 * 3600 }),
    );
  const http = new ChaosHttp({
    apis: apiPorts.map((p) => `http://127.0.0.1:${p}`),
    timeoutMs: config.httpTimeout * 1000,
    deadlineMs: config.requestDeadline * 1000,
  });
  const runs: CaseRun[] = Array.from({ length: config.filings }, (_, i) => ({
    index: i,
    pair: PAIRS[i % PAIRS.length],
    marker: `chaos ${runId} filing ${i}`,
    ops: [],
  }));

  // Faults, one at a time, in rotation, while the clients run (and afterwards until each kind happened often enough).
  const faults: FaultRecord[] = [];
  let loadDone = false;
  const faultPlan: Array<{ kind: string; target: ManagedProcess; action: 'kill -9' | 'stop' }> = [
    { kind: 'worker', target: workers[0], action: 'kill -9' },
    { kind: 'api', target: apis[0], action: 'kill -9' },
    { kind: 'temporal', target: temporal, action: 'kill -9' },
    { kind: 'postgres', target: postgres, action: 'stop' },
    { kind: 'worker', target: workers[1], action: 'kill -9' },
    { kind: 'api', target: apis[1], action: 'kill -9' },
    { kind: 'temporal', target: temporal, action: 'kill -9' },
    { kind: 'postgres', target: postgres, action: 'stop' },
  ];
  const countOf = (kind: string) => faults.filter((f) => f.kind === kind).length;
  const chaos = (async () => {
    await sleep(Math.min(5, config.faultInterval) * 1000);
    for (let i = 0; !interrupted; i++) {
      if (loadDone && ['worker', 'api', 'temporal', 'postgres'].every((k) => countOf(k) >= config.faultsEach)) break;
      const f = faultPlan[i % faultPlan.length];
      const at = Date.now();
      const record: FaultRecord = { kind: f.kind, target: f.target.name, action: f.action, at: new Date(at).toISOString(), downMs: 0, backInMs: 0 };
      say(`fault: ${f.action} ${f.target.name}`);
      try {
        f.target.supervise = false;
        if (f.action === 'kill -9') await f.target.kill9();
        else await f.target.stop();
        await sleep(config.downtime * 1000);
        record.downMs = Date.now() - at;
        const restarted = Date.now();
        await f.target.start();
        record.backInMs = Date.now() - restarted;
      } catch (err) {
        record.error = err instanceof Error ? err.message : String(err);
        say(`fault ${f.action} ${f.target.name}: ${record.error}`);
        await f.target.start().catch(() => {});
      } finally {
        f.target.supervise = true;
      }
      faults.push(record);
      await sleep(config.faultInterval * 1000);
    }
  })();

  const ctx = { http, tokens, runId, readYourWriteMs: 60_000 };
  let nextCase = 0;
  const progress = setInterval(() => {
    const ops = runs.flatMap((r) => r.ops);
    const filed = runs.filter((r) => r.ops[0]?.acked).length;
    say(
      `progress: ${Math.min(nextCase, runs.length)}/${runs.length} cases started, ${filed} filings and ${ops.filter((o) => o.kind !== 'FILE' && o.acked).length} commands acknowledged`,
    );
  }, 15_000);
  const loadStarted = Date.now();
  await Promise.all(
    Array.from({ length: config.clients }, async () => {
      while (!interrupted && nextCase < runs.length) {
        const run = runs[nextCase++];
        await driveCase(ctx, run).catch((err) => (run.stopped = `client error: ${err instanceof Error ? err.message : String(err)}`));
      }
    }),
  );
  const loadMs = Date.now() - loadStarted;
  clearInterval(progress);
  loadDone = true;
  say(`load done in ${(loadMs / 1000).toFixed(0)} s; finishing the fault rotation`);
  await chaos;
  if (interrupted) return 130;

  // Everything back up before the checks.
  for (const p of procs) if (!p.running) await p.start().catch((e) => say(`${p.name} did not come back: ${String(e)}`));
  say(`checking (waiting up to ${config.settle} s for every case to settle)`);
  const result = await checkRun({
    databaseUrl: postgresUrl(pgPort),
    temporalAddress: `127.0.0.1:${temporalPorts.port}`,
    runs,
    settleMs: config.settle * 1000,
    runStartedAt: new Date(t0),
    say,
  });
  await closeAll();

  const failed = result.figures.lost + result.figures.duplicated + result.figures.stuck > 0;
  printSummary(result, runs, faults, loadMs, http);
  const ops = runs.flatMap((r) => r.ops);
  const report = {
    run: runId,
    finishedAt: new Date().toISOString(),
    config,
    durationMs: Date.now() - t0,
    loadMs,
    figures: result.figures,
    verdict: failed ? 'FAILED' : 'PASSED',
    checks: {
      casesInPostgres: result.casesChecked,
      workflowsInTemporal: result.workflowsChecked,
      settleMs: result.settleMs,
      byKind: result.byKind,
      notes: result.notes,
    },
    requests: {
      sent: ops.length,
      acknowledged: ops.filter((o) => o.acked).length,
      unacknowledged: ops
        .filter((o) => !o.acked)
        .map((o) => ({ key: o.key, kind: o.kind, outcome: o.outcome, trail: o.trail, observedApplied: !!o.observedApplied }))
        .slice(0, 200),
      retried: ops.filter((o) => o.attempts > 1).length,
      ackLatencyMs: latency(ops),
      slowest: [...ops]
        .sort((a, b) => b.ms - a.ms)
        .slice(0, 20)
        .map((o) => ({ key: o.key, kind: o.kind, ms: o.ms, acked: o.acked, trail: o.trail })),
      outcomes: Object.fromEntries([...http.outcomes].sort((a, b) => b[1] - a[1])),
      chainsStoppedEarly: runs
        .filter((r) => r.stopped)
        .map((r) => ({ case: r.index, caseId: r.caseId, why: r.stopped }))
        .slice(0, 200),
    },
    faults,
    unexpectedExits: exits.filter((e) => !e.expected),
    findings: {
      lost: result.findings.lost.slice(0, 500),
      duplicated: result.findings.duplicated.slice(0, 500),
      stuck: result.findings.stuck.slice(0, 500),
    },
    dataDir: failed || config.keepData ? relative(ROOT, dataDir) : null,
    logs: relative(ROOT, logDir),
  };
  mkdirSync(join(ROOT, 'test-results'), { recursive: true });
  writeFileSync(reportFile, JSON.stringify(report, null, 2));
  if (!failed && !config.keepData) rmSync(dataDir, { recursive: true, force: true });
  console.log(`report: ${relative(ROOT, reportFile)}${failed || config.keepData ? `; data kept in ${relative(ROOT, dataDir)}` : ''}`);
  console.log(
    `chaos: ${result.figures.acknowledged} acknowledged, ${result.figures.lost} lost, ${result.figures.duplicated} duplicated, ${result.figures.stuck} stuck`,
  );
  return failed ? 1 : 0;
}

/** Time from the first attempt to the acknowledgment, over acknowledged requests. */
function latency(ops: Array<{ acked: boolean; ms: number }>): { p50: number; p90: number; p99: number; max: number } {
  const ms = ops
    .filter((o) => o.acked)
    .map((o) => o.ms)
    .sort((a, b) => a - b);
  const at = (p: number) => ms[Math.min(ms.length - 1, Math.floor(p * ms.length))] ?? 0;
  return { p50: at(0.5), p90: at(0.9), p99: at(0.99), max: ms.at(-1) ?? 0 };
}

function printSummary(result: CheckResult, runs: CaseRun[], faults: FaultRecord[], loadMs: number, http: ChaosHttp): void {
  const ops = runs.flatMap((r) => r.ops);
  console.log('\n== chaos summary ==');
  console.log(
    `load: ${ops.length} POSTs (${runs.length} filings) in ${(loadMs / 1000).toFixed(0)} s by ${config.clients} clients; ${ops.filter((o) => o.acked).length} acknowledged`,
  );
  const kinds = new Map<string, number[]>();
  for (const f of faults) kinds.set(`${f.action} ${f.kind}`, [...(kinds.get(`${f.action} ${f.kind}`) ?? []), f.backInMs]);
  console.log(`faults: ${[...kinds].map(([k, v]) => `${k} ×${v.length} (back in ${(Math.max(...v) / 1000).toFixed(1)} s max)`).join(', ')}`);
  const own = exits.filter((e) => !e.expected);
  if (own.length) console.log(`processes that exited on their own (restarted): ${own.map((e) => `${e.name} ${e.signal ?? e.code} at ${e.at}`).join('; ')}`);
  const l = latency(ops);
  console.log(
    `time to acknowledgment (retries included): p50 ${l.p50} ms, p90 ${l.p90} ms, p99 ${l.p99} ms, max ${(l.max / 1000).toFixed(1)} s; ${ops.filter((o) => o.attempts > 1).length} request(s) needed more than one attempt`,
  );
  const slow = [...ops].sort((a, b) => b.ms - a.ms)[0];
  if (slow && slow.ms > 10_000) console.log(`slowest: ${slow.kind} ${(slow.ms / 1000).toFixed(1)} s: ${slow.trail}`);
  console.log(
    `answers: ${[...http.outcomes]
      .sort((a, b) => b[1] - a[1])
      .map(([k, v]) => `${k} ×${v}`)
      .join(', ')}`,
  );
  console.log('by request kind (sent / acked / 202 / unacked but applied / lost / duplicated):');
  for (const [kind, k] of Object.entries(result.byKind))
    console.log(`  ${kind.padEnd(13)} ${[k.sent, k.acked, k.acked202, k.observedApplied, k.lost, k.duplicated].map((n) => String(n).padStart(6)).join(' ')}`);
  const stopped = runs.filter((r) => r.stopped);
  if (stopped.length) {
    const why = new Map<string, number>();
    for (const r of stopped) {
      const w = r.stopped!.replace(/[0-9a-f-]{36}/g, '<id>');
      why.set(w, (why.get(w) ?? 0) + 1);
    }
    console.log(
      `chains stopped early: ${stopped.length} (${[...why]
        .slice(0, 6)
        .map(([w, n]) => `${n}× ${w}`)
        .join('; ')})`,
    );
  }
  console.log(
    `settle: ${(result.settleMs / 1000).toFixed(0)} s; ${result.casesChecked} cases in Postgres, ${result.workflowsChecked} case workflows in Temporal`,
  );
  for (const n of result.notes) console.log(`note: ${n}`);
  for (const [name, list] of Object.entries(result.findings)) {
    if (!list.length) continue;
    const checks = new Map<string, number>();
    for (const f of list) checks.set(f.check, (checks.get(f.check) ?? 0) + 1);
    console.log(`${name}: ${list.length} (${[...checks].map(([c, n]) => `${c} ×${n}`).join(', ')})`);
    for (const f of list.slice(0, 5)) console.log(`  - [${f.check}] case ${f.caseId ?? '?'}${f.key ? ` key ${f.key}` : ''}: ${f.detail}`);
  }
}

void main()
  .then(async (code) => {
    await closeAll();
    process.exit(code);
  })
  .catch(async (err) => {
    console.error(`[chaos] ${err instanceof Error ? err.stack : String(err)}`);
    await closeAll();
    console.log('chaos: run aborted before its checks');
    process.exit(2);
  });
