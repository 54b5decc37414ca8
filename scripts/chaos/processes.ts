import { ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Connection } from '@temporalio/client';
import { embeddedPostgresArgs, embeddedPostgresUrl, freePort } from '../embedded-postgres-process';
import { devServerSearchAttributeFlags } from '../../libs/contracts/src/search-attributes.contract';

/** scripts/tools.cjs from the sources: it is not compiled into dist/. */
function temporalCliPath(root: string): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const tools = require(join(root, 'scripts', 'tools.cjs')) as { temporalCliPath: (o?: { log?: (m: string) => void }) => string };
  return tools.temporalCliPath({ log: (m) => process.stderr.write(`${m}\n`) });
}

/**
 * The engine's processes for scripts that start their own: embedded PostgreSQL (through
 * scripts/embedded-postgres.mjs), the Temporal dev server on a persistent database file, workers and
 * APIs from dist/. Each runs in its own process group so that a kill reaches everything it spawned,
 * can be killed (-9), stopped and started again on the same ports and data, and is restarted when it
 * dies on its own while `supervise` is on.
 */

export { freePort };

export interface ProcSpec {
  name: string;
  command: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Resolves once the process serves; rejects or times out otherwise. */
  ready: (proc: ManagedProcess) => Promise<void>;
  /** Signal that stops the process cleanly (sent to the leader only); SIGKILL to the group follows after `stopTimeoutMs`. */
  stopSignal?: NodeJS.Signals;
  stopTimeoutMs?: number;
}

export interface ExitRecord {
  name: string;
  at: string;
  code: number | null;
  signal: string | null;
  expected: boolean;
}

export class ManagedProcess {
  child: ChildProcess | null = null;
  /** stdout since the last start, for readiness lines. */
  output = '';
  starts = 0;
  /** Restart the process when it exits without being asked to. */
  supervise = true;
  private expectingExit = false;
  private closing = false;
  private readonly log: WriteStream;

  constructor(
    readonly spec: ProcSpec,
    logDir: string,
    private readonly exits: ExitRecord[],
    private readonly say: (m: string) => void,
  ) {
    mkdirSync(logDir, { recursive: true });
    this.log = createWriteStream(join(logDir, `${spec.name}.log`), { flags: 'a' });
  }

  get name(): string {
    return this.spec.name;
  }

  get running(): boolean {
    return this.child !== null && this.child.exitCode === null && this.child.signalCode === null;
  }

