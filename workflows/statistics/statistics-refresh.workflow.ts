import { proxyActivities } from '@temporalio/workflow';
import type { StatisticsActivities } from '../../libs/contracts/src';

const statistics = proxyActivities<StatisticsActivities>({
  // The views refresh concurrently with reads; a slow one must not pile up behind the next tick.
  startToCloseTimeout: '15 minutes',
  retry: { initialInterval: '10 seconds', backoffCoefficient: 2, maximumAttempts: 3 },
});

/** One refresh of the statistics pre-aggregates, started by the `statistics-refresh` Schedule. */
export async function statisticsRefreshWorkflow(): Promise<{ refreshedAt: string }> {
  return { refreshedAt: await statistics.refreshStatistics() };
}
