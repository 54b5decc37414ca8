import { MigrationInterface, QueryRunner } from 'typeorm';

/** Extradition and domestic prosecution cases share the cases table; a person identifier links conflicting requests. */
export class Extradition1764600000000 implements MigrationInterface {
  name = 'Extradition1764600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE cases
        ADD COLUMN person_identifier text,
        ADD COLUMN linked_case_id uuid; -- no foreign key: the linked case is projected by another workflow, in its own time
      CREATE INDEX cases_extradition_person_idx ON cases (requested_state, person_identifier) WHERE kind = 'EXTRADITION';
      CREATE INDEX cases_kind_idx ON cases (kind, created_at DESC, id DESC);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX cases_kind_idx; DROP INDEX cases_extradition_person_idx;
      ALTER TABLE cases DROP COLUMN linked_case_id, DROP COLUMN person_identifier;`);
  }
}
