import type { Actor } from '../../domain/src';
import { caseRowsForExport } from './monitoring/csv';
import {
  DeadlineOptions,
  DeadlineRow,
  EscalationOptions,
  EscalationRow,
  QueueOptions,
  QueueRow,
  StalledOptions,
  StalledRow,
  deadlineCases,
  openEscalations,
  stalledCases,
  workQueue,
} from './monitoring/lists';
import { liveStatistics } from './monitoring/live-statistics';
import { preAggregatedStatistics, refreshPreAggregates } from './monitoring/pre-aggregated-statistics';
import type { MonitoringFilter, Page, Sql } from './monitoring/sql';
import type { PairStatistics } from './monitoring/statistics';

export { decodeKey, encodeKey, monitoringWhere, type Direction, type KeyPart, type MonitoringFilter, type Page } from './monitoring/sql';
export * from './monitoring/lists';
export * from './monitoring/statistics';

/**
 * Read side of the managers' view (domain brief §8). Every read is scoped by the access policy's SQL
 * twin and filtered by pair, kind and basis; lists are paginated by keyset; indexes come from migrations.
 * Each group of reads lives in `monitoring/`: lists, live statistics, pre-aggregated statistics, CSV rows.
 */
export class MonitoringQueries {
  constructor(private readonly db: Sql) {}

  stalled(actor: Actor, f: MonitoringFilter, o: StalledOptions): Promise<Page<StalledRow>> {
    return stalledCases(this.db, actor, f, o);
  }

  queue(actor: Actor, f: MonitoringFilter, o: QueueOptions): Promise<Page<QueueRow>> {
    return workQueue(this.db, actor, f, o);
  }

  deadlines(actor: Actor, f: MonitoringFilter, o: DeadlineOptions): Promise<Page<DeadlineRow>> {
    return deadlineCases(this.db, actor, f, o);
  }

  escalations(actor: Actor, f: MonitoringFilter, o: EscalationOptions): Promise<Page<EscalationRow>> {
    return openEscalations(this.db, actor, f, o);
  }

  statistics(actor: Actor, f: MonitoringFilter, period: { from: string; to: string }, network = false): Promise<PairStatistics[]> {
    return liveStatistics(this.db, actor, f, period, network);
  }

  /** Null when the actor's scope or the period cannot be answered from the pre-aggregates exactly. */
  statisticsPreAggregated(actor: Actor, f: MonitoringFilter, period: { from: string; to: string }, network = false) {
    return preAggregatedStatistics(this.db, actor, f, period, network);
  }

  refreshStatistics(): Promise<Date> {
    return refreshPreAggregates(this.db);
  }

  caseRows(actor: Actor, f: MonitoringFilter, period: { from: string; to: string }, chunk?: number): AsyncGenerator<Record<string, unknown>[]> {
    return caseRowsForExport(this.db, actor, f, period, chunk);
  }
}