  async start(timeoutMs = 90_000): Promise<void> {
    if (this.running) return;
    this.output = '';
    this.expectingExit = false;
    this.starts += 1;
    this.log.write(`\n===== start #${this.starts} at ${new Date().toISOString()} =====\n`);
    const child = spawn(this.spec.command, this.spec.args, { cwd: this.spec.cwd, env: this.spec.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    child.stdout!.on('data', (d: Buffer) => {
      const s = String(d);
      if (this.output.length < 200_000) this.output += s;
      this.log.write(s);
    });
    child.stderr!.on('data', (d: Buffer) => this.log.write(d));
    child.once('exit', (code, signal) => {
      const expected = this.expectingExit || this.closing;
      this.exits.push({ name: this.name, at: new Date().toISOString(), code, signal, expected });
      this.log.write(`===== exit code=${code} signal=${signal} ${expected ? '(asked)' : '(on its own)'} =====\n`);
      if (!expected && this.supervise) {
        this.say(`${this.name} exited on its own (${signal ?? code}); restarting it`);
        const restart = () => this.start().catch((e) => this.say(`${this.name} did not restart: ${String(e)}`));
        void sleep(1000).then(() => (this.closing || this.running ? undefined : restart()));
      }
    });
    await withTimeout(this.spec.ready(this), timeoutMs, `${this.name} was not ready in ${timeoutMs / 1000} s (log: ${this.name}.log)`);
  }

  private waitExit(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
    return new Promise((r) => child.once('exit', () => r()));
  }

  /** kill -9 of the whole process group. */
  async kill9(): Promise<void> {
    if (!this.running) return;
    this.expectingExit = true;
    signalGroup(this.child!, 'SIGKILL');
    await this.waitExit();
  }

  /** Clean stop: the stop signal to the leader, then SIGKILL to the group if it lingers. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.expectingExit = true;
    const child = this.child!;
    try {
      child.kill(this.spec.stopSignal ?? 'SIGTERM');
    } catch {}
    const exited = await Promise.race([this.waitExit().then(() => true), sleep(this.spec.stopTimeoutMs ?? 20_000).then(() => false)]);
    if (!exited) {
      signalGroup(child, 'SIGKILL');
      await this.waitExit();
    }
    // Whatever the leader left behind in its group goes too.
    signalGroup(child, 'SIGKILL');
  }

  /** Final stop: no restart afterwards. */
  async close(): Promise<void> {
    this.closing = true;
    await this.stop();
    this.log.end();
  }
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    try {
      child.kill(signal);
    } catch {}
  }
}

async function withTimeout<T>(p: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([p, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(message)), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

/** Polls `probe` until it answers true, or the process exits. */
export async function until(proc: ManagedProcess, probe: () => Promise<boolean>, everyMs = 250): Promise<void> {
  for (;;) {
    if (!proc.running) throw new Error(`${proc.name} exited while starting (see ${proc.name}.log)`);
    try {
      if (await probe()) return;
    } catch {}
    await sleep(everyMs);
  }
}

/** Embedded PostgreSQL on a persistent data directory and a fixed port: stop and start keep the data. */
export function embeddedPostgresSpec(root: string, dataDir: string, port: number): ProcSpec {
  return {
    name: 'postgres',
    command: process.execPath,
    args: embeddedPostgresArgs(dataDir, port),
    env: process.env,
    cwd: root,
    stopSignal: 'SIGTERM',
    stopTimeoutMs: 30_000,
    ready: (p) => until(p, async () => p.output.includes('"ready"')),
  };
}

export const postgresUrl = embeddedPostgresUrl;

export interface TemporalPorts {
  port: number;
  httpPort: number;
  metricsPort: number;
}

/** The Temporal dev server on a persistent SQLite file (WAL), headless, on fixed ports. */
export function temporalDevServerSpec(root: string, dbFile: string, ports: TemporalPorts): ProcSpec {
  const address = `127.0.0.1:${ports.port}`;
  return {
    name: 'temporal',
    command: temporalCliPath(root),
    args: [
      'server',
      'start-dev',
      '--headless',
      '--ip',
      '127.0.0.1',
      '--port',
      String(ports.port),
      '--http-port',
      String(ports.httpPort),
      '--metrics-port',
      String(ports.metricsPort),
      '--namespace',
      'default',
      '--log-level',
      'error',
      '--db-filename',
      dbFile,
      // A killed process loses nothing the OS already holds, so synchronous=OFF is safe against kill -9.
      '--sqlite-pragma',
      'journal_mode=WAL',
      '--sqlite-pragma',
      'synchronous=OFF',
      // Operators find cases by kind, pair of States, state and escalation level.
      ...devServerSearchAttributeFlags(),
    ],
    env: process.env,
    cwd: root,
    stopSignal: 'SIGTERM',
    ready: (p) =>
      until(p, async () => {
        const connection = await Connection.connect({ address, connectTimeout: 1000 });
        try {
          await connection.workflowService.getSystemInfo({});
          await connection.workflowService.describeNamespace({ namespace: 'default' });
          return true;
        } finally {
          await connection.close();
        }
      }),
  };
}

/**
 * A worker from dist/, configured by environment as `npm start` does; no metrics port. With a health
 * port it is ready when its /health/ready says so; without, when it says it polls its task queue (one
 * that says nothing still counts after 20 s).
 */
export function workerSpec(root: string, name: string, env: NodeJS.ProcessEnv, healthPort?: number): ProcSpec {
  return {
    name,
    command: process.execPath,
    args: [join(root, 'dist/apps/worker/src/main.js')],
    env: { ...env, WORKER_METRICS_ADDRESS: 'off', WORKER_HEALTH_ADDRESS: healthPort ? `127.0.0.1:${healthPort}` : 'off' },
    cwd: root,
    ready: async (p) => {
      const started = Date.now();
      if (healthPort) {
        await until(p, async () => (await fetch(`http://127.0.0.1:${healthPort}/health/ready`, { signal: AbortSignal.timeout(3000) })).status === 200);
        return;
      }
      await until(p, async () => /polling task queue|"RUNNING"/.test(p.output) || Date.now() - started > 20_000);
    },
  };
}

/** An API process from dist/ on its own port; ready when /health answers at all. */
export function apiSpec(root: string, name: string, port: number, env: NodeJS.ProcessEnv): ProcSpec {
  return {
    name,
    command: process.execPath,
    args: [join(root, 'dist/apps/api/src/main.js')],
    env: { ...env, API_PORT: String(port) },
    cwd: root,
    ready: (p) => until(p, async () => (await fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(2000) })).status > 0),
  };
}
