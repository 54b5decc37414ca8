import { spawn } from 'node:child_process';
import { Connection } from '@temporalio/client';
import { freePort, startEmbeddedPostgres, stopChild } from '../../scripts/embedded-postgres-process';
import { temporalCliPath } from '../../scripts/tools.cjs';

export { freePort };

export interface Running {
  stop(): Promise<void>;
}

/** A real PostgreSQL for one suite: an embedded one in a temporary folder, removed on stop. */
export async function startPostgres(): Promise<Running & { url: string }> {
  const { url, stop } = await startEmbeddedPostgres({ label: 'test-pg' });
  return { url, stop };
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
      await connection.workflowService.getSystemInfo({});
      await connection.close();
      break;
    } catch (err) {
      if (Date.now() > deadline) throw new Error(`temporal dev server did not answer on ${address}: ${String(err)}\n${stderr}`, { cause: err });
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  return { address, stop: () => stopChild(child) };
}
