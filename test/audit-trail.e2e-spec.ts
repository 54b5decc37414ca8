import { Client } from 'pg';
import { Engine, startEngine } from './support/engine';

const filing = {
  requestedState: 'GH',
  legalBasis: 'ECOWAS-MLA-1992',
  assistanceTypes: ['BANK_RECORDS'],
  subjectOfProceedings: 'Smuggling of migrants, organised criminal group',
  factsSummary: 'Payments for crossings were routed through accounts held in Accra.',
  purpose: 'Trace the proceeds of the smuggling network',
  persons: [{ role: 'SUSPECT', name: 'Person A', nationality: 'SN' }],
  language: 'fr',
};

/**
 * The audit trail proves itself and reads leave a trace, on a real Postgres where the engine runs as
 * `mla_engine` and the tables belong to `mla_owner`: the engine's role cannot change the trail by
 * any of the known bypasses; tampering by the owner is found by case and seq; the read model is
 * checked against the trail; reads of cases are in the access log, which only the data-protection
 * officer reads.
 */
describe('audit trail and access log', () => {
  let engine: Engine;
  let prosecutor: string;
  let ca: string;
  let admin: string;
  let dpo: string;
  let asEngine: Client;
  const ids: Record<'edited' | 'deleted' | 'swapped' | 'clean' | 'readModel', string> = {} as never;

  beforeAll(async () => {
    engine = await startEngine();
    [prosecutor, ca, admin, dpo] = await Promise.all(['u-sn-prosecutor', 'u-sn-ca', 'u-admin', 'u-sn-dpo'].map((u) => engine.token(u)));
    asEngine = new Client({ connectionString: engine.databaseUrls.engine });
    await asEngine.connect();
    // Six audit rows per case (seq 0..5): filed, submitted, returned, resubmitted, returned, resubmitted.
    for (const name of Object.keys({ edited: 1, deleted: 1, swapped: 1, clean: 1, readModel: 1 }) as Array<keyof typeof ids>) {
      const filed = await engine.request('POST', '/cases', { token: prosecutor, body: filing });
      expect(filed.status).toBe(201);
      const id = filed.body.id as string;
      ids[name] = id;
      expect((await engine.request('POST', `/cases/${id}/submit`, { token: prosecutor, body: {} })).status).toBe(200);
      for (const round of [1, 2]) {
        expect((await engine.request('POST', `/cases/${id}/return-for-correction`, { token: ca, body: { comment: `correction ${round}` } })).status).toBe(200);
        expect((await engine.request('POST', `/cases/${id}/resubmit`, { token: prosecutor, body: {} })).status).toBe(200);
      }
      await engine.settle(id);
    }
  }, 240000);

  afterAll(async () => {
    await asEngine?.end();
    await engine?.stop();
  }, 60000);

  const verify = async (query = '') => engine.request('GET', `/operations/audit/verify${query}`, { token: admin });
  const refused = async (sql: string): Promise<string | undefined> => {
    try {
      await asEngine.query(sql);
      return undefined;
    } catch (err) {
      return (err as { code?: string }).code;
    }
  };
  /** The owner changes the trail the only way Postgres leaves: with the trigger off. */
  const tamper = async (sql: string[], params: unknown[]) => {
    await engine.db.query(`ALTER TABLE case_events DISABLE TRIGGER case_events_no_update`);
    try {
      for (const s of sql) await engine.db.query(s, params);
    } finally {
      await engine.db.query(`ALTER TABLE case_events ENABLE TRIGGER case_events_no_update`);
    }
  };

  it('runs the API and the worker as the engine role, which owns nothing and is no superuser', async () => {
    const users: Array<{ usename: string }> = await engine.db.query(
      `SELECT DISTINCT usename FROM pg_stat_activity WHERE datname = current_database() AND usename IS NOT NULL AND usename <> current_user`,
    );
    expect(users.map((u) => u.usename)).toEqual(['mla_engine']);
    const [role] = await engine.db.query(`SELECT rolsuper, rolbypassrls, rolcreaterole FROM pg_roles WHERE rolname = 'mla_engine'`);
    expect(role).toEqual({ rolsuper: false, rolbypassrls: false, rolcreaterole: false });
    const [owner] = await engine.db.query(`SELECT tableowner FROM pg_tables WHERE tablename = 'case_events'`);
    expect(owner.tableowner).toBe('mla_owner');
    const rows = await engine.db.query(`SELECT count(*)::int AS n FROM case_events WHERE case_id = $1`, [ids.clean]);
    expect(rows[0].n).toBe(6);
  });

  it('refuses the engine role every way of changing the audit trail or the access log', async () => {
    const caseId = ids.clean;
    expect(await refused(`UPDATE case_events SET comment = 'rewritten' WHERE case_id = '${caseId}' AND seq = 2`)).toBe('42501');
    expect(await refused(`DELETE FROM case_events WHERE case_id = '${caseId}' AND seq = 5`)).toBe('42501');
    expect(await refused(`TRUNCATE case_events`)).toBe('42501');
    expect(await refused(`SET session_replication_role = replica`)).toBe('42501');
    expect(await refused(`ALTER TABLE case_events DISABLE TRIGGER case_events_no_update`)).toBe('42501');
    expect(await refused(`ALTER TABLE case_events DISABLE TRIGGER ALL`)).toBe('42501');
    expect(await refused(`SET ROLE mla_owner`)).toBe('42501');
    expect(await refused(`DROP TABLE case_events`)).toBe('42501');
    expect(await refused(`UPDATE access_log SET actor_id = 'someone-else'`)).toBe('42501');
    expect(await refused(`DELETE FROM access_log`)).toBe('42501');
    expect(await refused(`TRUNCATE access_log`)).toBe('42501');
    expect(await refused(`ALTER TABLE access_log DISABLE TRIGGER access_log_no_update`)).toBe('42501');
    // Even the owner meets the triggers unless it turns them off first.
    await expect(engine.db.query(`DELETE FROM access_log`)).rejects.toThrow(/append-only/);
    await expect(engine.db.query(`UPDATE case_events SET comment = 'x' WHERE case_id = $1`, [caseId])).rejects.toThrow(/append-only/);
    const [{ n }] = await engine.db.query(`SELECT count(*)::int AS n FROM case_events WHERE case_id = $1`, [caseId]);
    expect(n).toBe(6);
  });

  it('verifies an untampered trail clean, chained from the genesis hash', async () => {
    const res = await verify();
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ intact: true, chain: { broken: [] }, readModel: { mismatches: [] } });
    expect(res.body.chain.casesChecked).toBeGreaterThanOrEqual(5);
    const [first] = await engine.db.query(`SELECT prev_hash, hash FROM case_events WHERE case_id = $1 AND seq = 0`, [ids.clean]);
    expect(first.prev_hash).toBe('0'.repeat(64));
    expect(first.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('reports exactly the case and seq of an edited, a deleted and a reordered row, and the case whose read model was edited', async () => {
    await tamper([`UPDATE case_events SET comment = 'nothing to correct' WHERE case_id = $1 AND seq = 2`], [ids.edited]);
    await tamper([`DELETE FROM case_events WHERE case_id = $1 AND seq = 3`], [ids.deleted]);
    await tamper(
      [
        `UPDATE case_events SET seq = -1 WHERE case_id = $1 AND seq = 1`,
        `UPDATE case_events SET seq = 1 WHERE case_id = $1 AND seq = 3`,
        `UPDATE case_events SET seq = 3 WHERE case_id = $1 AND seq = -1`,
      ],
      [ids.swapped],
    );
    await engine.db.query(`UPDATE cases SET state = 'CLOSED' WHERE id = $1`, [ids.readModel]);

    const res = await verify();
    expect(res.status).toBe(200);
    expect(res.body.intact).toBe(false);
    const broken = (res.body.chain.broken as Array<{ caseId: string; seq: number; problem: string }>).map(({ caseId, seq, problem }) => ({
      caseId,
      seq,
      problem,
    }));
    expect(broken.sort((a, b) => a.caseId.localeCompare(b.caseId))).toEqual(
      [
        { caseId: ids.edited, seq: 2, problem: 'CONTENT_CHANGED' },
        { caseId: ids.deleted, seq: 3, problem: 'ROW_MISSING' },
        { caseId: ids.swapped, seq: 1, problem: 'REORDERED' },
      ].sort((a, b) => a.caseId.localeCompare(b.caseId)),
    );
    expect(res.body.readModel.mismatches).toEqual([
      { caseId: ids.readModel, readModel: { state: 'CLOSED', version: 5 }, auditTrail: { state: 'PENDING_CA_REVIEW', version: 5 } },
    ]);

    const one = await verify(`?caseId=${ids.clean}`);
    expect(one.body).toMatchObject({ intact: true, chain: { casesChecked: 1, broken: [] } });
    const edited = await verify(`?caseId=${ids.edited}`);
    expect(edited.body.chain.broken).toEqual([expect.objectContaining({ caseId: ids.edited, seq: 2, problem: 'CONTENT_CHANGED' })]);
  });

  it('keeps the verification to operators and refuses a malformed case id', async () => {
    expect((await engine.request('GET', '/operations/audit/verify', { token: prosecutor })).status).toBe(403);
    expect((await engine.request('GET', '/operations/audit/verify', { token: dpo })).status).toBe(403);
    const bad = await verify('?caseId=not-a-case');
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual([expect.objectContaining({ field: 'caseId', rule: 'case_id' })]);
  });

  it('logs reads of a case, its timeline, the list and the export', async () => {
    const caseId = ids.clean;
    const [{ last }] = await engine.db.query(`SELECT coalesce(max(id), 0)::text AS last FROM access_log`);
    expect((await engine.request('GET', `/cases/${caseId}`, { token: prosecutor })).status).toBe(200);
    expect((await engine.request('GET', `/cases/${caseId}/timeline`, { token: prosecutor })).status).toBe(200);
    const list = await engine.request('GET', '/cases?limit=3', { token: prosecutor });
    expect(list.status).toBe(200);
    const csv = await engine.request('GET', '/monitoring/cases.csv', { token: prosecutor });
    expect(csv.status).toBe(200);
    expect(typeof csv.body === 'string' ? csv.body : '').toContain(caseId);

    const rows: Array<{ actor_id: string; actor_role: string; actor_state: string; actor_authority_id: string; view: string; case_ids: string[] }> =
      await engine.db.query(
        `SELECT actor_id, actor_role, actor_state, actor_authority_id, view, case_ids::text[] AS case_ids FROM access_log WHERE id > $1 AND actor_id = 'u-sn-prosecutor' ORDER BY id`,
        [last],
      );
    const who = { actor_id: 'u-sn-prosecutor', actor_role: 'PROSECUTOR', actor_state: 'SN', actor_authority_id: 'SN-PROS-DAKAR' };
    expect(rows).toEqual([
      { ...who, view: 'CASE', case_ids: [caseId] },
      { ...who, view: 'TIMELINE', case_ids: [caseId] },
      { ...who, view: 'LIST', case_ids: list.body.items.map((c: { id: string }) => c.id) },
      { ...who, view: 'EXPORT', case_ids: expect.arrayContaining([caseId, ...Object.values(ids)]) },
    ]);
    // A read refused by the policy served nothing and leaves nothing.
    const ghProsecutor = await engine.token('u-gh-prosecutor');
    expect((await engine.request('GET', `/cases/${caseId}`, { token: ghProsecutor })).status).toBe(404);
    expect(await engine.db.query(`SELECT 1 FROM access_log WHERE actor_id = 'u-gh-prosecutor'`)).toEqual([]);
  });

  it('lets the data-protection officer read the access log, and no one else', async () => {
    const caseId = ids.clean;
    const res = await engine.request('GET', `/operations/access-log?caseId=${caseId}&userId=u-sn-prosecutor`, { token: dpo });
    expect(res.status).toBe(200);
    expect(res.body.items.map((r: { view: string }) => r.view)).toEqual(expect.arrayContaining(['CASE', 'TIMELINE', 'EXPORT']));
    for (const item of res.body.items) {
      expect(item).toMatchObject({ actor: { userId: 'u-sn-prosecutor', role: 'PROSECUTOR', stateCode: 'SN' } });
      expect(item.caseIds).toContain(caseId);
    }
    const future = await engine.request('GET', `/operations/access-log?caseId=${caseId}&from=${new Date(Date.now() + 3_600_000).toISOString()}`, {
      token: dpo,
    });
    expect(future.body.items).toEqual([]);
    const paged = await engine.request('GET', `/operations/access-log?limit=1`, { token: dpo });
    expect(paged.body.items).toHaveLength(1);
    const next = await engine.request('GET', `/operations/access-log?limit=1&before=${paged.body.nextBefore}`, { token: dpo });
    expect(Number(next.body.items[0].id)).toBeLessThan(Number(paged.body.items[0].id));

    for (const token of [admin, prosecutor]) expect((await engine.request('GET', '/operations/access-log', { token })).status).toBe(403);
    const bad = await engine.request('GET', '/operations/access-log?from=yesterday&limit=0', { token: dpo });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['from', 'limit']);
    // The officer has no relation to any case: no case content through the case endpoints.
    const own = await engine.request('GET', '/cases', { token: dpo });
    expect(own.status).toBe(200);
    expect(own.body.items).toEqual([]);
    expect((await engine.request('GET', `/cases/${caseId}`, { token: dpo })).status).toBe(404);
  });
});
