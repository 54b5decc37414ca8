// Operational jobs run once per deployment, as Temporal Schedules, never as timers in every worker.

export const STATISTICS_REFRESH_WORKFLOW_TYPE = 'statisticsRefreshWorkflow';
/** The Schedule's id, as shown in the Temporal UI. */
export const STATISTICS_SCHEDULE_ID = 'statistics-refresh';

export interface StatisticsActivities {
  /** Rebuilds the statistics pre-aggregates; answers when (ISO instant). */
  refreshStatistics(): Promise<string>;
}
