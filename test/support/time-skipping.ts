import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { ApplicationFailure } from '@temporalio/common';
import {
  PROJECTION_DATA_FAILURE,
  awaitFiledUpdate,
  type CaseEventsRecord,
  type CaseProjectionActivities,
  type MlaCaseWorkflowInput,
  type ProjectionFailureRecord,
} from '../../libs/contracts/src';
import { as, testBasis, testContent, testContext } from './mla-fixtures';
import { temporalTestServerPath } from '../../scripts/tools.cjs';
import { createPersonRegistryActivities } from '../../activities/person-registry.activities';
import { LOCAL_PERSON_KEY_SECRET } from '../../libs/config/src';
import { ensureBundle, quietRuntime, testCodecKeys } from './engine';
import { engineDataConverter } from '../../libs/temporal/src';

/**
 * The real time-skipping server with a worker on the production bundle, and an in-memory projection
 * that records every batch (and can be told to fail, as Postgres would when it is away).
 */
export class TimeSkippingHarness {
  env!: TestWorkflowEnvironment;
  readonly records = new Map<string, CaseEventsRecord[]>();
  failNext = 0;
  /** Failures the runner reported to the operators' queue. */
  readonly failures: ProjectionFailureRecord[] = [];
  /** Makes the projection refuse a batch as Postgres refuses bad values (non-retryable), while it returns true. */
  refuse?: (record: CaseEventsRecord) => boolean;
  /** How many of the next calls of each person-registry activity crash, alternately before and after their effect, as a worker dying would. */
  crashPersonRegistry: Record<string, number> = {};
  readonly personRegistryCrashes: string[] = [];
  private worker?: Worker;
  private running?: Promise<void>;
  /** Payloads sealed as in production: the workflows run on what the codec gives back. */
  private readonly dataConverter = engineDataConverter(testCodecKeys());

  constructor(readonly taskQueue: string) {}

  async start(): Promise<this> {
    try {
      return await this.startSteps();
    } catch (err) {
      // Whatever came up is stopped before the cause is thrown: a failed setup leaves no server behind.
      await this.stop().catch(() => undefined);
      throw err;
    }
  }

  private async startSteps(): Promise<this> {
    quietRuntime();
    this.env = await TestWorkflowEnvironment.createTimeSkipping({
      server: { executable: { type: 'existing-path', path: temporalTestServerPath() } },
      client: { dataConverter: this.dataConverter },
    });
    const projection: CaseProjectionActivities = {
      recordCaseEvents: async (r) => {
        if (this.refuse?.(r)) {
          throw ApplicationFailure.create({
            type: PROJECTION_DATA_FAILURE,
            nonRetryable: true,
            message: 'Postgres refused the batch (SQLSTATE 22021)',
            details: [{ sqlState: '22021' }],
          });
        }
        if (this.failNext > 0) {
          this.failNext -= 1;
          throw new Error('postgres is away');
        }
        this.records.set(r.caseId, [...(this.records.get(r.caseId) ?? []), r]);
      },
      recordProjectionFailure: async (f) => {
        this.failures.push(f);
      },
    };
    this.worker = await Worker.create({
      dataConverter: this.dataConverter,
      connection: this.env.nativeConnection,
      taskQueue: this.taskQueue,
      workflowBundle: { codePath: await ensureBundle() },
      activities: { ...projection, ...this.personRegistry() },
    });
    this.running = this.worker.run();
    return this;
  }

  private personRegistry() {
    const real = createPersonRegistryActivities({ client: this.env.client, taskQueue: this.taskQueue, personKeySecret: LOCAL_PERSON_KEY_SECRET });
    const crashing =
      <A, R>(name: string, fn: (arg: A) => Promise<R>) =>
      async (arg: A): Promise<R> => {
        if (!this.crashPersonRegistry[name]) return fn(arg);
        const after = this.personRegistryCrashes.filter((c) => c.startsWith(`${name}:`)).length % 2 === 1;
        this.crashPersonRegistry[name] -= 1;
        this.personRegistryCrashes.push(`${name}:${after ? 'after' : 'before'}`);
        if (after) await fn(arg);
        throw new Error(`worker crashed ${after ? 'after' : 'before'} ${name}`);
      };
    return {
      registerExtraditionRequest: crashing('registerExtraditionRequest', real.registerExtraditionRequest),
      deregisterExtraditionRequest: crashing('deregisterExtraditionRequest', real.deregisterExtraditionRequest),
      linkConflictingRequest: crashing('linkConflictingRequest', real.linkConflictingRequest),
    };
  }

  private started = 0;

  /** Starts an MLA case workflow on this harness's queue, filed by the fixtures' prosecutor, and by default waits until it is filed. */
  async startMla(over: Partial<MlaCaseWorkflowInput> = {}, options: { awaitFiled?: boolean } = {}) {
    const caseId = `00000000-0000-4000-8000-${String(++this.started).padStart(12, '0')}`;
    const input: MlaCaseWorkflowInput = {
      caseId,
      ctx: testContext({ caseId }),
      content: testContent(),
      basis: testBasis(),
      requestingAuthorityId: 'SN-PROS',
      filedBy: as('REQUESTING_PROSECUTOR', { type: 'SUBMIT' }).actor,
      filingDigest: 'digest-1',
      ...over,
    };
    const handle = await this.env.client.workflow.start('mlaCaseWorkflow', { workflowId: `mla-${caseId}`, taskQueue: this.taskQueue, args: [input] });
    if (options.awaitFiled !== false) await handle.executeUpdate(awaitFiledUpdate);
    return { handle, caseId };
  }

  eventsOf(caseId: string) {
    return (this.records.get(caseId) ?? []).flatMap((r) => r.events);
  }

  lastSnapshot(caseId: string) {
    return this.records.get(caseId)!.at(-1)!.snapshot;
  }

  async stop(): Promise<void> {
    const { worker, running, env } = this;
    this.worker = this.running = undefined;
    this.env = undefined as unknown as TestWorkflowEnvironment;
    if (worker && worker.getState() === 'RUNNING') worker.shutdown();
    await running;
    await env?.teardown();
  }
}
