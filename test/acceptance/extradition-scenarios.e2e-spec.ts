import { Engine, startEngine } from '../support/engine';
import { Scenario } from '../support/scenario';

// The public extradition scenarios S16 and S19 of acceptance/scenarios.md and stories of the same kind
// (expiry and re-arrest, refusal of a national, conflicting requests), through the HTTP API on the
// time-skipping server.

const person = (over: Record<string, unknown> = {}) => ({
  role: 'ACCUSED',
  name: 'Person E',
  nationality: 'NG',
  identifier: `PASS-${Math.random().toString(36).slice(2, 10)}`,
  ...over,
});

const extradition = (over: Record<string, unknown> = {}) => ({
  requestedState: 'BJ',
  legalBasis: 'ECOWAS-EXT-1994',
  person: person(),
  offence: 'Smuggling of migrants (Protocol art. 6), organised criminal group',
  factsSummary: 'Organised sea crossings from Lagos in 2023, 14 deaths.',
  purpose: 'PROSECUTION',
  language: 'en',
  urgency: 'URGENT',
  provisionalArrest: { channel: 'INTERPOL_URGENT', reference: 'INTERPOL-DIFF-2024-881' },
  ...over,
});

const clock = (timeline: { clocks: Array<{ ruleId: string }> }, ruleId: string) => timeline.clocks.find((k) => k.ruleId === ruleId) as any;

