import { Client } from 'pg';

/** The channel the reference tables' triggers notify on every change (migration 1765600000000). */
export const REFERENCE_CHANGED_CHANNEL = 'reference_data_changed';

/**
 * Reference data (States, authorities, instruments, rule packs, liaison postings, focal points) kept
 * in memory by the process that reads it on every filing and command. Every statement that changes one
 * of those tables (seeds, directory administration, a hand-made fix) notifies REFERENCE_CHANGED_CHANNEL
 * when it commits, and every process listening drops what it holds. While the listening connection is
 * down, nothing is cached: every read goes to PostgreSQL, as without the cache.
 *
 * Users are not reference data here: who is enabled is read on every request, uncached.
 */
export class ReferenceCache {
  private entries = new Map<string, Promise<unknown>>();
  private listening = false;
  private closed = false;
  private client: Client | null = null;
  private retry: NodeJS.Timeout | null = null;
  /** Reads served from memory and from PostgreSQL, for tests and metrics. */
  readonly counts = { hits: 0, misses: 0, invalidations: 0 };

  constructor(
    private readonly url: string | undefined,
    private readonly warn: (message: string) => void = () => {},
  ) {}

  /** Starts listening; resolves once the cache is on (or the first attempt failed: it keeps trying). */
  async start(): Promise<void> {
    if (!this.url || this.closed) return;
    const client = new Client({ connectionString: this.url });
    this.client = client;
    client.on('notification', (n) => {
      if (n.channel === REFERENCE_CHANGED_CHANNEL) this.invalidate();
    });
    const down = (reason: string) => {
      if (this.client !== client) return;
      this.client = null;
      this.listening = false;
      this.invalidate();
      client.end().catch(() => undefined);
      if (this.closed) return;
      this.warn(`reference data is read uncached until PostgreSQL notifications are back (${reason})`);
      this.retry = setTimeout(() => void this.start(), 2000);
      this.retry.unref();
    };
    client.on('error', (err) => down(err.message));
    client.on('end', () => down('connection ended'));
    try {
      await client.connect();
      await client.query(`LISTEN ${REFERENCE_CHANGED_CHANNEL}`);
      this.invalidate();
      this.listening = !this.closed;
    } catch (err) {
      down(err instanceof Error ? err.message : String(err));
    }
  }

  /** The value under `key`, loaded once while nothing changes; each caller gets its own copy. */
  async get<T>(key: string, load: () => Promise<T>): Promise<T> {
    if (!this.listening) {
      this.counts.misses += 1;
      return load();
    }
    let entry = this.entries.get(key) as Promise<T> | undefined;
    if (entry) this.counts.hits += 1;
    else {
      this.counts.misses += 1;
      entry = load();
      const entries = this.entries;
      entries.set(key, entry);
      entry.catch(() => entries.get(key) === entry && entries.delete(key));
    }
    return structuredClone(await entry);
  }

  invalidate(): void {
    this.counts.invalidations += 1;
    // A load still in flight belongs to the old map: it is not kept.
    this.entries = new Map();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.listening = false;
    if (this.retry) clearTimeout(this.retry);
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => undefined);
  }
}
