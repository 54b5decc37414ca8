import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import type { CaseEventsRecord, CaseProjectionActivities } from '../../libs/contracts/src';
import { temporalTestServerPath } from '../../scripts/tools.cjs';
import { ensureBundle, quietRuntime } from './engine';

/**
 * The real time-skipping server with a worker on the production bundle, and an in-memory projection
 * that records every batch (and can be told to fail, as Postgres would when it is away).
 */
export class TimeSkippingHarness {
  env!: TestWorkflowEnvironment;
  readonly records = new Map<string, CaseEventsRecord[]>();
  failNext = 0;
  private worker?: Worker;
  private running?: Promise<void>;

  constructor(readonly taskQueue: string) {}

  async start(): Promise<this> {
    quietRuntime();
    this.env = await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path: temporalTestServerPath() } } });
    const projection: CaseProjectionActivities = {
      recordCaseEvents: async (r) => {
        if (this.failNext > 0) {
          this.failNext -= 1;
          throw new Error('postgres is away');
        }
        this.records.set(r.caseId, [...(this.records.get(r.caseId) ?? []), r]);
      },
    };
    this.worker = await Worker.create({ connection: this.env.nativeConnection, taskQueue: this.taskQueue, workflowBundle: { codePath: await ensureBundle() }, activities: projection });
    this.running = this.worker.run();
    return this;
  }

  eventsOf(caseId: string) {
    return (this.records.get(caseId) ?? []).flatMap((r) => r.events);
  }

  lastSnapshot(caseId: string) {
    return this.records.get(caseId)!.at(-1)!.snapshot;
  }

  async stop(): Promise<void> {
    this.worker?.shutdown();
    await this.running;
    await this.env?.teardown();
  }
}
