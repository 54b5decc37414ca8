import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Clocks still running, by kind and due instant: the reads find those past due (a breach the workflow
 * has not recorded yet, e.g. during a storm of wakes) without reading every clock.
 */
export class RunningClocksDue1765650000000 implements MigrationInterface {
  name = 'RunningClocksDue1765650000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX case_clocks_running_due_idx ON case_clocks (kind, due_at) WHERE status = 'RUNNING'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX case_clocks_running_due_idx`);
  }
}
