import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { lstatSync, readFileSync, readdirSync, readlinkSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * Every process a command starts, however deep (servers, browsers, their helpers), found by a mark in
 * its environment, which children inherit even when they leave the process group. Linux (/proc).
 */
export const MARK_VARIABLE = 'MLA_TEST_PROCESS_MARK';

export function newMark(): string {
  return randomUUID();
}

/** The pids (and command lines) of the running processes carrying `mark`. */
export function markedProcesses(mark: string): Array<{ pid: number; command: string }> {
  const needle = `${MARK_VARIABLE}=${mark}`;
  const found: Array<{ pid: number; command: string }> = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const environ = readFileSync(`/proc/${entry}/environ`, 'latin1');
      if (!environ.split('\0').includes(needle)) continue;
      const stat = readFileSync(`/proc/${entry}/stat`, 'latin1');
      if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) continue; // a zombie holds nothing
      const command = readFileSync(`/proc/${entry}/cmdline`, 'latin1').split('\0').join(' ').trim();
      found.push({ pid: Number(entry), command });
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return found;
}

export interface WatchedRun {
  child: ChildProcess;
  /** Every marked pid seen while it ran. */
  seen: Map<number, string>;
  /** What it printed so far (stdout and stderr). */
  output(): string;
  /** Resolves when it exits (or is killed after `limitMs`): its exit code, output and duration. */
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null; output: string; ms: number; killed: boolean }>;
}

/** Runs a command with a fresh mark, watching the processes it starts, killed (with all it started) after `limitMs`. */
export function runMarked(
  command: string,
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; limitMs: number; mark: string; detached?: boolean },
): WatchedRun {
  const began = Date.now();
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: { ...options.env, [MARK_VARIABLE]: options.mark },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group, as a command typed in a terminal: Ctrl-C (SIGINT to the group) reaches it as it would there.
    detached: options.detached ?? false,
  });
  let output = '';
  child.stdout!.on('data', (d) => (output += String(d)));
  child.stderr!.on('data', (d) => (output += String(d)));
  const seen = new Map<number, string>();
  const look = () => {
    for (const p of markedProcesses(options.mark)) if (!seen.has(p.pid)) seen.set(p.pid, p.command);
  };
  const watcher = setInterval(look, 200);
  let killed = false;
  const limit = setTimeout(() => {
    killed = true;
    killMarked(options.mark);
  }, options.limitMs);
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; output: string; ms: number; killed: boolean }>((resolve) => {
    child.once('exit', (code, signal) => {
      look();
      clearInterval(watcher);
      clearTimeout(limit);
      resolve({ code, signal, output, ms: Date.now() - began, killed });
    });
  });
  return { child, seen, done, output: () => output };
}

/** SIGKILL to every process carrying `mark`: the last resort of a test that found them left behind. */
export function killMarked(mark: string): void {
  for (const { pid } of markedProcesses(mark)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {}
  }
}

/** Whether `pid` still runs (a zombie does not count). */
export function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    return !stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return false;
  }
}

/**
 * Removes a temporary MLA_DATA_DIR, with the folder its PostgreSQL data was moved to when the postgres
 * user could not enter it (a link named `postgres` to /var/tmp/mla-engine-postgres-…/data, as root).
 */
export function removeDataDir(dir: string): void {
  const data = join(dir, 'postgres');
  try {
    if (lstatSync(data).isSymbolicLink()) {
      const moved = dirname(readlinkSync(data));
      if (/\/mla-engine-postgres-[0-9a-f]+$/.test(moved)) rmSync(moved, { recursive: true, force: true });
    }
  } catch {
    // no data folder there
  }
  rmSync(dir, { recursive: true, force: true });
}
