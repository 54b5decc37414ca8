import { setTimeout as sleep } from 'node:timers/promises';

/**
 * An HTTP client with the retry discipline of the Idempotency-Key draft (IETF httpapi): every POST
 * carries a key, and is repeated with the SAME key and body after a network error, a timeout, a 5xx
 * (503 included), a 429, or a 409 saying the key is still in flight. A 2xx is an acknowledgment; a
 * 202 Accepted with a Location is one too (the command was accepted; its effect is read there).
 */

export interface Attempt {
  api: string;
  outcome: string;
  ms: number;
}

export interface Answer {
  /** 2xx: the server acknowledged the request. */
  acked: boolean;
  status: number;
  body: any;
  location: string | null;
  attempts: Attempt[];
  /** Why we stopped without an acknowledgment (a final 4xx, or the deadline). */
  gaveUp?: string;
}

export interface ClientOptions {
  apis: string[];
  /** One HTTP exchange longer than this is abandoned and retried. */
  timeoutMs: number;
  /** After this long without an acknowledgment the request is given up (unacknowledged, not lost). */
  deadlineMs: number;
}

/** Codes a 409 carries when the same key is still being processed (the in-flight case of the draft). */
const IN_FLIGHT = /IN_FLIGHT|IN_PROGRESS|PROCESSING|CONCURRENT|STILL_RUNNING|KEY_LOCKED|PENDING_REQUEST/i;

export class ChaosHttp {
  /** Outcomes of every exchange, by kind ("201", "503", "ECONNREFUSED", "timeout", …). */
  readonly outcomes = new Map<string, number>();
  private next = 0;

  constructor(private readonly o: ClientOptions) {}

  private count(outcome: string): void {
    this.outcomes.set(outcome, (this.outcomes.get(outcome) ?? 0) + 1);
  }

  /** One exchange, no retry; `api` is an index into the API list. */
  async once(
    api: number,
    method: string,
    path: string,
    token: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<{ status: number; body: any; headers: Headers }> {
    const res = await fetch(`${this.o.apis[api]}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(this.o.timeoutMs),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {}
    return { status: res.status, body: parsed, headers: res.headers };
  }

  /** A GET that tries each API in turn until one answers (no idempotency concerns). */
  async get(path: string, token: string, deadlineMs = 30_000): Promise<{ status: number; body: any } | null> {
    const until = Date.now() + deadlineMs;
    let api = this.next++ % this.o.apis.length;
    for (let n = 0; Date.now() < until; n++) {
      try {
        const r = await this.once(api, 'GET', path, token);
        if (r.status < 500) return r;
      } catch {}
      api = (api + 1) % this.o.apis.length;
      await sleep(Math.min(2000, 200 * 2 ** Math.min(n, 4)));
    }
    return null;
  }

  /** POST with an Idempotency-Key, repeated with the same key and body until acknowledged, refused, or out of time. */
  async post(path: string, token: string, key: string, body: unknown): Promise<Answer> {
    const attempts: Attempt[] = [];
    const until = Date.now() + this.o.deadlineMs;
    let api = this.next++ % this.o.apis.length;
    for (let n = 0; ; n++) {
      const t = Date.now();
      let retryAfterMs = 0;
      let outcome: string;
      try {
        const r = await this.once(api, 'POST', path, token, body, { 'idempotency-key': key });
        outcome = String(r.status);
        const code = typeof r.body?.code === 'string' ? r.body.code : '';
        if (code) outcome += ` ${code}`;
        attempts.push({ api: this.o.apis[api], outcome, ms: Date.now() - t });
        this.count(outcome);
        if (r.status >= 200 && r.status < 300) {
          return { acked: true, status: r.status, body: r.body, location: r.headers.get('location'), attempts };
        }
        const retryable =
          r.status >= 500 || r.status === 429 || r.status === 408 || (r.status === 409 && (IN_FLIGHT.test(code) || r.headers.has('retry-after')));
        if (!retryable) return { acked: false, status: r.status, body: r.body, location: r.headers.get('location'), attempts, gaveUp: outcome };
        const ra = Number(r.headers.get('retry-after'));
        if (Number.isFinite(ra) && ra > 0) retryAfterMs = Math.min(ra, 5) * 1000;
      } catch (err) {
        outcome = errorKind(err);
        attempts.push({ api: this.o.apis[api], outcome, ms: Date.now() - t });
        this.count(outcome);
      }
      if (Date.now() > until) return { acked: false, status: 0, body: null, location: null, attempts, gaveUp: `deadline (${outcome})` };
      // The other API process takes the retry: one of them may be down.
      api = (api + 1) % this.o.apis.length;
      await sleep(Math.max(retryAfterMs, Math.min(3000, 100 * 2 ** Math.min(n, 5))) * (0.75 + Math.random() / 2));
    }
  }
}

function errorKind(err: unknown): string {
  const e = err as { name?: string; cause?: { code?: string }; code?: string };
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') return 'timeout';
  return e?.cause?.code ?? e?.code ?? e?.name ?? 'error';
}
