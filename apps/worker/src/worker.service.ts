import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Client } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { DataSource } from 'typeorm';
import type { TemporalConfig } from '../../../libs/config/src';
import { createCaseProjectionActivities, createPersonRegistryActivities, createStatisticsActivities } from '../../../activities';
import { engineDataConverter } from '../../../libs/temporal/src';
import { ensureStatisticsSchedule } from './statistics-schedule';
import { sanitizingActivityInterceptors } from './activity-errors';
import { describeError } from '../../../libs/logging/src';

export const WORKER_OPTIONS = Symbol('WORKER_OPTIONS');
export interface WorkerOptions {
  temporal: TemporalConfig;
  workflowBundlePath: string;
  /** PERSON_KEY_SECRET: hides person identifiers in the person workflows' ids. */
  personKeySecret: string;
  /** STATS_REFRESH_SECONDS: period of the `statistics-refresh` Schedule; 0 deletes it. */
  statisticsRefreshSeconds: number;
}

/** Runs the Temporal worker for the life of the application context and drains it on shutdown. */
@Injectable()
export class WorkerService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('worker');
  private connection?: NativeConnection;
  private worker?: Worker;
  private running?: Promise<void>;

  constructor(
    @Inject(WORKER_OPTIONS) private readonly options: WorkerOptions,
    @Inject(DataSource) private readonly dataSource: DataSource,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { temporal, workflowBundlePath } = this.options;
    this.connection = await NativeConnection.connect({ address: temporal.address });
    // One sealing converter for the worker and for the client its activities signal the person workflows with.
    const dataConverter = engineDataConverter(temporal.codecKeys);
    const client = new Client({ connection: this.connection, namespace: temporal.namespace, dataConverter });
    this.worker = await Worker.create({
      dataConverter,
      connection: this.connection,
      namespace: temporal.namespace,
      taskQueue: temporal.taskQueue,
      workflowBundle: { codePath: workflowBundlePath },
      // Activity failures are logged and recorded by their facts only, never with a statement's parameters.
      interceptors: { activity: [sanitizingActivityInterceptors] },
      activities: {
        ...createCaseProjectionActivities({ dataSource: this.dataSource }),
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
    this.logger.log(`polling task queue ${temporal.taskQueue} on ${temporal.address} (namespace ${temporal.namespace})`);
    await this.ensureStatisticsSchedule(client);
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

  async onApplicationShutdown(): Promise<void> {
    if (this.worker && this.worker.getState() === 'RUNNING') this.worker.shutdown();
    await this.running?.catch(() => undefined);
    await this.connection?.close();
  }
}
