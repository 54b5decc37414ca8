import { ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { localDataDir, projectRoot } from '../libs/config/src/project-root';

/**
 * The one way `npm start`, the benchmark, the chaos run and the test suites start an embedded
 * PostgreSQL: scripts/embedded-postgres.mjs in a child process of its own (it stops with its parent),
 * ready once it prints its URL. `npm start` loads this from dist/ after the build.
 */

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

/** SIGTERM, then SIGKILL if the process is still there after `timeoutMs`. */
export function stopChild(child: ChildProcess, timeoutMs = 15000): Promise<void> {
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

/** The command line of scripts/embedded-postgres.mjs: node, then these arguments. */
export function embeddedPostgresArgs(dataDir: string, port: number, ephemeral = false): string[] {
  return [join(projectRoot(), 'scripts', 'embedded-postgres.mjs'), dataDir, String(port), ...(ephemeral ? ['--ephemeral'] : [])];
}

/** The URL scripts/embedded-postgres.mjs serves on `port`. */
export function embeddedPostgresUrl(port: number): string {
  return `postgres://postgres:postgres@127.0.0.1:${port}/mla`;
}

export interface EmbeddedPostgres {
  url: string;
  child: ChildProcess;
  /** Stops the server and, when it was ephemeral, removes its data folder. */
  stop(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  /** Where the data lives; by default a new folder under .data/ that is removed on stop. */
  dataDir?: string;
  /** By default a free port. */
  port?: number;
  /** Prefix of the default data folder's name. */
  label?: string;
  /** The server's error output: kept for the error message (default) or shown as it comes. */
  stderr?: 'pipe' | 'inherit';
  /** How long it may take to say it is ready before it is stopped and the start fails (default 90 s). */
  readyWithinMs?: number;
  /** Called as soon as the process exists, before it is ready: lets a supervisor track it from the start. */
  onSpawn?: (child: ChildProcess) => void;
}

export async function startEmbeddedPostgres(o: EmbeddedPostgresOptions = {}): Promise<EmbeddedPostgres> {
  const port = o.port ?? (await freePort());
  const ephemeral = o.dataDir === undefined;
  const dataDir = o.dataDir ?? join(localDataDir(), `${o.label ?? 'pg'}-${process.pid}-${port}`);
  mkdirSync(dirname(dataDir), { recursive: true });
  const child = spawn(process.execPath, embeddedPostgresArgs(dataDir, port, ephemeral), { stdio: ['ignore', 'pipe', o.stderr ?? 'pipe'] });
  o.onSpawn?.(child);
  let stderr = '';
  child.stderr?.on('data', (d) => (stderr += String(d)));
  const readyWithinMs = o.readyWithinMs ?? 90000;
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    // A server that never says it is ready is stopped, not waited for: the caller fails with the cause.
    const timer = setTimeout(() => {
      void stopChild(child, 5000).then(() =>
        reject(new Error(`embedded PostgreSQL was not ready within ${readyWithinMs / 1000} s (stopped) ${stderr.trim()}`.trim())),
      );
    }, readyWithinMs);
    child.stdout!.on('data', (d) => {
      out += String(d);
      const line = out.split('\n').find((l) => l.includes('"ready"'));
      if (line) {
        clearTimeout(timer);
        resolve(JSON.parse(line).url);
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`embedded PostgreSQL exited (${signal ?? code}) before it was ready ${stderr.trim()}`.trim()));
    });
  });
  return {
    url,
    child,
    stop: async () => {
      await stopChild(child);
      if (ephemeral) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
