import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Working days per State (domain brief §6): each State's weekly rest days and public holidays, as the
 * reference data knows them, with whether they were checked. A State without one rests Saturday and Sunday.
 */
export class StateCalendars1765400000000 implements MigrationInterface {
  name = 'StateCalendars1765400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE states ADD COLUMN calendar jsonb`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE states DROP COLUMN calendar`);
  }
}
