import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Per pair and month pre-aggregates for the statistics of a whole State or the network, where reading
 * every case row cannot answer in time. The raw values (days to acknowledge, to execute, to resolve an
 * escalation) are kept as arrays so that medians and percentiles stay exact. Refreshed by the worker.
 */
export class StatisticsPreAggregates1764900000000 implements MigrationInterface {
  name = 'StatisticsPreAggregates1764900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE MATERIALIZED VIEW stats_monthly AS
        SELECT requesting_state, requested_state, kind, legal_basis, transmitted, date_trunc('month', filed_at)::date AS month,
               count(*) FILTER (WHERE is_open) AS open, count(*) FILTER (WHERE NOT is_open) AS terminal,
               coalesce(array_agg(extract(epoch FROM received_at - transmitted_at) / 86400)
                          FILTER (WHERE received_at IS NOT NULL AND transmitted_at IS NOT NULL), '{}') AS ack_days,
               coalesce(array_agg((extract(epoch FROM results_at - received_at) * 1000 - paused_ms) / 86400000)
                          FILTER (WHERE results_at IS NOT NULL AND received_at IS NOT NULL), '{}') AS execution_days,
               count(*) FILTER (WHERE kind = 'EXTRADITION' AND custody_days IS NOT NULL) AS custody_cases,
               coalesce(sum(custody_days) FILTER (WHERE kind = 'EXTRADITION'), 0) AS custody_total,
               max(custody_days) FILTER (WHERE kind = 'EXTRADITION') AS custody_max,
               sum(escalations_raised) AS escalations_raised
        FROM cases GROUP BY 1, 2, 3, 4, 5, 6;
      CREATE UNIQUE INDEX stats_monthly_key ON stats_monthly (requesting_state, requested_state, kind, legal_basis, transmitted, month);
      CREATE INDEX stats_monthly_requested ON stats_monthly (requested_state, month);

      CREATE MATERIALIZED VIEW stats_monthly_rules AS
        SELECT requesting_state, requested_state, kind, legal_basis, transmitted, date_trunc('month', filed_at)::date AS month, rule_id,
               count(*) AS total, count(*) FILTER (WHERE rule_id = ANY(breached_rules)) AS breached
        FROM cases, unnest(deadline_rules) AS rule_id GROUP BY 1, 2, 3, 4, 5, 6, 7;
      CREATE UNIQUE INDEX stats_monthly_rules_key ON stats_monthly_rules (requesting_state, requested_state, kind, legal_basis, transmitted, month, rule_id);

      CREATE MATERIALIZED VIEW stats_monthly_resolutions AS
        SELECT requesting_state, requested_state, kind, legal_basis, transmitted, date_trunc('month', filed_at)::date AS month, array_agg(d) AS days
        FROM cases, unnest(escalation_resolution_days) AS d GROUP BY 1, 2, 3, 4, 5, 6;
      CREATE UNIQUE INDEX stats_monthly_resolutions_key ON stats_monthly_resolutions (requesting_state, requested_state, kind, legal_basis, transmitted, month);

      CREATE MATERIALIZED VIEW stats_monthly_refusals AS
        SELECT requesting_state, requested_state, kind, legal_basis, transmitted, date_trunc('month', filed_at)::date AS month, refusal_ground, count(*) AS n
        FROM cases WHERE refusal_ground IS NOT NULL GROUP BY 1, 2, 3, 4, 5, 6, 7;
      CREATE UNIQUE INDEX stats_monthly_refusals_key
        ON stats_monthly_refusals (requesting_state, requested_state, kind, legal_basis, transmitted, month, refusal_ground);

      CREATE TABLE stats_refreshes (id int PRIMARY KEY CHECK (id = 1), refreshed_at timestamptz NOT NULL);
      INSERT INTO stats_refreshes VALUES (1, now());
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TABLE stats_refreshes;
      DROP MATERIALIZED VIEW stats_monthly_refusals; DROP MATERIALIZED VIEW stats_monthly_resolutions;
      DROP MATERIALIZED VIEW stats_monthly_rules; DROP MATERIALIZED VIEW stats_monthly;
    `);
  }
}
