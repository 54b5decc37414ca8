import { MigrationInterface, QueryRunner } from 'typeorm';

/** Tables whose content processes keep in memory (libs/persistence/src/reference-cache.ts). */
const REFERENCE_TABLES = ['states', 'authorities', 'instruments', 'instrument_parties', 'rule_packs', 'liaison_postings', 'focal_points'];

/**
 * Every statement that changes reference data notifies `reference_data_changed` when it commits, so that
 * the API's in-memory copy is dropped at once, whoever changed it (seeds, directory administration, SQL).
 */
export class ReferenceDataNotifications1765600000000 implements MigrationInterface {
  name = 'ReferenceDataNotifications1765600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION notify_reference_data_changed() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('reference_data_changed', TG_TABLE_NAME);
        RETURN NULL;
      END $$;
    `);
    for (const table of REFERENCE_TABLES) {
      await q.query(
        `CREATE TRIGGER ${table}_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON ${table}
           FOR EACH STATEMENT EXECUTE FUNCTION notify_reference_data_changed()`,
      );
    }
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of REFERENCE_TABLES) await q.query(`DROP TRIGGER ${table}_changed ON ${table}`);
    await q.query(`DROP FUNCTION notify_reference_data_changed()`);
  }
}
