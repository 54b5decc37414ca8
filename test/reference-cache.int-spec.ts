import type { DataSource } from 'typeorm';
import { CachedReferenceQueries, ReferenceCache, createDataSource } from '../libs/persistence/src';
import { loadSeeds } from '../seeds/loader';
import { Running, startPostgres } from './support/servers';

async function eventually<T>(read: () => Promise<T>, done: (v: T) => boolean, ms = 10_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await read();
    if (done(v) || Date.now() > until) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Reference data served from memory: read once, then from the cache, and dropped as soon as any
 * statement changes a reference table (here by plain SQL, as seeds and directory administration do).
 */
describe('reference data cache on a real Postgres', () => {
  let pg: Running & { url: string };
  let db: DataSource;
  let cache: ReferenceCache;

  beforeAll(async () => {
    pg = await startPostgres();
    db = await createDataSource(pg.url).initialize();
    await db.runMigrations({ transaction: 'each' });
    await loadSeeds(db);
    cache = new ReferenceCache(pg.url);
    await cache.start();
  }, 120000);

  afterAll(async () => {
    await cache?.close();
    await db?.destroy();
    await pg?.stop();
  });

  it('reads a State once, then from memory, and sees a change of the table at once', async () => {
    const reference = new CachedReferenceQueries(db, cache);
    const first = await reference.stateInfo('SN');
    const misses = cache.counts.misses;
    const second = await reference.stateInfo('SN');
    expect(second).toEqual(first);
    expect(cache.counts.misses).toBe(misses);
    // Each caller gets its own copy: changing one changes nothing held.
    second!.languages.push('xx');
    expect((await reference.stateInfo('SN'))!.languages).toEqual(first!.languages);

    await db.query(`UPDATE states SET languages = array_append(languages, 'wo') WHERE code = 'SN'`);
    const after = await eventually(
      () => reference.stateInfo('SN'),
      (s) => s!.languages.includes('wo'),
    );
    expect(after!.languages).toEqual([...first!.languages, 'wo']);
  });

  it('drops disabled authorities and rule pack changes as soon as they commit', async () => {
    const reference = new CachedReferenceQueries(db, cache);
    const [{ id }] = await db.query(`SELECT id FROM authorities ORDER BY id LIMIT 1`);
    expect((await reference.authorities([id])).has(id)).toBe(true);
    await db.query(`UPDATE authorities SET disabled_at = now() WHERE id = $1`, [id]);
    expect(
      (
        await eventually(
          () => reference.authorities([id]),
          (m) => !m.has(id),
        )
      ).has(id),
    ).toBe(false);

    const today = new Date().toISOString().slice(0, 10);
    const before = await reference.basisSnapshot('UNTOC-2000', today, ['SN', 'GH']);
    await db.query(`UPDATE rule_packs SET verified = NOT verified WHERE instrument_id = 'UNTOC-2000'`);
    const changed = await eventually(
      () => reference.basisSnapshot('UNTOC-2000', today, ['SN', 'GH']),
      (b) => b!.rulePack.verified !== before!.rulePack.verified,
    );
    expect(changed!.rulePack.verified).toBe(!before!.rulePack.verified);
  });

  it('reads through to PostgreSQL while it cannot listen', async () => {
    const deaf = new ReferenceCache(undefined);
    await deaf.start();
    const reference = new CachedReferenceQueries(db, deaf);
    await reference.stateInfo('SN');
    await reference.stateInfo('SN');
    expect(deaf.counts).toMatchObject({ hits: 0, misses: 2 });
  });
});
