import { MigrationInterface, QueryRunner } from 'typeorm';
import { ENGINE_ROLE, handOverToOwner } from './1765100000000-AuditTrust';

/**
 * A State's administrators create, change and disable its authorities and users through the API:
 * - `origin` tells the seed files' rows from the API's: the seed loader leaves an API row alone, so a
 *   ministry's own changes survive the next seeding, even of a row the seeds once created;
 * - an authority can be disabled, as a user can: its users are then refused;
 * - `directory_changes` records every change (who, what, before and after, when). Append-only like
 *   `access_log`: a trigger refuses UPDATE, DELETE and TRUNCATE, and the engine role may only INSERT
 *   and SELECT on it. On `authorities` and `users` the engine may insert, and update the columns the API
 *   changes, never delete.
 */
export class DirectoryAdministration1765260000000 implements MigrationInterface {
  name = 'DirectoryAdministration1765260000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE authorities
        ADD COLUMN origin text NOT NULL DEFAULT 'seed' CHECK (origin IN ('seed', 'api')),
        ADD COLUMN disabled_at timestamptz,
        ADD COLUMN disabled_by text;
      ALTER TABLE users ADD COLUMN origin text NOT NULL DEFAULT 'seed' CHECK (origin IN ('seed', 'api'));

      CREATE TABLE directory_changes (
        id bigserial PRIMARY KEY,
        at timestamptz NOT NULL DEFAULT now(),
        actor_id text NOT NULL,
        actor_state text NOT NULL,
        entity text NOT NULL CHECK (entity IN ('AUTHORITY', 'USER')),
        entity_id text NOT NULL,
        action text NOT NULL CHECK (action IN ('CREATED', 'UPDATED', 'DISABLED', 'ENABLED')),
        before jsonb,
        after jsonb
      );
      CREATE INDEX directory_changes_entity_idx ON directory_changes (entity, entity_id, at);
      CREATE INDEX directory_changes_state_idx ON directory_changes (actor_state, at);

      CREATE FUNCTION directory_changes_are_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'directory_changes is an append-only record of directory changes: % refused', TG_OP;
      END $$;
      CREATE TRIGGER directory_changes_no_update BEFORE UPDATE OR DELETE ON directory_changes
        FOR EACH ROW EXECUTE FUNCTION directory_changes_are_immutable();
      CREATE TRIGGER directory_changes_no_truncate BEFORE TRUNCATE ON directory_changes
        FOR EACH STATEMENT EXECUTE FUNCTION directory_changes_are_immutable();
    `);
    await handOverToOwner(q);
    await q.query(`
      REVOKE ALL ON directory_changes FROM ${ENGINE_ROLE};
      GRANT SELECT, INSERT ON directory_changes TO ${ENGINE_ROLE};
      GRANT USAGE ON SEQUENCE directory_changes_id_seq TO ${ENGINE_ROLE};
      GRANT INSERT ON authorities, users TO ${ENGINE_ROLE};
      GRANT UPDATE (name, kind, origin, disabled_at, disabled_by) ON authorities TO ${ENGINE_ROLE};
      GRANT UPDATE (subject, display_name, authority_id, roles, origin, disabled_at, disabled_by) ON users TO ${ENGINE_ROLE};
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TABLE directory_changes; DROP FUNCTION directory_changes_are_immutable();
      ALTER TABLE users DROP COLUMN origin;
      ALTER TABLE authorities DROP COLUMN disabled_by, DROP COLUMN disabled_at, DROP COLUMN origin;
    `);
  }
}
