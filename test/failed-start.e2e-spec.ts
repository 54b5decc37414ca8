import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../scripts/tools.cjs';
import { killMarked, markedProcesses, newMark, removeDataDir, runMarked } from './support/processes';
import { freePort } from './support/servers';

// A start that fails half-way stops what it had already started and ends with the cause: CI fails in
// seconds instead of waiting for its time limit on a jest that cannot exit or an orphaned server.
// PostgreSQL is made to fail by giving it a data folder that cannot exist (MLA_DATA_DIR names a file).

describe('a failing start cleans up', () => {
  let tmp: string;
  const marks: string[] = [];

  beforeAll(() => {
    tmp = mkdtempSync(join(tmpdir(), 'failed-start-'));
  });

  afterAll(() => {
    // Whatever a failed assertion left behind goes, so this suite never leaves a process either.
    for (const mark of marks) killMarked(mark);
    removeDataDir(join(tmp, 'data'));
    rmSync(tmp, { recursive: true, force: true });
  });

  it('a server suite whose PostgreSQL cannot start fails in under a minute with the cause, and leaves no Temporal server nor Chromium behind', async () => {
    const notAFolder = join(tmp, 'not-a-folder');
    writeFileSync(notAFolder, 'PostgreSQL cannot keep its data under a file\n');
    const mark = newMark();
    marks.push(mark);
    // The browser suite starts the engine (Temporal dev server, Postgres, worker, API) and Chromium side by side.
    const run = runMarked(
      process.execPath,
      [join(ROOT, 'node_modules/jest/bin/jest.js'), '--ci', '--selectProjects', 'e2e', '--runInBand', 'test/dashboard.e2e-spec.ts'],
      { cwd: ROOT, env: { ...process.env, MLA_DATA_DIR: notAFolder }, limitMs: 120_000, mark },
    );
    const { code, output, ms, killed } = await run.done;

    expect(killed).toBe(false); // jest exited by itself: nothing kept it waiting
    expect(code).not.toBe(0);
    expect(output).toContain('PostgreSQL did not start');
    expect(output).toContain(notAFolder);
    expect(ms).toBeLessThan(60_000);
    // It did start other servers before Postgres failed, and none of them is left.
    const started = [...run.seen.entries()].filter(([pid]) => pid !== run.child.pid).map(([, command]) => command);
    expect(started.some((c) => c.includes('temporal') && c.includes('start-dev'))).toBe(true);
    expect(started.some((c) => c.includes('chromium'))).toBe(true);
    expect(markedProcesses(mark)).toEqual([]);
  }, 150_000);

  it('`npm start` whose API cannot listen stops the worker, Temporal and Postgres it had started, and says why', async () => {
    // The API's port is taken: the last step fails after every other part is up.
    const taken: Server = createServer();
    const apiPort = await new Promise<number>((resolve) => taken.listen(0, '127.0.0.1', () => resolve((taken.address() as { port: number }).port)));
    const mark = newMark();
    marks.push(mark);
    const [pgPort, temporalPort, uiPort, metricsPort, healthPort] = [await freePort(), await freePort(), await freePort(), await freePort(), await freePort()];
    try {
      const run = runMarked(process.execPath, [join(ROOT, 'scripts/up.mjs')], {
        cwd: ROOT,
        env: {
          ...process.env,
          MLA_DATA_DIR: join(tmp, 'data'),
          API_PORT: String(apiPort),
          PG_PORT: String(pgPort),
          TEMPORAL_PORT: String(temporalPort),
          TEMPORAL_UI_PORT: String(uiPort),
          WORKER_METRICS_ADDRESS: `127.0.0.1:${metricsPort}`,
          WORKER_HEALTH_ADDRESS: `127.0.0.1:${healthPort}`,
        },
        limitMs: 240_000,
        mark,
      });
      const { code, output, killed } = await run.done;
      expect(killed).toBe(false);
      expect(code).toBe(1);
      expect(output).toMatch(/api exited .*stopping everything/);
      const started = [...run.seen.values()];
      for (const part of ['start-dev', 'embedded-postgres.mjs', 'apps/worker/src/main.js']) expect(started.some((c) => c.includes(part))).toBe(true);
      expect(markedProcesses(mark)).toEqual([]);
    } finally {
      taken.close();
    }
  }, 300_000);
});
