import { Client, ScheduleAlreadyRunning, ScheduleNotFoundError, ScheduleOverlapPolicy } from '@temporalio/client';
import { STATISTICS_REFRESH_WORKFLOW_TYPE, STATISTICS_SCHEDULE_ID } from '../../../libs/contracts/src';

export type ScheduleChange = 'created' | 'updated' | 'deleted' | 'absent';

/**
 * Makes the `statistics-refresh` Schedule match the configuration, whatever state it is in and however
 * many workers do this at once: create it (refreshing at once), else update it in place; a period of 0
 * deletes it. Temporal runs it once per tick for the whole deployment and skips a tick while the
 * previous refresh still runs.
 */
export async function ensureStatisticsSchedule(client: Client, options: { taskQueue: string; everySeconds: number }): Promise<ScheduleChange> {
  const handle = client.schedule.getHandle(STATISTICS_SCHEDULE_ID);
  if (options.everySeconds <= 0) {
    try {
      await handle.delete();
      return 'deleted';
    } catch (err) {
      if (err instanceof ScheduleNotFoundError) return 'absent';
      throw err;
    }
  }
  const spec = { intervals: [{ every: `${options.everySeconds}s` as const }] };
  const action = {
    type: 'startWorkflow' as const,
    workflowType: STATISTICS_REFRESH_WORKFLOW_TYPE,
    workflowId: STATISTICS_SCHEDULE_ID,
    taskQueue: options.taskQueue,
    args: [],
  };
  // A tick missed while Temporal was away is not worth catching up: the next one refreshes everything.
  const policies = { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 minute' as const };
  try {
    const state = { triggerImmediately: true, note: 'statistics pre-aggregates (STATS_REFRESH_SECONDS)' };
    await client.schedule.create({ scheduleId: STATISTICS_SCHEDULE_ID, spec, action, policies, state });
    return 'created';
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
  }
  await handle.update((previous) => ({ ...previous, spec, action, policies }));
  return 'updated';
}
