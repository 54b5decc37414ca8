import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startCluster, type Cluster } from '../scripts/chaos/cluster';
import { ROOT } from '../scripts/tools.cjs';
import { localDataDir } from '../libs/config/src/project-root';
import { ensureBundle } from './support/engine';

/**
 * Liveness and readiness as orchestrators read them, on the processes `npm start` and compose run (from
 * dist/): the API's /health/live and /health/ready, and the worker's on its own port. Readiness follows
 * the dependencies and the stop signal; liveness follows neither.
 */
describe('health routes of the API and the worker', () => {
  let cluster: Cluster;
  let dir: string;

  const get = async (url: string) => {
    const res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
    return { status: res.status, body: (await res.json()) as any };
  };
  const until = async <T>(what: string, fn: () => Promise<T | undefined>, ms = 60_000): Promise<T> => {
    const deadline = Date.now() + ms;
    for (;;) {
      const v = await fn().catch(() => undefined);
      if (v !== undefined) return v;
      if (Date.now() > deadline) throw new Error(`${what}: not seen in ${ms / 1000} s`);
      await sleep(200);
    }
  };

  beforeAll(async () => {
    await ensureBundle();
    // Not mkdtemp: its 0700 folder would keep out the system user the embedded PostgreSQL runs as under root.
    dir = join(localDataDir(), `health-${process.pid}`);
    mkdirSync(dir, { recursive: true });
    const logDir = join(ROOT, 'test-results', `health-${process.pid}-logs`);
    cluster = await startCluster({ root: ROOT, dataDir: dir, logDir, apis: 1, workers: 2, engineRole: true });
  }, 240_000);

  afterAll(async () => {
    await cluster?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, 120_000);

  it('answers live and ready on the API and on each worker while everything is up', async () => {
    const [api] = cluster.apiUrls;
    expect(await get(`${api}/health/live`)).toEqual({ status: 200, body: { status: 'live' } });
    const ready = await get(`${api}/health/ready`);
    expect(ready.status).toBe(200);
    expect(ready.body).toMatchObject({ status: 'ready', stopping: false, checks: { postgres: { status: 'up' }, temporal: { status: 'up' } } });
    expect((await get(`${api}/health`)).status).toBe(200);
    for (const worker of cluster.workerHealthUrls) {
      expect(await get(`${worker}/health/live`)).toEqual({ status: 200, body: { status: 'live' } });
      const w = await get(`${worker}/health/ready`);
      expect(w.status).toBe(200);
      expect(w.body).toMatchObject({ status: 'ready', checks: { postgres: { status: 'up' }, temporal: { status: 'up' }, polling: { status: 'up' } } });
      expect((await fetch(`${worker}/nothing-here`)).status).toBe(404);
    }
  });

  // The window between the stop signal and the closed port is as long as the drain: often one or two answers
  // (the unit test apps/worker/src/worker-health.spec.ts pins the states themselves).
  it('answers 503 from the stop signal until its port closes, never ready again', async () => {
    const worker = cluster.workers[0];
    const url = cluster.workerHealthUrls[0];
    const seen: Array<{ status: number; body: any }> = [];
    const watching = (async () => {
      for (;;) {
        try {
          seen.push(await get(`${url}/health/ready`));
        } catch {
          return; // the port closed: the worker has gone
        }
      }
    })();
    await sleep(300);
    worker.supervise = false;
    worker.child!.kill('SIGTERM');
    await watching;
    await until('worker exit', async () => (worker.running ? undefined : true), 30_000);
    expect(seen[0].status).toBe(200);
    const firstDown = seen.findIndex((r) => r.status !== 200);
    if (firstDown >= 0) {
      expect(seen.slice(firstDown).map((r) => r.status)).toEqual(seen.slice(firstDown).map(() => 503));
      expect(seen[firstDown].body).toMatchObject({ status: 'not-ready', stopping: true });
    }
  }, 120_000);

  it('says not ready, naming Temporal, when Temporal is away, and stays live', async () => {
    const [api] = cluster.apiUrls;
    const url = cluster.workerHealthUrls[1];
    cluster.temporal.supervise = false;
    await cluster.temporal.kill9();
    const worker = await until('worker not ready', async () => {
      const r = await get(`${url}/health/ready`);
      return r.status === 503 ? r : undefined;
    });
    expect(worker.body.checks.temporal.status).toBe('down');
    expect(worker.body.checks.postgres.status).toBe('up');
    expect((await get(`${url}/health/live`)).status).toBe(200);
    const apiReady = await until('API not ready', async () => {
      const r = await get(`${api}/health/ready`);
      return r.status === 503 ? r : undefined;
    });
    expect(apiReady.body).toMatchObject({ status: 'not-ready', stopping: false, checks: { temporal: { status: 'down' }, postgres: { status: 'up' } } });
    expect(await get(`${api}/health/live`)).toEqual({ status: 200, body: { status: 'live' } });
    // Back: ready again, without a restart of either process.
    await cluster.temporal.start();
    await until('worker ready again', async () => ((await get(`${url}/health/ready`)).status === 200 ? true : undefined), 90_000);
    await until('API ready again', async () => ((await get(`${api}/health/ready`)).status === 200 ? true : undefined), 90_000);
  }, 240_000);
});