describe('extradition scenarios through the API (time-skipping server)', () => {
  let engine: Engine;

  beforeAll(async () => {
    engine = await startEngine({ temporal: 'time-skipping' });
  }, 180000);

  afterAll(async () => {
    await engine?.stop();
  }, 60000);

  it('blocks approval of a formal request on a basis not in force for both States until an administrator overrides it (audited)', async () => {
    // Mali left the ECOWAS conventions with effect from 2025-01-29 (fixture): a request to Mali filed after it.
    const sc = await Scenario.begin(engine, { d0: '2025-03-03', timeZone: 'Africa/Lagos' });
    await sc.day(0);
    const { provisionalArrest: _, ...noArrest } = extradition({ requestedState: 'ML' });
    const id = (await sc.call('u-ng-prosecutor', 'POST', '/extraditions', noArrest)).id;
    await sc.call('u-ng-prosecutor', 'POST', `/extraditions/${id}/formal-request/submit`);
    const refused = await sc.call('u-ng-ca', 'POST', `/extraditions/${id}/formal-request/approve`, {}, 409);
    expect(refused.code).toBe('LEGAL_BASIS_NOT_IN_FORCE');
    await sc.call(
      'u-ng-ca',
      'POST',
      `/extraditions/${id}/formal-request/basis-override`,
      { justification: 'Request prepared before the withdrawal took effect' },
      403,
    );
    // An administrator of the requesting State: those of other States do not see its cases.
    await sc.call(
      'u-admin',
      'POST',
      `/extraditions/${id}/formal-request/basis-override`,
      { justification: 'Request prepared before the withdrawal took effect' },
      404,
    );
    const overridden = await sc.call('u-ng-admin', 'POST', `/extraditions/${id}/formal-request/basis-override`, {
      justification: 'Request prepared before the withdrawal took effect',
    });
    expect(overridden.history.at(-1)).toMatchObject({ event: 'OVERRIDE_BASIS', actor: { role: 'ADMIN' } });
    await sc.call('u-ng-ca', 'POST', `/extraditions/${id}/formal-request/approve`);
  });

  it('S16: provisional arrest, formal request in time: reminders D10 and D17 at 09:00, no release, 18 custody days', async () => {
    const sc = await Scenario.begin(engine, { d0: '2024-11-04', timeZone: 'Africa/Porto-Novo' });
    await sc.day(-1);
    const filed = await sc.call('u-ng-prosecutor', 'POST', '/extraditions', extradition());
    const id = filed.id;
    expect(filed).toMatchObject({ kind: 'EXTRADITION', state: 'PA_REQUESTED' });
    await sc.day(0, [id], '08:00');
    const arrested = await sc.call('u-bj-ca', 'POST', `/extraditions/${id}/arrest`, { comment: 'arrested in Cotonou on the INTERPOL diffusion' });
    expect(arrested.state).toBe('PERSON_IN_PROVISIONAL_CUSTODY');
    let timeline = await sc.call('u-ng-ca', 'GET', `/cases/${id}/timeline`);
    expect(clock(timeline, 'PA_SOFT')).toMatchObject({
      kind: 'CUSTODY',
      status: 'running',
      lastDay: sc.date('2024-11-24'),
      dueAt: sc.iso(sc.instant('2024-11-25')),
    });
    expect(clock(timeline, 'PA_HARD')).toMatchObject({
      lastDay: sc.date('2024-12-14'),
      dueAt: sc.iso(sc.instant('2024-12-15')),
      legalRef: expect.any(String),
      verified: false,
    });

    await sc.day(15, [id]);
    await sc.call('u-ng-prosecutor', 'POST', `/extraditions/${id}/formal-request/submit`);
    await sc.call('u-ng-ca', 'POST', `/extraditions/${id}/formal-request/approve`);
    await sc.call('u-ng-ca', 'POST', `/extraditions/${id}/formal-request/transmit`, { channel: 'DIPLOMATIC', reference: 'NG-MFA-NV-2024-1199' });
    await sc.day(18, [id]);
    expect((await sc.call('u-bj-ca', 'POST', `/extraditions/${id}/formal-request/receipt`)).state).toBe('FORMAL_REQUEST_RECEIVED');
    expect((await sc.call('u-bj-ca', 'POST', `/extraditions/${id}/judicial-phase`)).state).toBe('JUDICIAL_PHASE');

    await sc.day(60, [id]);
    timeline = await sc.call('u-ng-ca', 'GET', `/cases/${id}/timeline`);
    const reminders = timeline.events.filter((e: { event: string }) => e.event === 'REMINDER');
    expect(reminders.map((e: { at: string }) => e.at)).toEqual([
      sc.iso(sc.instant('2024-11-14', '09:00', 'Africa/Lagos')),
      sc.iso(sc.instant('2024-11-21', '09:00', 'Africa/Lagos')),
    ]);
    expect(
      timeline.tasks
        .filter((t: { kind: string }) => t.kind === 'REMINDER')
        .map((t: { addressee: string; addresseeStates: string[] }) => [t.addressee, t.addresseeStates]),
    ).toEqual([
      ['REQUESTING_CA', ['NG']],
      ['REQUESTING_CA', ['NG']],
    ]);
    expect(timeline.events.map((e: { event: string }) => e.event)).not.toContain('RELEASE_POSSIBLE');
    expect(timeline.events.map((e: { event: string }) => e.event)).not.toContain('RELEASE_REQUIRED');
    expect(clock(timeline, 'PA_SOFT').status).toBe('met');
    expect(clock(timeline, 'PA_HARD').status).toBe('met');
    expect(timeline.metrics.custodyDays).toBe(18);
    expect(timeline.state).toBe('JUDICIAL_PHASE');

    // Carried into the surrender notice.
    await sc.call('u-bj-ca', 'POST', `/extraditions/${id}/consent`);
    await sc.call('u-bj-ca', 'POST', `/extraditions/${id}/grant`);
    const scheduled = await sc.call('u-bj-ca', 'POST', `/extraditions/${id}/surrender-date`, { agreedDate: sc.date('2025-01-10') });
    expect(scheduled.history.at(-1)).toMatchObject({ event: 'SCHEDULE_SURRENDER', data: { custodyDays: 18 } });
  });

  it('S19: surrender not taken over: RELEASE_POSSIBLE after 15 days, RELEASED_NOT_TAKEN_OVER after 30', async () => {
    const sc = await Scenario.begin(engine, { d0: '2024-06-10', timeZone: 'Africa/Accra' });
    const id = await grantedTgToGh(sc, -20);
    await sc.day(-1, [id]);
    await sc.call('u-gh-ca', 'POST', `/extraditions/${id}/surrender-date`, { agreedDate: sc.date('2024-06-10') });
    await sc.travelTo(sc.instant('2024-07-20'), id);
    const timeline = await sc.call('u-tg-ca', 'GET', `/cases/${id}/timeline`);
    const released = timeline.events.filter((e: { event: string }) => e.event.startsWith('RELEASE'));
    expect(released.map((e: { event: string; at: string; to: string }) => [e.event, e.at, e.to])).toEqual([
      ['RELEASE_POSSIBLE', sc.iso(sc.instant('2024-06-26')), 'SURRENDER_SCHEDULED'],
      ['RELEASE_REQUIRED', sc.iso(sc.instant('2024-07-11')), 'RELEASED_NOT_TAKEN_OVER'],
    ]);
    expect(released[1].data.note).toBe('GH (requested State) may refuse re-extradition for the same offence');
    expect(timeline.state).toBe('RELEASED_NOT_TAKEN_OVER');
    await sc.call('u-gh-ca', 'POST', `/extraditions/${id}/surrendered`, {}, 409);
  });

  it('S19 variant: force majeure on D5 sets a new date 2024-06-20 and restarts both limits', async () => {
    const sc = await Scenario.begin(engine, { d0: '2024-06-10', timeZone: 'Africa/Accra' });
    const id = await grantedTgToGh(sc, -20);
    await sc.day(-1, [id]);
    await sc.call('u-gh-ca', 'POST', `/extraditions/${id}/surrender-date`, { agreedDate: sc.date('2024-06-10') });
    await sc.day(5, [id]);
    await sc.call('u-tg-ca', 'POST', `/extraditions/${id}/force-majeure`, { newDate: sc.date('2024-06-20'), reason: 'escort flight grounded' });
    await sc.travelTo(sc.instant('2024-07-25'), id);
    const timeline = await sc.call('u-tg-ca', 'GET', `/cases/${id}/timeline`);
    expect(timeline.events.filter((e: { event: string }) => e.event.startsWith('RELEASE')).map((e: { event: string; at: string }) => [e.event, e.at])).toEqual([
      ['RELEASE_POSSIBLE', sc.iso(sc.instant('2024-07-06'))],
      ['RELEASE_REQUIRED', sc.iso(sc.instant('2024-07-21'))],
    ]);
    expect(timeline.clocks.filter((k: { kind: string; status: string }) => k.kind === 'SURRENDER' && k.status === 'cancelled')).toHaveLength(2);
  });

  it('expiry: no formal request by the hard limit → released; a late formal request reopens the case and a re-arrest follows', async () => {
    const sc = await Scenario.begin(engine, { d0: '2024-11-04', timeZone: 'Africa/Porto-Novo' });
    await sc.day(-1);
    const id = (await sc.call('u-ng-prosecutor', 'POST', '/extraditions', extradition())).id;
    await sc.day(0, [id]);
    await sc.call('u-bj-ca', 'POST', `/extraditions/${id}/arrest`);
    await sc.day(45, [id]);
    let read = await sc.call('u-ng-ca', 'GET', `/cases/${id}`);
    expect(read.state).toBe('RELEASED_PENDING_REQUEST');
    expect(read.history.map((h: { event: string }) => h.event)).toEqual(expect.arrayContaining(['RELEASE_POSSIBLE', 'RELEASE_REQUIRED']));
    await sc.call('u-ng-prosecutor', 'POST', `/extraditions/${id}/formal-request/submit`);
    await sc.call('u-ng-ca', 'POST', `/extraditions/${id}/formal-request/approve`);
    await sc.call('u-ng-ca', 'POST', `/extraditions/${id}/formal-request/transmit`, { channel: 'DIPLOMATIC', reference: 'NV-2025-3' });
    await sc.day(50, [id]);
    const received = await sc.call('u-bj-ca', 'POST', `/extraditions/${id}/formal-request/receipt`);
    expect(received.history.at(-1)).toMatchObject({ to: 'FORMAL_REQUEST_RECEIVED', data: { personAtLiberty: true, reArrestAvailable: true } });
    await sc.call('u-ng-ca', 'POST', `/extraditions/${id}/rearrest-request`);
    await sc.call('u-bj-ca', 'POST', `/extraditions/${id}/arrest`);
    read = await sc.call('u-ng-ca', 'GET', `/cases/${id}/timeline`);
    expect(read.flags).toContain('IN_CUSTODY');
    expect(read.extradition.custody).toMatchObject({ atLiberty: false, days: 40 }); // released at the 40-day limit: day 40 was the last (§10)
  });

  it("refusal of a national, at the requester's request, opens a domestic prosecution the requesting State can follow", async () => {
    const sc = await Scenario.begin(engine, { d0: '2024-03-04', timeZone: 'Africa/Porto-Novo' });
    await sc.day(0);
    const id = (await sc.call('u-ng-prosecutor', 'POST', '/extraditions', extradition({ person: person({ nationality: 'BJ' }), provisionalArrest: undefined })))
      .id;
    await sc.call('u-ng-prosecutor', 'POST', `/extraditions/${id}/formal-request/submit`);
    await sc.call('u-ng-ca', 'POST', `/extraditions/${id}/formal-request/approve`);
    await sc.call('u-ng-ca', 'POST', `/extraditions/${id}/formal-request/transmit`, { channel: 'CA_DIRECT', reference: 'FMOJ-EXT-4' });
    await sc.day(2, [id]);
    await sc.call('u-bj-ca', 'POST', `/extraditions/${id}/formal-request/receipt`);
    await sc.call('u-bj-ca', 'POST', `/extraditions/${id}/judicial-phase`);
    await sc.call('u-bj-ca', 'POST', `/extraditions/${id}/court-decision`, { outcome: 'FAVOURABLE' });
    await sc.call('u-bj-ca', 'POST', `/extraditions/${id}/executive-phase`);
    const direct = await sc.call('u-bj-ca', 'POST', `/extraditions/${id}/refuse`, { ground: 'NATIONALITY', reasons: 'national of Benin' }, 409);
    expect(direct).toMatchObject({ code: 'CONSULTATION_REQUIRED', legalRef: 'UNTOC art. 16(16)' });
    await sc.call('u-ng-ca', 'POST', `/extraditions/${id}/domestic-prosecution-request`);
    await sc.call('u-bj-ca', 'POST', `/extraditions/${id}/consultation`, { proposal: 'refusal on nationality; domestic prosecution offered' });
    await sc.day(5, [id]);
    const refused = await sc.call('u-bj-ca', 'POST', `/extraditions/${id}/refuse`, {
      ground: 'NATIONALITY',
      reasons: 'the Constitution bars extradition of nationals',
    });
    expect(refused.state).toBe('REFUSED');
    const domesticId = refused.history.at(-1).data.domesticCaseId;
    expect(domesticId).toMatch(/^[0-9a-f-]{36}$/);

    await sc.day(6);
    let domestic = await waitFor(() => sc.call('u-ng-ca', 'GET', `/cases/${domesticId}`).catch(() => null));
    expect(domestic).toMatchObject({ kind: 'DOMESTIC_PROSECUTION', state: 'OPENED', linkedCaseId: id, requestingState: 'NG', requestedState: 'BJ' });
    expect((await sc.call('u-ng-ca', 'GET', `/cases/${id}`)).linkedCaseId).toBe(domesticId);
    await sc.call('u-ng-ca', 'POST', `/domestic-prosecutions/${domesticId}/progress`, { status: 'CHARGED', note: 'x' }, 403);
    domestic = await sc.call('u-bj-prosecutor', 'POST', `/domestic-prosecutions/${domesticId}/progress`, {
      status: 'UNDER_INVESTIGATION',
      note: 'investigation opened in Cotonou',
    });
    expect(domestic.state).toBe('UNDER_INVESTIGATION');
    await sc.day(120, [domesticId]);
    const timeline = await sc.call('u-ng-ca', 'GET', `/cases/${domesticId}/timeline`);
    expect(timeline.tasks.filter((t: { kind: string; addressee: string }) => t.kind === 'STATUS_CHECK' && t.addressee === 'REQUESTED_PROSECUTOR')).toHaveLength(
      1,
    );
    expect(clock(timeline, 'DOMESTIC_PROSECUTION_REPORT').legalRef).toContain('16(10)');
  });

  it('conflicting requests for the same person are linked; neither may be granted until the choice and its factors are recorded', async () => {
    const sc = await Scenario.begin(engine, { d0: '2024-09-02', timeZone: 'Africa/Porto-Novo' });
    await sc.day(0);
    const wanted = person({ nationality: 'TG', identifier: 'TG-PASSPORT-777' });
    const fromNg = (await sc.call('u-ng-prosecutor', 'POST', '/extraditions', extradition({ person: wanted, provisionalArrest: undefined }))).id;
    await sc.day(3, [fromNg]);
    const fromTg = (await sc.call('u-tg-prosecutor', 'POST', '/extraditions', extradition({ person: wanted, provisionalArrest: undefined, language: 'fr' })))
      .id;
    for (const [id, prosecutor, ca] of [
      [fromNg, 'u-ng-prosecutor', 'u-ng-ca'],
      [fromTg, 'u-tg-prosecutor', 'u-tg-ca'],
    ]) {
      await sc.call(prosecutor, 'POST', `/extraditions/${id}/formal-request/submit`);
      await sc.call(ca, 'POST', `/extraditions/${id}/formal-request/approve`);
      await sc.call(ca, 'POST', `/extraditions/${id}/formal-request/transmit`, { channel: 'CA_DIRECT', reference: `REF-${id.slice(0, 4)}` });
      await sc.call('u-bj-ca', 'POST', `/extraditions/${id}/formal-request/receipt`);
      await sc.call('u-bj-ca', 'POST', `/extraditions/${id}/consent`);
    }
    for (const id of [fromNg, fromTg]) {
      const t = await sc.call('u-bj-ca', 'GET', `/cases/${id}/timeline`);
      expect(t.flags).toContain('CONFLICTING_REQUESTS');
      expect(t.extradition.conflict.linkedCaseIds).toEqual([id === fromNg ? fromTg : fromNg]);
      const blocked = await sc.call('u-bj-ca', 'POST', `/extraditions/${id}/grant`, {}, 409);
      expect(blocked).toMatchObject({ code: 'CONFLICTING_REQUESTS_CHOICE_REQUIRED', legalRef: expect.stringContaining('ECOWAS Extradition Convention') }); // its basis, not the ECE
    }
    const factors = {
      seriousness: 'comparable',
      placeOfOffence: 'Lomé',
      datesOfRequests: 'NG first by 3 days',
      nationality: 'Togolese national',
      reExtradition: 'TG may re-extradite to NG',
    };
    await sc.call('u-bj-ca', 'POST', `/extraditions/${fromTg}/conflict-choice`, { preferredCaseId: fromTg, factors: { ...factors, reExtradition: '' } }, 400);
    await sc.call('u-bj-ca', 'POST', `/extraditions/${fromTg}/conflict-choice`, { preferredCaseId: fromTg, factors });
    expect((await sc.call('u-bj-ca', 'POST', `/extraditions/${fromTg}/grant`)).state).toBe('GRANTED');
    await sc.call('u-bj-ca', 'POST', `/extraditions/${fromNg}/conflict-choice`, { preferredCaseId: fromTg, factors });
    expect(await sc.call('u-bj-ca', 'POST', `/extraditions/${fromNg}/grant`, {}, 409)).toMatchObject({ code: 'OTHER_REQUEST_PREFERRED' });
    await sc.call('u-bj-ca', 'POST', `/extraditions/${fromNg}/consultation`, { proposal: 'refusal: the Togolese request was preferred' });
    const refused = await sc.call('u-bj-ca', 'POST', `/extraditions/${fromNg}/refuse`, {
      ground: 'CONFLICTING_REQUEST',
      reasons: 'the competing request of Togo was preferred (nationality, place of offence)',
    });
    expect(refused.state).toBe('REFUSED');
  });

  it('offers only the legal bases both States are party to on the filing date (MR → SN: UNTOC, not ECOWAS)', async () => {
    const token = await engine.token('u-mr-prosecutor');
    const today = new Date().toISOString().slice(0, 10);
    const res = await engine.request('GET', `/reference/legal-bases?requesting=MR&requested=SN&kind=EXTRADITION&date=${today}`, { token });
    expect(res.status).toBe(200);
    const ids = res.body.map((i: { id: string }) => i.id);
    expect(ids).toContain('UNTOC-2000');
    expect(ids).not.toContain('ECOWAS-EXT-1994');
    const ngBj = await engine.request('GET', `/reference/legal-bases?requesting=NG&requested=BJ&kind=EXTRADITION&date=${today}`, { token });
    expect(ngBj.body.map((i: { id: string }) => i.id)).toEqual(expect.arrayContaining(['ECOWAS-EXT-1994', 'UNTOC-2000']));
    expect((await engine.request('GET', '/reference/legal-bases?requesting=MR&requested=Senegal&kind=X', { token })).status).toBe(400);
    const refused = await engine.request('POST', '/extraditions', {
      token,
      body: extradition({ requestedState: 'SN', provisionalArrest: undefined, person: person({ nationality: 'MR' }) }),
    });
    expect(refused.status).toBe(201); // filed, but flagged: ECOWAS is not in force between them
    expect(refused.body.flags).toContain('BASIS_NOT_IN_FORCE');
  });
});

