import {
  Client,
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
} from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { CommandEnvelope, RuleViolation } from '../../domain/src';
import { WORKFLOW_TYPES, mlaCaseWorkflowId, type MlaCaseStatus, type MlaCaseWorkflowInput } from '../../contracts/src';
import { RULE_VIOLATION_FAILURE, awaitFiledUpdate, commandUpdate, statusQuery } from '../../../workflows/mla-case/mla-case.messages';

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

/**
 * Domain verbs over Temporal. The HTTP layer talks to this, never to the SDK: SDK errors are
 * translated here, once.
 */
export class CaseGateway {
  constructor(
    private readonly client: Client,
    private readonly taskQueue: string,
  ) {}

  /**
   * Starts the case's workflow, or finds the one already started for the same case id, and returns
   * once the filing is recorded. A retried filing therefore never starts a second workflow.
   */
  async fileMla(input: MlaCaseWorkflowInput): Promise<{ status: MlaCaseStatus; started: boolean }> {
    const workflowId = mlaCaseWorkflowId(input.caseId);
    let started = true;
    try {
      await this.client.workflow.start(WORKFLOW_TYPES.mlaCase, {
        workflowId,
        taskQueue: this.taskQueue,
        args: [input],
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
      });
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      started = false;
    }
    const status = await this.update(input.caseId, () =>
      this.client.workflow.getHandle(workflowId).executeUpdate(awaitFiledUpdate),
    );
    return { status, started };
  }

  async command(caseId: string, envelope: CommandEnvelope): Promise<MlaCaseStatus> {
    const handle = this.client.workflow.getHandle(mlaCaseWorkflowId(caseId));
    return this.update(caseId, () => handle.executeUpdate(commandUpdate, { args: [envelope] }));
  }

  async status(caseId: string): Promise<MlaCaseStatus> {
    return this.update(caseId, () => this.client.workflow.getHandle(mlaCaseWorkflowId(caseId)).query(statusQuery));
  }

  /** Reachability of the Temporal frontend, for health checks. */
  async ping(): Promise<void> {
    await this.client.workflowService.getSystemInfo({});
  }

  private async update<T>(caseId: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (err) {
      throw translate(caseId, err);
    }
  }
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
  if (isCompletedWorkflowError(err)) return new CaseWorkflowGoneError(caseId);
  return err;
}

function isCompletedWorkflowError(err: unknown): boolean {
  const message = err instanceof Error ? err.message : '';
  return /workflow execution already completed|workflow.*not found/i.test(message);
}

