import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { NativeConnection, Worker } from '@temporalio/worker';
import { DataSource } from 'typeorm';
import type { TemporalConfig } from '../../../libs/config/src';
import { createCaseProjectionActivities } from '../../../activities';
import { MonitoringQueries } from '../../../libs/persistence/src';

export const WORKER_OPTIONS = Symbol('WORKER_OPTIONS');
export interface WorkerOptions {
  temporal: TemporalConfig;
  workflowBundlePath: string;
}

/** Runs the Temporal worker for the life of the application context and drains it on shutdown. */
@Injectable()
export class WorkerService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('worker');
  private connection?: NativeConnection;
  private worker?: Worker;
  private running?: Promise<void>;
  private statsTimer?: NodeJS.Timeout;

  constructor(
    @Inject(WORKER_OPTIONS) private readonly options: WorkerOptions,
    @Inject(DataSource) private readonly dataSource: DataSource,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { temporal, workflowBundlePath } = this.options;
    this.connection = await NativeConnection.connect({ address: temporal.address });
    this.worker = await Worker.create({
      connection: this.connection,
      namespace: temporal.namespace,
      taskQueue: temporal.taskQueue,
      workflowBundle: { codePath: workflowBundlePath },
      activities: createCaseProjectionActivities({ dataSource: this.dataSource }),
    });
    this.running = this.worker.run();
    // A worker that dies must take the process down, so that a supervisor restarts it.
    this.running.catch((err) => {
      this.logger.error(`worker stopped: ${err instanceof Error ? err.message : String(err)}`);
      process.exitCode = 1;
      process.kill(process.pid, 'SIGTERM');
    });
    this.logger.log(`polling task queue ${temporal.taskQueue} on ${temporal.address} (namespace ${temporal.namespace})`);
    this.scheduleStatisticsRefresh();
  }

  /** Keeps the statistics pre-aggregates fresh (STATS_REFRESH_SECONDS, default 300; 0 turns it off). */
  private scheduleStatisticsRefresh(): void {
    const seconds = Number(process.env.STATS_REFRESH_SECONDS ?? 300);
    if (!Number.isFinite(seconds) || seconds <= 0) return;
    const queries = new MonitoringQueries(this.dataSource);
    let busy = false;
    const refresh = () => {
      if (busy) return;
      busy = true;
      queries
        .refreshStatistics()
        .catch((err) => this.logger.warn(`statistics refresh failed: ${err instanceof Error ? err.message : String(err)}`))
        .finally(() => (busy = false));
    };
    refresh();
    this.statsTimer = setInterval(refresh, seconds * 1000);
    this.statsTimer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.statsTimer) clearInterval(this.statsTimer);
    if (this.worker && this.worker.getState() === 'RUNNING') this.worker.shutdown();
    await this.running?.catch(() => undefined);
    await this.connection?.close();
  }
}
