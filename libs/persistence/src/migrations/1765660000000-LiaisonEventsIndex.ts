import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The liaison magistrates' acts on cases, by case: the statistics count them per pair without reading
 * every audit row of the period (a few rows among millions).
 */
export class LiaisonEventsIndex1765660000000 implements MigrationInterface {
  name = 'LiaisonEventsIndex1765660000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX case_events_liaison_idx ON case_events (case_id) WHERE actor_role = 'LIAISON_MAGISTRATE'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX case_events_liaison_idx`);
  }
}
