import type { Actor } from '../../../domain/src';
import { caseScopeOver } from '../case-queries';
import { MonitoringFilter, Params, Sql, filterConditions, param } from './sql';
import { PairStatistics, statisticsGrouping, toPairStatistics } from './statistics';

/**
 * The statistics pre-aggregates (migration StatisticsPreAggregates): per pair and month materialized
 * views refreshed by the worker, keeping every raw value so that medians and percentiles stay exact.
 */

const PRE_AGGREGATES = ['stats_monthly', 'stats_monthly_rules', 'stats_monthly_resolutions', 'stats_monthly_refusals'] as const;

/** The case columns every pre-aggregate keeps (besides `month`): an actor's scope over them is exact. */
const PRE_AGGREGATE_CASE_COLUMNS: ReadonlySet<string> = new Set(['requesting_state', 'requested_state', 'kind', 'legal_basis', 'transmitted']);

/**
 * The same figures as `liveStatistics` from the pre-aggregates, for actors whose scope (the policy's SQL
 * twin) reads only columns the pre-aggregates keep, such as central authorities, managers and the
 * secretariat, and periods of whole months; null otherwise.
 */
export async function preAggregatedStatistics(
  db: Sql,
  actor: Actor,
  f: MonitoringFilter,
  period: { from: string; to: string },
  network = false,
): Promise<{ pairs: PairStatistics[]; refreshedAt: Date } | null> {
  const g = statisticsGrouping(network);
  if (!period.from.endsWith('-01') || !period.to.endsWith('-01')) return null;
  const params: Params = [];
  const [from, to] = [param(params, period.from), param(params, period.to)];
  const conditions = [`month >= ${from}::date`, `month < ${to}::date`];
  const scope = caseScopeOver(PRE_AGGREGATE_CASE_COLUMNS, actor, params);
  if (scope === null) return null;
  const filters = filterConditions(f, params);
  const where = [...conditions, scope, ...filters].join(' AND ');
  // Liaison magistrates' interventions are counted from the case events of the same cases (filed in the period, in scope).
  const filed = [`filed_at >= ${from}::date`, `filed_at < ${to}::date`, scope, ...filters].join(' AND ');
  // `m` is read where each figure needs it (an index scan each) rather than written to a temporary store;
  // the liaison count finds the few liaison acts by their partial index (migration LiaisonEventsIndex).
  const rows: Array<Record<string, any>> = await db.query(
    `WITH m AS NOT MATERIALIZED (SELECT * FROM stats_monthly WHERE ${where}),
     base AS (
       SELECT ${g.pair}, sum(open) AS open, sum(terminal) AS terminal, sum(custody_cases) AS custody_cases,
              sum(custody_total) AS custody_total, max(custody_max) AS custody_max, sum(escalations_raised) AS raised
       FROM m ${g.groupBy}
     ),
     ack AS (
       SELECT ${g.pair}, percentile_cont(0.5) WITHIN GROUP (ORDER BY d) AS ack_median,
              percentile_cont(0.9) WITHIN GROUP (ORDER BY d) AS ack_p90, count(*) AS ack_n
       FROM m, unnest(ack_days) d ${g.groupBy}
     ),
     exe AS (
       SELECT ${g.pair}, percentile_cont(0.5) WITHIN GROUP (ORDER BY d) AS exec_median,
              percentile_cont(0.9) WITHIN GROUP (ORDER BY d) AS exec_p90, count(*) AS exec_n
       FROM m, unnest(execution_days) d ${g.groupBy}
     ),
     clocks AS (
       SELECT ${g.pair},
              json_agg(json_build_object('ruleId', rule_id, 'total', total, 'breached', breached) ORDER BY rule_id) AS deadlines
       FROM (SELECT ${g.pair}, rule_id, sum(total) AS total, sum(breached) AS breached
             FROM stats_monthly_rules WHERE ${where} GROUP BY ${g.by}rule_id) k
       ${g.groupBy}
     ),
     resolutions AS (
       SELECT ${g.pair}, count(*) AS resolved, percentile_cont(0.5) WITHIN GROUP (ORDER BY d) AS resolution_median
       FROM stats_monthly_resolutions, unnest(days) d WHERE ${where} ${g.groupBy}
     ),
     refusals AS (
       SELECT ${g.pair}, json_object_agg(refusal_ground, n) AS by_ground
       FROM (SELECT ${g.pair}, refusal_ground, sum(n) AS n FROM stats_monthly_refusals WHERE ${where} GROUP BY 1, 2, 3) r
       ${g.groupBy}
     ),
     liaison AS (
       SELECT ${g.pair}, count(*) AS liaison_interventions
       FROM cases JOIN case_events ev ON ev.case_id = cases.id WHERE ev.actor_role = 'LIAISON_MAGISTRATE' AND ${filed} ${g.groupBy}
     )
     SELECT b.*, a.ack_median, a.ack_p90, coalesce(a.ack_n, 0) AS ack_n, e.exec_median, e.exec_p90, coalesce(e.exec_n, 0) AS exec_n,
            c.deadlines, v.resolved, v.resolution_median, r.by_ground, l.liaison_interventions
     FROM base b
     LEFT JOIN ack a USING (requesting_state, requested_state)
     LEFT JOIN exe e USING (requesting_state, requested_state)
     LEFT JOIN clocks c USING (requesting_state, requested_state)
     LEFT JOIN resolutions v USING (requesting_state, requested_state)
     LEFT JOIN refusals r USING (requesting_state, requested_state)
     LEFT JOIN liaison l USING (requesting_state, requested_state)
     ORDER BY b.requesting_state, b.requested_state`,
    params,
  );
  const [{ refreshed_at }] = await db.query(`SELECT refreshed_at FROM stats_refreshes WHERE id = 1`);
  return { pairs: toPairStatistics(rows), refreshedAt: refreshed_at };
}

/** Rebuilds the pre-aggregates from the case rows; readers are not blocked while it runs. */
export async function refreshPreAggregates(db: Sql): Promise<Date> {
  for (const view of PRE_AGGREGATES) await db.query(`REFRESH MATERIALIZED VIEW CONCURRENTLY ${view}`);
  const [{ refreshed_at }] = await db.query(`UPDATE stats_refreshes SET refreshed_at = now() WHERE id = 1 RETURNING refreshed_at`);
  return refreshed_at;
}