async function grantedTgToGh(sc: Scenario, dayOffset: number): Promise<string> {
  await sc.day(dayOffset);
  const id = (
    await sc.call(
      'u-tg-prosecutor',
      'POST',
      '/extraditions',
      extradition({ requestedState: 'GH', language: 'fr', provisionalArrest: undefined, person: person({ nationality: 'TG' }) }),
    )
  ).id;
  await sc.call('u-tg-prosecutor', 'POST', `/extraditions/${id}/formal-request/submit`);
  await sc.call('u-tg-ca', 'POST', `/extraditions/${id}/formal-request/approve`);
  await sc.call('u-tg-ca', 'POST', `/extraditions/${id}/formal-request/transmit`, { channel: 'CA_DIRECT', reference: 'TG-EXT-12' });
  await sc.day(dayOffset + 1, [id]);
  await sc.call('u-gh-ca', 'POST', `/extraditions/${id}/formal-request/receipt`);
  await sc.call('u-gh-ca', 'POST', `/extraditions/${id}/judicial-phase`);
  await sc.call('u-gh-ca', 'POST', `/extraditions/${id}/court-decision`, { outcome: 'FAVOURABLE' });
  await sc.call('u-gh-ca', 'POST', `/extraditions/${id}/executive-phase`);
  expect((await sc.call('u-gh-ca', 'POST', `/extraditions/${id}/grant`)).state).toBe('GRANTED');
  return id;
}

async function waitFor<T>(probe: () => Promise<T | null>, tries = 100): Promise<T> {
  for (let i = 0; i < tries; i++) {
    const value = await probe();
    if (value) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('condition not met');
}
