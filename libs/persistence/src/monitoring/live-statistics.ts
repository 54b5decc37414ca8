import type { Actor } from '../../../domain/src';
import { MonitoringFilter, Params, Sql, monitoringWhere, param } from './sql';
import { PairStatistics, statisticsGrouping, toPairStatistics } from './statistics';

/**
 * Figures per country pair for cases filed in [from, to), read from the case rows: see
 * `STATISTICS_DEFINITIONS`; with `network`, one row over all of them. One round trip: each figure group is a CTE over the same scoped set.
 */
export async function liveStatistics(
  db: Sql,
  actor: Actor,
  f: MonitoringFilter,
  period: { from: string; to: string },
  network = false,
): Promise<PairStatistics[]> {
  const g = statisticsGrouping(network);
  const params: Params = [];
  const from = param(params, period.from);
  const to = param(params, period.to);
  const where = monitoringWhere(actor, f, params);
  const rows: Array<Record<string, any>> = await db.query(
    `WITH scoped AS (
       -- Only the columns the figures need: the wide ones (detail, persons) stay on disk.
       SELECT c.id, c.kind, c.requesting_state, c.requested_state, c.is_open, c.transmitted_at, c.received_at, c.results_at, c.paused_ms,
              c.refusal_ground, c.custody_days, c.deadline_rules, c.breached_rules, c.escalations_raised, c.escalation_resolution_days
       FROM cases c WHERE c.filed_at >= ${from}::date AND c.filed_at < ${to}::date AND ${where}
     ),
     base AS (
       SELECT ${g.pair},
              count(*) FILTER (WHERE is_open) AS open, count(*) FILTER (WHERE NOT is_open) AS terminal,
              percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM received_at - transmitted_at) / 86400) AS ack_median,
              percentile_cont(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM received_at - transmitted_at) / 86400) AS ack_p90,
              count(*) FILTER (WHERE received_at IS NOT NULL AND transmitted_at IS NOT NULL) AS ack_n,
              percentile_cont(0.5) WITHIN GROUP (ORDER BY (extract(epoch FROM results_at - received_at) * 1000 - paused_ms) / 86400000)
                AS exec_median,
              percentile_cont(0.9) WITHIN GROUP (ORDER BY (extract(epoch FROM results_at - received_at) * 1000 - paused_ms) / 86400000)
                AS exec_p90,
              count(*) FILTER (WHERE results_at IS NOT NULL AND received_at IS NOT NULL) AS exec_n,
              count(*) FILTER (WHERE kind = 'EXTRADITION' AND custody_days IS NOT NULL) AS custody_cases,
              coalesce(sum(custody_days) FILTER (WHERE kind = 'EXTRADITION'), 0) AS custody_total,
              max(custody_days) FILTER (WHERE kind = 'EXTRADITION') AS custody_max
       FROM scoped ${g.groupBy}
     ),
     clocks AS (
       -- One pass over the rules each case ran: no join, no sort.
       SELECT ${g.pair},
              json_agg(json_build_object('ruleId', rule_id, 'total', total, 'breached', breached) ORDER BY rule_id) AS deadlines
       FROM (SELECT ${g.pair}, rule_id, count(*) AS total, count(*) FILTER (WHERE rule_id = ANY(breached_rules)) AS breached
             FROM scoped, unnest(deadline_rules) AS rule_id
             GROUP BY ${g.by}rule_id) k
       ${g.groupBy}
     ),
     escalations AS (
       SELECT ${g.pair}, sum(escalations_raised) AS raised FROM scoped ${g.groupBy}
     ),
     resolutions AS (
       SELECT ${g.pair}, count(*) AS resolved, percentile_cont(0.5) WITHIN GROUP (ORDER BY d) AS resolution_median
       FROM scoped, unnest(escalation_resolution_days) d ${g.groupBy}
     ),
     refusals AS (
       SELECT ${g.pair}, json_object_agg(refusal_ground, n) AS by_ground
       FROM (SELECT ${g.pair}, refusal_ground, count(*) AS n FROM scoped WHERE refusal_ground IS NOT NULL GROUP BY 1, 2, 3) r
       ${g.groupBy}
     ),
     liaison AS (
       SELECT ${g.pair}, count(*) AS liaison_interventions
       FROM scoped s JOIN case_events e ON e.case_id = s.id WHERE e.actor_role = 'LIAISON_MAGISTRATE' ${g.groupBy}
     )
     SELECT b.*, c.deadlines, e.raised, v.resolved, v.resolution_median, r.by_ground, l.liaison_interventions
     FROM base b
     LEFT JOIN clocks c USING (requesting_state, requested_state)
     LEFT JOIN escalations e USING (requesting_state, requested_state)
     LEFT JOIN resolutions v USING (requesting_state, requested_state)
     LEFT JOIN refusals r USING (requesting_state, requested_state)
     LEFT JOIN liaison l USING (requesting_state, requested_state)
     ORDER BY b.requesting_state, b.requested_state`,
    params,
  );
  return toPairStatistics(rows);
}
