import { ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { Connection } from '@temporalio/client';
import { ROOT, temporalCliPath } from '../../scripts/tools.cjs';

export interface Running {
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function stopChild(child: ChildProcess, timeoutMs = 15000): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** A real PostgreSQL for one suite: DATABASE_URL's server when given, else an embedded one in a temporary folder. */
export async function startPostgres(): Promise<Running & { url: string }> {
  const port = await freePort();
  const dir = join(ROOT, '.data', `test-pg-${process.pid}-${port}`);
  mkdirSync(join(ROOT, '.data'), { recursive: true });
  const child = spawn(process.execPath, [join(ROOT, 'scripts/embedded-postgres.mjs'), dir, String(port), '--ephemeral'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += String(d)));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += String(d);
      const line = out.split('\n').find((l) => l.includes('"ready"'));
      if (line) resolve(JSON.parse(line).url);
    });
    child.once('exit', (code) => reject(new Error(`embedded postgres exited with ${code}: ${stderr}`)));
  });
  return {
    url,
    stop: async () => {
      await stopChild(child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The real Temporal dev server (the `temporal` CLI), in memory, on free ports. */
export async function startTemporalDevServer(): Promise<Running & { address: string }> {
  const cli = temporalCliPath();
  const port = await freePort();
  const httpPort = await freePort();
  const metricsPort = await freePort();
  const child = spawn(
    cli,
    ['server', 'start-dev', '--headless', '--ip', '127.0.0.1', '--port', String(port), '--http-port', String(httpPort),
      '--metrics-port', String(metricsPort), '--log-level', 'error', '--namespace', 'default'],
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
      if (Date.now() > deadline) throw new Error(`temporal dev server did not answer on ${address}: ${String(err)}\n${stderr}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  return { address, stop: () => stopChild(child) };
}
