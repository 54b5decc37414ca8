import { readFileSync, readdirSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

/** Clock ticks per second of /proc/<pid>/stat (USER_HZ): 100 on Linux. */
const TICKS = 100;

/** CPU (ms) a process and every process below it used, exited children included (cutime/cstime). */
export function treeCpuMs(root: number): number {
  const parents = new Map<number, number>();
  const cpu = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // The command name may hold spaces: fields are counted after its closing parenthesis.
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      parents.set(Number(entry), Number(f[1]));
      cpu.set(Number(entry), Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]));
    } catch {}
  }
  let total = 0;
  for (const [pid, ticks] of cpu) {
    for (let p: number | undefined = pid, depth = 0; p && depth < 20; p = parents.get(p), depth++) {
      if (p === root) {
        total += ticks;
        break;
      }
    }
  }
  return (total * 1000) / TICKS;
}

/** CPU of named process trees between two instants. */
export class CpuMeter {
  private start = new Map<string, number>();
  private startSelf = process.cpuUsage();
  constructor(private readonly roots: () => Record<string, number | undefined>) {
    this.reset();
  }
  reset(): void {
    this.start = new Map(Object.entries(this.roots()).map(([k, pid]) => [k, pid ? treeCpuMs(pid) : 0]));
    this.startSelf = process.cpuUsage();
  }
  /** ms of CPU per process since reset, the benchmark's own client included. */
  read(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [k, pid] of Object.entries(this.roots())) out[k] = (pid ? treeCpuMs(pid) : 0) - (this.start.get(k) ?? 0);
    const self = process.cpuUsage(this.startSelf);
    out.client = (self.user + self.system) / 1000;
    return out;
  }
}

/** Thrown by an operation when it has nothing left to act on: that client stops, the others go on. */
export class Exhausted extends Error {}

export interface Latencies {
  n: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

export function latencies(samples: number[]): Latencies {
  const s = [...samples].sort((a, b) => a - b);
  const at = (p: number) => (s.length ? s[Math.min(s.length - 1, Math.floor(p * s.length))] : NaN);
  return { n: s.length, p50: round(at(0.5)), p90: round(at(0.9)), p99: round(at(0.99)), max: round(s.at(-1) ?? NaN) };
}

export const round = (x: number, digits = 1) => (Number.isFinite(x) ? Number(x.toFixed(digits)) : x);

export interface LoadResult {
  clients: number;
  seconds: number;
  ops: number;
  errors: number;
  perSecond: number;
  latencyMs: Latencies;
  /** CPU ms per operation, by process. */
  cpuMsPerOp: Record<string, number>;
  firstError?: string;
}

/** `clients` loops calling `op` for `seconds` (after `warmup` calls each); rate, latencies and CPU per op by process. */
export async function load(
  meter: CpuMeter,
  clients: number,
  seconds: number,
  op: (client: number, i: number) => Promise<unknown>,
  warmup = 2,
): Promise<LoadResult> {
  await Promise.all(
    Array.from({ length: clients }, async (_, c) => {
      for (let i = 0; i < warmup; i++) await op(c, -1 - i).catch(() => undefined);
    }),
  );
  const samples: number[] = [];
  let errors = 0;
  let firstError: string | undefined;
  meter.reset();
  const started = performance.now();
  const until = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: clients }, async (_, c) => {
      for (let i = 0; performance.now() < until; i++) {
        const t = performance.now();
        try {
          await op(c, i);
          samples.push(performance.now() - t);
        } catch (err) {
          if (err instanceof Exhausted) break;
          errors += 1;
          firstError ??= err instanceof Error ? err.message : String(err);
        }
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  const cpu = meter.read();
  const ops = samples.length;
  return {
    clients,
    seconds: round(elapsed),
    ops,
    errors,
    perSecond: round(ops / elapsed),
    latencyMs: latencies(samples),
    cpuMsPerOp: Object.fromEntries(Object.entries(cpu).map(([k, v]) => [k, round(ops ? v / ops : NaN, 2)])),
    ...(firstError ? { firstError } : {}),
  };
}

export function cpuTotal(perOp: Record<string, number>, exclude: string[] = ['client']): number {
  return round(
    Object.entries(perOp)
      .filter(([k]) => !exclude.includes(k))
      .reduce((sum, [, v]) => sum + (Number.isFinite(v) ? v : 0), 0),
    2,
  );
}

export function cpuLine(perOp: Record<string, number>): string {
  return Object.entries(perOp)
    .filter(([, v]) => Number.isFinite(v) && v > 0.05)
    .map(([k, v]) => `${k} ${v.toFixed(1)}`)
    .join(', ');
}

/** Resident memory of a process, in MB (VmRSS of /proc/<pid>/status). */
export function residentMb(pid: number | undefined): number {
  if (!pid) return NaN;
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? round(Number(m[1]) / 1024) : NaN;
  } catch {
    return NaN;
  }
}
