import { getHeapStatistics } from 'node:v8';
import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Client } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { DataSource } from 'typeorm';
import { createTransport } from 'nodemailer';
import type { NotificationsConfig, TemporalConfig, WorkerSizing } from '../../../libs/config/src';
import {
  createCaseProjectionActivities,
  createNotificationActivities,
  createPersonRegistryActivities,
  createStatisticsActivities,
  loadMailTemplates,
} from '../../../activities';
import { engineDataConverter, kickNotificationDispatch, startDeliveryWorkflow } from '../../../libs/temporal/src';
import { ensureNotificationDigestSchedule } from './notification-schedule';
import { ensureStatisticsSchedule } from './statistics-schedule';
import { sanitizingActivityInterceptors } from './activity-errors';
import { describeError } from '../../../libs/logging/src';
import { probe, readiness, type Check, type Liveness, type Readiness } from '../../../libs/health/src';
import { startHealthServer, type WorkerHealthSource } from './health-server';

export const WORKER_OPTIONS = Symbol('WORKER_OPTIONS');
export interface WorkerOptions {
  temporal: TemporalConfig;
  workflowBundlePath: string;
  /** PERSON_KEY_SECRET: hides person identifiers in the person workflows' ids. */
  personKeySecret: string;
  /** STATS_REFRESH_SECONDS: period of the `statistics-refresh` Schedule; 0 deletes it. */
  statisticsRefreshSeconds: number;
  /** WORKER_HEALTH_ADDRESS: host:port of /health/live and /health/ready; null for none. */
  healthAddress?: string | null;
  /** Cache and concurrency (WORKER_* settings); the SDK's defaults when absent. */
  sizing?: WorkerSizing;
  /** Webhook and mail delivery (SMTP_URL, NOTIFY_DIGEST_HOUR, WEBHOOK_RETRY_*); absent, webhooks only and no digest. */
  notifications?: NotificationsConfig;
}

/** Runs the Temporal worker for the life of the application context and drains it on shutdown. */
@Injectable()
export class WorkerService implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown, WorkerHealthSource {
  private readonly logger = new Logger('worker');
  private connection?: NativeConnection;
  private worker?: Worker;
  private running?: Promise<void>;
  private stopping = false;
  private health?: { port: number; close(): Promise<void> };

  constructor(
    @Inject(WORKER_OPTIONS) private readonly options: WorkerOptions,
    @Inject(DataSource) private readonly dataSource: DataSource,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { temporal, workflowBundlePath } = this.options;
    // Up before Temporal is reached: while the worker connects, live says so and ready says why not.
    if (this.options.healthAddress) {
      this.health = await startHealthServer(this.options.healthAddress, this);
      this.logger.log(`health on http://${this.options.healthAddress.replace(/:\d+$/, '')}:${this.health.port}/health/live and /health/ready`);
    }
    this.connection = await NativeConnection.connect({ address: temporal.address });
    // One sealing converter for the worker and for the client its activities signal the person workflows with.
    const dataConverter = engineDataConverter(temporal.codecKeys);
    const client = new Client({ connection: this.connection, namespace: temporal.namespace, dataConverter });
    const sizing = this.options.sizing;
    const cached = sizing ? cacheThatFits(sizing.maxCachedWorkflows, (m) => this.logger.warn(m)) : undefined;
    const notifications = this.options.notifications ?? WEBHOOKS_ONLY;
    const kick = () => kickNotificationDispatch(client, temporal.taskQueue);
    this.worker = await Worker.create({
      ...(sizing
        ? {
            maxCachedWorkflows: cached,
            maxConcurrentWorkflowTaskExecutions: sizing.maxConcurrentWorkflowTasks,
            maxConcurrentActivityTaskExecutions: sizing.maxConcurrentActivities,
            stickyQueueScheduleToStartTimeout: `${sizing.stickyQueueTimeoutSeconds} seconds`,
          }
        : {}),
      dataConverter,
      connection: this.connection,
      namespace: temporal.namespace,
      taskQueue: temporal.taskQueue,
      workflowBundle: { codePath: workflowBundlePath },
      // Activity failures are logged and recorded by their facts only, never with a statement's parameters.
      interceptors: { activity: [sanitizingActivityInterceptors] },
      activities: {
        ...createCaseProjectionActivities({ dataSource: this.dataSource, onNotifications: kick }),
        ...createNotificationActivities({
          dataSource: this.dataSource,
          templates: loadMailTemplates(),
          mailer: notifications.smtpUrl ? createTransport(notifications.smtpUrl) : undefined,
          config: notificationDeliveryConfig(notifications),
          startDelivery: (input) => startDeliveryWorkflow(client, temporal.taskQueue, input),
        }),
        ...createPersonRegistryActivities({ client, taskQueue: temporal.taskQueue, personKeySecret: this.options.personKeySecret }),
        ...createStatisticsActivities({ dataSource: this.dataSource }),
      },
    });
    this.running = this.worker.run();
    // A worker that dies must take the process down, so that a supervisor restarts it.
    this.running.catch((err) => {
      this.logger.error(`worker stopped: ${describeError(err)}`);
      process.exitCode = 1;
      process.kill(process.pid, 'SIGTERM');
    });
    this.logger.log(
      `polling task queue ${temporal.taskQueue} on ${temporal.address} (namespace ${temporal.namespace})` +
        (sizing
          ? `; caching up to ${cached} workflows, ${sizing.maxConcurrentWorkflowTasks} workflow tasks and ${sizing.maxConcurrentActivities} activities at once`
          : ''),
    );
    await this.ensureStatisticsSchedule(client);
    await this.ensureNotificationDelivery(client, kick);
  }

