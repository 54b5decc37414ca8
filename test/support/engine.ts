import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Client, Connection } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { createApi } from '../../apps/api/src/bootstrap';
import {
  createCaseProjectionActivities,
  createNotificationActivities,
  createPersonRegistryActivities,
  createStatisticsActivities,
  loadMailTemplates,
} from '../../activities';
import { createTransport } from 'nodemailer';
import { kickNotificationDispatch, startDeliveryWorkflow } from '../../libs/temporal/src';
import type { DeliveryRetry } from '../../libs/contracts/src';
import { LOCAL_PERSON_KEY_SECRET, type AppConfig } from '../../libs/config/src';
import { createDataSource } from '../../libs/persistence/src';
import { loadSeeds } from '../../seeds/loader';
import { buildWorkflowBundle } from '../../scripts/build-workflow-bundle';
import { ensureLocalKeyPair, mintToken } from '../../scripts/local-auth';
import { ROOT, temporalTestServerPath } from '../../scripts/tools.cjs';
import { caseStatusQuery as statusQuery } from '../../libs/contracts/src';
import { WORKFLOW_TYPE_OF, caseWorkflowId } from '../../libs/contracts/src';
import { startPostgres, startTemporalDevServer } from './servers';
import { ensureLocalDatabaseRoles } from '../../scripts/local-database-roles';
import { engineDataConverter } from '../../libs/temporal/src';
import { sanitizingActivityInterceptors } from '../../apps/worker/src/activity-errors';
import type { CodecKeyRing } from '../../libs/config/src';

/** A fresh key ring per suite, rotated once, so every engine test runs with payloads sealed as in production. */
export function testCodecKeys(): CodecKeyRing {
  return { current: 'test-2', keys: { 'test-1': randomBytes(32), 'test-2': randomBytes(32) } };
}

export const TEST_BUNDLE = join(ROOT, 'dist', 'workflow-bundle.js');

/** Builds the workflow bundle unless the test runner already did in this run. */
export async function ensureBundle(): Promise<string> {
  if (!existsSync(TEST_BUNDLE) || process.env.REBUILD_WORKFLOW_BUNDLE === '1') await buildWorkflowBundle(TEST_BUNDLE);
  return TEST_BUNDLE;
}

let runtimeInstalled = false;
/** One Temporal runtime per process, quiet unless something is wrong. */
export function quietRuntime(): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  Runtime.install({ logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error: (m: string) => process.stderr.write(`${m}\n`) } as never });
}

/** Deliveries retried quickly, so a suite sees a receiver that was down get its notifications in seconds. */
export const TEST_DELIVERY_RETRY: DeliveryRetry = { initialIntervalMs: 500, maximumIntervalMs: 2000, maximumAttempts: 60 };

export interface Engine {
  baseUrl: string;
  /** The table owner's connection (migrations, seeds, and suites that inspect or tamper with rows). */
  db: DataSource;
  /** superuser, owner (migrations) and engine (the API and the worker run as it). */
  databaseUrls: { superuser: string; owner: string; engine: string };
  /** Present when the engine runs on the time-skipping test server: the suite drives the clock. */
  timeSkipping?: TestWorkflowEnvironment;
  /** The engine's Temporal client and task queue, for suites that reach a workflow without the API (fault injection). */
  temporal: { client: Client; taskQueue: string };
  /** Waits until Postgres shows every event the case's workflow has produced. */
  settle(caseId: string): Promise<void>;
  token(userId: string): Promise<string>;
  /** The local issuer's key files, for suites that sign tokens of their own (ages, lifetimes). */
  authKeys: { privateKeyFile: string; publicKeyFile: string };
  request(
    method: string,
    path: string,
    opts?: { token?: string; body?: unknown; headers?: Record<string, string> },
  ): Promise<{ status: number; body: any; headers: Headers }>;
  stop(): Promise<void>;
}

/**
 * The whole engine for an e2e suite: a real Temporal dev server, a real Postgres migrated and
 * seeded, the worker on the production bundle, and the HTTP API on a free port.
 */
