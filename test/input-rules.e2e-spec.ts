import { Engine, startEngine } from './support/engine';

// The poison inputs of issue 8: each must be a 400 naming the field and the rule, and the case it
// was aimed at must still take the next valid command.
const filing = (over: Record<string, unknown> = {}) => ({
  requestedState: 'GH',
  legalBasis: 'ECOWAS-MLA-1992',
  assistanceTypes: ['BANK_RECORDS'],
  subjectOfProceedings: 'Smuggling of migrants, organised criminal group',
  factsSummary: 'Payments for crossings were routed through accounts held in Accra.',
  purpose: 'Trace the proceeds of the smuggling network',
  persons: [{ role: 'SUSPECT', name: 'Person A', nationality: 'SN' }],
  language: 'fr',
  ...over,
});

type Problem = { field: string; rule: string };

describe('input rules through HTTP: poison inputs are refused and cases keep moving', () => {
  let engine: Engine;
  let prosecutor: string;
  let secretariat: string;
  let caseId: string;
  let notes = 0;

  beforeAll(async () => {
    engine = await startEngine();
    [prosecutor, secretariat] = await Promise.all(['u-sn-prosecutor', 'u-wacap-secretariat'].map((u) => engine.token(u)));
    const filed = await engine.request('POST', '/cases', { token: prosecutor, body: filing() });
    expect([200, 201]).toContain(filed.status);
    caseId = filed.body.id;
  }, 180000);

  afterAll(async () => {
    await engine?.stop();
  }, 60000);

  const countCases = async () => Number((await engine.db.query('SELECT count(*)::int AS n FROM cases'))[0].n);

  /** The case still answers a valid command, and its projection catches up. */
  async function stillMoves(): Promise<void> {
    const note = await engine.request('POST', `/cases/${caseId}/notes`, { token: prosecutor, body: { text: `still here ${++notes}` } });
    expect(note.status).toBe(200);
    expect(note.body.history.filter((h: { event: string }) => h.event === 'NOTE')).toHaveLength(notes);
    await engine.settle(caseId);
  }

  function expectProblem(res: { status: number; body: any; headers: Headers }, status: number, field: string, rule: string): void {
    expect({ status: res.status, type: res.headers.get('content-type') }).toEqual({ status, type: expect.stringContaining('application/problem+json') });
    expect(res.body.errors.map((e: Problem) => `${e.field}:${e.rule}`)).toContain(`${field}:${rule}`);
  }

  it('refuses a NUL byte or another control character in a text field, and allows tabs and line breaks', async () => {
    expectProblem(
      await engine.request('POST', `/cases/${caseId}/notes`, { token: prosecutor, body: { text: 'before\u0000after' } }),
      400,
      'text',
      'no_control_characters',
    );
    expectProblem(
      await engine.request('POST', `/cases/${caseId}/notes`, { token: prosecutor, body: { text: 'bell\u0007' } }),
      400,
      'text',
      'no_control_characters',
    );
    // Raw text, as a client would write it: the escape decodes to NUL.
    expectProblem(
      await engine.request('POST', `/cases/${caseId}/notes`, { token: prosecutor, body: '{"text":"a\\u0000b"}' }),
      400,
      'text',
      'no_control_characters',
    );
    const ok = await engine.request('POST', `/cases/${caseId}/notes`, { token: prosecutor, body: { text: 'line one\n\tline two\r\n' } });
    expect(ok.status).toBe(200);
    notes++;
    await stillMoves();
  });

  it('refuses an unpaired surrogate in persons, in values and in keys, at any depth', async () => {
    const before = await countCases();
    expectProblem(
      await engine.request('POST', '/cases', { token: prosecutor, body: filing({ persons: [{ role: 'SUSPECT', name: 'x\ud800' }] }) }),
      400,
      'persons[0].name',
      'well_formed_unicode',
    );
    expectProblem(
      await engine.request('POST', '/cases', {
        token: prosecutor,
        body: '{"requestedState":"GH","persons":[{"role":"SUSPECT","name":"A"},{"role":"SUSPECT","\\udc00":"x"}]}',
      }),
      400,
      'persons[1].\\udc00',
      'well_formed_unicode',
    );
    expectProblem(
      await engine.request('PATCH', `/cases/${caseId}`, {
        token: prosecutor,
        body: { persons: [{ role: 'SUSPECT', name: 'ok', location: '\udfff lone low' }] },
      }),
      400,
      'persons[0].location',
      'well_formed_unicode',
    );
    expect(await countCases()).toBe(before);
    await stillMoves();
  });

  it('refuses impossible calendar dates and instants in bodies (PATCH requestedByDate 2031-02-30 no longer freezes a case)', async () => {
    expectProblem(
      await engine.request('PATCH', `/cases/${caseId}`, { token: prosecutor, body: { requestedByDate: '2031-02-30', deadlineReason: 'detention' } }),
      400,
      'requestedByDate',
      'calendar_date',
    );
    expectProblem(
      await engine.request('PATCH', `/cases/${caseId}`, { token: prosecutor, body: { requestedByDate: '0000-01-01' } }),
      400,
      'requestedByDate',
      'calendar_date',
    );
    expectProblem(
      await engine.request('POST', '/cases', { token: prosecutor, body: filing({ persons: [{ role: 'SUSPECT', name: 'B', dateOfBirth: '1990-02-30' }] }) }),
      400,
      'persons.0.dateOfBirth',
      'calendar_date',
    );
    expectProblem(
      await engine.request('POST', `/cases/${caseId}/notes`, { token: prosecutor, body: { text: 'dated', occurredAt: '2031-02-30T10:00:00Z' } }),
      400,
      'occurredAt',
      'iso_instant',
    );
    expectProblem(
      await engine.request('POST', `/cases/${caseId}/notes`, { token: prosecutor, body: { text: 'dated', occurredAt: '0000-01-01T00:00:00Z' } }),
      400,
      'occurredAt',
      'iso_instant',
    );
    const amended = await engine.request('PATCH', `/cases/${caseId}`, {
      token: prosecutor,
      body: { requestedByDate: '2032-02-29', deadlineReason: 'accused in pre-trial detention' },
    });
    expect(amended.status).toBe(200);
    expect(amended.body.content?.requestedByDate ?? amended.body.requestedByDate).toBe('2032-02-29');
    await stillMoves();
  });

  it('refuses tampered cursors with 400 naming cursor, never a 500 from Postgres', async () => {
    const b64 = (s: string) => Buffer.from(s).toString('base64url');
    const id = caseId;
    for (const cursor of [
      b64(`2031-02-30T00:00:00.000Z|${id}`),
      b64(`2025-01-01T00:00:00.000Z|${id}|x`),
      b64('2025-01-01T00:00:00.000Z|------------------------------------'),
      'not a cursor',
      b64(`99999-01-01T00:00:00.000Z|${id}`),
    ]) {
      expectProblem(await engine.request('GET', `/cases?cursor=${encodeURIComponent(cursor)}`, { token: prosecutor }), 400, 'cursor', 'format');
    }
    const key = (v: unknown) => b64(JSON.stringify(v));
    for (const [path, cursor] of [
      ['/monitoring/stalled', key(['2031-02-30T00:00:00.000Z', id])],
      ['/monitoring/stalled', key([1, 2])],
      ['/monitoring/deadlines', key(['0000-01-01', id])],
      ['/monitoring/deadlines', key(['2031-02-28', 'not-a-uuid'])],
      ['/monitoring/escalations', key(['2025-01-01T00:00:00.000Z', id])],
      ['/monitoring/escalations', key(['2025-01-01T00:00:00.000Z', id, 'a\u0000'])],
    ]) {
      expectProblem(await engine.request('GET', `${path}?cursor=${cursor}`, { token: secretariat }), 400, 'cursor', 'format');
    }
    expectProblem(await engine.request('GET', `/cases?cursor=a&cursor=b`, { token: prosecutor }), 400, 'cursor', 'single_value');
    await stillMoves();
  });

  it('refuses impossible dates and control characters in queries', async () => {
    expectProblem(await engine.request('GET', '/monitoring/statistics?from=2031-02-30', { token: secretariat }), 400, 'from', 'calendar_date');
    expectProblem(await engine.request('GET', '/monitoring/statistics?to=0000-01-01', { token: secretariat }), 400, 'to', 'calendar_date');
    expectProblem(await engine.request('GET', '/monitoring/cases.csv?from=2024-02-30', { token: secretariat }), 400, 'from', 'calendar_date');
    expectProblem(
      await engine.request('GET', '/reference/legal-bases?requesting=SN&requested=GH&kind=MLA&date=2031-02-30', { token: secretariat }),
      400,
      'date',
      'calendar_date',
    );
    expectProblem(await engine.request('GET', '/monitoring/stalled?legalBasis=a%00b', { token: secretariat }), 400, 'legalBasis', 'no_control_characters');
    expectProblem(
      await engine.request('POST', `/cases/${caseId}/items/a%01b/executed`, { token: prosecutor, body: {} }),
      400,
      'itemId',
      'no_control_characters',
    );
    const fine = await engine.request('GET', '/monitoring/statistics?from=2024-02-29&to=2025-01-01', { token: secretariat });
    expect(fine.status).toBe(200);
    await stillMoves();
  });

  it('refuses a 10,000-deep body with 400 (not a stack overflow) and a 10 MB body with 413', async () => {
    const deep = `{"text":${'['.repeat(10000)}${']'.repeat(10000)}}`;
    expectProblem(await engine.request('POST', `/cases/${caseId}/notes`, { token: prosecutor, body: deep }), 400, '', 'max_depth');
    const object = `{"text":"x","a":${'{"a":'.repeat(40)}1${'}'.repeat(40)}}`;
    expectProblem(await engine.request('POST', `/cases/${caseId}/notes`, { token: prosecutor, body: object }), 400, '', 'max_depth');
    const huge = await engine.request('POST', `/cases/${caseId}/notes`, { token: prosecutor, body: JSON.stringify({ text: 'x'.repeat(10 * 1024 * 1024) }) });
    expect(huge.status).toBe(413);
    expect(huge.body).toMatchObject({ status: 413, code: 'BODY_TOO_LARGE' });
    const notObject = await engine.request('POST', `/cases/${caseId}/notes`, { token: prosecutor, body: '"just a string"' });
    expectProblem(notObject, 400, '', 'json_object');
    const text = await fetch(`${engine.baseUrl}/cases/${caseId}/notes`, {
      method: 'POST',
      headers: { authorization: `Bearer ${prosecutor}`, 'content-type': 'text/plain' },
      body: '{"text":"x"}',
    });
    expect({ status: text.status, body: await text.json() }).toMatchObject({ status: 415, body: { status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' } });
    await stillMoves();
  });

  it('answers 4xx for ids that are not uuids, in paths and bodies', async () => {
    expect((await engine.request('GET', '/cases/not-a-uuid', { token: prosecutor })).status).toBe(404);
    expect((await engine.request('POST', '/cases/00000000-0000-0000-0000-00000000000g/notes', { token: prosecutor, body: { text: 'x' } })).status).toBe(404);
    const extraditionProsecutor = await engine.token('u-ng-prosecutor');
    const ext = await engine.request('POST', '/extraditions', {
      token: extraditionProsecutor,
      body: {
        requestedState: 'BJ',
        legalBasis: 'ECOWAS-EXT-1994',
        person: { role: 'ACCUSED', name: 'Person E', identifier: 'PASS-INPUT-RULES' },
        offence: 'Smuggling',
        purpose: 'PROSECUTION',
        language: 'en',
      },
    });
    expect([200, 201]).toContain(ext.status);
    const bjCa = await engine.token('u-bj-ca');
    const factors = { seriousness: 'a', placeOfOffence: 'b', datesOfRequests: 'c', nationality: 'd', reExtradition: 'e' };
    expectProblem(
      await engine.request('POST', `/extraditions/${ext.body.id}/conflict-choice`, {
        token: bjCa,
        body: { preferredCaseId: '------------------------------------', factors },
      }),
      400,
      'preferredCaseId',
      'case_id',
    );
    expectProblem(
      await engine.request('POST', `/extraditions/${ext.body.id}/surrender-date`, { token: bjCa, body: { agreedDate: '2031-02-30' } }),
      400,
      'agreedDate',
      'calendar_date',
    );
    const note = await engine.request('POST', `/extraditions/${ext.body.id}/notes`, { token: extraditionProsecutor, body: { text: 'still moving' } });
    expect(note.status).toBe(200);
    await engine.settle(ext.body.id);
    await stillMoves();
  });
});
