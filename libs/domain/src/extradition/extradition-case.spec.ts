import { extraditionBasis, extraditionContent, extraditionContext, xas } from '../../../../test/support/extradition-fixtures';
import { DAY_MS } from '../time/calendar';
import { CaseDriver } from '../../../../test/support/case-driver';
import {
  ExtraditionCaseState,
  ExtraditionEnvelope,
  ExtraditionOutcome,
  advanceExtradition,
  extraditionMetricsOf,
  fileExtradition,
  handleExtraditionCommand,
} from '../index';

const D0 = Date.parse('2024-11-04T08:00:00Z'); // Monday, 09:00 in Cotonou and Lagos (UTC+1)
const day = (n: number, h = 0) => D0 + n * DAY_MS + h * 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString();

class Ext extends CaseDriver<ExtraditionCaseState, ExtraditionEnvelope, ExtraditionOutcome> {
  constructor(
    opts: {
      pa?: boolean;
      ctx?: object;
      basis?: ReturnType<typeof extraditionBasis>;
      content?: Parameters<typeof extraditionContent>[0];
      caseId?: string;
      at?: number;
    } = {},
  ) {
    const f = fileExtradition({
      ctx: extraditionContext({ caseId: opts.caseId ?? '00000000-0000-4000-8000-00000000e001', ...(opts.ctx ?? {}) }),
      content: extraditionContent(opts.content),
      basis: opts.basis ?? extraditionBasis(),
      filedBy: xas('REQUESTING_PROSECUTOR', { type: 'NOTE', text: '' }).actor,
      at: opts.at ?? day(-1),
      provisionalArrest: opts.pa === false ? undefined : { channel: 'INTERPOL_URGENT', reference: 'IP-DIFF-1' },
    });
    super(f.state, f.events, advanceExtradition, handleExtraditionCommand);
  }
}

const formalTransmitted = (x: Ext, d: number, base = D0) =>
  x
    .do(xas('REQUESTING_PROSECUTOR', { type: 'SUBMIT' }), base + d * DAY_MS + 3_600_000)
    .do(xas('REQUESTING_CA', { type: 'APPROVE' }), base + d * DAY_MS + 2 * 3_600_000)
    .do(xas('REQUESTING_CA', { type: 'TRANSMIT', channel: 'DIPLOMATIC', reference: 'NV-77' }), base + d * DAY_MS + 3 * 3_600_000);

