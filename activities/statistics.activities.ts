import type { DataSource } from 'typeorm';
import type { StatisticsActivities } from '../libs/contracts/src';
import { MonitoringQueries } from '../libs/persistence/src';

export interface StatisticsDeps {
  dataSource: DataSource;
}

/** The statistics pre-aggregates, rebuilt when the `statistics-refresh` Schedule says so. */
export function createStatisticsActivities({ dataSource }: StatisticsDeps): StatisticsActivities {
  const queries = new MonitoringQueries(dataSource);
  return {
    async refreshStatistics() {
      await queries.refreshStatistics();
      // Read back rather than trust the UPDATE … RETURNING shape, which TypeORM wraps for UPDATEs.
      const [row] = await dataSource.query(`SELECT refreshed_at FROM stats_refreshes WHERE id = 1`);
      return new Date(row.refreshed_at).toISOString();
    },
  };
}
