import { Engine, startEngine } from '../support/engine';
import { Scenario } from '../support/scenario';

// The MLA rules of domain.md §2, §4 and §10 that the public scenarios do not show, each driven through
// the HTTP API with the engine on the time-skipping server.

const request = (over: Record<string, unknown> = {}) => ({
  legalBasis: 'ECOWAS-MLA-1992',
  assistanceTypes: ['BANK_RECORDS'],
  subjectOfProceedings: 'Smuggling of migrants by an organised criminal group (Protocol art. 6)',
  factsSummary: 'Payments for sea crossings were routed through accounts held abroad.',
  purpose: 'Identify and trace the proceeds of the smuggling network',
  persons: [{ role: 'ACCUSED', name: 'Person A', nationality: 'SN' }],
  language: 'fr',
  ...over,
});

type Warning = { field: string; rule: string; message: string; [k: string]: unknown };
type Event = { event: string; data?: { warnings?: Warning[] } & Record<string, unknown> };
const eventOf = (history: Event[], type: string) => history.find((e) => e.event === type);

describe('MLA rules through the API (time-skipping server)', () => {
  let engine: Engine;

  beforeAll(async () => {
    engine = await startEngine({ temporal: 'time-skipping' });
  }, 180000);

  afterAll(async () => {
    await engine?.stop();
  }, 60000);

  // First in the file: the API reads the instruments in force on the server's date, which the test clock still matches here.
  it('reports a basis not in force for a State of the pair at filing and on submission, naming the State, the end of its membership and the instruments in force', async () => {
    // Burkina Faso left the ECOWAS conventions with effect from 2025-01-29 (fixture).
    const sc = await Scenario.begin(engine, { d0: '2025-03-03', timeZone: 'Africa/Ouagadougou' });
    await sc.day(0);
    const filed = await sc.call('u-bf-prosecutor', 'POST', '/cases', request({ requestedState: 'TG', persons: [] }));
    const id = filed.id;
    const path = `/cases/${id}`;
    const expected = expect.objectContaining({
      field: 'legalBasis',
      rule: 'basis_not_in_force',
      instrumentId: 'ECOWAS-MLA-1992',
      stateCode: 'BF',
      membershipEnded: sc.date('2025-01-29'),
      inForce: expect.arrayContaining(['UNTOC-2000']),
    });
    expect(filed.state).toBe('DRAFT');
    expect(filed.warnings).toEqual([expected]);
    expect(filed.warnings[0].message).toContain(sc.date('2025-01-29'));
    expect(filed.warnings[0].message).toContain('UNTOC-2000');
    expect(filed.warnings[0].inForce).not.toContain('ECOWAS-MLA-1992');

    await sc.day(1, [id]);
    const submitted = await sc.call('u-bf-prosecutor', 'POST', `${path}/submit`);
    expect(submitted.state).toBe('PENDING_CA_REVIEW');
    expect(submitted.warnings).toEqual(expect.arrayContaining([expected]));
    expect(eventOf(submitted.history, 'SUBMIT')?.data?.warnings).toEqual(expect.arrayContaining([expected]));

    // Approval stays blocked as before; once the basis is changed to one in force the warning is gone.
    expect(await sc.call('u-bf-ca', 'POST', `${path}/approve`, {}, 409)).toMatchObject({ code: 'LEGAL_BASIS_NOT_IN_FORCE' });
    await sc.call('u-bf-ca', 'POST', `${path}/return-for-correction`, { comment: 'change the basis to UNTOC' });
    await sc.call('u-bf-prosecutor', 'PATCH', path, { legalBasis: 'UNTOC-2000' });
    const resubmitted = await sc.call('u-bf-prosecutor', 'POST', `${path}/resubmit`);
    expect((resubmitted.warnings ?? []).map((w: Warning) => w.rule)).not.toContain('basis_not_in_force');
    expect((await sc.call('u-bf-ca', 'POST', `${path}/approve`)).state).toBe('READY_TO_TRANSMIT');

    // A pair for which the basis is in force gets no such warning.
    const fine = await sc.call('u-sn-prosecutor', 'POST', '/cases', request({ requestedState: 'TG' }));
    expect(fine.warnings).toBeUndefined();
  });

  it('advises a courtesy translation on approval when the basis accepts the language but the requested State does not speak it', async () => {
    const sc = await Scenario.begin(engine, { d0: '2024-09-02', timeZone: 'Africa/Dakar' });
    await sc.day(0);
    // ECOWAS accepts French (art. 5(2)); Nigeria's official language is English.
    const toNg = (await sc.call('u-sn-prosecutor', 'POST', '/cases', request({ requestedState: 'NG' }))).id;
    const toMl = (await sc.call('u-sn-prosecutor', 'POST', '/cases', request({ requestedState: 'ML' }))).id;
    for (const id of [toNg, toMl]) await sc.call('u-sn-prosecutor', 'POST', `/cases/${id}/submit`);
    await sc.day(1, [toNg, toMl]);

    const approved = await sc.call('u-sn-ca', 'POST', `/cases/${toNg}/approve`);
    expect(approved.state).toBe('READY_TO_TRANSMIT'); // never a block
    const advice = expect.objectContaining({ field: 'language', rule: 'courtesy_translation', legalRef: 'ECOWAS MLA art. 5(2)' });
    expect(approved.warnings).toEqual([advice]);
    expect(approved.warnings[0].message).toContain('NG');
    const timeline = await sc.call('u-sn-ca', 'GET', `/cases/${toNg}/timeline`);
    expect(JSON.stringify(timeline)).toContain('courtesy_translation');
    expect((await sc.call('u-sn-ca', 'POST', `/cases/${toNg}/transmit`, { channel: 'CA_DIRECT', reference: 'SN/NG/1' })).state).toBe('TRANSMITTED');

    // French to Mali: an official language there, no advice.
    const plain = await sc.call('u-sn-ca', 'POST', `/cases/${toMl}/approve`);
    expect(plain.state).toBe('READY_TO_TRANSMIT');
    expect(plain.warnings).toBeUndefined();
  });

  it("opens the liaison magistrate's pre-check on the draft; the prosecutor amends after their comments; an unanswered pre-check survives submission until approval, and says so", async () => {
    const sc = await Scenario.begin(engine, { d0: '2024-04-01', timeZone: 'Africa/Lagos' });
    await sc.day(0);
    const filing = request({ requestedState: 'IT', legalBasis: 'UNTOC-2000', language: 'en' });
    // NG→IT has a liaison magistrate: the draft is theirs to pre-check from its filing.
    const answered = (await sc.call('u-ng-prosecutor', 'POST', '/cases', filing)).id;
    let timeline = await sc.call('u-ng-lm-it', 'GET', `/cases/${answered}/timeline`);
    expect(timeline.state).toBe('DRAFT');
    expect(timeline.tasks).toEqual([expect.objectContaining({ kind: 'PRECHECK', addressee: 'LIAISON_MAGISTRATE', status: 'OPEN' })]);
    await sc.day(1, [answered]);
    await sc.call('u-ng-lm-it', 'POST', `/cases/${answered}/notes`, { text: 'name the Italian bank and the account holder' });
    timeline = await sc.call('u-ng-prosecutor', 'GET', `/cases/${answered}/timeline`);
    expect(timeline.tasks).toEqual([expect.objectContaining({ kind: 'PRECHECK', status: 'RESOLVED', reason: expect.stringContaining('answered') })]);
    const amended = await sc.call('u-ng-prosecutor', 'PATCH', `/cases/${answered}`, {
      factsSummary: 'Payments routed through an account at an Italian bank held by Person A.',
    });
    expect(amended.state).toBe('DRAFT');
    const submitted = await sc.call('u-ng-prosecutor', 'POST', `/cases/${answered}/submit`);
    expect(submitted.state).toBe('PENDING_CA_REVIEW');
    expect((submitted.warnings ?? []).map((w: Warning) => w.rule)).not.toContain('precheck_pending');
    timeline = await sc.call('u-ng-prosecutor', 'GET', `/cases/${answered}/timeline`);
    expect(timeline.tasks).toHaveLength(1); // no second pre-check on submission

    // Submitted before the magistrate answered: the pre-check stays open, and the submission says so.
    const unanswered = (await sc.call('u-ng-prosecutor', 'POST', '/cases', filing)).id;
    await sc.day(2, [unanswered]);
    const early = await sc.call('u-ng-prosecutor', 'POST', `/cases/${unanswered}/submit`);
    expect(early.warnings).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'precheck', rule: 'precheck_pending' })]));
    timeline = await sc.call('u-ng-lm-it', 'GET', `/cases/${unanswered}/timeline`);
    expect(timeline.tasks).toEqual([
      expect.objectContaining({ kind: 'PRECHECK', status: 'OPEN', reason: expect.stringContaining('submitted before an answer') }),
    ]);
    await sc.day(3, [unanswered]);
    await sc.call('u-ng-ca', 'POST', `/cases/${unanswered}/approve`);
    timeline = await sc.call('u-ng-lm-it', 'GET', `/cases/${unanswered}/timeline`);
    expect(timeline.tasks).toEqual([
      expect.objectContaining({ kind: 'PRECHECK', status: 'OBSOLETE', reason: expect.stringContaining('overtaken by the approval') }),
    ]);

    // Their interventions are counted in the statistics of the pair, live and from the monthly pre-aggregates alike.
    const pair = 'requesting=NG&requested=IT';
    const live = await sc.call('u-ng-manager', 'GET', `/monitoring/statistics?from=${sc.date('2024-04-01')}&to=${sc.date('2024-04-08')}&${pair}`);
    expect(live.source).toBe('live');
    expect(live.pairs).toEqual([expect.objectContaining({ requestingState: 'NG', requestedState: 'IT', liaisonInterventions: 1 })]);
    expect(live.definitions.liaisonInterventions).toBeDefined();
    await sc.call('u-admin', 'POST', '/monitoring/statistics/refresh', {});
    const month = sc.date('2024-04-01').slice(0, 7);
    const next = new Date(Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5, 7)), 1)).toISOString().slice(0, 10);
    const monthly = await sc.call('u-ng-manager', 'GET', `/monitoring/statistics?from=${month}-01&to=${next}&${pair}`);
    expect(monthly.source).toBe('pre-aggregated');
    expect(monthly.pairs).toEqual([expect.objectContaining({ liaisonInterventions: 1 })]);
    expect(monthly.network).toMatchObject({ liaisonInterventions: 1 });
  });

  it("puts the requested side's work queue first in a central authority's /cases: urgent, then breached, then at risk, then by age, across pages", async () => {
    const sc = await Scenario.begin(engine, { d0: '2024-06-03', timeZone: 'Africa/Bamako' });
    await sc.day(0);
    const file = async (over: Record<string, unknown>) => (await sc.call('u-sn-prosecutor', 'POST', '/cases', request({ requestedState: 'ML', ...over }))).id;
    const oldest = await file({});
    const later = await file({ requestedByDate: sc.date('2024-07-03'), deadlineReason: 'trial date' });
    const breached = await file({ requestedByDate: sc.date('2024-06-13'), deadlineReason: 'custody review' });
    const atRisk = await file({ requestedByDate: sc.date('2024-06-19'), deadlineReason: 'hearing date' });
    const urgent = await file({ urgency: 'URGENT' });
    const sent = [oldest, later, breached, atRisk, urgent];
    for (const id of sent) {
      await sc.call('u-sn-prosecutor', 'POST', `/cases/${id}/submit`);
      await sc.call('u-sn-ca', 'POST', `/cases/${id}/approve`);
      await sc.call('u-sn-ca', 'POST', `/cases/${id}/transmit`, { channel: 'CA_DIRECT', reference: `SN/ML/${id.slice(0, 4)}` });
    }
    // Mali's own outgoing request is not in its requested-side queue: it follows.
    const outgoing = (await sc.call('u-ml-prosecutor', 'POST', '/cases', request({ requestedState: 'SN' }))).id;
    await sc.day(12, [...sent, outgoing]);

    const flags = async (id: string) => (await sc.call('u-ml-ca', 'GET', `/cases/${id}`)).flags;
    expect(await flags(breached)).toContain('DEADLINE_BREACHED');
    expect(await flags(atRisk)).toContain('DEADLINE_AT_RISK');

    const mine = new Set([...sent, outgoing]);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { items: Array<{ id: string }>; nextCursor: string | null } = await sc.call(
        'u-ml-ca',
        'GET',
        `/cases?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      );
      seen.push(...page.items.map((c) => c.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(new Set(seen).size).toBe(seen.length); // keyset paging neither repeats nor skips
    expect(seen.filter((id) => mine.has(id))).toEqual([urgent, breached, atRisk, oldest, later, outgoing]);

    // The managers' work queue of the requested side says the same, with the rank of each case.
    const queued: Array<{ id: string; rank: number; urgency: string }> = [];
    cursor = null;
    do {
      const page: { items: Array<{ id: string; rank: number; urgency: string }>; nextCursor: string | null } = await sc.call(
        'u-wacap-secretariat',
        'GET',
        `/monitoring/queue?requested=ML&limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      );
      queued.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    expect(new Set(queued.map((c) => c.id)).size).toBe(queued.length);
    const ranked = queued.filter((c) => mine.has(c.id));
    expect(ranked.map((c) => c.id)).toEqual([urgent, breached, atRisk, oldest, later]);
    expect(ranked.map((c) => c.rank)).toEqual([0, 1, 2, 3, 3]);

    // The requesting side's list is as it was: newest first.
    const requesting = (await sc.call('u-sn-prosecutor', 'GET', '/cases?limit=100')).items.map((c: { id: string }) => c.id);
    expect(requesting.filter((id: string) => mine.has(id))).toEqual([...sent].reverse());
  });

  it('runs an execution clock per forwarded item, with a reminder to its executing authority, met or breached on its own; the requester deadline stays one', async () => {
    const sc = await Scenario.begin(engine, { d0: '2024-06-03', timeZone: 'Africa/Bamako' });
    await sc.day(0);
    const filing = request({
      requestedState: 'ML',
      assistanceTypes: ['BANK_RECORDS', 'TAKING_OF_STATEMENT'],
      requestedByDate: sc.date('2024-09-30'),
      deadlineReason: 'trial date',
    });
    const id = (await sc.call('u-sn-prosecutor', 'POST', '/cases', filing)).id;
    const path = `/cases/${id}`;
    await sc.call('u-sn-prosecutor', 'POST', `${path}/submit`);
    await sc.call('u-sn-ca', 'POST', `${path}/approve`);
    await sc.call('u-sn-ca', 'POST', `${path}/transmit`, { channel: 'CA_DIRECT', reference: 'SN/ML/ITEMS' });
    await sc.day(1, [id]);
    await sc.call('u-ml-ca', 'POST', `${path}/acknowledge`);
    await sc.day(2, [id]);
    await sc.call('u-ml-ca', 'POST', `${path}/accept`, {
      forward: [
        { itemIds: ['item-1'], executingAuthorityId: 'ML-IJ-BAMAKO' },
        { itemIds: ['item-2'], executingAuthorityId: 'ML-POL-BAMAKO' },
      ],
    });
    type ClockView = { kind: string; itemId?: string; executingAuthorityId?: string; status: string; lastDay: string; legalRef: string; verified: boolean };
    const itemClocks = async () => {
      const t = await sc.call('u-ml-ca', 'GET', `${path}/timeline`);
      const clocks: ClockView[] = t.clocks.filter((k: ClockView) => k.kind === 'ITEM_EXECUTION');
      return { t, one: clocks.find((k) => k.itemId === 'item-1')!, two: clocks.find((k) => k.itemId === 'item-2')!, count: clocks.length };
    };
    let view = await itemClocks();
    expect(view.count).toBe(2);
    expect(view.one).toMatchObject({ executingAuthorityId: 'ML-IJ-BAMAKO', status: 'running', lastDay: sc.date('2024-08-04'), verified: false });
    expect(view.two).toMatchObject({ executingAuthorityId: 'ML-POL-BAMAKO', status: 'running', lastDay: sc.date('2024-08-04') });

    await sc.day(10, [id]);
    expect((await sc.call('u-ml-executing', 'POST', `${path}/items/item-1/executed`, { note: 'statements obtained' })).state).toBe('PARTIALLY_EXECUTED');
    view = await itemClocks();
    expect(view.one.status).toBe('met');
    expect(view.two.status).toBe('running');

    // The reminder to item-2's authority, 7 days ahead (09:00 local on its day), about item-2 alone.
    await sc.day(57, [id]);
    view = await itemClocks();
    const reminder = view.t.tasks.find((t: { kind: string; addressee: string }) => t.kind === 'REMINDER' && t.addressee === 'EXECUTING_AUTHORITY');
    expect(reminder).toMatchObject({ status: 'OPEN', addresseeStates: ['ML'], reason: expect.stringContaining('item-2') });
    expect(reminder.reason).toContain('ML-POL-BAMAKO');

    await sc.day(64, [id]);
    view = await itemClocks();
    expect(view.one.status).toBe('met');
    expect(view.two.status).toBe('breached');
    const history = (await sc.call('u-ml-ca', 'GET', path)).history;
    const breaches = history.filter((e: { event: string }) => e.event === 'ITEM_EXECUTION_BREACHED');
    expect(breaches).toEqual([expect.objectContaining({ data: expect.objectContaining({ itemId: 'item-2', executingAuthorityId: 'ML-POL-BAMAKO' }) })]);
    // The requester's deadline is still one clock for the case, and still running.
    const deadlines = view.t.clocks.filter((k: ClockView) => k.kind === 'REQUESTER_DEADLINE');
    expect(deadlines).toEqual([expect.objectContaining({ status: 'running', lastDay: sc.date('2024-09-30') })]);
  });
});