describe('extradition: provisional arrest and custody clocks', () => {
  it('S16: reminders at 09:00 on D10 and D17; formal request received D18 stops the custody clocks after 18 days', () => {
    const x = new Ext().do(xas('REQUESTED_CA', { type: 'RECORD_ARREST' }), day(0));
    expect(x.state.status).toBe('PERSON_IN_PROVISIONAL_CUSTODY');
    const soft = x.state.clocks.find((k) => k.ruleId === 'PA_SOFT')!;
    const hard = x.state.clocks.find((k) => k.ruleId === 'PA_HARD')!;
    expect([soft.lastDay, iso(soft.breachAt)]).toEqual(['2024-11-24', '2024-11-24T23:00:00.000Z']);
    expect([hard.lastDay, iso(hard.breachAt)]).toEqual(['2024-12-14', '2024-12-14T23:00:00.000Z']);
    formalTransmitted(x, 15);
    x.do(xas('REQUESTED_CA', { type: 'RECEIVE_FORMAL_REQUEST' }), day(18, 2));
    x.do(xas('REQUESTED_CA', { type: 'OPEN_JUDICIAL_PHASE' }), day(18, 3));
    x.at(day(60));
    const reminders = x.events.filter((e) => e.type === 'REMINDER');
    expect(reminders.map((e) => iso(e.at))).toEqual(['2024-11-14T08:00:00.000Z', '2024-11-21T08:00:00.000Z']);
    expect(x.types()).not.toContain('RELEASE_POSSIBLE');
    expect(x.types()).not.toContain('RELEASE_REQUIRED');
    expect(x.state.status).toBe('JUDICIAL_PHASE');
    expect(extraditionMetricsOf(x.state).custodyDays).toBe(18);
    expect(x.state.clocks.filter((k) => k.kind === 'CUSTODY').map((k) => k.status)).toEqual(['MET', 'MET']);
  });

  it('releases at the hard limit without a formal request; a later formal request reopens the case with the person at liberty', () => {
    const x = new Ext().do(xas('REQUESTED_CA', { type: 'RECORD_ARREST' }), day(0));
    x.at(day(21));
    expect(x.types()).toContain('RELEASE_POSSIBLE');
    expect(x.state.flags).toContain('RELEASE_POSSIBLE');
    x.at(day(41));
    expect(x.state.status).toBe('RELEASED_PENDING_REQUEST');
    expect(x.events.at(-1)).toMatchObject({ type: 'RELEASE_REQUIRED', at: Date.parse('2024-12-14T23:00:00Z'), data: { custodyDays: 40 } }); // day 40 was the last in custody (§10)
    formalTransmitted(x, 50);
    x.do(xas('REQUESTED_CA', { type: 'RECEIVE_FORMAL_REQUEST' }), day(52));
    expect(x.events.at(-1)).toMatchObject({ to: 'FORMAL_REQUEST_RECEIVED', data: { personAtLiberty: true, reArrestAvailable: true } });
    x.do(xas('REQUESTING_CA', { type: 'REQUEST_REARREST' }), day(53)).do(xas('REQUESTED_CA', { type: 'RECORD_ARREST' }), day(55));
    expect(x.state.flags).toContain('IN_CUSTODY');
    expect(x.state.clocks.filter((k) => k.kind === 'CUSTODY' && k.status === 'RUNNING')).toEqual([]);
  });

  it('runs a consent-notice clock only where the pack has one (ECE: CETS 209 art. 6)', () => {
    const ece = extraditionBasis();
    ece.rulePack.clocks.CONSENT_NOTICE = { amount: 10, unit: 'CALENDAR_DAYS', legalRef: 'CETS 209 art. 6', verified: true };
    const x = new Ext({ basis: ece }).do(xas('REQUESTED_CA', { type: 'RECORD_ARREST' }), day(0));
    x.at(day(11));
    expect(x.state.tasks.map((t) => t.reason)).toContain('notice of consent to simplified extradition due (CETS 209 art. 6)');
    expect(new Ext().do(xas('REQUESTED_CA', { type: 'RECORD_ARREST' }), day(0)).state.clocks.some((k) => k.kind === 'CONSENT_NOTICE')).toBe(false);
  });
});

