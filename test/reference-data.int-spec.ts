import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import type { DataSource } from 'typeorm';
import { Actor, MLA_STATES, decide, isRole } from '../libs/domain/src';
import { CaseQueries, accessFactsOf, caseScope, createDataSource } from '../libs/persistence/src';
import { SEED_DIR, loadSeeds } from '../seeds/loader';
import { Running, startPostgres } from './support/servers';

describe('reference data and case scope on a real Postgres', () => {
  let pg: Running & { url: string };
  let db: DataSource;

  beforeAll(async () => {
    pg = await startPostgres();
    db = await createDataSource(pg.url).initialize();
    await db.runMigrations({ transaction: 'each' });
  }, 120000);

  afterAll(async () => {
    await db?.destroy();
    await pg?.stop();
  });

  it('loads the seeds idempotently: a second run changes nothing, an edit changes exactly that row', async () => {
    const first = await loadSeeds(db);
    expect(first.states).toBeGreaterThanOrEqual(30);
    expect(first.users).toBeGreaterThan(0);
    expect(first.rule_packs).toBeGreaterThanOrEqual(7);
    const second = await loadSeeds(db);
    expect(Object.values(second).every((n) => n === 0)).toBe(true);

    const dir = mkdtempSync(join(tmpdir(), 'seeds-'));
    try {
      cpSync(SEED_DIR, dir, { recursive: true });
      const states = JSON.parse(readFileSync(join(dir, 'states.json'), 'utf8'));
      states.find((s: { code: string }) => s.code === 'SN').languages = ['fr', 'wo'];
      writeFileSync(join(dir, 'states.json'), JSON.stringify(states));
      const edited = await loadSeeds(db, dir);
      expect(edited).toMatchObject({ states: 1, users: 0, rule_packs: 0 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
      await loadSeeds(db);
    }
  });

  it('holds the directory the engine relies on', async () => {
    const q = (sql: string) => db.query(sql);
    const wacapWithoutTwo = await q(`SELECT s.code FROM states s LEFT JOIN focal_points f ON f.state_code = s.code
      WHERE 'WACAP' = ANY(s.groups) GROUP BY s.code HAVING count(f.id) <> 2`);
    expect(wacapWithoutTwo).toEqual([]);
    const ecowasMissing = await q(`SELECT code FROM unnest(ARRAY['GW','LR','SL','TG']) code WHERE code NOT IN (SELECT code FROM states)`);
    expect(ecowasMissing).toEqual([]);
    const postings = (await q(`SELECT home_state || '>' || host_state AS p FROM liaison_postings`)).map((r: { p: string }) => r.p);
    expect(postings).toEqual(expect.arrayContaining(['NG>IT', 'NG>ES', 'FR>SN']));
    const withoutCa = await q(`SELECT code FROM states WHERE code NOT IN (SELECT state_code FROM authorities WHERE kind = 'CENTRAL_AUTHORITY')`);
    expect(withoutCa).toEqual([]);
    const mlParty = await q(`SELECT party_to::text FROM instrument_parties WHERE instrument_id = 'ECOWAS-MLA-1992' AND state_code = 'ML'`);
    expect(mlParty).toEqual([{ party_to: '2025-01-29' }]);
    const roles = new Set((await q(`SELECT DISTINCT unnest(roles) AS r FROM users`)).map((r: { r: string }) => r.r));
    for (const role of ['PROSECUTOR', 'CENTRAL_AUTHORITY', 'EXECUTING_AUTHORITY', 'LIAISON_MAGISTRATE', 'FOCAL_POINT', 'MANAGER', 'ADMIN']) {
      expect(roles).toContain(role);
    }
  });

  it('lists exactly the cases the policy lets each seeded user see', async () => {
    await loadSeeds(db);
    const pairs: Array<[string, string, string]> = [
      ['NG', 'IT', 'NG-PROS-LAGOS'],
      ['SN', 'ML', 'SN-PROS-DAKAR'],
      ['GH', 'SN', 'GH-PROS-ACCRA'],
      ['IT', 'NG', 'IT-PROS-ROMA'],
      ['FR', 'SN', 'FR-PROS-PARIS'],
    ];
    const authorities = new Set((await db.query(`SELECT id FROM authorities`)).map((r: { id: string }) => r.id));
    const creator = (await db.query(`SELECT id FROM users WHERE 'PROSECUTOR' = ANY(roles) LIMIT 1`))[0].id;
    let n = 0;
    for (const [from, to, authority] of pairs) {
      const authorityId = authorities.has(authority) ? authority : (await db.query(`SELECT id FROM authorities WHERE state_code = $1 LIMIT 1`, [from]))[0].id;
      for (const [i, state] of ['DRAFT', 'RECEIVED', 'IN_EXECUTION', 'CLOSED'].entries()) {
        const transmitted = state !== 'DRAFT';
        const executing =
          state === 'IN_EXECUTION'
            ? (await db.query(`SELECT id FROM authorities WHERE state_code = $1 AND kind <> 'CENTRAL_AUTHORITY' LIMIT 1`, [to])).map(
                (r: { id: string }) => r.id,
              )
            : [];
        const escalated = i % 2 === 1 ? [from, to] : [];
        await db.query(
          `INSERT INTO cases (id, kind, workflow_id, state, version, requesting_state, requesting_authority_id, requested_state, legal_basis,
             rule_pack_version, created_by, assistance_types, language, urgency, transmitted, executing_authority_ids, escalated_to_focal_points_of, created_at, updated_at, filed_at, last_party_event_at)
           VALUES (gen_random_uuid(), 'MLA', 'wf-' || $1, $2, 0, $3, $4, $5, 'UNTOC-2000', 1, $6, '{OTHER}', 'en', 'NORMAL', $7, $8, $9, now() - ($1 || ' minutes')::interval, now(), now(), now())`,
          [String(n++), state, from, authorityId, to, creator, transmitted, executing, escalated],
        );
      }
    }
    expect(MLA_STATES).toContain('IN_EXECUTION');
    const queries = new CaseQueries(db);
    const allCases = await db.query(`SELECT id FROM cases`);
    const everyCase = await Promise.all(allCases.map((r: { id: string }) => queries.findCase(r.id)));
    const users = await db.query(`SELECT u.id, u.roles, u.state_code, u.authority_id,
        COALESCE(json_agg(json_build_object('homeState', p.home_state, 'hostState', p.host_state)) FILTER (WHERE p.id IS NOT NULL), '[]') AS postings
      FROM users u LEFT JOIN liaison_postings p ON p.user_id = u.id GROUP BY u.id`);
    let checked = 0;
    for (const u of users) {
      const actor: Actor = { userId: u.id, roles: u.roles.filter(isRole), stateCode: u.state_code, authorityId: u.authority_id, liaisonPostings: u.postings };
      const expected = everyCase
        .filter((row) => row && decide(actor, { kind: 'VIEW' }, accessFactsOf(row)).outcome === 'ALLOW')
        .map((r) => r!.id)
        .sort();
      const params: unknown[] = [];
      const listed = (await db.query(`SELECT id FROM cases WHERE ${caseScope(actor, params)}`, params)).map((r: { id: string }) => r.id).sort();
      expect({ user: u.id, ids: listed }).toEqual({ user: u.id, ids: expected });
      checked += expected.length;
    }
    expect(checked).toBeGreaterThan(0);
  });
});
