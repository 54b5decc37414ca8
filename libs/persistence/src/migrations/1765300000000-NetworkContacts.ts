import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Escalation level 3 goes to the network of the pair (domain brief §7, §10): each contact names its
 * network (WACAP focal point, EJN contact point, Eurojust national desk …) and the group of States the
 * network serves; a contact is addressed only on pairs whose two States are both in that group. The
 * focal points known before are WACAP's.
 */
export class NetworkContacts1765300000000 implements MigrationInterface {
  name = 'NetworkContacts1765300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE focal_points ADD COLUMN network text NOT NULL DEFAULT 'WACAP', ADD COLUMN serves_group text NOT NULL DEFAULT 'WACAP'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE focal_points DROP COLUMN serves_group, DROP COLUMN network`);
  }
}
