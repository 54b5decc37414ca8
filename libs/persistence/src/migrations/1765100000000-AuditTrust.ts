import { MigrationInterface, QueryRunner } from 'typeorm';
import { AUDIT_ROW_COLUMNS, GENESIS_HASH, auditRowHash, type StoredAuditRow } from '../audit-chain';

/** Owns every table; migrations run as it (DATABASE_OWNER_URL). */
export const OWNER_ROLE = 'mla_owner';
/** What the API and the worker connect as (DATABASE_URL): no ownership, so no way around the triggers. */
export const ENGINE_ROLE = 'mla_engine';

/**
 * An audit trail the engine itself cannot rewrite, and that shows when anyone else did:
 * - two roles, created when missing (NOLOGIN: whoever deploys gives them a password, `npm start` does it
 *   for its embedded Postgres). The owner role owns the tables. The engine role may only INSERT and
 *   SELECT on `case_events`, and read and write the read model it maintains. Not owning `case_events`,
 *   it cannot disable its triggers; not a superuser, it cannot set `session_replication_role`.
 * - `prev_hash`/`hash` on every audit row, chained per case (libs/persistence/src/audit-chain.ts);
 *   rows written before this migration are chained here, in seq order.
 */
export class AuditTrust1765100000000 implements MigrationInterface {
  name = 'AuditTrust1765100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      DO $$ BEGIN
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${OWNER_ROLE}') THEN CREATE ROLE ${OWNER_ROLE} NOLOGIN; END IF;
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${ENGINE_ROLE}') THEN
          CREATE ROLE ${ENGINE_ROLE} NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS NOREPLICATION;
        END IF;
      END $$;
    `);
    await handOverToOwner(q);

    await q.query(`
      ALTER TABLE case_events
        ADD COLUMN prev_hash text CHECK (prev_hash ~ '^[0-9a-f]{64}$'),
        ADD COLUMN hash text CHECK (hash ~ '^[0-9a-f]{64}$');
    `);
    await chainExistingRows(q);

    await q.query(`
      GRANT USAGE ON SCHEMA ${await schemaOf(q)} TO ${ENGINE_ROLE};
      GRANT SELECT ON ALL TABLES IN SCHEMA ${await schemaOf(q)} TO ${ENGINE_ROLE};
      GRANT USAGE ON ALL SEQUENCES IN SCHEMA ${await schemaOf(q)} TO ${ENGINE_ROLE};
      REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON case_events FROM ${ENGINE_ROLE};
      GRANT INSERT ON case_events TO ${ENGINE_ROLE};
      GRANT INSERT, UPDATE ON cases, case_tasks, case_clocks, case_projection_failures, stats_refreshes TO ${ENGINE_ROLE};
      GRANT INSERT, UPDATE, DELETE ON idempotency_keys TO ${ENGINE_ROLE};
    `);
    // Operators disable and enable users through the API: those two columns, nothing else of the user.
    await q.query(`
      DO $$ BEGIN
        IF EXISTS (SELECT 1 FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = 'users' AND column_name = 'disabled_by') THEN
          GRANT UPDATE (disabled_at, disabled_by) ON users TO ${ENGINE_ROLE};
        END IF;
      END $$;
    `);
    // Tables added later are readable by the engine; what it may write is granted by their migration.
    await q.query(`
      DO $$ BEGIN
        IF pg_has_role(current_user, '${OWNER_ROLE}', 'MEMBER') THEN
          ALTER DEFAULT PRIVILEGES FOR ROLE ${OWNER_ROLE} GRANT SELECT ON TABLES TO ${ENGINE_ROLE};
        END IF;
      END $$;
    `);
    await letEngineRefreshStatistics(q);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE case_events DROP COLUMN hash, DROP COLUMN prev_hash`);
    await q.query(`REVOKE ALL ON ALL TABLES IN SCHEMA ${await schemaOf(q)} FROM ${ENGINE_ROLE}`);
  }
}