export async function startEngine(
  options: {
    temporal?: 'dev-server' | 'time-skipping';
    commandWaitMs?: number;
    auth?: Partial<AppConfig['auth']>;
    rateLimit?: NonNullable<AppConfig['api']['rateLimit']>;
    /** Where documents are stored and their size limit (default: PostgreSQL, 50 MiB). */
    documents?: AppConfig['documents'];
    /** Mail through this SMTP server (else nobody is mailed), and the backoff of deliveries (default: fast, for tests). */
    notifications?: { smtpUrl?: string; retry?: DeliveryRetry };
  } = {},
): Promise<Engine> {
  quietRuntime();
  // What has started so far, stopped in reverse order when a later step fails: a suite whose setup
  // fails ends with the cause and leaves no server behind (jest would otherwise wait on them).
  const started: Array<{ what: string; stop: () => Promise<unknown> | unknown }> = [];
  const onFailure = async (err: unknown): Promise<never> => {
    for (const { what, stop } of started.reverse()) {
      try {
        await stop();
      } catch (stopErr) {
        process.stderr.write(`startEngine: stopping ${what} after a failed start: ${String(stopErr)}\n`);
      }
    }
    throw err;
  };
  try {
    return await startEngineSteps(options, (what, stop) => started.push({ what, stop }));
  } catch (err) {
    return onFailure(err);
  }
}

