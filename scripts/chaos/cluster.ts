import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ensureLocalKeyPair, mintToken, type LocalKeyFiles } from '../local-auth';
import { ensureLocalDatabaseRoles } from '../local-database-roles';
import { ManagedProcess, apiSpec, embeddedPostgresSpec, freePort, postgresUrl, temporalDevServerSpec, workerSpec, type ExitRecord } from './processes';

/**
 * The engine as several processes on one machine: one PostgreSQL (embedded), one Temporal dev server,
 * migrations and seeds as a one-shot step, then `workers` workers and `apis` API processes from dist/,
 * all on the same task queue and database. `npm run start:cluster`, `npm run chaos` and the cluster
 * suites start it the same way.
 */
export interface ClusterOptions {
  root: string;
  /** PostgreSQL's data folder, the Temporal database file and the key pair live here. */
  dataDir: string;
  logDir: string;
  apis: number;
  workers: number;
  /** Environment every engine process gets on top of the computed one (LOG_LEVEL, STATS_REFRESH_SECONDS …). */
  env?: NodeJS.ProcessEnv;
  /** Run the API and the worker as the engine role (as in production) rather than as the superuser. */
  engineRole?: boolean;
  /** Fixed API ports (as many as `apis`); free ones otherwise. */
  apiPorts?: number[];
  say?: (m: string) => void;
}

export interface Cluster {
  postgres: ManagedProcess;
  temporal: ManagedProcess;
  workers: ManagedProcess[];
  apis: ManagedProcess[];
  /** Every process, in start order. */
  procs: ManagedProcess[];
  exits: ExitRecord[];
  env: NodeJS.ProcessEnv;
  keys: LocalKeyFiles;
  apiUrls: string[];
  /** host:port of each worker's /health routes, in the order of `workers`. */
  workerHealthUrls: string[];
  databaseUrl: string;
  temporalAddress: string;
  pgPort: number;
  temporalPorts: { port: number; httpPort: number; metricsPort: number };
  token(userId: string, ttlSeconds?: number): Promise<string>;
  /** APIs first (no new requests), then workers (they drain), Temporal, PostgreSQL. */
  close(): Promise<void>;
}

export const CLUSTER_ISSUER = 'mla-engine-local';
export const CLUSTER_AUDIENCE = 'mla-engine';

export async function startCluster(o: ClusterOptions): Promise<Cluster> {
  const say = o.say ?? (() => undefined);
  const exits: ExitRecord[] = [];
  const procs: ManagedProcess[] = [];
  let closing: Promise<void> | null = null;
  const close = () =>
    (closing ??= (async () => {
      for (const prefix of ['api', 'worker', 'temporal', 'postgres']) {
        await Promise.all(procs.filter((p) => p.name.startsWith(prefix)).map((p) => p.close().catch(() => undefined)));
      }
    })());
  mkdirSync(o.dataDir, { recursive: true });
  mkdirSync(o.logDir, { recursive: true });
  try {
    const pgPort = await freePort();
    const temporalPorts = { port: await freePort(), httpPort: await freePort(), metricsPort: await freePort() };
    const apiPorts = o.apiPorts ?? (await Promise.all(Array.from({ length: o.apis }, () => freePort())));
    const healthPorts = await Promise.all(Array.from({ length: o.workers }, () => freePort()));
    const postgres = new ManagedProcess(embeddedPostgresSpec(o.root, join(o.dataDir, 'postgres'), pgPort), o.logDir, exits, say);
    const temporal = new ManagedProcess(temporalDevServerSpec(o.root, join(o.dataDir, 'temporal.db'), temporalPorts), o.logDir, exits, say);
    procs.push(postgres, temporal);
    say('starting PostgreSQL and the Temporal dev server');
    await Promise.all([postgres.start(), temporal.start()]);

    const superuser = postgresUrl(pgPort);
    const roles = o.engineRole ? await ensureLocalDatabaseRoles(superuser) : { ownerUrl: superuser, engineUrl: superuser };
    const keys = await ensureLocalKeyPair(join(o.dataDir, 'keys'));
    const temporalAddress = `127.0.0.1:${temporalPorts.port}`;
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      DATABASE_URL: roles.engineUrl,
      DATABASE_OWNER_URL: roles.ownerUrl,
      TEMPORAL_ADDRESS: temporalAddress,
      AUTH_PUBLIC_KEY_FILE: keys.publicKeyFile,
      AUTH_ISSUER: CLUSTER_ISSUER,
      AUTH_AUDIENCE: CLUSTER_AUDIENCE,
      SEED_DEMO_USERS: 'true',
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
      ...o.env,
    };
    say('applying migrations and seeds');
    const seeded = spawnSync(process.execPath, [join(o.root, 'dist/seeds/run.js')], { cwd: o.root, env, encoding: 'utf8' });
    if (seeded.status !== 0) throw new Error(`migrations and seeds failed: ${seeded.stderr || seeded.stdout}`);

    const letter = (i: number) => String.fromCharCode(97 + i);
    const workers = healthPorts.map((port, i) => new ManagedProcess(workerSpec(o.root, `worker-${letter(i)}`, env, port), o.logDir, exits, say));
    const apis = apiPorts.map((port, i) => new ManagedProcess(apiSpec(o.root, `api-${letter(i)}`, port, env), o.logDir, exits, say));
    procs.push(...workers, ...apis);
    say(`starting ${workers.length} worker(s) and ${apis.length} API process(es)`);
    await Promise.all([...workers, ...apis].map((p) => p.start()));
    return {
      postgres,
      temporal,
      workers,
      apis,
      procs,
      exits,
      env,
      keys,
      apiUrls: apiPorts.map((p) => `http://127.0.0.1:${p}`),
      workerHealthUrls: healthPorts.map((p) => `http://127.0.0.1:${p}`),
      databaseUrl: superuser,
      temporalAddress,
      pgPort,
      temporalPorts,
      token: (userId, ttlSeconds = 6 * 3600) =>
        mintToken({ privateKeyFile: keys.privateKeyFile, subject: userId, issuer: CLUSTER_ISSUER, audience: CLUSTER_AUDIENCE, ttlSeconds }),
      close,
    };
  } catch (err) {
    // A start that fails half way stops what it had started.
    await close();
    throw err;
  }
}