async function schemaOf(q: QueryRunner): Promise<string> {
  const [{ schema }] = await q.query(`SELECT quote_ident(current_schema()) AS schema`);
  return schema;
}

/**
 * Migrations run by a superuser (a first deployment, the compose job) hand what exists to the owner
 * role, so the engine never connects as an owner. Run as the owner role itself, nothing changes.
 */
export async function handOverToOwner(q: Pick<QueryRunner, 'query'> | { query(sql: string): Promise<unknown> }): Promise<void> {
  await q.query(`
    DO $$ DECLARE r record; BEGIN
      IF current_user = '${OWNER_ROLE}' THEN RETURN; END IF;
      EXECUTE format('GRANT USAGE, CREATE ON SCHEMA %I TO ${OWNER_ROLE}', current_schema());
      FOR r IN SELECT c.relname, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
               WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p', 'm')
                 AND pg_get_userbyid(c.relowner) NOT IN ('${OWNER_ROLE}', '${ENGINE_ROLE}') LOOP
        EXECUTE format('ALTER %s %I OWNER TO ${OWNER_ROLE}', CASE r.relkind WHEN 'm' THEN 'MATERIALIZED VIEW' ELSE 'TABLE' END, r.relname);
      END LOOP;
      FOR r IN SELECT p.oid::regprocedure AS sig FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
               WHERE n.nspname = current_schema() AND pg_get_userbyid(p.proowner) <> '${OWNER_ROLE}' LOOP
        EXECUTE format('ALTER FUNCTION %s OWNER TO ${OWNER_ROLE}', r.sig);
      END LOOP;
    END $$;
  `);
}

/**
 * REFRESH MATERIALIZED VIEW takes the MAINTAIN privilege (PostgreSQL 17+) or, before it, ownership:
 * there the engine owns the statistics views, which hold nothing but figures derived from `cases`.
 */
async function letEngineRefreshStatistics(q: QueryRunner): Promise<void> {
  const [{ version }] = await q.query(`SELECT current_setting('server_version_num')::int AS version`);
  const views: Array<{ name: string }> = await q.query(`SELECT quote_ident(matviewname) AS name FROM pg_matviews WHERE schemaname = current_schema()`);
  for (const { name } of views) {
    await q.query(version >= 170000 ? `GRANT MAINTAIN ON ${name} TO ${ENGINE_ROLE}` : `ALTER MATERIALIZED VIEW ${name} OWNER TO ${ENGINE_ROLE}`);
  }
}

/** Chains the rows written before the chain existed, case by case in seq order; the trigger is off for this only. */
async function chainExistingRows(q: QueryRunner): Promise<void> {
  await q.query(`ALTER TABLE case_events DISABLE TRIGGER case_events_no_update`);
  let after = { caseId: '00000000-0000-0000-0000-000000000000', seq: -1 };
  let prev = GENESIS_HASH;
  for (;;) {
    const rows: Array<StoredAuditRow & { id: string }> = await q.query(
      `SELECT id, ${AUDIT_ROW_COLUMNS} FROM case_events WHERE (case_id, seq) > ($1::uuid, $2::int) ORDER BY case_id, seq LIMIT 2000`,
      [after.caseId, after.seq],
    );
    if (rows.length === 0) break;
    const ids: string[] = [];
    const prevs: string[] = [];
    const hashes: string[] = [];
    for (const row of rows) {
      if (row.caseId !== after.caseId) prev = GENESIS_HASH;
      const hash = auditRowHash(row, prev);
      ids.push(row.id);
      prevs.push(prev);
      hashes.push(hash);
      prev = hash;
      after = { caseId: row.caseId, seq: row.seq };
    }
    await q.query(
      `UPDATE case_events e SET prev_hash = u.prev_hash, hash = u.hash
       FROM unnest($1::bigint[], $2::text[], $3::text[]) AS u(id, prev_hash, hash) WHERE e.id = u.id`,
      [ids, prevs, hashes],
    );
  }
  await q.query(`ALTER TABLE case_events ENABLE TRIGGER case_events_no_update`);
}
