import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import {
  NOTIFICATION_DELIVERY_WORKFLOW_TYPE,
  NOTIFICATION_DISPATCH_WORKFLOW_ID,
  NOTIFICATION_DISPATCH_WORKFLOW_TYPE,
  NOTIFICATION_KICK_SIGNAL,
  deliveryWorkflowId,
  type NotificationDeliveryInput,
} from '../../contracts/src';

/**
 * Tells the dispatcher that the outbox (or the delivery table) holds something to deliver: signals the
 * running one, or starts one. Safe to call any number of times; the dispatcher ends when nothing waits.
 */
export async function kickNotificationDispatch(client: Client, taskQueue: string): Promise<void> {
  await client.workflow.signalWithStart(NOTIFICATION_DISPATCH_WORKFLOW_TYPE, {
    workflowId: NOTIFICATION_DISPATCH_WORKFLOW_ID,
    taskQueue,
    signal: NOTIFICATION_KICK_SIGNAL,
    signalArgs: [],
    args: [],
  });
}

/**
 * Starts the workflow that carries one delivery, its id from the delivery's; one with that id already
 * running (a dispatch that ran twice) is left to finish. A delivery that ended is never started again:
 * its row is no longer waiting, and a redelivery is a new row with a new id.
 */
export async function startDeliveryWorkflow(client: Client, taskQueue: string, input: NotificationDeliveryInput): Promise<void> {
  try {
    await client.workflow.start(NOTIFICATION_DELIVERY_WORKFLOW_TYPE, {
      workflowId: deliveryWorkflowId(input.delivery),
      taskQueue,
      args: [input],
    });
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
  }
}
