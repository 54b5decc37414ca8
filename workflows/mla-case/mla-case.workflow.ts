import { ApplicationFailure, allHandlersFinished, condition, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import { CommandEnvelope, MlaState, RuleViolation, isTerminal, planTransition } from '../../libs/domain/src';
import type { CaseProjectionActivities, MlaCaseStatus, MlaCaseWorkflowInput } from '../../libs/contracts/src';
import { RULE_VIOLATION_FAILURE, awaitFiledUpdate, commandUpdate, statusQuery } from './mla-case.messages';

const projection = proxyActivities<CaseProjectionActivities>({
  startToCloseTimeout: '30 seconds',
  // Postgres being away must delay a case, never lose an event: retry until it is back.
  retry: { initialInterval: '1 second', maximumInterval: '1 minute', backoffCoefficient: 2 },
});

function refuse(violation: RuleViolation): ApplicationFailure {
  return ApplicationFailure.create({
    type: RULE_VIOLATION_FAILURE,
    message: violation.message,
    nonRetryable: true,
    details: [violation],
  });
}

/** One durable workflow per MLA request: it owns the case's state and writes every change to Postgres. */
export async function mlaCaseWorkflow(input: MlaCaseWorkflowInput): Promise<MlaCaseStatus> {
  let state: MlaState = 'DRAFT';
  let seq = 0;
  let updatedAt = new Date(Date.now()).toISOString();
  let filed = false;

  const status = (): MlaCaseStatus => ({ caseId: input.caseId, state, seq, filingDigest: input.filingDigest, updatedAt });

  setHandler(statusQuery, status);

  setHandler(awaitFiledUpdate, async () => {
    await condition(() => filed);
    return status();
  });

  setHandler(
    commandUpdate,
    async (envelope: CommandEnvelope) => {
      // The state changes before the first await, so concurrent commands see each other's effect.
      const plan = planTransition(state, envelope);
      if (!plan.ok) throw refuse(plan.violation);
      state = plan.to;
      seq += 1;
      updatedAt = new Date(Date.now()).toISOString();
      const record = {
        caseId: input.caseId,
        seq,
        event: envelope.command.type,
        from: plan.from,
        to: plan.to,
        actor: envelope.actor,
        at: updatedAt,
        legalRef: plan.legalRef,
        comment: commentOf(envelope),
      };
      await condition(() => filed);
      await projection.recordTransition(record);
      return status();
    },
    {
      validator: (envelope: CommandEnvelope) => {
        const plan = planTransition(state, envelope);
        if (!plan.ok) throw refuse(plan.violation);
      },
    },
  );

  await projection.recordCaseFiled({
    caseId: input.caseId,
    workflowId: workflowInfo().workflowId,
    filing: input.filing,
    filedBy: input.filedBy,
    at: updatedAt,
  });
  filed = true;

  await condition(() => isTerminal(state) && allHandlersFinished());
  return status();
}

function commentOf({ command }: CommandEnvelope): string | undefined {
  return command.type === 'WITHDRAW' ? command.reason : command.comment;
}
