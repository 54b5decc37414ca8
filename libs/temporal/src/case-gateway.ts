import { Client, WithStartWorkflowOperation, WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { RuleViolation } from '../../domain/src';
import { kickNotificationDispatch } from './notification-dispatch';
import {
  RULE_VIOLATION_FAILURE,
  WORKFLOW_TYPE_OF,
  awaitFiledUpdate,
  caseCommandUpdate,
  caseStatusQuery,
  caseWorkflowId,
  redriveProjectionUpdate,
  type CaseKind,
  type CaseStatus,
  type ExtraditionWorkflowInput,
  type MlaCaseWorkflowInput,
} from '../../contracts/src';

/** The workflow refused a command: the rule it breaks is in `violation`. */
export class CommandRefusedError extends Error {
  constructor(readonly violation: RuleViolation) {
    super(violation.message);
    this.name = 'CommandRefusedError';
  }
}

/** No running workflow carries this case (never started, or already finished). */
export class CaseWorkflowGoneError extends Error {
  constructor(readonly caseId: string) {
    super(`no running workflow for case ${caseId}`);
    this.name = 'CaseWorkflowGoneError';
  }
}

/** Temporal did not take the command within the deadline (no worker ran its validator): nothing was changed. */
export class CommandNotAcceptedError extends Error {
  constructor(readonly caseId: string) {
    super(`the command on case ${caseId} was not accepted in time`);
    this.name = 'CommandNotAcceptedError';
  }
}

/**
 * A command or filing as Temporal answered it: `completed` when its update returned within the
 * deadline; otherwise it was accepted (durable in the workflow's history) and is still running, and
 * `status` is the case as far as it could be read.
 */
export type CommandOutcome = { completed: true; status: CaseStatus } | { completed: false; status?: CaseStatus };

export interface CallOptions {
  /** Update id: a retried command with the same id is applied once (by the server, and by the workflow across runs). */
  updateId?: string;
  /** How long to wait for the answer before answering 202 (default: the gateway's). */
  waitMs?: number;
}

/**
 * Domain verbs over Temporal. The HTTP layer talks to this, never to the SDK: SDK errors are
 * translated here, once. Every call waits with a deadline.
 */
export class CaseGateway {
  constructor(
    private readonly client: Client,
    private readonly taskQueue: string,
    private readonly waitMs = 10_000,
    /** TEMPORAL_SEARCH_ATTRIBUTES: cases filed through this gateway set their search attributes (pinned in their input). */
    private readonly searchAttributes = false,
  ) {}

  /**
   * Starts the case's workflow, or finds the one already running for the same case id, and waits
   * (with the deadline) until the filing is recorded: one call, so a filing is never half done.
   */
  async fileMla(input: MlaCaseWorkflowInput, options: CallOptions = {}): Promise<CommandOutcome> {
    return this.file('MLA', input, options);
  }

  async fileExtradition(input: ExtraditionWorkflowInput, options: CallOptions = {}): Promise<CommandOutcome> {
    return this.file('EXTRADITION', input, options);
  }

  private async file(kind: CaseKind, input: { caseId: string }, options: CallOptions): Promise<CommandOutcome> {
    const workflowId = caseWorkflowId(kind, input.caseId);
    const deadline = Date.now() + (options.waitMs ?? this.waitMs);
    const args = [this.searchAttributes ? { ...input, searchAttributes: true } : input];
    return this.call(input.caseId, async () => {
      const startWorkflowOperation = new WithStartWorkflowOperation(WORKFLOW_TYPE_OF[kind], {
        workflowId,
        taskQueue: this.taskQueue,
        args,
        workflowIdConflictPolicy: 'USE_EXISTING',
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
      });
      let update;
      try {
        update = this.client.workflow.startUpdateWithStart(awaitFiledUpdate, { waitForStage: 'ACCEPTED', startWorkflowOperation });
        update = await within(update, deadline);
      } catch (err) {
        if (!unimplemented(err)) throw err;
        // Servers without update-with-start (the time-skipping test server): start, then wait for the filing.
        await this.client.workflow
          .start(WORKFLOW_TYPE_OF[kind], { workflowId, taskQueue: this.taskQueue, args, workflowIdReusePolicy: 'REJECT_DUPLICATE' })
          .catch((e) => {
            if (!(e instanceof WorkflowExecutionAlreadyStartedError)) throw e;
          });
        update = await within(this.client.workflow.getHandle(workflowId).startUpdate(awaitFiledUpdate, { waitForStage: 'ACCEPTED' }), deadline);
      }
      if (!update) throw new CommandNotAcceptedError(input.caseId);
      return this.outcome(update.result(), workflowId, deadline);
    });
  }

  /** Has the notification dispatcher deliver what waits (a manual redelivery, say). */
  async notificationsWaiting(): Promise<void> {
    await kickNotificationDispatch(this.client, this.taskQueue);
  }

  /** Runs a life-cycle command on the workflow of a case of `kind`, waiting at most the deadline for its answer. */
  async command(caseId: string, envelope: unknown, kind: CaseKind, options: CallOptions = {}): Promise<CommandOutcome> {
    const workflowId = caseWorkflowId(kind, caseId);
    const deadline = Date.now() + (options.waitMs ?? this.waitMs);
    return this.call(caseId, async () => {
      const handle = this.client.workflow.getHandle(workflowId);
      const update = await within(handle.startUpdate(caseCommandUpdate, { args: [envelope], updateId: options.updateId, waitForStage: 'ACCEPTED' }), deadline);
      if (!update) throw new CommandNotAcceptedError(caseId);
      return this.outcome(update.result(), workflowId, deadline);
    });
  }

  /** An operator tries again to write what Postgres did not take, optionally making text storable. */
  async redriveProjection(caseId: string, kind: CaseKind, sanitize: boolean): Promise<CommandOutcome> {
    const workflowId = caseWorkflowId(kind, caseId);
    const deadline = Date.now() + this.waitMs;
    return this.call(caseId, async () => {
      const update = await within(
        this.client.workflow.getHandle(workflowId).startUpdate(redriveProjectionUpdate, { args: [{ sanitize }], waitForStage: 'ACCEPTED' }),
        deadline,
      );
      if (!update) throw new CommandNotAcceptedError(caseId);
      return this.outcome(update.result(), workflowId, deadline);
    });
  }

  async status(caseId: string, kind: CaseKind = 'MLA'): Promise<CaseStatus> {
    return this.call(caseId, () => this.client.workflow.getHandle(caseWorkflowId(kind, caseId)).query(caseStatusQuery));
  }

  /** Reachability of the Temporal frontend, for health checks. */
  async ping(): Promise<void> {
    await this.client.workflowService.getSystemInfo({});
  }

  private async outcome(result: Promise<CaseStatus>, workflowId: string, deadline: number): Promise<CommandOutcome> {
    const status = await within(result, deadline);
    if (status) return { completed: true, status };
    // Accepted but still running (Postgres slow, say): what the case has reached, for the client to poll.
    const reached = await within(this.client.workflow.getHandle(workflowId).query(caseStatusQuery), Date.now() + 2000).catch(() => undefined);
    return { completed: false, status: reached };
  }

  private async call<T>(caseId: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (err) {
      throw translate(caseId, err);
    }
  }
}

/** The promise's value, or undefined once the deadline has passed (a later rejection is then ignored). */
function within<T>(promise: Promise<T>, deadline: number): Promise<T | undefined> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => resolve(undefined), Math.max(0, deadline - Date.now()));
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (err) => {
        clearTimeout(timer);
        reject(err);
      },
    );
  });
}

function unimplemented(err: unknown): boolean {
  for (let e = err as { code?: unknown; cause?: unknown } | undefined, i = 0; e && i < 5; e = e.cause as typeof e, i++) {
    if (e.code === 12) return true;
  }
  return /unimplemented|not implemented|ExecuteMultiOperation/i.test(err instanceof Error ? err.message : '');
}

function translate(caseId: string, err: unknown): unknown {
  if (err instanceof WorkflowUpdateFailedError) {
    const cause = err.cause;
    if (cause instanceof ApplicationFailure && cause.type === RULE_VIOLATION_FAILURE) {
      const violation = cause.details?.[0] as RuleViolation | undefined;
      return new CommandRefusedError(violation ?? { kind: 'CONFLICT', code: 'REFUSED', message: cause.message });
    }
    return err;
  }
  if (err instanceof WorkflowNotFoundError) return new CaseWorkflowGoneError(caseId);
  const message = err instanceof Error ? err.message : '';
  if (/workflow execution already completed|workflow.*not found/i.test(message)) return new CaseWorkflowGoneError(caseId);
  return err;
}
