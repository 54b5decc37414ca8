import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { MIGRATIONS, createDataSource } from '../libs/persistence/src/data-source';
import { GENESIS_HASH, auditRowHash } from '../libs/persistence/src/audit-chain';
import { verifyAuditTrail } from '../libs/persistence/src/audit-verification';
import { AuditTrust1765100000000 } from '../libs/persistence/src/migrations/1765100000000-AuditTrust';
import { loadSeeds } from '../seeds/loader';
import { Running, startPostgres } from './support/servers';

/**
 * A database migrated before the audit chain existed, by a superuser as a first deployment or the
 * compose job would: the migration creates the roles, hands the tables to the owner role, chains the
 * rows already there in seq order, and leaves the engine role INSERT and SELECT only on the trail.
 */
describe('the audit-trust migration on an existing database', () => {
  let pg: Running & { url: string };
  let db: DataSource;
  const caseId = randomUUID();

  beforeAll(async () => {
    pg = await startPostgres();
    const before = MIGRATIONS.slice(0, MIGRATIONS.indexOf(AuditTrust1765100000000));
    const old = await createDataSource(pg.url, { migrations: before }).initialize();
    await old.runMigrations({ transaction: 'each' });
    await loadSeeds(old);
    const [{ version }] = await old.query(`SELECT max(version) AS version FROM rule_packs WHERE instrument_id = 'ECOWAS-MLA-1992'`);
    await old.query(
      `INSERT INTO cases (id, kind, workflow_id, state, version, requesting_state, requesting_authority_id, requested_state, legal_basis, rule_pack_version,
         created_by, assistance_types, language, urgency, created_at, updated_at, last_party_event_at, filed_at)
       VALUES ($1, 'MLA', $2, 'PENDING_CA_REVIEW', 2, 'SN', 'SN-PROS-DAKAR', 'GH', 'ECOWAS-MLA-1992', $3, 'u-sn-prosecutor', '{BANK_RECORDS}', 'fr', 'NORMAL', now(), now(), now(), now())`,
      [caseId, `mla-${caseId}`, version],
    );
    const events = [
      [0, 'FILED', null, 'DRAFT', null, null, null],
      [1, 'SUBMITTED', 'DRAFT', 'PENDING_CA_REVIEW', 'checked twice', JSON.stringify({ z: 1, a: { y: [1, 2], b: 'x' } }), JSON.stringify(['SN-CA-DACG'])],
      [2, 'NOTE', 'PENDING_CA_REVIEW', 'PENDING_CA_REVIEW', 'é ü "quoted"', null, null],
    ];
    for (const [seq, event, from, to, comment, data, notify] of events) {
      await old.query(
        `INSERT INTO case_events (case_id, seq, event, from_state, to_state, actor_id, actor_role, actor_state, actor_authority_id, at, comment, data, notify)
         VALUES ($1, $2, $3, $4, $5, 'u-sn-prosecutor', 'PROSECUTOR', 'SN', 'SN-PROS-DAKAR', $6, $7, $8::jsonb, $9::jsonb)`,
        [caseId, seq, event, from, to, new Date(Date.UTC(2026, 2, 1, 10, Number(seq), 0, 123)), comment, data, notify],
      );
    }
    await old.destroy();
    db = await createDataSource(pg.url).initialize();
    await db.runMigrations({ transaction: 'each' });
  }, 120000);

  afterAll(async () => {
    await db?.destroy();
    await pg?.stop();
  });

  it('chains the rows that were there, from the genesis hash, as the projection would have', async () => {
    const rows = await db.query(`SELECT seq, prev_hash, hash FROM case_events WHERE case_id = $1 ORDER BY seq`, [caseId]);
    expect(rows[0].prev_hash).toBe(GENESIS_HASH);
    expect(rows[1].prev_hash).toBe(rows[0].hash);
    expect(rows[2].prev_hash).toBe(rows[1].hash);
    const asWritten = {
      caseId,
      seq: 1,
      event: 'SUBMITTED',
      fromState: 'DRAFT',
      toState: 'PENDING_CA_REVIEW',
      actorId: 'u-sn-prosecutor',
      actorRole: 'PROSECUTOR',
      actorState: 'SN',
      actorAuthorityId: 'SN-PROS-DAKAR',
      at: '2026-03-01T10:01:00.123Z',
      legalRef: null,
      comment: 'checked twice',
      data: { z: 1, a: { y: [1, 2], b: 'x' } },
      notify: ['SN-CA-DACG'],
    };
    expect(rows[1].hash).toBe(auditRowHash(asWritten, rows[0].hash));
    expect(await verifyAuditTrail(db)).toEqual({ casesChecked: 1, rowsChecked: 3, broken: [] });
  });

  it('hands every table to the owner role and keeps the trail append-only for the engine role', async () => {
    const owners = await db.query(`SELECT DISTINCT tableowner FROM pg_tables WHERE schemaname = 'public'`);
    expect(owners).toEqual([{ tableowner: 'mla_owner' }]);
    const [privileges] = await db.query(`
      SELECT has_table_privilege('mla_engine', 'case_events', 'INSERT') AS insert_events, has_table_privilege('mla_engine', 'case_events', 'SELECT') AS select_events,
             has_table_privilege('mla_engine', 'case_events', 'UPDATE') AS update_events, has_table_privilege('mla_engine', 'case_events', 'DELETE') AS delete_events,
             has_table_privilege('mla_engine', 'case_events', 'TRUNCATE') AS truncate_events, has_table_privilege('mla_engine', 'access_log', 'DELETE') AS delete_log,
             has_table_privilege('mla_engine', 'cases', 'UPDATE') AS update_cases, has_table_privilege('mla_engine', 'states', 'UPDATE') AS update_states,
             (SELECT rolcanlogin FROM pg_roles WHERE rolname = 'mla_engine') AS can_login`);
    expect(privileges).toEqual({
      insert_events: true,
      select_events: true,
      update_events: false,
      delete_events: false,
      truncate_events: false,
      delete_log: false,
      update_cases: true,
      update_states: false,
      can_login: false,
    });
    const [trigger] = await db.query(`SELECT tgenabled FROM pg_trigger WHERE tgname = 'case_events_no_update'`);
    expect(trigger.tgenabled).toBe('O');
  });
});
