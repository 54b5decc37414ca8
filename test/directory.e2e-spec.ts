import { loadSeeds } from '../seeds/loader';
import { Engine, startEngine } from './support/engine';

// A State's directory administered through the API by its own administrators: authorities and users
// created, changed, disabled and enabled, each change in the append-only `directory_changes`; another
// State's directory out of reach; bad input answered 400 naming the field and the rule; the seed loader
// leaving what the API wrote alone.

describe('directory administration', () => {
  let engine: Engine;
  let snAdmin: string;
  let ngAdmin: string;
  let snCa: string;

  const call = async (token: string, method: string, path: string, body?: unknown, expected?: number) => {
    const res = await engine.request(method, path, { token, body });
    if (expected !== undefined && res.status !== expected) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
    return res;
  };
  const changesOf = (entityId: string): Promise<Array<{ actor_id: string; actor_state: string; action: string; before: any; after: any }>> =>
    engine.db.query(`SELECT actor_id, actor_state, action, before, after FROM directory_changes WHERE entity_id = $1 ORDER BY id`, [entityId]);

  beforeAll(async () => {
    engine = await startEngine();
    [snAdmin, ngAdmin, snCa] = await Promise.all(['u-admin', 'u-ng-admin', 'u-sn-ca'].map((u) => engine.token(u)));
  }, 180_000);

  afterAll(() => engine?.stop(), 60_000);

  it('lets an administrator of SN create an authority and a user there, who signs in and acts; then change and disable them, every change recorded', async () => {
    const authority = await call(snAdmin, 'POST', '/directory/authorities', {
      id: 'SN-PROS-THIES',
      stateCode: 'SN',
      name: "Public Prosecutor's Office, Thiès High Court",
      kind: 'PROSECUTION',
    });
    expect(authority.status).toBe(201);
    expect(authority.body).toEqual({
      id: 'SN-PROS-THIES',
      stateCode: 'SN',
      name: "Public Prosecutor's Office, Thiès High Court",
      kind: 'PROSECUTION',
      status: 'ENABLED',
      origin: 'api',
    });

    const created = await call(snAdmin, 'POST', '/directory/users', {
      id: 'u-sn-prosecutor-thies',
      subject: 'idp|thies-0001',
      displayName: 'Prosecutor, Thiès',
      authorityId: 'SN-PROS-THIES',
      roles: ['PROSECUTOR'],
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      id: 'u-sn-prosecutor-thies',
      stateCode: 'SN',
      authorityId: 'SN-PROS-THIES',
      roles: ['PROSECUTOR'],
      status: 'ENABLED',
    });

    // The new user signs in with a token for the subject given, and acts: files a request from the new office.
    const token = await engine.token('idp|thies-0001');
    expect((await call(token, 'GET', '/me', undefined, 200)).body).toMatchObject({
      userId: 'u-sn-prosecutor-thies',
      roles: ['PROSECUTOR'],
      stateCode: 'SN',
      authorityId: 'SN-PROS-THIES',
    });
    const filed = await call(
      token,
      'POST',
      '/cases',
      {
        requestedState: 'GH',
        legalBasis: 'ECOWAS-MLA-1992',
        assistanceTypes: ['BANK_RECORDS'],
        subjectOfProceedings: 'Smuggling of migrants',
        factsSummary: 'Payments for crossings were routed through accounts held in Accra.',
        purpose: 'Trace the proceeds',
        persons: [{ role: 'SUSPECT', name: 'Person A', nationality: 'SN' }],
        language: 'fr',
      },
      201,
    );
    expect(filed.body).toMatchObject({ requestingAuthorityId: 'SN-PROS-THIES' });

    // Updates: a rename, a role added; a new subject (the identity provider changed) takes over from the old one.
    const renamed = await call(snAdmin, 'PATCH', '/directory/authorities/SN-PROS-THIES', { name: "Public Prosecutor's Office, Thiès" }, 200);
    expect(renamed.body.name).toBe("Public Prosecutor's Office, Thiès");
    const changed = await call(
      snAdmin,
      'PATCH',
      '/directory/users/u-sn-prosecutor-thies',
      { roles: ['PROSECUTOR', 'MANAGER'], subject: 'idp|thies-0002' },
      200,
    );
    expect(changed.body).toMatchObject({ roles: ['PROSECUTOR', 'MANAGER'], subject: 'idp|thies-0002' });
    expect((await call(token, 'GET', '/me')).status).toBe(401);
    const token2 = await engine.token('idp|thies-0002');
    expect((await call(token2, 'GET', '/me', undefined, 200)).body.roles).toEqual(['PROSECUTOR', 'MANAGER']);
    // A request that changes nothing answers the record and records nothing.
    await call(snAdmin, 'PATCH', '/directory/users/u-sn-prosecutor-thies', { displayName: 'Prosecutor, Thiès' }, 200);

    // Disabling the user refuses them from the next request on; enabling lets them back.
    expect((await call(snAdmin, 'POST', '/directory/users/u-sn-prosecutor-thies/disable', undefined, 200)).body.status).toBe('DISABLED');
    expect((await call(token2, 'GET', '/me')).status).toBe(401);
    expect((await call(snAdmin, 'POST', '/directory/users/u-sn-prosecutor-thies/enable', undefined, 200)).body.status).toBe('ENABLED');
    expect((await call(token2, 'GET', '/me')).status).toBe(200);
    // Disabling the authority refuses its users too, and no new user can join it.
    expect((await call(snAdmin, 'POST', '/directory/authorities/SN-PROS-THIES/disable', undefined, 200)).body.status).toBe('DISABLED');
    expect((await call(token2, 'GET', '/me')).status).toBe(401);
    const joining = await call(snAdmin, 'POST', '/directory/users', {
      id: 'u-sn-thies-2',
      subject: 'idp|thies-0003',
      displayName: 'Clerk',
      authorityId: 'SN-PROS-THIES',
      roles: ['PROSECUTOR'],
    });
    expect(joining.status).toBe(422);
    expect(joining.body.errors).toEqual([expect.objectContaining({ field: 'authorityId', rule: 'authority_of_state' })]);

    const userChanges = await changesOf('u-sn-prosecutor-thies');
    expect(userChanges.map((c) => c.action)).toEqual(['CREATED', 'UPDATED', 'DISABLED', 'ENABLED']);
    expect(userChanges.every((c) => c.actor_id === 'u-admin' && c.actor_state === 'SN')).toBe(true);
    expect(userChanges[0].before).toBeNull();
    expect(userChanges[1].before).toMatchObject({ roles: ['PROSECUTOR'], subject: 'idp|thies-0001' });
    expect(userChanges[1].after).toMatchObject({ roles: ['PROSECUTOR', 'MANAGER'], subject: 'idp|thies-0002' });
    expect((await changesOf('SN-PROS-THIES')).map((c) => [c.action, c.before?.name ?? null, c.after.name])).toEqual([
      ['CREATED', null, "Public Prosecutor's Office, Thiès High Court"],
      ['UPDATED', "Public Prosecutor's Office, Thiès High Court", "Public Prosecutor's Office, Thiès"],
      ['DISABLED', "Public Prosecutor's Office, Thiès", "Public Prosecutor's Office, Thiès"],
    ]);
  });

  it('forwards nothing to a disabled authority: the requested central authority names an enabled one of the directory', async () => {
    await call(snAdmin, 'POST', '/directory/authorities', { id: 'SN-POL-THIES', stateCode: 'SN', name: 'Police, Thiès', kind: 'POLICE' }, 201);
    await call(snAdmin, 'POST', '/directory/authorities/SN-POL-THIES/disable', undefined, 200);
    const as = async (userId: string, method: string, path: string, body: unknown, expected: number) =>
      call(await engine.token(userId), method, path, body, expected);
    const filing = {
      requestedState: 'SN',
      legalBasis: 'ECOWAS-MLA-1992',
      assistanceTypes: ['BANK_RECORDS'],
      subjectOfProceedings: 'Smuggling of migrants',
      factsSummary: 'Payments for crossings were routed through accounts held in Dakar.',
      purpose: 'Trace the proceeds',
      persons: [{ role: 'SUSPECT', name: 'Person B', nationality: 'GH' }],
      language: 'fr',
    };
    const id = (await as('u-gh-prosecutor', 'POST', '/cases', filing, 201)).body.id;
    await as('u-gh-prosecutor', 'POST', `/cases/${id}/submit`, {}, 200);
    await as('u-gh-ca', 'POST', `/cases/${id}/approve`, {}, 200);
    await as('u-gh-ca', 'POST', `/cases/${id}/transmit`, { channel: 'CA_DIRECT', reference: 'GH-SN-1' }, 200);
    await as('u-sn-ca', 'POST', `/cases/${id}/acknowledge`, {}, 200);
    const refused = await as('u-sn-ca', 'POST', `/cases/${id}/accept`, { forward: [{ itemIds: ['item-1'], executingAuthorityId: 'SN-POL-THIES' }] }, 422);
    expect(refused.body.errors).toEqual([expect.objectContaining({ rule: 'known_authority' })]);
    await call(snAdmin, 'POST', '/directory/authorities/SN-POL-THIES/enable', undefined, 200);
    await as('u-sn-ca', 'POST', `/cases/${id}/accept`, { forward: [{ itemIds: ['item-1'], executingAuthorityId: 'SN-POL-THIES' }] }, 200);
  });

  it("shows an administrator their own State's directory changes, and no other State's", async () => {
    const page = await call(snAdmin, 'GET', '/directory/changes?entityId=u-sn-prosecutor-thies&limit=2', undefined, 200);
    expect(page.body.items.map((c: { action: string }) => c.action)).toEqual(['ENABLED', 'DISABLED']);
    expect(page.body.items[0]).toMatchObject({ actorId: 'u-admin', entity: 'USER', entityId: 'u-sn-prosecutor-thies', after: { status: 'ENABLED' } });
    const next = await call(snAdmin, 'GET', `/directory/changes?entityId=u-sn-prosecutor-thies&before=${page.body.nextBefore}`, undefined, 200);
    expect(next.body.items.map((c: { action: string }) => c.action)).toEqual(['UPDATED', 'CREATED']);
    expect(next.body.nextBefore).toBeNull();
    // NG's administrator sees none of SN's changes; a central authority officer reads none at all.
    expect((await call(ngAdmin, 'GET', '/directory/changes?entityId=u-sn-prosecutor-thies', undefined, 200)).body.items).toEqual([]);
    expect((await call(snCa, 'GET', '/directory/changes')).status).toBe(403);
    const bad = await call(snAdmin, 'GET', '/directory/changes?limit=0');
    expect({ status: bad.status, field: bad.body.errors?.[0]?.field }).toEqual({ status: 400, field: 'limit' });
  });

  it('takes an Idempotency-Key: a retried creation answers again without creating or recording twice', async () => {
    const body = { id: 'u-sn-retry', subject: 'idp|retry', displayName: 'Clerk, Dakar', authorityId: 'SN-PROS-DAKAR', roles: ['PROSECUTOR'] };
    const headers = { 'idempotency-key': 'onboard-u-sn-retry' };
    const first = await engine.request('POST', '/directory/users', { token: snAdmin, body, headers });
    expect(first.status).toBe(201);
    const again = await engine.request('POST', '/directory/users', { token: snAdmin, body, headers });
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect((await changesOf('u-sn-retry')).map((c) => c.action)).toEqual(['CREATED']);
    const disabled = await engine.request('POST', '/operations/users/u-sn-retry/disable', {
      token: snAdmin,
      headers: { 'idempotency-key': 'leaver-u-sn-retry' },
    });
    expect(disabled.status).toBe(200);
    expect((await changesOf('u-sn-retry')).map((c) => c.action)).toEqual(['CREATED', 'DISABLED']);
  });

  it('keeps the record append-only for the engine: it may add changes, never rewrite or remove them', async () => {
    const [grants] = await engine.db.query(`
      SELECT has_table_privilege('mla_engine', 'directory_changes', 'INSERT') AS insert, has_table_privilege('mla_engine', 'directory_changes', 'SELECT') AS select,
             has_table_privilege('mla_engine', 'directory_changes', 'UPDATE') AS update, has_table_privilege('mla_engine', 'directory_changes', 'DELETE') AS delete,
             has_table_privilege('mla_engine', 'directory_changes', 'TRUNCATE') AS truncate, has_table_privilege('mla_engine', 'users', 'DELETE') AS delete_users`);
    expect(grants).toEqual({ insert: true, select: true, update: false, delete: false, truncate: false, delete_users: false });
    // Not even the owner rewrites it: the trigger refuses.
    await expect(engine.db.query(`UPDATE directory_changes SET actor_id = 'someone-else'`)).rejects.toThrow(/append-only/);
    await expect(engine.db.query(`DELETE FROM directory_changes`)).rejects.toThrow(/append-only/);
  });

  it("leaves another State's directory out of reach of SN's administrator, and the directory to administrators", async () => {
    const before = await engine.db.query(`SELECT count(*)::int AS n FROM directory_changes`);
    // GH's authorities and users do not exist for SN's administrator.
    expect((await call(snAdmin, 'PATCH', '/directory/authorities/GH-CA-MOJ', { name: 'Taken over' })).status).toBe(404);
    expect((await call(snAdmin, 'POST', '/directory/authorities/GH-POL-AHTU/disable')).status).toBe(404);
    expect((await call(snAdmin, 'PATCH', '/directory/users/u-gh-ca', { roles: ['ADMIN'] })).status).toBe(404);
    expect((await call(snAdmin, 'POST', '/directory/users/u-gh-prosecutor/disable')).status).toBe(404);
    expect((await call(snAdmin, 'POST', '/operations/users/u-gh-prosecutor/disable')).status).toBe(404);
    const ghAuthority = await call(snAdmin, 'POST', '/directory/authorities', {
      id: 'GH-PROS-KUMASI',
      stateCode: 'GH',
      name: 'Kumasi office',
      kind: 'PROSECUTION',
    });
    expect(ghAuthority.status).toBe(404);
    // Nor can SN's administrator make a user of GH, an ADMIN of GH included: a user's authority is of the administrator's State.
    const ghAdmin = await call(snAdmin, 'POST', '/directory/users', {
      id: 'u-gh-admin-2',
      subject: 'idp|gh-admin-2',
      displayName: 'Administrator, Accra',
      authorityId: 'GH-CA-MOJ',
      roles: ['ADMIN'],
    });
    expect(ghAdmin.status).toBe(422);
    expect(ghAdmin.body.errors).toEqual([expect.objectContaining({ field: 'authorityId', rule: 'authority_of_state' })]);
    // No escalation to the network's roles, nor touching the network secretariat.
    const secretariat = await call(snAdmin, 'POST', '/directory/users', {
      id: 'u-sn-secretariat-2',
      subject: 'idp|secretariat-2',
      displayName: 'Secretariat officer',
      authorityId: 'SN-CA-DACG',
      roles: ['SECRETARIAT'],
    });
    expect(secretariat.status).toBe(403);
    expect(secretariat.body.detail).toContain('SECRETARIAT');
    expect((await call(snAdmin, 'PATCH', '/directory/users/u-sn-ca', { roles: ['CENTRAL_AUTHORITY', 'SECRETARIAT'] })).status).toBe(403);
    expect((await call(snAdmin, 'POST', '/directory/users/u-wacap-secretariat/disable')).status).toBe(403);
    expect((await call(snAdmin, 'PATCH', '/directory/authorities/INT-WACAP-SECRETARIAT', { name: 'Renamed' })).status).toBe(403);
    // Someone who is not an administrator administers nothing, even in their own State.
    expect(
      (await call(snCa, 'POST', '/directory/authorities', { id: 'SN-PROS-KAOLACK', stateCode: 'SN', name: 'Kaolack office', kind: 'PROSECUTION' })).status,
    ).toBe(403);
    expect((await call(snCa, 'PATCH', '/directory/users/u-sn-prosecutor', { roles: ['ADMIN'] })).status).toBe(403);
    // An administrator keeps their own access.
    expect((await call(snAdmin, 'PATCH', '/directory/users/u-admin', { roles: ['MANAGER'] })).status).toBe(422);
    expect((await call(snAdmin, 'POST', '/directory/users/u-admin/disable')).status).toBe(422);
    expect((await call(snAdmin, 'POST', '/directory/authorities/SN-MIN-JUSTICE/disable')).status).toBe(422);
    // GH untouched, nothing recorded.
    expect((await engine.db.query(`SELECT count(*)::int AS n FROM directory_changes`))[0].n).toBe(before[0].n);
    const [ghCa] = await engine.db.query(`SELECT roles, disabled_at FROM users WHERE id = 'u-gh-ca'`);
    expect(ghCa).toEqual({ roles: ['CENTRAL_AUTHORITY'], disabled_at: null });

    // GH's own administrator, created in GH's directory by... GH: NG's administrator cannot do it either.
    expect((await call(ngAdmin, 'PATCH', '/directory/users/u-gh-ca', { displayName: 'x' })).status).toBe(404);
    // While NG's administrator administers NG.
    expect((await call(ngAdmin, 'PATCH', '/directory/users/u-ng-ca', { displayName: 'Central authority officer, Abuja' })).status).toBe(200);
  });

  it('answers bad input with 400 naming the field and the rule', async () => {
    const bad = async (method: string, path: string, body: unknown, field: string, rule: string) => {
      const res = await call(snAdmin, method, path, body);
      expect({
        path,
        status: res.status,
        error: res.body.errors?.find((e: { field: string; rule: string }) => e.field === field && e.rule === rule)?.rule,
      }).toEqual({
        path,
        status: 400,
        error: rule,
      });
    };
    const authority = { id: 'SN-PROS-MBOUR', stateCode: 'SN', name: "Prosecutor's office, Mbour", kind: 'PROSECUTION' };
    await bad('POST', '/directory/authorities', { ...authority, id: 'sn pros' }, 'id', 'authority_id');
    await bad('POST', '/directory/authorities', { ...authority, id: 'GH-PROS-MBOUR' }, 'id', 'state_prefix');
    await bad('POST', '/directory/authorities', { ...authority, stateCode: 'Senegal' }, 'stateCode', 'state_code');
    await bad('POST', '/directory/authorities', { ...authority, kind: 'NETWORK_SECRETARIAT' }, 'kind', 'isIn');
    await bad('POST', '/directory/authorities', { ...authority, name: '' }, 'name', 'isLength');
    await bad('POST', '/directory/authorities', { ...authority, owner: 'me' }, 'owner', 'unknown_property');
    await bad('PATCH', '/directory/authorities/SN-PROS-DAKAR', {}, 'body', 'not_empty');
    const user = { id: 'u-sn-mbour', subject: 'idp|mbour', displayName: 'Prosecutor, Mbour', authorityId: 'SN-PROS-DAKAR', roles: ['PROSECUTOR'] };
    await bad('POST', '/directory/users', { ...user, roles: ['PROSECUTOR', 'KING'] }, 'roles', 'isIn');
    await bad('POST', '/directory/users', { ...user, roles: [] }, 'roles', 'arrayMinSize');
    await bad('POST', '/directory/users', { ...user, roles: ['PROSECUTOR', 'PROSECUTOR'] }, 'roles', 'arrayUnique');
    await bad('POST', '/directory/users', { ...user, subject: 'has blanks' }, 'subject', 'oidc_subject');
    await bad('POST', '/directory/users', { ...user, id: '-x' }, 'id', 'user_id');
    await bad('POST', '/directory/users', { ...user, authorityId: 'nowhere' }, 'authorityId', 'authority_id');
    await bad('POST', '/directory/users', { ...user, stateCode: 'GH' }, 'stateCode', 'unknown_property');
    await bad('PATCH', '/directory/users/u-sn-prosecutor', { roles: 'PROSECUTOR' }, 'roles', 'isArray');
    await bad('PATCH', '/directory/users/u-sn-prosecutor', {}, 'body', 'not_empty');
    // Taken ids and subjects: 409 naming the field.
    const taken = await call(snAdmin, 'POST', '/directory/users', { ...user, id: 'u-sn-prosecutor' });
    expect({ status: taken.status, field: taken.body.errors?.[0]?.field }).toEqual({ status: 409, field: 'id' });
    const subject = await call(snAdmin, 'POST', '/directory/users', { ...user, subject: 'u-sn-prosecutor' });
    expect({ status: subject.status, field: subject.body.errors?.[0]?.field }).toEqual({ status: 409, field: 'subject' });
    const existing = await call(snAdmin, 'POST', '/directory/authorities', { ...authority, id: 'SN-PROS-DAKAR' });
    expect({ status: existing.status, field: existing.body.errors?.[0]?.field }).toEqual({ status: 409, field: 'id' });
  });

  it('leaves what the API wrote alone when the seeds are loaded again, and loading them twice changes nothing', async () => {
    // A seeded user and authority changed through the API keep the change; the seeded rows around them are as the files say.
    await call(snAdmin, 'PATCH', '/directory/users/u-sn-executing', { roles: ['EXECUTING_AUTHORITY', 'MANAGER'] }, 200);
    await call(snAdmin, 'PATCH', '/directory/authorities/SN-FIU-CENTIF', { name: 'CENTIF Senegal' }, 200);
    const first = await loadSeeds(engine.db, undefined, { demoUsers: true });
    const second = await loadSeeds(engine.db, undefined, { demoUsers: true });
    expect(Object.values(second).every((n) => n === 0)).toBe(true);
    expect(first.users).toBe(0);
    const [executing] = await engine.db.query(`SELECT roles, origin FROM users WHERE id = 'u-sn-executing'`);
    expect(executing).toEqual({ roles: ['EXECUTING_AUTHORITY', 'MANAGER'], origin: 'api' });
    const [centif] = await engine.db.query(`SELECT name, origin FROM authorities WHERE id = 'SN-FIU-CENTIF'`);
    expect(centif).toEqual({ name: 'CENTIF Senegal', origin: 'api' });
    const [thies] = await engine.db.query(`SELECT name, origin FROM authorities WHERE id = 'SN-PROS-THIES'`);
    expect(thies).toEqual({ name: "Public Prosecutor's Office, Thiès", origin: 'api' });
    // A seeded row nobody changed through the API still follows the files.
    await engine.db.query(`UPDATE users SET display_name = 'edited by hand' WHERE id = 'u-sn-dpo'`);
    expect((await loadSeeds(engine.db, undefined, { demoUsers: true })).users).toBe(1);
  });
});
