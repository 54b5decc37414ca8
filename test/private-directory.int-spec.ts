import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readlinkSync, realpathSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { ROOT } from '../scripts/tools.cjs';
import { stopChild } from '../scripts/embedded-postgres-process';
import { freePort } from './support/servers';

// A checkout in a folder only its owner may enter (`mktemp -d`, /root/...): the embedded PostgreSQL must
// still start there. As root it runs as the postgres user, who cannot enter such a folder: its binaries
// and its data are then placed where it can (scripts/embedded-postgres.mjs). Not as root, it runs as the
// owner, who can. The checkout here is the script and the packages it needs, hard-linked (as `npm ci`
// would have put them: inside the private folder, not reachable through a link to this checkout).

const asRoot = process.getuid?.() === 0;
const made = new Set<string>();

function start(checkout: string, dataDir: string, port: number, ephemeral: boolean): { child: ChildProcess; ready: Promise<string> } {
  const args = [join(checkout, 'scripts', 'embedded-postgres.mjs'), dataDir, String(port), ...(ephemeral ? ['--ephemeral'] : [])];
  const child = spawn(process.execPath, args, { cwd: checkout, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr!.on('data', (d) => (err += String(d)));
  const ready = new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (d) => {
      out += String(d);
      const line = out.split('\n').find((l) => l.includes('"ready"'));
      if (line) {
        // The copy of the binaries made for this temporary checkout goes with it.
        const copy = /running the PostgreSQL binaries from (\S+)/.exec(err)?.[1];
        if (copy) made.add(copy);
        resolve(err);
      }
    });
    child.once('exit', (code) => reject(new Error(`embedded PostgreSQL exited (${code}) before it was ready: ${err}`)));
  });
  return { child, ready };
}

async function query(port: number, sql: string): Promise<unknown[]> {
  const client = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', password: 'postgres', database: 'mla' });
  await client.connect();
  try {
    return (await client.query(sql)).rows;
  } finally {
    await client.end();
  }
}

describe('the embedded PostgreSQL started from a checkout in a private (0700) folder', () => {
  let home: string;
  let checkout: string;
  const running: ChildProcess[] = [];

  beforeAll(() => {
    home = mkdtempSync(join(tmpdir(), 'private-checkout-'));
    expect(statSync(home).mode & 0o777).toBe(0o700);
    checkout = join(home, 'engine');
    mkdirSync(join(checkout, 'scripts'), { recursive: true });
    copyFileSync(join(ROOT, 'package.json'), join(checkout, 'package.json'));
    copyFileSync(join(ROOT, 'scripts', 'embedded-postgres.mjs'), join(checkout, 'scripts', 'embedded-postgres.mjs'));
    // Hard links (cp -al): the packages live inside the private folder, as after `npm ci` there.
    const modules = realpathSync(join(ROOT, 'node_modules'));
    const r = spawnSync('cp', ['-al', modules, join(checkout, 'node_modules')], { stdio: 'inherit' });
    if (r.status !== 0) throw new Error(`could not copy ${modules} into ${checkout}`);
  }, 120_000);

  afterAll(async () => {
    await Promise.all(running.map((c) => stopChild(c)));
    for (const dir of [home, ...made]) rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it('starts an ephemeral one (as the test suites do), serves queries, and leaves nothing when stopped', async () => {
    const port = await freePort();
    const dataDir = join(checkout, '.data', 'test-pg');
    const { child, ready } = start(checkout, dataDir, port, true);
    running.push(child);
    const notes = await ready;
    expect(await query(port, 'SELECT 1 AS one')).toEqual([{ one: 1 }]);
    let placed: string | undefined;
    if (asRoot) {
      // The postgres user could not have entered the private folder: both binaries and data were placed elsewhere.
      expect(notes).toContain(`the postgres user cannot enter ${realpathSync(home)}`);
      placed = ((await query(port, 'SHOW data_directory')) as Array<{ data_directory: string }>)[0].data_directory;
      expect(placed.startsWith(realpathSync(home))).toBe(false);
      const [{ usename }] = (await query(port, 'SELECT usename FROM pg_stat_activity WHERE pid = pg_backend_pid()')) as Array<{ usename: string }>;
      expect(usename).toBe('postgres');
    }
    await stopChild(child);
    if (placed) expect(existsSync(placed)).toBe(false);
  }, 120_000);

  it('keeps a persistent one (as `npm start` does) across restarts, reachable from where it was asked to be', async () => {
    const dataDir = join(checkout, '.data', 'postgres');
    const port = await freePort();
    const first = start(checkout, dataDir, port, false);
    running.push(first.child);
    await first.ready;
    await query(port, "CREATE TABLE kept AS SELECT 'still here' AS note");
    await stopChild(first.child);
    const again = start(checkout, dataDir, port, false);
    running.push(again.child);
    await again.ready;
    expect(await query(port, 'SELECT note FROM kept')).toEqual([{ note: 'still here' }]);
    await stopChild(again.child);
    if (asRoot) {
      // A link where the data was asked to be, to the folder the postgres user can reach; removed with it here.
      const target = readlinkSync(dataDir);
      expect(target.startsWith(realpathSync(home))).toBe(false);
      rmSync(join(target, '..'), { recursive: true, force: true });
    }
  }, 180_000);

  it('still refuses at once, with the fix, when no place the postgres user can reach is left', async () => {
    if (!asRoot) return expect(asRoot).toBe(false); // only root hands PostgreSQL to another user
    const closed = mkdtempSync(join(tmpdir(), 'closed-run-dir-'));
    chmodSync(closed, 0o700);
    const port = await freePort();
    const child = spawn(process.execPath, [join(checkout, 'scripts', 'embedded-postgres.mjs'), join(checkout, '.data', 'x'), String(port), '--ephemeral'], {
      env: { ...process.env, EMBEDDED_POSTGRES_RUN_DIR: closed },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    running.push(child);
    let err = '';
    child.stderr!.on('data', (d) => (err += String(d)));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    rmSync(closed, { recursive: true, force: true });
    expect(code).toBe(1);
    expect(err).toContain('set EMBEDDED_POSTGRES_RUN_DIR to a folder every user may enter');
  }, 60_000);
});