  /** The daily digest's Schedule, and a dispatch at start for whatever waited while no worker ran. */
  private async ensureNotificationDelivery(client: Client, kick: () => Promise<void>): Promise<void> {
    const hourUtc = (this.options.notifications ?? WEBHOOKS_ONLY).digestHourUtc;
    try {
      const change = await ensureNotificationDigestSchedule(client, { taskQueue: this.options.temporal.taskQueue, hourUtc });
      this.logger.log(`notification-digest schedule ${change}${hourUtc >= 0 ? ` (daily at ${hourUtc}:00 UTC)` : ''}`);
      await kick();
    } catch (err) {
      this.logger.error(`notification delivery not started: ${describeError(err)}`);
    }
  }

  /** Every replica does this at start; Temporal keeps one Schedule, so the refresh runs once per tick. */
  private async ensureStatisticsSchedule(client: Client): Promise<void> {
    const everySeconds = this.options.statisticsRefreshSeconds;
    try {
      const change = await ensureStatisticsSchedule(client, { taskQueue: this.options.temporal.taskQueue, everySeconds });
      this.logger.log(`statistics-refresh schedule ${change}${everySeconds > 0 ? ` (every ${everySeconds} s)` : ''}`);
    } catch (err) {
      // Cases do not depend on it: keep serving them, and say so loudly.
      this.logger.error(`statistics-refresh schedule not ensured: ${describeError(err)}`);
    }
  }

  live(): Liveness {
    return { status: this.stopping ? 'stopping' : 'live' };
  }

  /** Ready when Postgres and the namespace answer and the worker polls its task queue; not while it stops. */
  async ready(): Promise<Readiness<Record<string, Check>>> {
    const { namespace } = this.options.temporal;
    const connection = this.connection;
    const [postgres, temporal] = await Promise.all([
      probe(() => this.dataSource.query('SELECT 1')),
      probe(async () => {
        if (!connection) throw new Error('not connected yet');
        await connection.workflowService.describeNamespace({ namespace });
      }),
    ]);
    return readiness({ postgres, temporal, polling: this.pollingCheck() }, this.stopping);
  }

  private pollingCheck(): Check {
    if (!this.worker) return { status: 'down', latencyMs: 0, error: 'the worker is not created yet' };
    const s = this.worker.getStatus();
    const up = s.runState === 'RUNNING' && s.workflowPollerState === 'POLLING' && s.activityPollerState === 'POLLING';
    return up
      ? { status: 'up', latencyMs: 0 }
      : { status: 'down', latencyMs: 0, error: `worker ${s.runState}, workflow poller ${s.workflowPollerState}, activity poller ${s.activityPollerState}` };
  }

  /** From the stop signal on, readiness answers 503 while the worker drains. */
  beforeApplicationShutdown(): void {
    this.stopping = true;
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.worker && this.worker.getState() === 'RUNNING') this.worker.shutdown();
    await this.running?.catch(() => undefined);
    await this.connection?.close();
    await this.health?.close();
  }
}

/** Heap a cached MLA case workflow takes, measured by `npm run bench:engine` (worker resident memory over open cases). */
export const CACHED_CASE_MB = 0.5;

/**
 * The cache asked for, or what the heap holds (300 MB for the rest, CACHED_CASE_MB per case) if less:
 * a cache larger than the heap ends the worker out of memory in the middle of a storm. Says what to give it.
 */
export function cacheThatFits(wanted: number, warn: (message: string) => void, heapLimitBytes = getHeapStatistics().heap_size_limit): number {
  const heapMb = Math.floor(heapLimitBytes / 2 ** 20);
  const fits = Math.max(100, Math.floor((heapMb - 300) / CACHED_CASE_MB));
  if (wanted <= fits) return wanted;
  warn(
    `the heap (${heapMb} MB) holds about ${fits} cached cases, not the ${wanted} asked for: caching ${fits}; ` +
      `give the worker NODE_OPTIONS=--max-old-space-size=${Math.ceil(300 + wanted * CACHED_CASE_MB)} (docs/operations.md, "Sizing the worker")`,
  );
  return fits;
}

const WEBHOOKS_ONLY: NotificationsConfig = {
  smtpFrom: 'MLA engine <no-reply@localhost>',
  caseUrl: 'http://127.0.0.1:3000/dashboard/#/cases/{caseId}',
  digestHourUtc: -1,
  retry: { initialIntervalMs: 5000, maximumIntervalMs: 3_600_000, maximumAttempts: 30 },
  webhookTimeoutMs: 10_000,
};

/** What the notification activities take from the worker's configuration. */
export function notificationDeliveryConfig(n: NotificationsConfig) {
  return {
    webhookRetry: n.retry,
    mailRetry: n.retry,
    webhookTimeoutMs: n.webhookTimeoutMs,
    mail: n.smtpUrl ? { from: n.smtpFrom, caseUrl: n.caseUrl } : undefined,
    batchSize: 100,
  };
}
