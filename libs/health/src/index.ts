/** One dependency as a health check saw it. */
export interface Check {
  status: 'up' | 'down';
  latencyMs: number;
  /** Why the dependency is down. */
  error?: string;
}

/** Runs `fn` with a deadline: up when it resolves in time, down with the reason otherwise. */
export async function probe(fn: () => Promise<unknown>, timeoutMs = 2000): Promise<Check> {
  const started = Date.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      fn(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer in ${timeoutMs} ms`)), timeoutMs);
        timer.unref();
      }),
    ]);
    return { status: 'up', latencyMs: Date.now() - started };
  } catch (err) {
    return { status: 'down', latencyMs: Date.now() - started, error: err instanceof Error ? err.message : String(err) };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Liveness and readiness as orchestrators read them: live while the process serves and is not
 * stopping (no dependency is consulted, so a database outage never restarts it); ready when, in
 * addition, every dependency answers.
 */
export interface Liveness {
  status: 'live' | 'stopping';
}

export interface Readiness<C extends object = Record<string, Check>> {
  status: 'ready' | 'not-ready';
  stopping: boolean;
  checks: C;
}

export function readiness<C extends object>(checks: C, stopping: boolean): Readiness<C> {
  const ready = !stopping && (Object.values(checks) as Check[]).every((c) => c.status === 'up');
  return { status: ready ? 'ready' : 'not-ready', stopping, checks };
}