describe('extradition: decision and surrender', () => {
  const MAY = Date.parse('2024-05-01T10:00:00Z');
  const at = (n: number) => MAY + n * DAY_MS;
  const tgGh = { requestingState: 'TG', requestedState: 'GH', timeZones: { requesting: 'Africa/Lome', requested: 'Africa/Accra' } };
  const granted = () => {
    const x = new Ext({ pa: false, ctx: tgGh, at: MAY });
    formalTransmitted(x, 0, MAY);
    return x
      .do(xas('REQUESTED_CA', { type: 'RECEIVE_FORMAL_REQUEST' }), at(1))
      .do(xas('REQUESTED_CA', { type: 'OPEN_JUDICIAL_PHASE' }), at(2))
      .do(xas('REQUESTED_CA', { type: 'COURT_DECISION', outcome: 'FAVOURABLE' }), at(10))
      .do(xas('REQUESTED_CA', { type: 'REFER_TO_EXECUTIVE' }), at(20))
      .do(xas('REQUESTED_CA', { type: 'GRANT' }), at(30));
  };

  it('S19: surrender not taken over: RELEASE_POSSIBLE after 15 days, RELEASED_NOT_TAKEN_OVER after 30', () => {
    const x = granted();
    x.do(xas('REQUESTED_CA', { type: 'SCHEDULE_SURRENDER', agreedDate: '2024-06-10' }), Date.parse('2024-06-05T10:00:00Z'));
    x.at(Date.parse('2024-08-01T00:00:00Z'));
    const fired = x.events.filter((e) => e.type.startsWith('RELEASE'));
    expect(fired.map((e) => [e.type, iso(e.at)])).toEqual([
      ['RELEASE_POSSIBLE', '2024-06-26T00:00:00.000Z'],
      ['RELEASE_REQUIRED', '2024-07-11T00:00:00.000Z'],
    ]);
    expect(x.state.status).toBe('RELEASED_NOT_TAKEN_OVER');
    expect(fired[1].data).toMatchObject({ note: 'GH (requested State) may refuse re-extradition for the same offence' });
  });

  it('S19 variant: force majeure on D5 sets a new date and restarts both limits', () => {
    const x = granted();
    x.do(xas('REQUESTED_CA', { type: 'SCHEDULE_SURRENDER', agreedDate: '2024-06-10' }), Date.parse('2024-06-05T10:00:00Z'));
    x.do(xas('REQUESTING_CA', { type: 'FORCE_MAJEURE', newDate: '2024-06-20', reason: 'escort flight cancelled' }), Date.parse('2024-06-15T10:00:00Z'));
    x.at(Date.parse('2024-08-01T00:00:00Z'));
    expect(x.events.filter((e) => e.type.startsWith('RELEASE')).map((e) => [e.type, iso(e.at)])).toEqual([
      ['RELEASE_POSSIBLE', '2024-07-06T00:00:00.000Z'],
      ['RELEASE_REQUIRED', '2024-07-21T00:00:00.000Z'],
    ]);
  });

  it("refuses only after consultation; refusing a national on nationality at the requester's request opens domestic prosecution", () => {
    const x = new Ext({ pa: false, content: { person: { role: 'ACCUSED', name: 'Person D', nationality: 'BJ', identifier: 'BJ-ID-9' } } });
    formalTransmitted(x, 0);
    x.do(xas('REQUESTED_CA', { type: 'RECEIVE_FORMAL_REQUEST' }), day(1))
      .do(xas('REQUESTED_CA', { type: 'OPEN_JUDICIAL_PHASE' }), day(1, 1))
      .do(xas('REQUESTED_CA', { type: 'COURT_DECISION', outcome: 'UNFAVOURABLE' }), day(3));
    expect(x.try(xas('REQUESTED_CA', { type: 'REFUSE', ground: 'NATIONALITY', reasons: 'national' }), day(4))).toMatchObject({
      ok: false,
      violation: { code: 'CONSULTATION_REQUIRED' },
    });
    expect(x.try(xas('REQUESTED_CA', { type: 'REFER_TO_EXECUTIVE' }), day(4))).toMatchObject({ ok: false, violation: { code: 'COURT_DECISION_UNFAVOURABLE' } });
    x.do(xas('REQUESTING_CA', { type: 'REQUEST_DOMESTIC_PROSECUTION' }), day(4)).do(
      xas('REQUESTED_CA', { type: 'OPEN_CONSULTATION', proposal: 'refusal: national' }),
      day(5),
    );
    expect(x.try(xas('REQUESTED_CA', { type: 'REFUSE', ground: 'NATIONALITY', reasons: ' ' }), day(6))).toMatchObject({
      ok: false,
      violation: { kind: 'INVALID' },
    });
    x.do(xas('REQUESTED_CA', { type: 'REFUSE', ground: 'NATIONALITY', reasons: 'the person is a national of Benin' }), day(6));
    expect(x.state.status).toBe('REFUSED');
    expect(x.events.at(-1)).toMatchObject({ legalRef: 'UNTOC art. 16(10)', data: { openDomesticProsecution: true } });
  });

  it('refuses nationality as a ground for a person who is not a national', () => {
    const x = new Ext({ pa: false });
    formalTransmitted(x, 0);
    x.do(xas('REQUESTED_CA', { type: 'RECEIVE_FORMAL_REQUEST' }), day(1))
      .do(xas('REQUESTED_CA', { type: 'OPEN_JUDICIAL_PHASE' }), day(1, 1))
      .do(xas('REQUESTED_CA', { type: 'COURT_DECISION', outcome: 'FAVOURABLE' }), day(3))
      .do(xas('REQUESTED_CA', { type: 'OPEN_CONSULTATION', proposal: 'x' }), day(4));
    expect(x.try(xas('REQUESTED_CA', { type: 'REFUSE', ground: 'NATIONALITY', reasons: 'national' }), day(5))).toMatchObject({
      ok: false,
      violation: { errors: [{ rule: 'national_only' }] },
    });
  });

  it('blocks granting either of two conflicting requests until the choice and its factors are recorded (ECE art. 17)', () => {
    const a = new Ext({ pa: false });
    formalTransmitted(a, 0);
    a.do(xas('REQUESTED_CA', { type: 'RECEIVE_FORMAL_REQUEST' }), day(1)).do(xas('REQUESTED_CA', { type: 'RECORD_CONSENT' }), day(2));
    a.do(xas('SYSTEM', { type: 'LINK_CONFLICT', caseId: '00000000-0000-4000-8000-00000000e002' }), day(3));
    expect(a.state.flags).toContain('CONFLICTING_REQUESTS');
    expect(a.try(xas('REQUESTED_CA', { type: 'GRANT' }), day(4))).toMatchObject({ ok: false, violation: { code: 'CONFLICTING_REQUESTS_CHOICE_REQUIRED' } });
    expect(
      a.try(
        xas('REQUESTED_CA', {
          type: 'RECORD_CONFLICT_CHOICE',
          preferredCaseId: '00000000-0000-4000-8000-00000000e002',
          factors: { seriousness: 'x' } as never,
        }),
        day(4),
      ),
    ).toMatchObject({ ok: false, violation: { legalRef: 'ECE art. 17' } });
    const factors = {
      seriousness: 'comparable',
      placeOfOffence: 'territory of the other State',
      datesOfRequests: 'other request first',
      nationality: 'national of the other State',
      reExtradition: 'possible',
    };
    a.do(xas('REQUESTED_CA', { type: 'RECORD_CONFLICT_CHOICE', preferredCaseId: '00000000-0000-4000-8000-00000000e002', factors }), day(4));
    expect(a.try(xas('REQUESTED_CA', { type: 'GRANT' }), day(5))).toMatchObject({ ok: false, violation: { code: 'OTHER_REQUEST_PREFERRED' } });
    a.do(xas('REQUESTED_CA', { type: 'OPEN_CONSULTATION', proposal: 'refusal: competing request preferred' }), day(5)).do(
      xas('REQUESTED_CA', { type: 'REFUSE', ground: 'CONFLICTING_REQUEST', reasons: 'the competing request was preferred' }),
      day(6),
    );
    expect(a.state.status).toBe('REFUSED');
  });
});

