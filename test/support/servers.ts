import { spawn } from 'node:child_process';
import { Connection } from '@temporalio/client';
import { freePort, startEmbeddedPostgres, stopChild } from '../../scripts/embedded-postgres-process';
import { temporalCliPath } from '../../scripts/tools.cjs';
import { devServerSearchAttributeFlags } from '../../libs/contracts/src/search-attributes.contract';

export { freePort };

export interface Running {
  stop(): Promise<void>;
}

/** A real PostgreSQL for one suite: an embedded one in a temporary folder, removed on stop. */
export async function startPostgres(): Promise<Running & { url: string }> {
  try {
    const { url, stop } = await startEmbeddedPostgres({ label: 'test-pg' });
    return { url, stop };
  } catch (err) {
    throw new Error(`PostgreSQL did not start: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
}

type Stoppable = { stop(): Promise<unknown> } | { close(): Promise<unknown> };

/**
 * Starts servers side by side (an engine and a browser, say): all of them, or none. When one fails,
 * those that did start are stopped before the first cause is thrown, so nothing outlives a failed setup.
 */
export async function startAll<T extends readonly Stoppable[]>(...pending: { [K in keyof T]: Promise<T[K]> }): Promise<T> {
  const settled = await Promise.allSettled(pending);
  const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (!failed) return settled.map((r) => (r as PromiseFulfilledResult<unknown>).value) as unknown as T;
  for (const r of settled) {
    if (r.status !== 'fulfilled') continue;
    const s = r.value as Stoppable;
    await ('stop' in s ? s.stop() : s.close()).catch(() => undefined);
  }
  throw failed.reason;
}

/** The real Temporal dev server (the `temporal` CLI), in memory, on free ports. */
export async function startTemporalDevServer(): Promise<Running & { address: string }> {
  const cli = temporalCliPath();
  const port = await freePort();
  const httpPort = await freePort();
  const metricsPort = await freePort();
  const child = spawn(
    cli,
    [
      'server',
      'start-dev',
      '--headless',
      '--ip',
      '127.0.0.1',
      '--port',
      String(port),
      '--http-port',
      String(httpPort),
      '--metrics-port',
      String(metricsPort),
      '--log-level',
      'error',
      '--namespace',
      'default',
      ...devServerSearchAttributeFlags(),
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += String(d)));
  const address = `127.0.0.1:${port}`;
  const deadline = Date.now() + 60000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`temporal dev server exited with ${child.exitCode}: ${stderr}`);
    try {
      const connection = await Connection.connect({ address, connectTimeout: 1000 });
      try {
        await connection.workflowService.getSystemInfo({});
      } finally {
        await connection.close();
      }
      break;
    } catch (err) {
      if (Date.now() > deadline) {
        // Not answering is not the same as not running: stop it before giving up.
        await stopChild(child, 5000);
        throw new Error(`temporal dev server did not answer on ${address}: ${String(err)}\n${stderr}`, { cause: err });
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  return { address, stop: () => stopChild(child) };
}
