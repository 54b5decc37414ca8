import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Each case carries its own figures (deadline rules run and breached, escalations and their
 * resolution times), so that statistics read one row per case instead of joining millions of clocks.
 */
export class CaseFigures1764800000000 implements MigrationInterface {
  name = 'CaseFigures1764800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE cases
        ADD COLUMN deadline_rules text[] NOT NULL DEFAULT '{}',
        ADD COLUMN breached_rules text[] NOT NULL DEFAULT '{}',
        ADD COLUMN escalations_raised int NOT NULL DEFAULT 0,
        ADD COLUMN escalation_resolution_days real[] NOT NULL DEFAULT '{}';
      UPDATE cases c SET
        deadline_rules = coalesce((SELECT array_agg(rule_id ORDER BY clock_id) FROM case_clocks k
                                   WHERE k.case_id = c.id AND k.kind NOT IN ('STALL', 'CUSTODY_REMINDER') AND k.status <> 'CANCELLED'), '{}'),
        breached_rules = coalesce((SELECT array_agg(rule_id ORDER BY clock_id) FROM case_clocks k
                                   WHERE k.case_id = c.id AND k.kind NOT IN ('STALL', 'CUSTODY_REMINDER') AND k.status = 'BREACHED'), '{}'),
        escalations_raised = (SELECT count(*) FROM case_tasks t WHERE t.case_id = c.id AND t.kind = 'ESCALATION'),
        escalation_resolution_days = coalesce((SELECT array_agg(extract(epoch FROM t.resolved_at - t.created_at) / 86400) FROM case_tasks t
                                               WHERE t.case_id = c.id AND t.kind = 'ESCALATION' AND t.status = 'RESOLVED'), '{}');
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE cases DROP COLUMN deadline_rules, DROP COLUMN breached_rules, DROP COLUMN escalations_raised, DROP COLUMN escalation_resolution_days`,
    );
  }
}
