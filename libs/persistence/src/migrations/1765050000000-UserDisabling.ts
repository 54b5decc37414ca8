import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A user can be disabled (an operator leaves, a token leaks): `disabled_at` is checked on every request,
 * so a disabled user is refused from the next request on, whatever tokens they still hold.
 */
export class UserDisabling1765050000000 implements MigrationInterface {
  name = 'UserDisabling1765050000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE users ADD COLUMN disabled_at timestamptz, ADD COLUMN disabled_by text`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE users DROP COLUMN disabled_by, DROP COLUMN disabled_at`);
  }
}
