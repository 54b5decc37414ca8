import { addDays } from '../../libs/domain/src';
import { Engine, startEngine } from '../support/engine';
import { Scenario } from '../support/scenario';

// The general rules of the extradition life cycle (domain.md §5 and §10) that the public scenarios show
// only in part, through the HTTP API on the time-skipping server.

const person = (over: Record<string, unknown> = {}) => ({
  role: 'ACCUSED',
  name: 'Person R',
  nationality: 'NG',
  identifier: `PASS-${Math.random().toString(36).slice(2, 10)}`,
  ...over,
});

const extradition = (over: Record<string, unknown> = {}) => ({
  requestedState: 'BJ',
  legalBasis: 'ECOWAS-EXT-1994',
  person: person(),
  offence: 'Trafficking in persons (Protocol art. 5), organised criminal group',
  factsSummary: 'Recruitment in Lagos and exploitation in Cotonou in 2024.',
  purpose: 'PROSECUTION',
  language: 'en',
  urgency: 'URGENT',
  provisionalArrest: { channel: 'INTERPOL_URGENT', reference: 'INTERPOL-DIFF-2025-17' },
  ...over,
});

type Event = { event: string; data?: Record<string, unknown> };

describe('extradition rules through the API (time-skipping server)', () => {
  let engine: Engine;

  beforeAll(async () => {
    engine = await startEngine({ temporal: 'time-skipping' });
  }, 180000);

  afterAll(async () => {
    await engine?.stop();
  }, 60000);

  it('settle() waits for the projection of an extradition case, not only of MLA requests', async () => {
    const sc = await Scenario.begin(engine, { d0: '2025-02-03', timeZone: 'Africa/Porto-Novo' });
    await sc.day(0);
    const id = (await sc.call('u-ng-prosecutor', 'POST', '/extraditions', extradition())).id;
    await engine.settle(id);
    const [{ version }] = await engine.db.query(`SELECT version FROM cases WHERE id = $1`, [id]);
    // Postgres one event behind the workflow: settle() must wait for it, and give up when it never comes.
    await engine.db.query(`UPDATE cases SET version = version - 1 WHERE id = $1`, [id]);
    try {
      await expect(engine.settle(id)).rejects.toThrow(/did not settle/);
    } finally {
      await engine.db.query(`UPDATE cases SET version = $2 WHERE id = $1`, [id, version]);
    }
    await engine.settle(id);
  }, 60000);

  it('counts custody days one way: release at the 40-day hard limit gives 40 in the release event, the timeline, the case and statistics', async () => {
    const sc = await Scenario.begin(engine, { d0: '2025-03-10', timeZone: 'Africa/Porto-Novo' });
    await sc.day(-1);
    const id = (await sc.call('u-ng-prosecutor', 'POST', '/extraditions', extradition())).id;
    await sc.day(0, [id]);
    await sc.call('u-bj-ca', 'POST', `/extraditions/${id}/arrest`);
    await sc.day(45, [id]);
    const timeline = await sc.call('u-ng-ca', 'GET', `/cases/${id}/timeline`);
    expect(timeline.state).toBe('RELEASED_PENDING_REQUEST');
    const release = timeline.events.find((e: Event) => e.event === 'RELEASE_REQUIRED');
    expect(release.data).toMatchObject({ custodyDays: 40 });
    expect(timeline.metrics.custodyDays).toBe(40);
    expect(timeline.extradition.custody).toMatchObject({ atLiberty: true, days: 40 });

    // It stops accruing at release.
    await sc.day(60, [id]);
    expect((await sc.call('u-ng-ca', 'GET', `/cases/${id}/timeline`)).metrics.custodyDays).toBe(40);
    const filed = addDays(sc.d0, -1);
    const stats = await sc.call('u-ng-ca', 'GET', `/monitoring/statistics?requesting=NG&requested=BJ&kind=EXTRADITION&from=${filed}&to=${addDays(filed, 1)}`);
    expect(stats.pairs).toEqual([expect.objectContaining({ custody: { cases: 1, totalDays: 40, maxDays: 40 } })]);
  });

  it('counts the day of receipt of the formal request: receipt on day 12 gives 12, carried into the surrender notice', async () => {
    const sc = await Scenario.begin(engine, { d0: '2025-05-05', timeZone: 'Africa/Porto-Novo' });
    await sc.day(-1);
    const id = (await sc.call('u-ng-prosecutor', 'POST', '/extraditions', extradition())).id;
    await sc.day(0, [id], '23:30');
    await sc.call('u-bj-ca', 'POST', `/extraditions/${id}/arrest`);
    await sc.day(5, [id]);
    await sc.call('u-ng-prosecutor', 'POST', `/extraditions/${id}/formal-request/submit`);
    await sc.call('u-ng-ca', 'POST', `/extraditions/${id}/formal-request/approve`);
    await sc.call('u-ng-ca', 'POST', `/extraditions/${id}/formal-request/transmit`, { channel: 'DIPLOMATIC', reference: 'NG-MFA-NV-2025-77' });
    await sc.day(12, [id], '00:30');
    const received = await sc.call('u-bj-ca', 'POST', `/extraditions/${id}/formal-request/receipt`);
    expect(received.history.at(-1)).toMatchObject({ to: 'FORMAL_REQUEST_RECEIVED', data: { custodyDays: 12 } });
    await sc.day(30, [id]);
    await sc.call('u-bj-ca', 'POST', `/extraditions/${id}/judicial-phase`);
    await sc.call('u-bj-ca', 'POST', `/extraditions/${id}/consent`);
    await sc.call('u-bj-ca', 'POST', `/extraditions/${id}/grant`);
    const scheduled = await sc.call('u-bj-ca', 'POST', `/extraditions/${id}/surrender-date`, { agreedDate: addDays(sc.d0, 40) });
    expect(scheduled.history.at(-1)).toMatchObject({ event: 'SCHEDULE_SURRENDER', data: { custodyDays: 12 } });
    expect((await sc.call('u-ng-ca', 'GET', `/cases/${id}/timeline`)).metrics.custodyDays).toBe(12);
  });
  it('release possible opens a task for the requested central authority and its court, with the decision it calls for', async () => {
    const sc = await Scenario.begin(engine, { d0: '2025-06-02', timeZone: 'Africa/Porto-Novo' });
    await sc.day(-1);
    const id = (await sc.call('u-ng-prosecutor', 'POST', '/extraditions', extradition())).id;
    await sc.day(0, [id]);
    await sc.call('u-bj-ca', 'POST', `/extraditions/${id}/arrest`);
    await sc.day(22, [id]);
    let timeline = await sc.call('u-bj-ca', 'GET', `/cases/${id}/timeline`);
    expect(timeline.flags).toContain('RELEASE_POSSIBLE');
    const decisions = timeline.tasks.filter((t: { kind: string; reason: string }) => t.kind === 'ACTION' && t.reason.startsWith('release possible'));
    expect(decisions.map((t: { addressee: string; addresseeStates: string[]; status: string }) => [t.addressee, t.addresseeStates, t.status])).toEqual([
      ['REQUESTED_CA', ['BJ'], 'OPEN'],
      ['COURT', ['BJ'], 'OPEN'],
    ]);
    const hard = timeline.clocks.find((k: { ruleId: string }) => k.ruleId === 'PA_HARD');
    for (const t of decisions) {
      expect(t.reason).toContain('decide whether the person stays in custody or is released');
      expect(t.reason).toContain(hard.lastDay);
      expect(t.dueAt).toBe(hard.dueAt);
    }

    // Overtaken by the formal request: the person is held on it.
    await sc.call('u-ng-prosecutor', 'POST', `/extraditions/${id}/formal-request/submit`);
    await sc.call('u-ng-ca', 'POST', `/extraditions/${id}/formal-request/approve`);
    await sc.call('u-ng-ca', 'POST', `/extraditions/${id}/formal-request/transmit`, { channel: 'DIPLOMATIC', reference: 'NG-MFA-NV-2025-90' });
    await sc.day(25, [id]);
    await sc.call('u-bj-ca', 'POST', `/extraditions/${id}/formal-request/receipt`);
    timeline = await sc.call('u-bj-ca', 'GET', `/cases/${id}/timeline`);
    expect(
      timeline.tasks
        .filter((t: { kind: string; reason: string }) => t.kind === 'ACTION' && t.reason.startsWith('release possible'))
        .map((t: { status: string }) => t.status),
    ).toEqual(['RESOLVED', 'RESOLVED']);
  });
  it("conflicting requests open a task for the requested central authority; every legal reference on the path comes from each case's instrument", async () => {
    const sc = await Scenario.begin(engine, { d0: '2025-07-07', timeZone: 'Africa/Porto-Novo' });
    await sc.day(0);
    const wanted = person({ nationality: 'TG', identifier: `TG-PASSPORT-${Math.random().toString(36).slice(2, 8)}` });
    // NG asks under the ECOWAS Convention, TG under UNTOC: neither is the ECE.
    const fromNg = (await sc.call('u-ng-prosecutor', 'POST', '/extraditions', extradition({ person: wanted, provisionalArrest: undefined }))).id;
    await sc.day(2, [fromNg]);
    const fromTg = (
      await sc.call(
        'u-tg-prosecutor',
        'POST',
        '/extraditions',
        extradition({ person: wanted, provisionalArrest: undefined, language: 'fr', legalBasis: 'UNTOC-2000' }),
      )
    ).id;
    for (const [id, prosecutor, ca] of [
      [fromNg, 'u-ng-prosecutor', 'u-ng-ca'],
      [fromTg, 'u-tg-prosecutor', 'u-tg-ca'],
    ]) {
      await sc.call(prosecutor, 'POST', `/extraditions/${id}/formal-request/submit`);
      await sc.call(ca, 'POST', `/extraditions/${id}/formal-request/approve`);
      await sc.call(ca, 'POST', `/extraditions/${id}/formal-request/transmit`, { channel: 'CA_DIRECT', reference: `REF-${id.slice(0, 4)}` });
      await sc.call('u-bj-ca', 'POST', `/extraditions/${id}/formal-request/receipt`);
      await sc.call('u-bj-ca', 'POST', `/extraditions/${id}/judicial-phase`);
      await sc.call('u-bj-ca', 'POST', `/extraditions/${id}/court-decision`, { outcome: 'FAVOURABLE' });
      await sc.call('u-bj-ca', 'POST', `/extraditions/${id}/executive-phase`);
    }
    await sc.day(4, [fromNg, fromTg]);
    const ecowas = 'ECOWAS Extradition Convention (concurrent requests; article to verify)';
    const nationalLaw = 'national law of BJ (UNTOC-2000 has no provision)';
    const conflictTasks = (t: { tasks: Array<{ kind: string; reason: string }> }) =>
      t.tasks.filter((k) => k.kind === 'ACTION' && k.reason.startsWith('conflicting requests'));
    for (const [id, ref, requestingCa] of [
      [fromNg, ecowas, 'u-ng-ca'],
      [fromTg, nationalLaw, 'u-tg-ca'],
    ]) {
      const t = await sc.call('u-bj-ca', 'GET', `/cases/${id}/timeline`);
      expect(conflictTasks(t).map((k: any) => [k.addressee, k.addresseeStates, k.status])).toEqual([['REQUESTED_CA', ['BJ'], 'OPEN']]);
      expect(conflictTasks(t)[0].reason).toContain(`(${ref})`);
      expect(JSON.stringify(t)).not.toContain('ECE art. 17');
      // The conflict is the requested central authority's alone.
      expect(conflictTasks(await sc.call(requestingCa, 'GET', `/cases/${id}/timeline`))).toEqual([]);
      expect(await sc.call('u-bj-ca', 'POST', `/extraditions/${id}/grant`, {}, 409)).toMatchObject({
        code: 'CONFLICTING_REQUESTS_CHOICE_REQUIRED',
        legalRef: ref,
      });
    }
    const factors = {
      seriousness: 'comparable',
      placeOfOffence: 'Lomé',
      datesOfRequests: 'NG first by 2 days',
      nationality: 'Togolese national',
      reExtradition: 'TG may re-extradite to NG',
    };
    const chosen = await sc.call('u-bj-ca', 'POST', `/extraditions/${fromTg}/conflict-choice`, { preferredCaseId: fromTg, factors });
    expect(chosen.history.at(-1)).toMatchObject({ event: 'RECORD_CONFLICT_CHOICE', legalRef: nationalLaw });
    expect(conflictTasks(await sc.call('u-bj-ca', 'GET', `/cases/${fromTg}/timeline`)).map((k: any) => k.status)).toEqual(['RESOLVED']);
    await sc.call('u-bj-ca', 'POST', `/extraditions/${fromTg}/grant`);

    // Political offence under ECOWAS; force majeure under UNTOC (which says nothing of it: national law).
    await sc.call('u-bj-ca', 'POST', `/extraditions/${fromNg}/consultation`, { proposal: 'refusal: political offence' });
    const refused = await sc.call('u-bj-ca', 'POST', `/extraditions/${fromNg}/refuse`, {
      ground: 'POLITICAL_OFFENCE',
      reasons: 'the acts are a political offence',
    });
    expect(refused.history.at(-1)).toMatchObject({ to: 'REFUSED', legalRef: 'ECOWAS Extradition Convention art. 4 (to verify)' });
    await sc.call('u-bj-ca', 'POST', `/extraditions/${fromTg}/surrender-date`, { agreedDate: addDays(sc.d0, 20) });
    const moved = await sc.call('u-bj-ca', 'POST', `/extraditions/${fromTg}/force-majeure`, { newDate: addDays(sc.d0, 30), reason: 'border closed' });
    expect(moved.history.at(-1)).toMatchObject({ event: 'FORCE_MAJEURE', legalRef: 'national law of BJ (UNTOC-2000 has no provision)' });
  });
  it('fixes a formal request on a basis not in force by amending the basis before transmission (the new rule pack pinned)', async () => {
    // Mali left the ECOWAS conventions with effect from 2025-01-29 (fixture): a request to Mali filed after it.
    const sc = await Scenario.begin(engine, { d0: '2025-03-03', timeZone: 'Africa/Lagos' });
    await sc.day(0);
    const { provisionalArrest: _, ...noArrest } = extradition({ requestedState: 'ML' });
    const id = (await sc.call('u-ng-prosecutor', 'POST', '/extraditions', noArrest)).id;
    await sc.call('u-ng-prosecutor', 'POST', `/extraditions/${id}/formal-request/submit`);
    expect((await sc.call('u-ng-ca', 'POST', `/extraditions/${id}/formal-request/approve`, {}, 409)).code).toBe('LEGAL_BASIS_NOT_IN_FORCE');

    const notForExtradition = await sc.call('u-ng-ca', 'POST', `/extraditions/${id}/formal-request/basis-amendment`, { legalBasis: 'ECOWAS-MLA-1992' }, 422);
    expect(notForExtradition.errors).toEqual([expect.objectContaining({ field: 'legalBasis', rule: 'covers_extradition' })]);
    await sc.call('u-ml-ca', 'POST', `/extraditions/${id}/formal-request/basis-amendment`, { legalBasis: 'UNTOC-2000' }, 404);
    const amended = await sc.call('u-ng-ca', 'POST', `/extraditions/${id}/formal-request/basis-amendment`, {
      legalBasis: 'UNTOC-2000',
      comment: 'Mali has left the ECOWAS conventions: UNTOC art. 16 applies',
    });
    expect(amended.legalBasis).toBe('UNTOC-2000');
    expect(amended.flags).not.toContain('BASIS_NOT_IN_FORCE');
    expect(amended.history.at(-1)).toMatchObject({
      event: 'AMEND_BASIS',
      actor: { role: 'CENTRAL_AUTHORITY' },
      data: { fromBasis: 'ECOWAS-EXT-1994', basis: 'UNTOC-2000', inForce: true },
    });
    await sc.call('u-ng-ca', 'POST', `/extraditions/${id}/formal-request/approve`);
    await sc.call('u-ng-ca', 'POST', `/extraditions/${id}/formal-request/transmit`, { channel: 'DIPLOMATIC', reference: 'NG-MFA-NV-2025-5' });
    const late = await sc.call('u-ng-ca', 'POST', `/extraditions/${id}/formal-request/basis-amendment`, { legalBasis: 'ECOWAS-EXT-1994' }, 409);
    expect(late.code).toBe('INVALID_TRANSITION');
  });
  it("gives the secretariat network-wide figures beside the pairs': totals, and medians and percentiles over every case, exact, live and pre-aggregated", async () => {
    const sc = await Scenario.begin(engine, { d0: '2025-09-01', timeZone: 'Africa/Accra' });
    await sc.day(0);
    const file = async (from: string, language = 'en') =>
      (await sc.call(`u-${from}-prosecutor`, 'POST', '/extraditions', extradition({ requestedState: 'GH', provisionalArrest: undefined, language })))
        .id as string;
    const cases: Array<[string, string, number]> = [
      [await file('ng'), 'ng', 1],
      [await file('ng'), 'ng', 3],
      [await file('tg', 'fr'), 'tg', 10],
    ];
    await sc.day(1);
    for (const [id, from] of cases) {
      await sc.call(`u-${from}-prosecutor`, 'POST', `/extraditions/${id}/formal-request/submit`);
      await sc.call(`u-${from}-ca`, 'POST', `/extraditions/${id}/formal-request/approve`);
      await sc.call(`u-${from}-ca`, 'POST', `/extraditions/${id}/formal-request/transmit`, { channel: 'CA_DIRECT', reference: `REF-${id.slice(0, 6)}` });
    }
    for (const [id, , ackDays] of cases) {
      await sc.day(1 + ackDays, [id]);
      await sc.call('u-gh-ca', 'POST', `/extraditions/${id}/formal-request/receipt`);
    }
    for (const [id] of cases) await engine.settle(id);

    // Acknowledgment in 1, 3 and 10 days: per pair NG–GH median 2, TG–GH 10; the network's median is 3, not 6.
    const filed = sc.d0;
    let from = addDays(filed, -1);
    if (from.endsWith('-01')) from = addDays(filed, -2);
    const query = `requested=GH&kind=EXTRADITION&from=${from}&to=${addDays(filed, 1)}`;
    const live = await sc.call('u-wacap-secretariat', 'GET', `/monitoring/statistics?${query}`);
    expect(live.source).toBe('live');
    expect(live.pairs.map((p: any) => [p.requestingState, p.ackDays.median])).toEqual([
      ['NG', 2],
      ['TG', 10],
    ]);
    const expected = { pairs: 2, open: 3, terminal: 0, ackDays: { median: 3, p90: 8.6, cases: 3 } };
    expect(live.network).toMatchObject(expected);
    expect(live.definitions.network).toContain('never averages');

    await sc.call('u-wacap-secretariat', 'POST', '/monitoring/statistics/refresh');
    const month = `${filed.slice(0, 7)}-01`;
    const nextMonths = addDays(month, 62).slice(0, 7) + '-01';
    const pre = await sc.call('u-wacap-secretariat', 'GET', `/monitoring/statistics?requested=GH&kind=EXTRADITION&from=${month}&to=${nextMonths}`);
    expect(pre.source).toBe('pre-aggregated');
    expect(pre.network).toMatchObject(expected);
  });
  it('the requested central authority records the decision a release-possible task calls for: release, or custody maintained', async () => {
    const sc = await Scenario.begin(engine, { d0: '2025-10-06', timeZone: 'Africa/Porto-Novo' });
    await sc.day(-1);
    const kept = (await sc.call('u-ng-prosecutor', 'POST', '/extraditions', extradition())).id;
    const freed = (await sc.call('u-ng-prosecutor', 'POST', '/extraditions', extradition())).id;
    await sc.day(0, [kept, freed]);
    for (const id of [kept, freed]) await sc.call('u-bj-ca', 'POST', `/extraditions/${id}/arrest`);
    await sc.day(5, [kept, freed]);
    const early = await sc.call('u-bj-ca', 'POST', `/extraditions/${kept}/release-decision`, { decision: 'RELEASE', reasons: 'no reason yet' }, 409);
    expect(early.code).toBe('NO_RELEASE_DECISION_DUE');
    await sc.day(22, [kept, freed]);
    await sc.call('u-ng-ca', 'POST', `/extraditions/${kept}/release-decision`, { decision: 'RELEASE', reasons: 'not theirs to take' }, 403);
    const decisions = async (id: string) =>
      (await sc.call('u-bj-ca', 'GET', `/cases/${id}/timeline`)).tasks
        .filter((t: { kind: string; reason: string }) => t.kind === 'ACTION' && t.reason.startsWith('release possible'))
        .map((t: { status: string }) => t.status);

    const maintained = await sc.call('u-bj-ca', 'POST', `/extraditions/${kept}/release-decision`, {
      decision: 'MAINTAIN_CUSTODY',
      reasons: 'risk of flight; the formal request is announced',
    });
    expect(maintained.state).toBe('PERSON_IN_PROVISIONAL_CUSTODY');
    expect(await decisions(kept)).toEqual(['RESOLVED', 'RESOLVED']);

    const released = await sc.call('u-bj-ca', 'POST', `/extraditions/${freed}/release-decision`, {
      decision: 'RELEASE',
      reasons: 'court ordered release under supervision',
    });
    expect(released.state).toBe('RELEASED_PENDING_REQUEST');
    expect(released.history.at(-1)).toMatchObject({ event: 'DECIDE_ON_RELEASE', data: { decision: 'RELEASE', custodyDays: 22 } });
    expect(await decisions(freed)).toEqual(['RESOLVED', 'RESOLVED']);
    const timeline = await sc.call('u-ng-ca', 'GET', `/cases/${freed}/timeline`);
    expect(timeline.flags).not.toContain('IN_CUSTODY');
    expect(timeline.metrics.custodyDays).toBe(22);
    expect(timeline.clocks.find((k: { ruleId: string }) => k.ruleId === 'PA_HARD').status).not.toBe('running');
  });
});
