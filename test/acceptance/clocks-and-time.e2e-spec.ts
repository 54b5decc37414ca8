import { Engine, startEngine } from '../support/engine';
import { Scenario } from '../support/scenario';
import { civilDate } from '../../libs/domain/src';

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

  it("dates a filing by the filing authority's local calendar, not the server's UTC date: instruments in force that day", async () => {
    const sc = await Scenario.begin(engine, { d0: '2024-03-04', timeZone: 'Africa/Lome' });
    // A zone whose calendar date differs from UTC's right now (one of the two always does).
    const now = Date.now();
    const zone = new Date(now).getUTCHours() < 12 ? 'Etc/GMT+12' : 'Pacific/Kiritimati';
    const utcDate = civilDate(now, 'UTC');
    const localDate = civilDate(now, zone);
    const rows = `SELECT instrument_id, state_code, to_char(party_from, 'YYYY-MM-DD') AS party_from, to_char(party_to, 'YYYY-MM-DD') AS party_to FROM instrument_parties WHERE state_code = 'NG' AND instrument_id IN ('UNTOC-2000', 'ECOWAS-MLA-1992')`;
    const saved: Array<{ instrument_id: string; state_code: string; party_from: string; party_to: string | null }> = await engine.db.query(rows);
    try {
      await engine.db.query(`UPDATE states SET time_zone = $1 WHERE code = 'NG'`, [zone]);
      // UNTOC is in force for Nigeria on its local date only; the ECOWAS convention not at all.
      const [from, to] = localDate > utcDate ? [localDate, null] : ['2000-01-01', utcDate];
      await engine.db.query(`UPDATE instrument_parties SET party_from = $1, party_to = $2 WHERE state_code = 'NG' AND instrument_id = 'UNTOC-2000'`, [
        from,
        to,
      ]);
      await engine.db.query(
        `UPDATE instrument_parties SET party_from = '1990-01-01', party_to = '1990-01-02' WHERE state_code = 'NG' AND instrument_id = 'ECOWAS-MLA-1992'`,
      );

      const filed = await sc.call('u-ng-prosecutor', 'POST', '/cases', request({ requestedState: 'GH', language: 'en' }));
      await engine.settle(filed.id);
      const { history } = await sc.call('u-ng-prosecutor', 'GET', `/cases/${filed.id}`);
      const [warning] = history.find((h: HistoryEntry) => h.event === 'FILED').data.warnings;
      expect(warning).toMatchObject({ rule: 'basis_not_in_force', stateCode: 'NG' });
      expect(warning.inForce).toContain('UNTOC-2000');
    } finally {
      await engine.db.query(`UPDATE states SET time_zone = 'Africa/Lagos' WHERE code = 'NG'`);
      for (const r of saved)
        await engine.db.query(`UPDATE instrument_parties SET party_from = $3, party_to = $4 WHERE instrument_id = $1 AND state_code = $2`, [
          r.instrument_id,
          r.state_code,
          r.party_from,
          r.party_to,
        ]);
    }
  });

  it("counts working days in the responsible State's own calendar: its weekend and public holidays from the reference data", async () => {
    const sc = await Scenario.begin(engine, { d0: '2024-03-04', timeZone: 'Africa/Ouagadougou' });
    const [{ calendar }] = await engine.db.query(`SELECT calendar FROM states WHERE code = 'BF'`);
    try {
      // A Friday–Saturday weekend and a public holiday on Sunday 10 March.
      await engine.db.query(`UPDATE states SET calendar = $1::jsonb WHERE code = 'BF'`, [
        JSON.stringify({ weekend: [5, 6], holidays: [sc.date('2024-03-10')], verified: false }),
      ]);
      await sc.day(0);
      const id = (await sc.call('u-bf-prosecutor', 'POST', '/cases', request({ requestedState: 'TG' }))).id;
      await sc.call('u-bf-prosecutor', 'POST', `/cases/${id}/submit`);
      await sc.day(0, [id], '11:00');
      const { clocks } = await sc.call('u-bf-ca', 'GET', `/cases/${id}/timeline`);
      // Five working days from Monday 4 March: 5, 6, 7 (Friday 8 and Saturday 9 rest, Sunday 10 is a holiday), 11 and 12.
      expect(clocks.find((k: { ruleId: string }) => k.ruleId === 'CA_REVIEW')).toMatchObject({
        lastDay: sc.date('2024-03-12'),
        dueAt: sc.iso(sc.instant('2024-03-13')),
      });
    } finally {
      await engine.db.query(`UPDATE states SET calendar = $1::jsonb WHERE code = 'BF'`, [calendar === null ? null : JSON.stringify(calendar)]);
    }
  });

  it('a rule-pack re-pin recomputes a paused-then-resumed deadline in whole days of the new rule', async () => {
    const sc = await Scenario.begin(engine, { d0: '2024-03-04', timeZone: 'Africa/Dakar' });
    await sc.day(0);
    const id = (await sc.call('u-sn-prosecutor', 'POST', '/cases', request({ requestedState: 'ML' }))).id;
    const path = `/cases/${id}`;
    await sc.call('u-sn-prosecutor', 'POST', `${path}/submit`);
    await sc.call('u-sn-ca', 'POST', `${path}/approve`);
    await sc.call('u-sn-ca', 'POST', `${path}/transmit`, { channel: 'CA_DIRECT', reference: 'DACG/2024/0201' });
    await sc.day(1, [id]);
    await sc.call('u-ml-ca', 'POST', `${path}/acknowledge`);
    await sc.day(3, [id]);
    await sc.call('u-ml-ca', 'POST', `${path}/information-requests`, { details: 'account numbers and period' });
    await sc.travelTo(sc.instant('2024-03-14', '15:30'), id);
    await sc.call('u-sn-prosecutor', 'POST', `${path}/information`, { details: 'accounts 1 to 3, January to June' });

    // A newer pack of the same instrument shortens the requested side's review to 10 days.
    const [{ version }] = await engine.db.query(
      `INSERT INTO rule_packs (instrument_id, version, effective_from, verified, rules)
       SELECT instrument_id, version + 1, '2000-01-01', verified, jsonb_set(rules, '{clocks,REQUESTED_REVIEW,amount}', '10')
       FROM rule_packs WHERE instrument_id = 'ECOWAS-MLA-1992' ORDER BY version DESC LIMIT 1 RETURNING version`,
    );
    try {
      await sc.travelTo(sc.instant('2024-03-14', '16:00'), id);
      await sc.call('u-admin', 'POST', `${path}/rule-pack`, { justification: 'the ministry adopted shorter review times for this instrument' });
      await sc.travelTo(sc.instant('2024-03-14', '16:30'), id);
      const { clocks } = await sc.call('u-ml-ca', 'GET', `${path}/timeline`);
      // 10 days from receipt on 5 March, moved by the 7 days paused: in time until the end of 22 March.
      expect(clocks.find((k: { ruleId: string }) => k.ruleId === 'REQUESTED_REVIEW')).toMatchObject({
        lastDay: sc.date('2024-03-22'),
        dueAt: sc.iso(sc.instant('2024-03-23', '00:00', 'Africa/Bamako')),
      });
    } finally {
      // Later filings must not pin the test's pack.
      await engine.db.query(`UPDATE rule_packs SET effective_from = '9999-12-31' WHERE instrument_id = 'ECOWAS-MLA-1992' AND version = $1`, [version]);
    }
  });
});
