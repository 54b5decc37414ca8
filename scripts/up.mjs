// `npm start`: installs what is missing and runs the whole engine on embedded defaults:
// Temporal dev server (with its Web UI, state under .data/), PostgreSQL (embedded, under .data/),
// migrations, seeds, worker and API. Ctrl-C stops every process it started; so does a step that fails.
//   MLA_DATA_DIR     keep the state (Postgres, Temporal, keys) here instead of .data/
//   API_PORT (3000), PG_PORT (54329), TEMPORAL_PORT (7233), TEMPORAL_UI_PORT (8233),
//   WORKER_METRICS_ADDRESS (127.0.0.1:9464 or off)  where each part listens
//   DATABASE_URL     use this PostgreSQL instead of the embedded one
//   TEMPORAL_ADDRESS use this Temporal cluster instead of starting a dev server
//   AUTH_JWKS_URL or AUTH_PUBLIC_KEY_FILE (with AUTH_ISSUER, AUTH_AUDIENCE) use your OIDC issuer
//   TEMPORAL_CODEC_KEYS or TEMPORAL_CODEC_KEYS_FILE  use this key ring to seal Temporal payloads
//                    (else one is created in .data/keys/temporal-codec-keys.json on first run)
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import { createRequire } from 'node:module';
import { setTimeout as sleep } from 'node:timers/promises';

const require = createRequire(import.meta.url);
const ROOT = join(import.meta.dirname, '..');
const DATA = process.env.MLA_DATA_DIR ? resolve(process.env.MLA_DATA_DIR) : join(ROOT, '.data');
const tools = require('./tools.cjs');
const children = [];
const log = (m) => console.log(`[engine] ${m}`);

function runOrDie(cmd, args, env = process.env) {
  const r = spawnSync(cmd, args, { cwd: ROOT, stdio: 'inherit', env });
  if (r.status !== 0) throw new Error(`"${cmd} ${args.join(' ')}" failed`);
}

function start(name, cmd, args, env = process.env, { quiet = false } = {}) {
  const child = spawn(cmd, args, { cwd: ROOT, env, stdio: ['ignore', quiet ? 'pipe' : 'inherit', 'inherit'] });
  if (quiet) child.stdout.resume();
  return track(name, child);
}

/** Stopped by `shutdown`; when it exits on its own, everything stops. */
function track(name, child) {
  children.push({ name, child });
  child.on('exit', (code, signal) => {
    if (!shuttingDown) {
      console.error(`[engine] ${name} exited (${signal ?? code}); stopping everything`);
      void shutdown(1);
    }
  });
  return child;
}

let shuttingDown = false;
async function shutdown(code = 0) {
  if (shuttingDown) return;
  shuttingDown = true;
  log('stopping');
  // API first (no new commands), then the worker (drains), then Temporal and Postgres.
  for (const { name, child } of [...children].reverse()) {
    if (child.exitCode !== null || child.signalCode !== null) continue;
    child.kill('SIGTERM');
    const exited = await Promise.race([new Promise((r) => child.once('exit', () => r(true))), sleep(20000).then(() => false)]);
    if (!exited) {
      log(`${name} did not stop in 20 s; killing it`);
      child.kill('SIGKILL');
    }
  }
  process.exit(code);
}
process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));

async function waitFor(what, probe, timeoutMs = 60000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (await probe()) return;
    } catch {}
    if (Date.now() > deadline) throw new Error(`${what} did not come up in ${timeoutMs / 1000} s`);
    await sleep(300);
  }
}

/** The local key ring sealing Temporal payloads, made once and kept (losing it makes the sealed histories unreadable). */
function ensureLocalCodecKeys(dir) {
  const file = join(dir, 'temporal-codec-keys.json');
  if (existsSync(file)) return file;
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const id = `local-${new Date().toISOString().slice(0, 10)}`;
  writeFileSync(file, JSON.stringify({ current: id, keys: { [id]: randomBytes(32).toString('base64') } }, null, 2) + '\n', { mode: 0o600, flag: 'wx' });
  return file;
}

