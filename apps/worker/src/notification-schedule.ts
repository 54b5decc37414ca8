import { Client, ScheduleAlreadyRunning, ScheduleNotFoundError, ScheduleOverlapPolicy } from '@temporalio/client';
import { NOTIFICATION_DIGEST_SCHEDULE_ID, NOTIFICATION_DIGEST_WORKFLOW_TYPE } from '../../../libs/contracts/src';
import type { ScheduleChange } from './statistics-schedule';

/**
 * Makes the `notification-digest` Schedule match the configuration: every day at `hourUtc`:00 UTC, the
 * digest workflow mails each user what waited for them; an hour of -1 deletes it. Like the statistics
 * Schedule, every worker may do this at start: Temporal keeps one.
 */
export async function ensureNotificationDigestSchedule(client: Client, options: { taskQueue: string; hourUtc: number }): Promise<ScheduleChange> {
  const handle = client.schedule.getHandle(NOTIFICATION_DIGEST_SCHEDULE_ID);
  if (options.hourUtc < 0) {
    try {
      await handle.delete();
      return 'deleted';
    } catch (err) {
      if (err instanceof ScheduleNotFoundError) return 'absent';
      throw err;
    }
  }
  const spec = { calendars: [{ hour: options.hourUtc, minute: 0 }] };
  const action = {
    type: 'startWorkflow' as const,
    workflowType: NOTIFICATION_DIGEST_WORKFLOW_TYPE,
    workflowId: NOTIFICATION_DIGEST_SCHEDULE_ID,
    taskQueue: options.taskQueue,
    args: [],
  };
  // A digest missed while Temporal was away is sent when it is back, within the day.
  const policies = { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 day' as const };
  try {
    await client.schedule.create({
      scheduleId: NOTIFICATION_DIGEST_SCHEDULE_ID,
      spec,
      action,
      policies,
      state: { note: 'daily notification digest (NOTIFY_DIGEST_HOUR, UTC)' },
    });
    return 'created';
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
  }
  await handle.update((previous) => ({ ...previous, spec, action, policies }));
  return 'updated';
}
