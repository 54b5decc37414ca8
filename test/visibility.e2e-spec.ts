import { Engine, startEngine } from './support/engine';

// Domain brief §2 and §10 through HTTP: each reader gets what their relation to the case allows and no more.

const mla = (over: Record<string, unknown> = {}) => ({
  requestedState: 'GH',
  legalBasis: 'ECOWAS-MLA-1992',
  assistanceTypes: ['BANK_RECORDS'],
  subjectOfProceedings: 'Smuggling of migrants, organised criminal group',
  factsSummary: 'Payments for crossings were routed through accounts held in Accra.',
  purpose: 'Trace the proceeds of the smuggling network',
  persons: [{ role: 'SUSPECT', name: 'Person Visibility', nationality: 'SN' }],
  language: 'fr',
  urgency: 'NORMAL',
  requestedByDate: '2030-11-01',
  deadlineReason: 'accused in pre-trial detention',
  ...over,
});

const extradition = (identifier: string) => ({
  requestedState: 'BJ',
  legalBasis: 'ECOWAS-EXT-1994',
  person: { role: 'ACCUSED', name: 'Person Wanted', nationality: 'TG', identifier },
  offence: 'Smuggling of migrants, organised criminal group',
  factsSummary: 'Organised sea crossings in 2023.',
  purpose: 'PROSECUTION',
  language: 'fr',
  urgency: 'NORMAL',
});