async function main() {
  if (!existsSync(join(ROOT, 'node_modules', '.package-lock.json'))) {
    log('installing dependencies (npm ci)');
    runOrDie('npm', ['ci', '--no-audit', '--no-fund']);
  }
  log('building (TypeScript and the workflow bundle)');
  runOrDie('npm', ['run', '--silent', 'build']);
  mkdirSync(DATA, { recursive: true });

  const env = { ...process.env };
  if (!env.TEMPORAL_CODEC_KEYS && !env.TEMPORAL_CODEC_KEYS_FILE) env.TEMPORAL_CODEC_KEYS_FILE = ensureLocalCodecKeys(join(DATA, 'keys'));

  if (!env.DATABASE_URL) {
    const port = env.PG_PORT ?? '54329';
    log(`starting embedded PostgreSQL on 127.0.0.1:${port} (data in ${join(DATA, 'postgres')})`);
    const { startEmbeddedPostgres } = require(join(ROOT, 'dist/scripts/embedded-postgres-process.js'));
    const pg = await startEmbeddedPostgres({
      dataDir: join(DATA, 'postgres'),
      port: Number(port),
      stderr: 'inherit',
      onSpawn: (child) => track('postgres', child),
    });
    // Migrations run as the role that owns the tables; the worker and the API as one that may only append to the audit trail.
    const { ensureLocalDatabaseRoles } = require(join(ROOT, 'dist/scripts/local-database-roles.js'));
    const roles = await ensureLocalDatabaseRoles(pg.url);
    env.DATABASE_OWNER_URL = roles.ownerUrl;
    env.DATABASE_URL = roles.engineUrl;
  }

  let temporalUi = env.TEMPORAL_UI_URL ?? null;
  if (!env.TEMPORAL_ADDRESS) {
    const cli = tools.temporalCliPath({ log });
    const port = env.TEMPORAL_PORT ?? '7233';
    const uiPort = env.TEMPORAL_UI_PORT ?? '8233';
    log(`starting the Temporal dev server on 127.0.0.1:${port} (state in ${join(DATA, 'temporal.db')})`);
    start(
      'temporal',
      cli,
      [
        'server',
        'start-dev',
        '--ip',
        '127.0.0.1',
        '--port',
        port,
        '--ui-port',
        uiPort,
        '--db-filename',
        join(DATA, 'temporal.db'),
        '--log-level',
        'warn',
        '--sqlite-pragma',
        'journal_mode=WAL',
        '--sqlite-pragma',
        'synchronous=OFF',
        // The UI shows sealed payloads; it decodes them through the API's codec endpoint, with an administrator's token.
        '--ui-codec-endpoint',
        `http://127.0.0.1:${env.API_PORT ?? '3000'}/codec`,
        // Operators find cases by kind, pair of States, state and escalation level (docs/operations.md).
        ...require(join(ROOT, 'dist/libs/contracts/src/search-attributes.contract.js')).devServerSearchAttributeFlags(),
      ],
      env,
      { quiet: true },
    );
    env.TEMPORAL_ADDRESS = `127.0.0.1:${port}`;
    env.TEMPORAL_SEARCH_ATTRIBUTES ??= 'on';
    temporalUi = `http://127.0.0.1:${uiPort}`;
    await waitFor('Temporal', async () => (await fetch(`${temporalUi}/api/v1/namespaces`)).ok);
  }

  if (!env.AUTH_JWKS_URL && !env.AUTH_PUBLIC_KEY_FILE) {
    const { ensureLocalKeyPair } = require(join(ROOT, 'dist/scripts/local-auth.js'));
    const keys = await ensureLocalKeyPair(join(DATA, 'keys'));
    env.AUTH_PUBLIC_KEY_FILE = keys.publicKeyFile;
    // The local issuer signs tokens for the demo users only: seed them here, and never with an issuer of your own.
    env.SEED_DEMO_USERS ??= 'true';
  }

  log('applying migrations and seeds');
  runOrDie(process.execPath, [join(ROOT, 'dist/seeds/run.js')], env);

  start('worker', process.execPath, [join(ROOT, 'dist/apps/worker/src/main.js')], env);
  const apiPort = env.API_PORT ?? '3000';
  env.API_PORT = apiPort;
  start('api', process.execPath, [join(ROOT, 'dist/apps/api/src/main.js')], env);
  const api = `http://127.0.0.1:${apiPort}`;
  await waitFor('the API', async () => (await fetch(`${api}/health/ready`)).ok, 90000);

  console.log(`
  MLA case-workflow engine is up
    API           ${api}
    OpenAPI docs  ${api}/docs
    Temporal UI   ${temporalUi ?? '(external cluster at ' + env.TEMPORAL_ADDRESS + ')'}
    Dashboard     ${api}/dashboard/
    Metrics       ${api}/metrics (admin token), worker http://${env.WORKER_METRICS_ADDRESS ?? '127.0.0.1:9464'}/metrics
    Health        ${api}/health/live and /health/ready, worker http://${env.WORKER_HEALTH_ADDRESS ?? '127.0.0.1:9465'}/health/ready
    PostgreSQL    ${env.DATABASE_URL.replace(/:[^:@/]*@/, ':***@')}
  A token for a seeded user:  npm run token -- u-sn-prosecutor
  Ctrl-C stops everything.
`);
}

main().catch((err) => {
  console.error(`[engine] ${err instanceof Error ? err.message : String(err)}`);
  void shutdown(1);
});
