import { Engine, startEngine } from './support/engine';

const filing = (over: Record<string, unknown> = {}) => ({
  requestedState: 'GH',
  legalBasis: 'ECOWAS-MLA-1992',
  assistanceTypes: ['BANK_RECORDS'],
  subjectOfProceedings: 'Smuggling of migrants, organised criminal group',
  factsSummary: 'Payments for crossings were routed through accounts held in Bamako.',
  purpose: 'Trace the proceeds of the smuggling network',
  persons: [{ role: 'SUSPECT', name: 'Person A', nationality: 'SN' }],
  language: 'fr',
  urgency: 'NORMAL',
  requestedByDate: '2030-11-01',
  deadlineReason: 'accused in pre-trial detention',
  ...over,
});

describe('MLA filing through HTTP (real Temporal dev server, real Postgres)', () => {
  let engine: Engine;
  let prosecutor: string;
  let ca: string;
  let requestedCa: string;
  let otherProsecutor: string;

  beforeAll(async () => {
    engine = await startEngine();
    [prosecutor, ca, requestedCa, otherProsecutor] = await Promise.all(
      ['u-sn-prosecutor', 'u-sn-ca', 'u-gh-ca', 'u-ng-prosecutor'].map((u) => engine.token(u)),
    );
  }, 180000);

  afterAll(async () => {
    await engine?.stop();
  }, 60000);

  const countCases = async () => Number((await engine.db.query('SELECT count(*)::int AS n FROM cases'))[0].n);

  it('serves health and docs without a token, and reports both dependencies', async () => {
    const health = await engine.request('GET', '/health');
    expect(health.status).toBe(200);
    expect(health.body.checks.postgres.status).toBe('up');
    expect(health.body.checks.temporal.status).toBe('up');
    const docs = await engine.request('GET', '/docs/openapi.json');
    expect(docs.status).toBe(200);
    expect(Object.keys(docs.body.paths)).toContain('/cases');
  });

  it('refuses every other endpoint without a valid token (401 problem details)', async () => {
    const none = await engine.request('GET', '/cases');
    expect(none.status).toBe(401);
    expect(none.headers.get('content-type')).toContain('application/problem+json');
    expect(none.body).toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });
    expect((await engine.request('GET', '/cases', { token: 'not.a.jwt' })).status).toBe(401);
    expect((await engine.request('GET', '/cases', { token: prosecutor.slice(0, -4) + 'AAAA' })).status).toBe(401);
    expect((await engine.request('GET', '/cases', { token: await engine.token('nobody-at-all') })).status).toBe(401);
    expect((await engine.request('POST', '/cases', { body: filing() })).status).toBe(401);
  });

  it('rejects bad bodies with 400 naming each field and rule, and changes nothing', async () => {
    const before = await countCases();
    const bad = await engine.request('POST', '/cases', {
      token: prosecutor,
      body: filing({ requestedState: 'Mali', assistanceTypes: ['TORTURE'], persons: [{ role: 'SUSPECT' }], surprise: 1, requestedByDate: '2030-13-45' }),
    });
    expect(bad.status).toBe(400);
    const fields = bad.body.errors.map((e: { field: string; rule: string }) => `${e.field}:${e.rule}`);
    expect(fields).toEqual(
      expect.arrayContaining(['requestedState:matches', 'assistanceTypes:isIn', 'persons.0.name:isNotEmpty', 'surprise:unknown_property']),
    );
    expect(fields.some((f: string) => f.startsWith('requestedByDate:'))).toBe(true);
    const noReason = await engine.request('POST', '/cases', { token: prosecutor, body: filing({ deadlineReason: undefined }) });
    expect(noReason.status).toBe(400);
    expect(noReason.body.errors).toContainEqual(
      expect.objectContaining({ field: 'deadlineReason', rule: 'isNotEmpty', message: expect.stringContaining('18(24)') }),
    );
    const malformed = await engine.request('POST', '/cases', { token: prosecutor, body: '{"requestedState":' });
    expect(malformed.status).toBe(400);
    const unknownBasis = await engine.request('POST', '/cases', { token: prosecutor, body: filing({ legalBasis: 'NO-SUCH-TREATY', requestedState: 'SN' }) });
    expect(unknownBasis.status).toBe(422);
    expect(unknownBasis.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['legalBasis', 'requestedState']);
    expect(await countCases()).toBe(before);
  });

  it('files, submits and approves a request; every transition leaves an audit row', async () => {
    const filed = await engine.request('POST', '/cases', { token: prosecutor, body: filing() });
    expect(filed.status).toBe(201);
    expect(filed.body).toMatchObject({
      state: 'DRAFT',
      requestingState: 'SN',
      requestedState: 'GH',
      rulePack: { instrumentId: 'ECOWAS-MLA-1992', version: 1 },
    });
    const id = filed.body.id;
    expect(filed.headers.get('location')).toBe(`/cases/${id}`);

    const submitted = await engine.request('POST', `/cases/${id}/submit`, { token: prosecutor, body: {} });
    expect(submitted.status).toBe(200);
    expect(submitted.body.state).toBe('PENDING_CA_REVIEW');

    // The prosecutor may see the case but not approve it; the requested side does not see it before transmission.
    const selfApproval = await engine.request('POST', `/cases/${id}/approve`, { token: prosecutor, body: {} });
    expect(selfApproval.status).toBe(403);
    expect((await engine.request('GET', `/cases/${id}`, { token: requestedCa })).status).toBe(404);
    expect((await engine.request('POST', `/cases/${id}/approve`, { token: requestedCa, body: {} })).status).toBe(404);
    expect((await engine.request('GET', `/cases/${id}`, { token: otherProsecutor })).status).toBe(404);

    const approved = await engine.request('POST', `/cases/${id}/approve`, { token: ca, body: { comment: 'complete' } });
    expect(approved.status).toBe(200);
    expect(approved.body.state).toBe('READY_TO_TRANSMIT');

    const again = await engine.request('POST', `/cases/${id}/approve`, { token: ca, body: {} });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('INVALID_TRANSITION');
    expect(again.body.detail).toContain('PENDING_CA_REVIEW');

    const read = await engine.request('GET', `/cases/${id}`, { token: ca });
    expect(read.status).toBe(200);
    expect(read.body.history.map((h: { event: string; from: string | null; to: string }) => [h.event, h.from, h.to])).toEqual([
      ['FILED', null, 'DRAFT'],
      ['SUBMIT', 'DRAFT', 'PENDING_CA_REVIEW'],
      ['APPROVE', 'PENDING_CA_REVIEW', 'READY_TO_TRANSMIT'],
    ]);
    expect(read.body.history[2]).toMatchObject({ actor: { id: 'u-sn-ca', role: 'CENTRAL_AUTHORITY', stateCode: 'SN' }, comment: 'complete' });
    expect(Date.parse(read.body.history[2].at)).toBeGreaterThanOrEqual(Date.parse(read.body.history[1].at));

    await expect(engine.db.query(`UPDATE case_events SET comment = 'x' WHERE case_id = $1`, [id])).rejects.toThrow(/append-only/);
    await expect(engine.db.query(`DELETE FROM case_events WHERE case_id = $1`, [id])).rejects.toThrow(/append-only/);
  });

  it('answers a filing on a basis not in force for the pair with 201 and warnings naming the field, the rule and the instruments that are; one in force gets none', async () => {
    // Mali left the ECOWAS conventions on 2025-01-29 (seeds/data/instruments.json): filed today, the draft is kept and warned.
    const res = await engine.request('POST', '/cases', { token: prosecutor, body: filing({ requestedState: 'ML' }) });
    expect(res.status).toBe(201);
    expect(res.body.state).toBe('DRAFT');
    expect(res.body.flags).toContain('BASIS_NOT_IN_FORCE');
    expect(res.body.warnings).toEqual([
      expect.objectContaining({
        field: 'legalBasis',
        rule: 'basis_not_in_force',
        instrumentId: 'ECOWAS-MLA-1992',
        stateCode: 'ML',
        membershipEnded: '2025-01-29',
        inForce: expect.arrayContaining(['UNTOC-2000']),
      }),
    ]);
    expect(res.body.warnings[0].inForce).not.toContain('ECOWAS-MLA-1992');
    expect(res.body.warnings[0].message).toContain('UNTOC-2000');
    // The warning stays with the filing: the case read back carries it in its FILED event.
    const read = await engine.request('GET', `/cases/${res.body.id}`, { token: prosecutor });
    const filed = read.body.history.find((e: { event: string }) => e.event === 'FILED');
    expect(filed.data.warnings).toEqual(res.body.warnings);

    const fine = await engine.request('POST', '/cases', { token: prosecutor, body: filing({ requestedState: 'GH' }) });
    expect(fine.status).toBe(201);
    expect(fine.body.warnings).toBeUndefined();
  });

  it('returns for correction (comment required) and takes the resubmission back into review', async () => {
    const id = (await engine.request('POST', '/cases', { token: prosecutor, body: filing() })).body.id;
    await engine.request('POST', `/cases/${id}/submit`, { token: prosecutor, body: {} });
    const noComment = await engine.request('POST', `/cases/${id}/return-for-correction`, { token: ca, body: {} });
    expect(noComment.status).toBe(400);
    expect(noComment.body.errors[0].field).toBe('comment');
    const returned = await engine.request('POST', `/cases/${id}/return-for-correction`, { token: ca, body: { comment: 'add the account period' } });
    expect(returned.body.state).toBe('RETURNED_FOR_CORRECTION');
    expect((await engine.request('POST', `/cases/${id}/resubmit`, { token: ca, body: {} })).status).toBe(403);
    const resubmitted = await engine.request('POST', `/cases/${id}/resubmit`, { token: prosecutor, body: {} });
    expect(resubmitted.body.state).toBe('PENDING_CA_REVIEW');
    expect(resubmitted.body.history.map((h: { event: string }) => h.event)).toEqual(['FILED', 'SUBMIT', 'RETURN_FOR_CORRECTION', 'RESUBMIT']);
  });

  it('treats a retried POST with the same Idempotency-Key as the same case and never starts a second workflow', async () => {
    const before = await countCases();
    const key = `retry-${Date.now()}`;
    const first = await engine.request('POST', '/cases', { token: prosecutor, body: filing(), headers: { 'idempotency-key': key } });
    const second = await engine.request('POST', '/cases', { token: prosecutor, body: filing(), headers: { 'idempotency-key': key } });
    expect(first.status).toBe(201);
    // The first answer again (IETF Idempotency-Key draft), marked as a replay.
    expect(second.status).toBe(201);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(second.body.id).toBe(first.body.id);
    expect(await countCases()).toBe(before + 1);
    const runs = await engine.db.query(`SELECT count(*)::int AS n FROM case_events WHERE case_id = $1 AND event = 'FILED'`, [first.body.id]);
    expect(runs[0].n).toBe(1);

    const different = await engine.request('POST', '/cases', {
      token: prosecutor,
      body: filing({ purpose: 'something else' }),
      headers: { 'idempotency-key': key },
    });
    expect(different.status).toBe(422);
    expect(different.body.code).toBe('IDEMPOTENCY_KEY_REUSED');

    // The same key from another filer is another case.
    const other = await engine.request('POST', '/cases', {
      token: await engine.token('u-sn-prosecutor-2').catch(() => prosecutor),
      body: filing(),
      headers: { 'idempotency-key': key },
    });
    expect([200, 201, 401]).toContain(other.status);
  });

  it('lets only an administrator re-pin the rule pack, with a justification that is audited', async () => {
    const id = (await engine.request('POST', '/cases', { token: prosecutor, body: filing() })).body.id;
    await engine.request('POST', `/cases/${id}/submit`, { token: prosecutor, body: {} });
    const justification = { justification: 'the ministry published the 2027 rule pack for this instrument' };
    expect((await engine.request('POST', `/cases/${id}/rule-pack`, { token: ca, body: justification })).status).toBe(403);
    const admin = await engine.token('u-admin');
    const repinned = await engine.request('POST', `/cases/${id}/rule-pack`, { token: admin, body: justification });
    expect(repinned.status).toBe(200);
    expect(repinned.body.history.at(-1)).toMatchObject({
      event: 'REPIN_RULE_PACK',
      actor: { id: 'u-admin', role: 'ADMIN' },
      comment: justification.justification,
    });
  });

  it('refuses every command once the case is withdrawn (terminal)', async () => {
    const id = (await engine.request('POST', '/cases', { token: prosecutor, body: filing() })).body.id;
    const withdrawn = await engine.request('POST', `/cases/${id}/withdraw`, { token: prosecutor, body: { reason: 'case dismissed' } });
    expect(withdrawn.status).toBe(200);
    expect(withdrawn.body.state).toBe('WITHDRAWN');
    const late = await engine.request('POST', `/cases/${id}/submit`, { token: prosecutor, body: {} });
    expect(late.status).toBe(409);
    expect(late.body.code).toBe('CASE_TERMINAL');
  });

  it("lists only the actor's cases, newest first, with keyset pagination", async () => {
    const all = await engine.request('GET', '/cases?limit=100', { token: prosecutor });
    expect(all.status).toBe(200);
    const ids: string[] = all.body.items.map((c: { id: string }) => c.id);
    expect(ids.length).toBeGreaterThanOrEqual(4);
    const paged: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { items: Array<{ id: string }>; nextCursor: string | null } } = await engine.request(
        'GET',
        `/cases?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
        { token: prosecutor },
      );
      paged.push(...page.body.items.map((c) => c.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(paged).toEqual(ids);
    expect((await engine.request('GET', '/cases', { token: otherProsecutor })).body.items).toEqual([]);
    expect((await engine.request('GET', '/cases', { token: requestedCa })).body.items).toEqual([]);
    expect((await engine.request('GET', '/cases?limit=0', { token: prosecutor })).status).toBe(400);
    expect((await engine.request('GET', '/cases?cursor=garbage', { token: prosecutor })).status).toBe(400);
  });
});
