import { Client, WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { RuleViolation } from '../../domain/src';
import { WORKFLOW_TYPE_OF, caseWorkflowId, type CaseStatus, type ExtraditionWorkflowInput, type MlaCaseWorkflowInput } from '../../contracts/src';
import { RULE_VIOLATION_FAILURE, awaitFiledUpdate, caseCommandUpdate, caseStatusQuery } from '../../../workflows/case.messages';

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
  async fileMla(input: MlaCaseWorkflowInput): Promise<{ status: CaseStatus; started: boolean }> {
    return this.file('MLA', input);
  }

  async fileExtradition(input: ExtraditionWorkflowInput): Promise<{ status: CaseStatus; started: boolean }> {
    return this.file('EXTRADITION', input);
  }

  private async file(kind: string, input: { caseId: string }): Promise<{ status: CaseStatus; started: boolean }> {
    const workflowId = caseWorkflowId(kind, input.caseId);
    let started = true;
    try {
      await this.client.workflow.start(WORKFLOW_TYPE_OF[kind], { workflowId, taskQueue: this.taskQueue, args: [input], workflowIdReusePolicy: 'REJECT_DUPLICATE' });
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      started = false;
    }
    const status = await this.call(input.caseId, () => this.client.workflow.getHandle(workflowId).executeUpdate(awaitFiledUpdate));
    return { status, started };
  }

  /** Runs a life-cycle command on the workflow of a case of `kind` (MLA by default). */
  async command(caseId: string, envelope: unknown, kind = 'MLA'): Promise<CaseStatus> {
    const handle = this.client.workflow.getHandle(caseWorkflowId(kind, caseId));
    return this.call(caseId, () => handle.executeUpdate(caseCommandUpdate, { args: [envelope] }));
  }

  async status(caseId: string, kind = 'MLA'): Promise<CaseStatus> {
    return this.call(caseId, () => this.client.workflow.getHandle(caseWorkflowId(kind, caseId)).query(caseStatusQuery));
  }

  /** Reachability of the Temporal frontend, for health checks. */
  async ping(): Promise<void> {
    await this.client.workflowService.getSystemInfo({});
  }

  private async call<T>(caseId: string, call: () => Promise<T>): Promise<T> {
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
  const message = err instanceof Error ? err.message : '';
  if (/workflow execution already completed|workflow.*not found/i.test(message)) return new CaseWorkflowGoneError(caseId);
  return err;
}
