// Delivery of notifications (webhooks and mail): the workflows that carry it and the activities they run.
// Workflow ids name deliveries by their row ids (UUIDs): never an address, a name or a case's content.

export const NOTIFICATION_DISPATCH_WORKFLOW_TYPE = 'notificationDispatchWorkflow';
export const NOTIFICATION_DELIVERY_WORKFLOW_TYPE = 'notificationDeliveryWorkflow';
export const NOTIFICATION_DIGEST_WORKFLOW_TYPE = 'notificationDigestWorkflow';

/** One dispatcher at a time for the whole deployment: every kick goes to this id (signal-with-start). */
export const NOTIFICATION_DISPATCH_WORKFLOW_ID = 'notification-dispatch';
/** The daily digest's Schedule id, as shown in the Temporal UI. */
export const NOTIFICATION_DIGEST_SCHEDULE_ID = 'notification-digest';
/** The signal that tells the dispatcher the outbox has something new. */
export const NOTIFICATION_KICK_SIGNAL = 'notificationsWaiting';

export type DeliveryChannel = 'WEBHOOK' | 'MAIL';

export interface DeliveryRef {
  channel: DeliveryChannel;
  id: string;
}

export function deliveryWorkflowId(d: DeliveryRef): string {
  return `${d.channel === 'WEBHOOK' ? 'webhook' : 'mail'}-delivery-${d.id}`;
}

/** Retries of one delivery: exponential backoff from `initialIntervalMs` up to `maximumIntervalMs`, at most `maximumAttempts`. */
export interface DeliveryRetry {
  initialIntervalMs: number;
  maximumIntervalMs: number;
  maximumAttempts: number;
}

/** What a dispatch round did: the delivery workflows it started, and whether more waits. */
export interface DispatchRound {
  started: number;
  /** More was waiting than one round takes: the dispatcher goes round again. */
  more: boolean;
}

export interface NotificationDeliveryInput {
  delivery: DeliveryRef;
  retry: DeliveryRetry;
}

/** ApplicationFailure type of a delivery no retry can mend (the endpoint was deleted, the recipient lost sight of the case). */
export const DELIVERY_ABANDONED_FAILURE = 'DeliveryAbandoned';

export interface NotificationActivities {
  /**
   * Turns waiting outbox entries into deliveries (webhooks, immediate mails, digest items) for those who
   * may see the case, and starts a delivery workflow for each delivery not yet attempted.
   */
  dispatchNotifications(): Promise<DispatchRound>;
  /** Sends one webhook delivery (one attempt; Temporal retries). */
  deliverWebhook(id: string): Promise<void>;
  /** Sends one mail (one attempt; Temporal retries). */
  deliverMail(id: string): Promise<void>;
  /** Records that a delivery's retries ran out. */
  abandonDelivery(delivery: DeliveryRef, reason: string): Promise<void>;
  /** Gathers each user's waiting digest items into one mail per user, and starts their delivery. */
  composeDigests(): Promise<DispatchRound>;
}
