import { Client, WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { createHmac } from 'node:crypto';
import { SYSTEM_ACTOR, type ExtraditionEnvelope } from '../libs/domain/src';
import {
  PERSON_REGISTRY_SIGNALS,
  PERSON_REGISTRY_WORKFLOW_TYPE,
  caseWorkflowId,
  personWorkflowId,
  type ExtraditionRequestRef,
  type LinkOutcome,
  type PersonRegistryActivities,
  type PersonRegistryInput,
  RULE_VIOLATION_FAILURE,
  caseCommandUpdate,
} from '../libs/contracts/src';

export interface PersonRegistryDeps {
  client: Client;
  /** Task queue the person workflows run on (the cases' queue). */
  taskQueue: string;
  /** Key of the HMAC that hides the person identifier in workflow ids (PERSON_KEY_SECRET). */
  personKeySecret: string;
}

/**
 * The same person written twice must give the same key: Unicode compatibility forms, spacing and
 * letter case do not distinguish two passports or national numbers.
 */
export function personKeyOf(secret: string, requestedState: string, identifier: string): string {
  const normal = identifier.normalize('NFKC').trim().replace(/\s+/g, ' ').toUpperCase();
  return createHmac('sha256', secret).update(`${requestedState.trim().toUpperCase()}\n${normal}`).digest('hex');
}

/**
 * Keeps the per-person workflows told of the extradition requests that concern them, and carries
 * their links to the cases. Every call is safe to repeat: a retried registration re-sends a signal
 * the workflow ignores, a retried link reuses its update id and the server answers the first result.
 */
export function createPersonRegistryActivities({ client, taskQueue, personKeySecret }: PersonRegistryDeps): PersonRegistryActivities {
  const workflowIdOf = (ref: ExtraditionRequestRef) => personWorkflowId(personKeyOf(personKeySecret, ref.requestedState, ref.identifier));

  return {
    async registerExtraditionRequest(ref) {
      const input: PersonRegistryInput = {};
      await client.workflow.signalWithStart(PERSON_REGISTRY_WORKFLOW_TYPE, {
        workflowId: workflowIdOf(ref),
        taskQueue,
        args: [input],
        signal: PERSON_REGISTRY_SIGNALS.register,
        signalArgs: [{ caseId: ref.caseId }],
      });
    },

    async deregisterExtraditionRequest(ref) {
      try {
        await client.workflow.getHandle(workflowIdOf(ref)).signal(PERSON_REGISTRY_SIGNALS.deregister, { caseId: ref.caseId });
      } catch (err) {
        // No person workflow: nothing else concerns this person (or the case predates the registry).
        if (!(err instanceof WorkflowNotFoundError)) throw err;
      }
    },

    async linkConflictingRequest({ caseId, otherCaseId }): Promise<LinkOutcome> {
      const handle = client.workflow.getHandle(caseWorkflowId('EXTRADITION', caseId));
      const envelope: ExtraditionEnvelope = { actor: SYSTEM_ACTOR, relation: 'SYSTEM', command: { type: 'LINK_CONFLICT', caseId: otherCaseId } };
      try {
        await handle.executeUpdate(caseCommandUpdate, { args: [envelope], updateId: `link-${caseId}-${otherCaseId}` });
        return 'LINKED';
      } catch (err) {
        // LINK_CONFLICT is refused only once the case has reached a terminal state.
        if (err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure && err.cause.type === RULE_VIOLATION_FAILURE)
          return 'CASE_ENDED';
        if (!(err instanceof WorkflowNotFoundError)) throw err;
      }
      // Not found may also be a run handing over to the next one (continue-as-new): retry unless it has ended.
      try {
        const { status } = await handle.describe();
        if (status.name === 'RUNNING') throw new Error(`case workflow ${handle.workflowId} did not take the link yet`);
      } catch (err) {
        if (!(err instanceof WorkflowNotFoundError)) throw err;
      }
      return 'CASE_ENDED';
    },
  };
}