describe('extradition: flags and clocks kept in step by commands', () => {
  it('ends ESCALATED with the act that settles the last open escalation, without waiting for the clock', () => {
    const x = new Ext({ pa: false });
    formalTransmitted(x, 0);
    x.at(day(70));
    expect(x.state.flags).toContain('ESCALATED');
    x.do(xas('REQUESTED_CA', { type: 'RECEIVE_FORMAL_REQUEST' }), day(71));
    expect(x.state.tasks.filter((t) => t.kind === 'ESCALATION').map((t) => t.status)).toEqual(['RESOLVED']);
    expect(x.state.flags).not.toContain('ESCALATED');
  });

  it('lets release limits of a surrender date recorded after they ran out fall due at the recording, not before it', () => {
    const x = new Ext({ pa: false });
    formalTransmitted(x, 0);
    x.do(xas('REQUESTED_CA', { type: 'RECEIVE_FORMAL_REQUEST' }), day(1))
      .do(xas('REQUESTED_CA', { type: 'RECORD_CONSENT' }), day(2))
      .do(xas('REQUESTED_CA', { type: 'GRANT' }), day(3));
    x.do(xas('REQUESTED_CA', { type: 'SCHEDULE_SURRENDER', agreedDate: '2024-10-01' }), day(4));
    x.at(day(5));
    expect(x.events.slice(-3).map((e) => [e.type, e.at])).toEqual([
      ['SCHEDULE_SURRENDER', day(4)],
      ['RELEASE_POSSIBLE', day(4)],
      ['RELEASE_REQUIRED', day(4)],
    ]);
    expect(x.state.status).toBe('RELEASED_NOT_TAKEN_OVER');
  });
});

