import { ActivityFailure, ApplicationFailure, condition, continueAsNew, defineSignal, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import { DELIVERY_ABANDONED_FAILURE, NOTIFICATION_KICK_SIGNAL, type NotificationActivities, type NotificationDeliveryInput } from '../../libs/contracts/src';

export const notificationsWaitingSignal = defineSignal(NOTIFICATION_KICK_SIGNAL);

/** Reading the outbox and the directory: short, retried until Postgres answers. */
const bookkeeping = proxyActivities<NotificationActivities>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

/**
 * One delivery (a webhook call or a mail), at least once: the activity makes one attempt, Temporal
 * retries it with exponential backoff as configured (WEBHOOK_RETRY_*), and when the attempts run out
 * the delivery is marked FAILED, where an administrator can redeliver it.
 */
export async function notificationDeliveryWorkflow(input: NotificationDeliveryInput): Promise<'DELIVERED' | 'FAILED'> {
  const { delivery, retry } = input;
  const send = proxyActivities<NotificationActivities>({
    startToCloseTimeout: '1 minute',
    retry: {
      initialInterval: retry.initialIntervalMs,
      maximumInterval: retry.maximumIntervalMs,
      backoffCoefficient: 2,
      maximumAttempts: retry.maximumAttempts,
      nonRetryableErrorTypes: [DELIVERY_ABANDONED_FAILURE],
    },
  });
  try {
    if (delivery.channel === 'WEBHOOK') await send.deliverWebhook(delivery.id);
    else await send.deliverMail(delivery.id);
    return 'DELIVERED';
  } catch (err) {
    const cause = err instanceof ActivityFailure ? err.cause : err;
    const abandoned = cause instanceof ApplicationFailure && cause.type === DELIVERY_ABANDONED_FAILURE;
    await bookkeeping.abandonDelivery(delivery, abandoned ? cause.message : 'retries exhausted');
    return 'FAILED';
  }
}

const CONTINUE_AS_NEW_AFTER_EVENTS = 2000;

/**
 * Drains the outbox: started (or signalled) by whoever committed notifications, it turns them into
 * deliveries, each carried by a workflow of its own (started by the activity, so that each outlives the
 * dispatcher), round after round while more arrive, then ends.
 * A signal that comes while it ends is not lost: Temporal replays the last task with it.
 */
export async function notificationDispatchWorkflow(): Promise<void> {
  let waiting = true;
  setHandler(notificationsWaitingSignal, () => {
    waiting = true;
  });
  while (waiting) {
    waiting = false;
    const round = await bookkeeping.dispatchNotifications();
    if (round.more) waiting = true;
    if (waiting && workflowInfo().historyLength > CONTINUE_AS_NEW_AFTER_EVENTS) await continueAsNew<typeof notificationDispatchWorkflow>();
    // Let signals that arrived during the round be seen before deciding to end.
    await condition(() => true);
  }
}

/** The daily digest, started by the `notification-digest` Schedule: one mail per user with what waited for them. */
export async function notificationDigestWorkflow(): Promise<{ mails: number }> {
  return { mails: (await bookkeeping.composeDigests()).started };
}