describe('who sees what (domain brief §2, §10), through HTTP', () => {
  let engine: Engine;
  const tokens: Record<string, string> = {};
  const as = async (user: string) => (tokens[user] ??= await engine.token(user));
  const call = async (user: string, method: string, path: string, body?: unknown, status = 200) => {
    const res = await engine.request(method, path, { token: await as(user), body });
    expect({ user, path, status: res.status, body: res.status === status ? undefined : res.body }).toEqual({ user, path, status, body: undefined });
    return res.body;
  };

  beforeAll(async () => {
    engine = await startEngine();
  }, 180000);

  afterAll(async () => {
    await engine?.stop();
  }, 60000);

  it("shows an administrator their own State's cases in full and no other State's", async () => {
    const ngCase = (await call('u-ng-prosecutor', 'POST', '/cases', mla({ language: 'en' }), 201)).id;
    await call('u-admin', 'GET', `/cases/${ngCase}`, undefined, 404);
    await call('u-admin', 'GET', `/cases/${ngCase}/timeline`, undefined, 404);
    const listed = await call('u-admin', 'GET', '/cases?limit=100');
    expect(listed.items.map((c: { id: string }) => c.id)).not.toContain(ngCase);
    const own = await call('u-ng-admin', 'GET', `/cases/${ngCase}`);
    expect(own).toMatchObject({ visibility: 'FULL', persons: [{ name: 'Person Visibility' }] });
  });

  it('keeps return-for-correction comments, executed-item notes and persons from summary readers, in the case, its timeline and lists', async () => {
    const id = (await call('u-sn-prosecutor', 'POST', '/cases', mla(), 201)).id;
    await call('u-sn-prosecutor', 'POST', `/cases/${id}/submit`, {});
    await call('u-sn-ca', 'POST', `/cases/${id}/return-for-correction`, { comment: 'RFC-MARKER add the account period' });
    await call('u-sn-prosecutor', 'POST', `/cases/${id}/resubmit`, {});
    await call('u-sn-ca', 'POST', `/cases/${id}/approve`, {});
    await call('u-sn-ca', 'POST', `/cases/${id}/transmit`, { channel: 'CA_DIRECT', reference: 'DOC-MARKER-117' });
    await call('u-gh-ca', 'POST', `/cases/${id}/acknowledge`, {});
    await call('u-gh-ca', 'POST', `/cases/${id}/accept`, { forward: [{ itemIds: ['item-1'], executingAuthorityId: 'GH-POL-AHTU' }] });
    await call('u-gh-executing', 'POST', `/cases/${id}/items/item-1/executed`, { note: 'NOTE-MARKER statements obtained' });
    await call('u-sn-ca', 'POST', `/cases/${id}/notes`, { text: 'NOTE-MARKER on the case' });

    const markers = ['RFC-MARKER', 'NOTE-MARKER', 'DOC-MARKER', 'Person Visibility', 'Payments for crossings', '"forward":'];
    for (const reader of ['u-sn-manager', 'u-gh-manager', 'u-wacap-secretariat']) {
      const answers = [
        await call(reader, 'GET', `/cases/${id}`),
        await call(reader, 'GET', `/cases/${id}/timeline`),
        (await call(reader, 'GET', '/cases?limit=100')).items.find((c: { id: string }) => c.id === id),
      ];
      expect(answers[0]).toMatchObject({ visibility: 'SUMMARY', state: 'EXECUTED' });
      for (const answer of answers) {
        const text = JSON.stringify(answer);
        expect({ reader, leaked: markers.filter((m) => text.includes(m)) }).toEqual({ reader, leaked: [] });
      }
    }
    // The parties still read all of it.
    const full = JSON.stringify([await call('u-sn-prosecutor', 'GET', `/cases/${id}`), await call('u-sn-ca', 'GET', `/cases/${id}/timeline`)]);
    for (const m of ['RFC-MARKER', 'NOTE-MARKER', 'DOC-MARKER', 'Person Visibility']) expect(full).toContain(m);
  });

  it('forwards items only to executing authorities of the requested State that the directory knows (422 naming the field)', async () => {
    const id = (await call('u-sn-prosecutor', 'POST', '/cases', mla(), 201)).id;
    await call('u-sn-prosecutor', 'POST', `/cases/${id}/submit`, {});
    await call('u-sn-ca', 'POST', `/cases/${id}/approve`, {});
    await call('u-sn-ca', 'POST', `/cases/${id}/transmit`, { channel: 'CA_DIRECT', reference: 'DACG/1' });
    await call('u-gh-ca', 'POST', `/cases/${id}/acknowledge`, {});
    for (const [authority, rule] of [
      ['NG-POL-NPF', 'requested_state_authority'],
      ['GH-NO-SUCH-UNIT', 'known_authority'],
      ['GH-CA-MOJ', 'executing_authority'],
    ]) {
      const refused = await call('u-gh-ca', 'POST', `/cases/${id}/accept`, { forward: [{ itemIds: ['item-1'], executingAuthorityId: authority }] }, 422);
      expect(refused.errors).toEqual([expect.objectContaining({ field: 'forward[0].executingAuthorityId', rule })]);
    }
    await call('u-gh-ca', 'POST', `/cases/${id}/accept`, {});
    const refused = await call('u-gh-ca', 'POST', `/cases/${id}/forward`, { forward: [{ itemIds: ['item-1'], executingAuthorityId: 'SN-POL-DNLT' }] }, 422);
    expect(refused.errors).toEqual([expect.objectContaining({ field: 'forward[0].executingAuthorityId', rule: 'requested_state_authority' })]);
    expect(
      (await call('u-gh-ca', 'POST', `/cases/${id}/forward`, { forward: [{ itemIds: ['item-1'], executingAuthorityId: 'GH-POL-AHTU' }] })).items[0],
    ).toMatchObject({
      status: 'FORWARDED',
      executingAuthorityId: 'GH-POL-AHTU',
    });
  });

  it("shows conflicting extradition requests only to the requested State's central authority; the filers learn nothing of each other", async () => {
    const identifier = `VIS-${Date.now()}`;
    const fromNg = await call('u-ng-prosecutor', 'POST', '/extraditions', { ...extradition(identifier), language: 'en' }, 201);
    const fromTg = await call('u-tg-prosecutor', 'POST', '/extraditions', extradition(identifier), 201);
    expect(JSON.stringify(fromTg)).not.toContain(fromNg.id);
    expect(fromTg.flags).not.toContain('CONFLICTING_REQUESTS');
    // The registry links the pair in its own time.
    for (let i = 0; i < 200; i++) {
      const rows = await engine.db.query(`SELECT count(*)::int AS n FROM cases WHERE id = ANY($1::uuid[]) AND 'CONFLICTING_REQUESTS' = ANY(flags)`, [
        [fromNg.id, fromTg.id],
      ]);
      if (rows[0].n === 2) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    for (const [id, prosecutor, ca] of [
      [fromNg.id, 'u-ng-prosecutor', 'u-ng-ca'],
      [fromTg.id, 'u-tg-prosecutor', 'u-tg-ca'],
    ]) {
      await call(prosecutor, 'POST', `/extraditions/${id}/formal-request/submit`, {});
      await call(ca, 'POST', `/extraditions/${id}/formal-request/approve`, {});
      await call(ca, 'POST', `/extraditions/${id}/formal-request/transmit`, { channel: 'CA_DIRECT', reference: `REF-${id.slice(0, 4)}` });
      await call('u-bj-ca', 'POST', `/extraditions/${id}/formal-request/receipt`, {});
    }
    const requested = await call('u-bj-ca', 'GET', `/cases/${fromNg.id}/timeline`);
    expect(requested.flags).toContain('CONFLICTING_REQUESTS');
    expect(requested.extradition.conflict.linkedCaseIds).toEqual([fromTg.id]);
    expect((await call('u-bj-ca', 'GET', `/cases/${fromTg.id}`)).history.map((e: { event: string }) => e.event)).toContain('LINK_CONFLICT');

    for (const [own, other, users] of [
      [fromNg.id, fromTg.id, ['u-ng-prosecutor', 'u-ng-ca', 'u-ng-manager', 'u-ng-admin']],
      [fromTg.id, fromNg.id, ['u-tg-prosecutor', 'u-tg-ca']],
    ] as const) {
      for (const user of users) {
        const answers = [
          await call(user, 'GET', `/cases/${own}`),
          await call(user, 'GET', `/cases/${own}/timeline`),
          await call(user, 'GET', '/cases?limit=100'),
        ];
        const text = JSON.stringify(answers);
        expect({ user, other: text.includes(other), flag: text.includes('CONFLICTING_REQUESTS'), linked: text.includes('LINK_CONFLICT') }).toEqual({
          user,
          other: false,
          flag: false,
          linked: false,
        });
        await call(user, 'GET', `/cases/${other}`, undefined, 404);
      }
    }
    const csv = await engine.request('GET', '/monitoring/cases.csv?from=2000-01-01&to=2999-01-01', { token: await as('u-ng-manager') });
    expect(csv.status).toBe(200);
    expect(String(csv.body)).toContain(fromNg.id);
    expect(String(csv.body)).not.toContain('CONFLICTING_REQUESTS');
  });
});