describe('extradition: the same formal-request and command rules as MLA', () => {
  const admin = (justification: string): ExtraditionEnvelope => ({
    command: { type: 'OVERRIDE_BASIS', justification } as never,
    relation: 'ADMIN',
    actor: { userId: 'u-admin', role: 'ADMIN', stateCode: 'NG', authorityId: 'NG-CA' },
  });
  const outOfForce = () =>
    extraditionBasis({
      parties: [
        { stateCode: 'NG', from: '1995-01-01', to: null },
        { stateCode: 'BJ', from: '1995-01-01', to: '2024-01-29' },
      ],
    });

  it('blocks approval of a formal request on a basis not in force for both States, until an audited administrator override', () => {
    const x = new Ext({ pa: false, basis: outOfForce() });
    expect(x.state.flags).toContain('BASIS_NOT_IN_FORCE');
    x.do(xas('REQUESTING_PROSECUTOR', { type: 'SUBMIT' }), day(0, 1));
    expect(x.try(xas('REQUESTING_CA', { type: 'APPROVE' }), day(0, 2))).toMatchObject({
      ok: false,
      violation: { kind: 'CONFLICT', code: 'LEGAL_BASIS_NOT_IN_FORCE' },
    });
    expect(x.try(admin('short'), day(0, 2))).toMatchObject({ ok: false, violation: { kind: 'INVALID', errors: [{ field: 'justification' }] } });
    expect(x.try({ ...admin('Request filed under the 1994 Convention before withdrawal took effect'), relation: 'REQUESTING_CA' }, day(0, 2))).toMatchObject({
      ok: false,
      violation: { code: 'NOT_YOUR_STEP' },
    });
    x.do(admin('Request filed under the 1994 Convention before withdrawal took effect'), day(0, 2));
    expect(x.events.at(-1)).toMatchObject({
      type: 'OVERRIDE_BASIS',
      actor: { role: 'ADMIN' },
      legalRef: 'ECOWAS-EXT-1994',
      comment: 'Request filed under the 1994 Convention before withdrawal took effect',
    });
    expect(x.state.flags).not.toContain('BASIS_NOT_IN_FORCE');
    x.do(xas('REQUESTING_CA', { type: 'APPROVE' }), day(0, 3));
    expect(x.state.formal.status).toBe('READY_TO_TRANSMIT');
  });

  it('takes no basis override once the formal request has been transmitted', () => {
    const x = new Ext({ pa: false });
    formalTransmitted(x, 0);
    expect(x.try(admin('Request filed under the 1994 Convention before withdrawal took effect'), day(1))).toMatchObject({
      ok: false,
      violation: { kind: 'CONFLICT' },
    });
  });

  it('never stamps an act before a linked conflict the system recorded: the link is the previous event too', () => {
    const x = new Ext({ pa: false });
    formalTransmitted(x, 0);
    x.do(xas('SYSTEM', { type: 'LINK_CONFLICT', caseId: '00000000-0000-4000-8000-00000000e002' }), day(3));
    expect(x.state.lastEventAt).toBe(day(3));
    expect(x.try(xas('REQUESTED_CA', { type: 'NOTE', text: 'received by the court registry' }, iso(day(2))), day(4))).toMatchObject({
      ok: false,
      violation: { errors: [{ field: 'occurredAt', rule: 'not_before_previous_event' }] },
    });
  });
});
