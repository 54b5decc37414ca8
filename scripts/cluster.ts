import 'reflect-metadata';
import { rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { localDataDir, projectRoot } from '../libs/config/src/project-root';
import { startCluster, type Cluster } from './chaos/cluster';
import { PAIRS, filingBody, prosecutorOf } from './chaos/load';

/**
 * `npm run start:cluster [-- --apis 2 --workers 2]`: the engine scaled out on one machine, two API and two
 * worker processes (by default) against one Temporal dev server and one PostgreSQL, every process from
 * dist/, state in .data/cluster/. Prints where everything is; Ctrl-C stops every process it started.
 *
 * `npm run start:cluster -- --load 200 [--clients 8]` files that many MLA requests through the APIs in
 * turn (each 201 means the workflow ran and Postgres holds the case), prints the rate, and stops: the
 * figures of docs/operations.md ("How far one instance goes") come from it. Its data is removed after.
 */
function flag(name: string, fallback: number): number {
  const args = process.argv.slice(2);
  const i = args.findIndex((a) => a === `--${name}` || a.startsWith(`--${name}=`));
  if (i < 0) return fallback;
  const raw = args[i].includes('=') ? args[i].split('=')[1] : args[i + 1];
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} must be a whole number ≥ 0 (got "${raw}")`);
  return n;
}

const ROOT = projectRoot();
const say = (m: string) => console.log(`[cluster] ${m}`);

async function main(): Promise<number> {
  const apis = flag('apis', 2);
  const workers = flag('workers', 2);
  const load = flag('load', 0);
  const clients = flag('clients', 8);
  if (apis < 1 || workers < 1) throw new Error('--apis and --workers must be at least 1');
  const dataDir = join(localDataDir(), load ? `cluster-load-${process.pid}` : 'cluster');
  const logDir = join(ROOT, 'test-results', load ? `cluster-load-${process.pid}-logs` : 'cluster-logs');
  const basePort = Number(process.env.API_PORT ?? 3000);
  const running: { cluster?: Cluster } = {};
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    say('stopping');
    await running.cluster?.close();
    if (load) rmSync(dataDir, { recursive: true, force: true });
    process.exit(code);
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => void stop(0));

  const cluster = (running.cluster = await startCluster({
    root: ROOT,
    dataDir,
    logDir,
    apis,
    workers,
    engineRole: true,
    // The dev server registers the case search attributes: cases filed here carry them.
    env: { TEMPORAL_SEARCH_ATTRIBUTES: 'on', LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' },
    apiPorts: load ? undefined : Array.from({ length: apis }, (_, i) => basePort + i),
    say,
  }));

  if (!load) {
    console.log(`
  MLA case-workflow engine, scaled out: ${apis} API and ${workers} worker processes
    APIs          ${cluster.apiUrls.join('  ')}
    Workers       ${cluster.workerHealthUrls.map((u) => `${u}/health/ready`).join('  ')}
    Temporal      ${cluster.temporalAddress} (dev server, UI off; state in ${relative(ROOT, dataDir)}/temporal.db)
    PostgreSQL    ${cluster.databaseUrl.replace(/:[^:@/]*@/, ':***@')}
    Logs          ${relative(ROOT, logDir)}/
  A token for a seeded user:  AUTH_KEYS_DIR=${relative(ROOT, dataDir)}/keys npm run -s token -- u-sn-prosecutor
  Ctrl-C stops everything.
`);
    return new Promise<number>(() => undefined);
  }

  const tokens = new Map<string, string>();
  for (const p of PAIRS) tokens.set(p.requesting, await cluster.token(prosecutorOf(p.requesting)));
  const started = Date.now();
  const latencies: number[] = [];
  const failures = new Map<string, number>();
  let next = 0;
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (next < load) {
        const i = next++;
        const pair = PAIRS[i % PAIRS.length];
        const t0 = Date.now();
        const res = await fetch(`${cluster.apiUrls[i % apis]}/cases`, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${tokens.get(pair.requesting)}`,
            'content-type': 'application/json',
            'idempotency-key': `load-${process.pid}-${i}`,
          },
          body: JSON.stringify(filingBody(pair, `cluster load ${process.pid} filing ${i}`)),
        }).catch((err: unknown) => ({ status: 0, text: async () => String(err) }));
        await res.text();
        if (res.status === 201) latencies.push(Date.now() - t0);
        else failures.set(String(res.status), (failures.get(String(res.status)) ?? 0) + 1);
      }
    }),
  );
  const seconds = (Date.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? 0;
  console.log(
    `cluster load: ${latencies.length}/${load} filings answered 201 through ${apis} API(s) and ${workers} worker(s) by ${clients} clients in ${seconds.toFixed(1)} s: ` +
      `${(latencies.length / seconds).toFixed(1)} filings/s, p50 ${at(0.5)} ms, p99 ${at(0.99)} ms` +
      (failures.size ? `; other answers: ${[...failures].map(([s, n]) => `${s} ×${n}`).join(', ')}` : ''),
  );
  await stop(failures.size ? 1 : 0);
  return 0;
}

main().catch((err) => {
  console.error(`[cluster] ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
