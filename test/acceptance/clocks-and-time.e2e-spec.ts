import { Engine, startEngine } from '../support/engine';
import { Scenario } from '../support/scenario';

// Clocks and time (domain brief §6 and §10), driven through the HTTP API on the time-skipping server:
// when reminders and breaches fire, how pauses move deadlines, and what every clock event says.

const request = (over: Record<string, unknown> = {}) => ({
  legalBasis: 'ECOWAS-MLA-1992',
  assistanceTypes: ['BANK_RECORDS'],
  subjectOfProceedings: 'Smuggling of migrants by an organised criminal group (Protocol art. 6)',
  factsSummary: 'Payments for sea crossings were routed through accounts held abroad.',
  purpose: 'Identify and trace the proceeds of the smuggling network',
  persons: [],
  language: 'fr',
  ...over,
});

type HistoryEntry = { event: string; from: string | null; to: string; at: string; legalRef?: string; data?: Record<string, any> };
const eventsOf = (history: HistoryEntry[], event: string) => history.filter((h) => h.event === event);

describe('Clocks and time through the API (time-skipping server)', () => {
  let engine: Engine;

  beforeAll(async () => {
    engine = await startEngine({ temporal: 'time-skipping' });
  }, 180000);

  afterAll(async () => {
    await engine?.stop();
  }, 60000);

  /** BF→TG under ECOWAS, received on D1, postponed from consultation until the review date; never resumed. */
  async function postponedCase(sc: Scenario, requestedByDate: string, reviewDate: string): Promise<string> {
    await sc.day(0);
    const id = (await sc.call('u-bf-prosecutor', 'POST', '/cases', request({ requestedState: 'TG', requestedByDate, deadlineReason: 'trial date' }))).id;
    const path = `/cases/${id}`;
    await sc.call('u-bf-prosecutor', 'POST', `${path}/submit`);
    await sc.call('u-bf-ca', 'POST', `${path}/approve`);
    await sc.call('u-bf-ca', 'POST', `${path}/transmit`, { channel: 'CA_DIRECT', reference: 'BF/DACG/91' });
    await sc.day(1, [id]);
    await sc.call('u-tg-ca', 'POST', `${path}/acknowledge`);
    await sc.day(2, [id]);
    await sc.call('u-tg-ca', 'POST', `${path}/consultation`, { proposal: 'execution after the domestic search' });
    await sc.day(3, [id]);
    const postponed = await sc.call('u-tg-ca', 'POST', `${path}/postpone`, { reviewDate, reasons: 'a domestic search must come first' });
    expect(postponed.state).toBe('POSTPONED');
    return id;
  }

  it('reminders fire at 09:00 local time on their day (review date, deadline at risk); the breach stays at 00:00 of day N+1', async () => {
    const sc = await Scenario.begin(engine, { d0: '2024-03-04', timeZone: 'Africa/Lome' });
    const id = await postponedCase(sc, sc.date('2024-04-30'), sc.date('2024-03-20'));

    await sc.travelTo(sc.instant('2024-05-02', '10:00'), id);
    const { history } = await sc.call('u-tg-ca', 'GET', `/cases/${id}`);
    expect(eventsOf(history, 'POSTPONEMENT_REVIEW_DUE').map((h) => h.at)).toEqual([sc.iso(sc.instant('2024-03-20', '09:00'))]);
    // Seven days' warning (ECOWAS pack): on 24 April, the seventh day before the end of 30 April.
    expect(eventsOf(history, 'DEADLINE_AT_RISK').map((h) => h.at)).toEqual([sc.iso(sc.instant('2024-04-24', '09:00'))]);
    expect(eventsOf(history, 'DEADLINE_BREACHED').map((h) => h.at)).toEqual([sc.iso(sc.instant('2024-05-01', '00:00'))]);
  });

  it('every clock event names its rule, the rule pack pinned on the case and the legal reference of its instrument', async () => {
    const sc = await Scenario.begin(engine, { d0: '2024-03-04', timeZone: 'Africa/Lome' });
    const id = await postponedCase(sc, sc.date('2024-04-30'), sc.date('2024-03-20'));
    await sc.day(0);
    // The same pair under UNTOC, transmitted and never acknowledged: reminders, escalations and the deadline's breach.
    const untoc = (
      await sc.call(
        'u-bf-prosecutor',
        'POST',
        '/cases',
        request({ legalBasis: 'UNTOC-2000', requestedState: 'TG', requestedByDate: sc.date('2024-04-05'), deadlineReason: 'trial date' }),
      )
    ).id;
    await sc.call('u-bf-prosecutor', 'POST', `/cases/${untoc}/submit`);
    await sc.call('u-bf-ca', 'POST', `/cases/${untoc}/approve`);
    await sc.call('u-bf-ca', 'POST', `/cases/${untoc}/transmit`, { channel: 'CA_DIRECT', reference: 'BF/DACG/92' });

    await sc.travelTo(sc.instant('2024-05-02', '10:00'), id, untoc);
    for (const [caseId, packId, deadlineRef] of [
      [id, 'ECOWAS-MLA-1992', 'ECOWAS art. 5(1)(f)'],
      [untoc, 'UNTOC-2000', 'UNTOC art. 18(24)'],
    ]) {
      const { history } = await sc.call('u-tg-ca', 'GET', `/cases/${caseId}`);
      const clockEvents = history.filter((h: HistoryEntry) => h.data?.clockId);
      expect(clockEvents.length).toBeGreaterThan(1);
      for (const h of clockEvents) {
        expect(h.data).toMatchObject({ ruleId: expect.any(String), rulePackId: packId, rulePackVersion: 1, ruleLegalRef: expect.any(String) });
        expect(h.legalRef).toEqual(expect.any(String));
      }
      const [breached] = eventsOf(history, 'DEADLINE_BREACHED');
      expect(breached).toMatchObject({ legalRef: deadlineRef, data: { ruleId: 'REQUESTER_DEADLINE', rulePackId: packId } });
    }
    const { history } = await sc.call('u-tg-ca', 'GET', `/cases/${id}`);
    expect(eventsOf(history, 'POSTPONEMENT_REVIEW_DUE')[0].data).toMatchObject({ ruleId: 'POSTPONEMENT_REVIEW', rulePackId: 'ECOWAS-MLA-1992' });
  });

  it("breach events say what the case was doing: a requester's deadline breached while postponed, or with the requested State idle", async () => {
    const sc = await Scenario.begin(engine, { d0: '2024-03-04', timeZone: 'Africa/Lome' });
    const postponed = await postponedCase(sc, sc.date('2024-04-30'), sc.date('2024-03-20'));
    await sc.day(0);
    const idle = (
      await sc.call(
        'u-bf-prosecutor',
        'POST',
        '/cases',
        request({ requestedState: 'TG', requestedByDate: sc.date('2024-04-30'), deadlineReason: 'trial date' }),
      )
    ).id;
    await sc.call('u-bf-prosecutor', 'POST', `/cases/${idle}/submit`);
    await sc.call('u-bf-ca', 'POST', `/cases/${idle}/approve`);
    await sc.call('u-bf-ca', 'POST', `/cases/${idle}/transmit`, { channel: 'CA_DIRECT', reference: 'BF/DACG/93' });
    await sc.day(1, [idle]);
    await sc.call('u-tg-ca', 'POST', `/cases/${idle}/acknowledge`);

    await sc.travelTo(sc.instant('2024-05-02', '10:00'), postponed, idle);
    const breachOf = async (caseId: string) => eventsOf((await sc.call('u-bf-ca', 'GET', `/cases/${caseId}`)).history, 'DEADLINE_BREACHED')[0];
    expect((await breachOf(postponed)).data).toMatchObject({ caseState: 'POSTPONED', cause: 'LAWFUL_POSTPONEMENT' });
    expect((await breachOf(idle)).data).toMatchObject({ caseState: 'RECEIVED', cause: 'AWAITING_REQUESTED_STATE' });
  });

  it("a pause moves the requested side's deadline by whole days: the last day shifts by the days paused and the breach stays at 00:00", async () => {
    const sc = await Scenario.begin(engine, { d0: '2024-03-04', timeZone: 'Africa/Lome' });
    await sc.day(0);
    const id = (await sc.call('u-bf-prosecutor', 'POST', '/cases', request({ requestedState: 'TG' }))).id;
    const path = `/cases/${id}`;
    await sc.call('u-bf-prosecutor', 'POST', `${path}/submit`);
    await sc.call('u-bf-ca', 'POST', `${path}/approve`);
    await sc.call('u-bf-ca', 'POST', `${path}/transmit`, { channel: 'CA_DIRECT', reference: 'BF/DACG/94' });
    await sc.day(1, [id]);
    await sc.call('u-tg-ca', 'POST', `${path}/acknowledge`);
    const review = async () => (await sc.call('u-tg-ca', 'GET', `${path}/timeline`)).clocks.find((k: { ruleId: string }) => k.ruleId === 'REQUESTED_REVIEW');
    // 14 calendar days from receipt on 5 March (ECOWAS pack): in time until the end of 19 March.
    expect(await review()).toMatchObject({ lastDay: sc.date('2024-03-19'), dueAt: sc.iso(sc.instant('2024-03-20')) });

    await sc.day(3, [id]);
    await sc.call('u-tg-ca', 'POST', `${path}/information-requests`, { details: 'account numbers and period' });
    // Answered seven days later, in the afternoon: the review moves by seven whole days, to the end of 26 March.
    await sc.travelTo(sc.instant('2024-03-14', '15:30'), id);
    await sc.call('u-bf-prosecutor', 'POST', `${path}/information`, { details: 'accounts 1 to 3, January to June' });
    await sc.travelTo(sc.instant('2024-03-14', '16:00'), id);
    expect(await review()).toMatchObject({ lastDay: sc.date('2024-03-26'), dueAt: sc.iso(sc.instant('2024-03-27')) });

    await sc.travelTo(sc.instant('2024-03-28', '10:00'), id);
    const { history } = await sc.call('u-tg-ca', 'GET', path);
    const reminder = history.find((h: HistoryEntry) => h.event === 'REMINDER' && h.data?.ruleId === 'REQUESTED_REVIEW');
    expect(reminder.at).toBe(sc.iso(sc.instant('2024-03-27')));
  });
});