async function startEngineSteps(
  options: Parameters<typeof startEngine>[0] & object,
  started: (what: string, stop: () => Promise<unknown> | unknown) => void,
): Promise<Engine> {
  const bundle = await ensureBundle();
  const codecKeys = testCodecKeys();
  const dataConverter = engineDataConverter(codecKeys);
  const timeSkipping =
    options.temporal === 'time-skipping'
      ? await TestWorkflowEnvironment.createTimeSkipping({
          server: { executable: { type: 'existing-path', path: temporalTestServerPath() } },
          client: { dataConverter },
        })
      : undefined;
  if (timeSkipping) started('the time-skipping server', () => timeSkipping.teardown());
  // Side by side; when one fails, the other is still stopped once it is up.
  const [postgresStart, temporalStart] = await Promise.allSettled([
    startPostgres(),
    timeSkipping ? Promise.resolve({ address: timeSkipping.address, stop: async () => {} }) : startTemporalDevServer(),
  ]);
  if (postgresStart.status === 'fulfilled') started('PostgreSQL', () => postgresStart.value.stop());
  if (temporalStart.status === 'fulfilled') started('the Temporal dev server', () => temporalStart.value.stop());
  if (postgresStart.status === 'rejected') throw postgresStart.reason;
  if (temporalStart.status === 'rejected') throw temporalStart.reason;
  const postgres = postgresStart.value;
  const temporal = temporalStart.value;
  const roles = await ensureLocalDatabaseRoles(postgres.url);
  const keysDir = mkdtempSync(join(ROOT, '.data', 'test-keys-'));
  started('the test keys', () => rmSync(keysDir, { recursive: true, force: true }));
  const keys = await ensureLocalKeyPair(keysDir);
  const taskQueue = `e2e-${process.pid}`;
  const config: AppConfig = {
    database: { url: roles.engineUrl, ownerUrl: roles.ownerUrl },
    temporal: { address: temporal.address, namespace: 'default', taskQueue, codecKeys },
    auth: { issuer: 'mla-engine-test', audience: 'mla-engine', publicKeyFile: keys.publicKeyFile, algorithms: ['ES256'], ...options.auth },
    api: {
      host: '127.0.0.1',
      port: 0,
      commandWaitMs: options.commandWaitMs,
      ...(options.rateLimit ? { rateLimit: options.rateLimit } : {}),
      // Receivers started by the suites listen on plain http, on this machine.
      webhookHttpHosts: ['127.0.0.1', 'localhost'],
    },
    logLevel: 'error',
    ...(options.documents ? { documents: options.documents } : {}),
  };

  const db = await createDataSource(roles.ownerUrl).initialize();
  started('the owner connection', () => db.destroy());
  await db.runMigrations({ transaction: 'each' });
  await loadSeeds(db);
  const engineDb = await createDataSource(roles.engineUrl).initialize();
  started('the engine connection', () => engineDb.destroy());

  const connection = timeSkipping ? timeSkipping.nativeConnection : await NativeConnection.connect({ address: temporal.address });
  if (!timeSkipping) started('the worker connection', () => connection.close());
  const clientConnection = timeSkipping ? undefined : await Connection.connect({ address: temporal.address });
  if (clientConnection) started('the client connection', () => clientConnection.close());
  const client = timeSkipping ? timeSkipping.client : new Client({ connection: clientConnection!, dataConverter });
  const worker = await Worker.create({
    dataConverter,
    connection,
    namespace: 'default',
    taskQueue,
    workflowBundle: { codePath: bundle },
    // As in production (apps/worker/src/worker.service.ts): activity failures leave by their facts only.
    interceptors: { activity: [sanitizingActivityInterceptors] },
    activities: {
      ...createCaseProjectionActivities({ dataSource: engineDb, onNotifications: () => kickNotificationDispatch(client, taskQueue) }),
      ...createNotificationActivities({
        dataSource: engineDb,
        templates: loadMailTemplates(),
        mailer: options.notifications?.smtpUrl ? createTransport(options.notifications.smtpUrl) : undefined,
        config: {
          webhookRetry: options.notifications?.retry ?? TEST_DELIVERY_RETRY,
          mailRetry: options.notifications?.retry ?? TEST_DELIVERY_RETRY,
          webhookTimeoutMs: 5000,
          mail: options.notifications?.smtpUrl ? { from: 'MLA engine <no-reply@mla-engine.test>', caseUrl: 'http://127.0.0.1/cases/{caseId}' } : undefined,
          batchSize: 100,
        },
        startDelivery: (input) => startDeliveryWorkflow(client, taskQueue, input),
      }),
      ...createPersonRegistryActivities({ client, taskQueue, personKeySecret: LOCAL_PERSON_KEY_SECRET }),
      ...createStatisticsActivities({ dataSource: engineDb }),
    },
  });
  const running = worker.run();
  started('the worker', async () => {
    worker.shutdown();
    await running;
  });

  const app: NestFastifyApplication = await createApi(config, false);
  started('the API', () => app.close());
  await app.listen({ host: '127.0.0.1', port: 0 });
  const baseUrl = (await app.getUrl()).replace('[::1]', '127.0.0.1');

  return {
    baseUrl,
    db,
    databaseUrls: { superuser: postgres.url, owner: roles.ownerUrl, engine: roles.engineUrl },
    timeSkipping,
    temporal: { client, taskQueue },
    async settle(caseId) {
      for (let i = 0; i < 200; i++) {
        const [row] = await db.query(`SELECT kind, version FROM cases WHERE id = $1`, [caseId]);
        // Every kind of case: its kind from Postgres once projected, else each kind's workflow id in turn.
        let seq: number | undefined;
        for (const kind of row ? [row.kind as string] : Object.keys(WORKFLOW_TYPE_OF)) {
          try {
            seq = (await client.workflow.getHandle(caseWorkflowId(kind, caseId)).query(statusQuery)).seq;
            break;
          } catch {
            // not this kind, or the workflow has ended
          }
        }
        if (seq === undefined) return; // the workflow has ended: everything it produced was projected before it did
        if (row && row.version === seq) return;
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error(`case ${caseId} did not settle`);
    },
    authKeys: keys,
    token: (userId) => mintToken({ privateKeyFile: keys.privateKeyFile, subject: userId, issuer: 'mla-engine-test', audience: 'mla-engine' }),
    async request(method, path, opts = {}) {
      const headers: Record<string, string> = { ...(opts.headers ?? {}) };
      if (opts.token) headers.authorization = `Bearer ${opts.token}`;
      if (opts.body !== undefined) headers['content-type'] = 'application/json';
      const res = await fetch(`${baseUrl}${path}`, {
        method,
        headers,
        body: opts.body === undefined ? undefined : typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body),
      });
      const text = await res.text();
      let body: unknown = text;
      try {
        body = text ? JSON.parse(text) : null;
      } catch {}
      return { status: res.status, body, headers: res.headers };
    },
    async stop() {
      await app.close();
      worker.shutdown();
      await running;
      if (!timeSkipping) await connection.close();
      await clientConnection?.close();
      await engineDb.destroy();
      await db.destroy();
      await Promise.all([temporal.stop(), postgres.stop(), timeSkipping?.teardown()]);
      rmSync(keysDir, { recursive: true, force: true });
    },
  };
}
