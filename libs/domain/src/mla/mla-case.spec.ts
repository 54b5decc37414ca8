import { as, testBasis, testContent, testContext, testRulePack } from '../../../../test/support/mla-fixtures';
import { MlaCaseState, Outcome, advanceTime, fileCase, handleCommand, metricsOf, nextWakeAt } from '../index';
import { CaseDriver } from '../../../../test/support/case-driver';
import type { CommandEnvelope } from '../index';
import { DAY_MS } from '../time/calendar';

const T0 = Date.parse('2024-09-02T09:00:00Z'); // a Monday; Dakar and Bamako are on UTC
const day = (n: number, hh = 9) => T0 + n * DAY_MS + (hh - 9) * 3_600_000;

/** An MLA case filed on T0, driven as the workflow drives it. */
class Case extends CaseDriver<MlaCaseState, CommandEnvelope, Outcome<MlaCaseState>> {
  constructor(over: { ctx?: Parameters<typeof testContext>[0]; content?: Parameters<typeof testContent>[0]; basis?: ReturnType<typeof testBasis> } = {}) {
    const f = fileCase({
      ctx: testContext(over.ctx),
      content: testContent(over.content),
      basis: over.basis ?? testBasis(),
      filedBy: as('REQUESTING_PROSECUTOR', { type: 'SUBMIT' }).actor,
      at: T0,
    });
    super(f.state, f.events, advanceTime, handleCommand);
  }
}

const transmitted = (c = new Case(), d = 0) =>
  c
    .do(as('REQUESTING_PROSECUTOR', { type: 'SUBMIT' }), day(d))
    .do(as('REQUESTING_CA', { type: 'APPROVE' }), day(d))
    .do(as('REQUESTING_CA', { type: 'TRANSMIT', channel: 'CA_DIRECT', reference: 'DACG/2024/117' }), day(d));

const violation = (out: Outcome<MlaCaseState>) => (out.ok ? undefined : out.violation);

describe('MLA case: completeness at submission', () => {
  it('lists every missing element with its article and leaves the case in DRAFT (UNTOC 18(15))', () => {
    const c = new Case({
      content: { factsSummary: undefined, purpose: '  ', assistanceTypes: ['TAKING_OF_STATEMENT'] },
      basis: testBasis({ instrumentId: 'UNTOC-2000', rulePack: testRulePack({ completenessProfile: 'UNTOC_18_15' }) }),
    });
    const v = violation(c.try(as('REQUESTING_PROSECUTOR', { type: 'SUBMIT' }), day(1)))!;
    expect(v).toMatchObject({ kind: 'INVALID', code: 'INCOMPLETE_REQUEST' });
    const messages = v.errors!.map((e) => e.message);
    expect(messages).toContain('facts_summary required (UNTOC art.18(15)(c))');
    expect(messages).toContain('purpose required (UNTOC art.18(15)(f))');
    expect(c.state.status).toBe('DRAFT');
  });

  it('exempts service of documents from the summary of facts (18(15)(c))', () => {
    const c = new Case({ content: { factsSummary: undefined, assistanceTypes: ['SERVICE_OF_DOCUMENTS'] } });
    expect(c.try(as('REQUESTING_PROSECUTOR', { type: 'SUBMIT' }), day(1)).ok).toBe(true);
  });

  it('warns, without refusing, when an ECOWAS request states no time limit (ECOWAS art. 5(1)(f))', () => {
    const c = new Case({ content: { requestedByDate: undefined } });
    const out = c.try(as('REQUESTING_PROSECUTOR', { type: 'SUBMIT' }), day(1));
    expect(out.ok && out.warnings.map((w) => w.legalRef)).toEqual(['ECOWAS art.5(1)(f)']);
  });
});

describe('MLA case: guards', () => {
  it('blocks approval when the basis was not in force for both States on the filing date, until an audited override', () => {
    const basis = testBasis({
      parties: [
        { stateCode: 'SN', from: '1995-01-01', to: null },
        { stateCode: 'ML', from: '1995-01-01', to: '2024-01-29' },
      ],
    });
    const c = new Case({ basis });
    expect(c.state.flags).toContain('BASIS_NOT_IN_FORCE');
    c.do(as('REQUESTING_PROSECUTOR', { type: 'SUBMIT' }), day(1));
    expect(violation(c.try(as('REQUESTING_CA', { type: 'APPROVE' }), day(2)))).toMatchObject({ kind: 'CONFLICT', code: 'LEGAL_BASIS_NOT_IN_FORCE' });
    expect(violation(c.try(as('ADMIN', { type: 'OVERRIDE_BASIS', justification: 'short' }), day(2)))).toMatchObject({ kind: 'INVALID' });
    c.do(as('ADMIN', { type: 'OVERRIDE_BASIS', justification: 'Request filed under the 1992 Convention before withdrawal took effect' }), day(2));
    expect(c.events.at(-1)).toMatchObject({ type: 'OVERRIDE_BASIS', actor: { role: 'ADMIN' } });
    c.do(as('REQUESTING_CA', { type: 'APPROVE' }), day(2));
    expect(c.state.status).toBe('READY_TO_TRANSMIT');
  });

  it('lets a changed basis (amendment) lift the block', () => {
    const c = new Case({ basis: testBasis({ parties: [{ stateCode: 'SN', from: '1995-01-01', to: null }] }) });
    c.do(as('REQUESTING_PROSECUTOR', { type: 'AMEND', changes: {}, basis: testBasis({ instrumentId: 'UNTOC-2000' }) }), day(1));
    expect(c.state.flags).not.toContain('BASIS_NOT_IN_FORCE');
  });

  it('routes through translation only when the language is not accepted, and transmission waits for a certified one', () => {
    const c = new Case({ content: { language: 'ar' } });
    c.do(as('REQUESTING_PROSECUTOR', { type: 'SUBMIT' }), day(1)).do(as('REQUESTING_CA', { type: 'APPROVE' }), day(2));
    expect(c.state.status).toBe('TRANSLATION_PENDING');
    expect(violation(c.try(as('REQUESTING_CA', { type: 'TRANSMIT', channel: 'CA_DIRECT', reference: 'x' }), day(2)))?.code).toBe('INVALID_TRANSITION');
    expect(
      violation(c.try(as('REQUESTING_CA', { type: 'ATTACH_TRANSLATION', language: 'fr', documentRef: 'T-1', certified: false }), day(3)))?.errors?.[0].field,
    ).toBe('certified');
    expect(
      violation(c.try(as('REQUESTING_CA', { type: 'ATTACH_TRANSLATION', language: 'de', documentRef: 'T-1', certified: true }), day(3)))?.errors?.[0].field,
    ).toBe('language');
    c.do(as('REQUESTING_CA', { type: 'ATTACH_TRANSLATION', language: 'fr', documentRef: 'T-1', certified: true }), day(3));
    expect(c.state.status).toBe('READY_TO_TRANSMIT');
    expect(new Case().do(as('REQUESTING_PROSECUTOR', { type: 'SUBMIT' }), day(1)).do(as('REQUESTING_CA', { type: 'APPROVE' }), day(1)).state.status).toBe(
      'READY_TO_TRANSMIT',
    );
  });

  it('records transmission evidence; INTERPOL and oral requests are for urgent cases only', () => {
    const c = new Case().do(as('REQUESTING_PROSECUTOR', { type: 'SUBMIT' }), day(1)).do(as('REQUESTING_CA', { type: 'APPROVE' }), day(1));
    expect(violation(c.try(as('REQUESTING_CA', { type: 'TRANSMIT', channel: 'INTERPOL_URGENT', reference: 'x' }), day(1)))?.legalRef).toBe('UNTOC art. 18(13)');
    expect(violation(c.try(as('REQUESTING_CA', { type: 'TRANSMIT', channel: 'CA_DIRECT', reference: 'x', oral: true }), day(1)))?.legalRef).toBe(
      'UNTOC art. 18(14)',
    );
    expect(violation(c.try(as('REQUESTING_CA', { type: 'TRANSMIT', channel: 'CA_DIRECT', reference: ' ' }), day(1)))?.errors?.[0].field).toBe('reference');
    c.do(as('REQUESTING_CA', { type: 'TRANSMIT', channel: 'DIPLOMATIC', reference: 'NV-2024-88' }), day(1));
    expect(c.events.at(-1)!.data).toMatchObject({ channel: 'DIPLOMATIC', evidence: { reference: 'NV-2024-88', by: 'u-req-ca' } });
  });

  it('needs an urgent oral request confirmed in writing within 48 hours', () => {
    const c = new Case({ content: { urgency: 'URGENT' } })
      .do(as('REQUESTING_PROSECUTOR', { type: 'SUBMIT' }), day(0))
      .do(as('REQUESTING_CA', { type: 'APPROVE' }), day(0));
    c.do(as('REQUESTING_CA', { type: 'TRANSMIT', channel: 'INTERPOL_URGENT', reference: 'IP-1', oral: true }), day(0, 10));
    expect(c.state.flags).toContain('ORAL_UNCONFIRMED');
    expect(new Date(c.clock('ORAL_CONFIRMATION').breachAt).toISOString()).toBe(new Date(day(2, 10)).toISOString());
    c.at(day(2, 10));
    expect(c.tasks('REMINDER')).toHaveLength(1);
    c.do(as('REQUESTING_CA', { type: 'CONFIRM_IN_WRITING', reference: 'L-1' }), day(2, 11));
    expect(c.state.flags).not.toContain('ORAL_UNCONFIRMED');
    expect(c.tasks('REMINDER')[0].status).toBe('RESOLVED');
  });

  it('refuses only after consultation, with a ground and reasons (UNTOC 18(21), 18(23), 18(26))', () => {
    const c = transmitted().do(as('REQUESTED_CA', { type: 'ACKNOWLEDGE' }), day(1));
    expect(violation(c.try(as('REQUESTED_CA', { type: 'REFUSE', ground: 'ESSENTIAL_INTERESTS', reasons: 'sovereignty' }), day(2)))).toMatchObject({
      code: 'CONSULTATION_REQUIRED',
      legalRef: 'UNTOC art. 18(26)',
    });
    expect(violation(c.try(as('REQUESTED_CA', { type: 'POSTPONE', reviewDate: '2025-01-01', reasons: 'trial' }), day(2)))?.code).toBe('CONSULTATION_REQUIRED');
    c.do(as('REQUESTED_CA', { type: 'OPEN_CONSULTATION', proposal: 'partial execution' }), day(3));
    expect(violation(c.try(as('REQUESTED_CA', { type: 'REFUSE', ground: 'ESSENTIAL_INTERESTS', reasons: '' }), day(4)))).toMatchObject({
      kind: 'INVALID',
      legalRef: 'UNTOC art. 18(23)',
    });
    expect(violation(c.try(as('REQUESTED_CA', { type: 'REFUSE', ground: 'BECAUSE' as never, reasons: 'x' }), day(4)))?.errors?.[0].field).toBe('ground');
    c.do(as('REQUESTED_CA', { type: 'REFUSE', ground: 'ESSENTIAL_INTERESTS', reasons: 'essential interests' }), day(4));
    expect(c.state.status).toBe('REFUSED');
    expect(c.events.at(-1)).toMatchObject({ legalRef: 'UNTOC art. 18(21)(b)', notify: [{ stateCode: 'SN' }] });
    expect(violation(c.try(as('REQUESTING_CA', { type: 'NOTE', text: 'x' }), day(5)))?.code).toBe('CASE_TERMINAL');
  });

  it("postpones only after consultation, to a future review date, without pausing the requester's deadline", () => {
    const c = transmitted(new Case({ content: { requestedByDate: '2024-11-01', deadlineReason: 'detention' } }))
      .do(as('REQUESTED_CA', { type: 'ACKNOWLEDGE' }), day(1))
      .do(as('REQUESTED_CA', { type: 'OPEN_CONSULTATION', proposal: 'later' }), day(2));
    expect(violation(c.try(as('REQUESTED_CA', { type: 'POSTPONE', reviewDate: '2024-09-01', reasons: 'trial' }), day(3)))?.errors?.[0].field).toBe(
      'reviewDate',
    );
    c.do(as('REQUESTED_CA', { type: 'POSTPONE', reviewDate: '2024-12-01', reasons: 'domestic trial' }), day(3));
    expect(c.clock('REQUESTER_DEADLINE').status).toBe('RUNNING');
    c.at(Date.parse('2024-11-02T00:00:00Z'));
    expect(c.clock('REQUESTER_DEADLINE').status).toBe('BREACHED');
    expect(c.state.flags).toContain('DEADLINE_BREACHED');
  });

  it('derives PARTIALLY_EXECUTED and EXECUTED from items, each forwarded, executed and returned on its own', () => {
    const c = transmitted(new Case({ content: { assistanceTypes: ['BANK_RECORDS', 'TAKING_OF_STATEMENT'] } }))
      .do(as('REQUESTED_CA', { type: 'ACKNOWLEDGE' }), day(1))
      .do(as('REQUESTED_CA', { type: 'ACCEPT', forward: [{ itemIds: ['item-1'], executingAuthorityId: 'ML-EXEC' }] }), day(2));
    expect(violation(c.try(as('EXECUTING_AUTHORITY', { type: 'RECORD_EXECUTION', itemId: 'item-2' }), day(3)))?.code).toBe('ITEM_NOT_FORWARDED');
    c.do(as('REQUESTED_CA', { type: 'FORWARD_ITEMS', forward: [{ itemIds: ['item-2'], executingAuthorityId: 'ML-POLICE' }] }), day(3));
    expect(violation(c.try(as('EXECUTING_AUTHORITY', { type: 'RECORD_EXECUTION', itemId: 'item-2' }), day(3)))?.code).toBe('NOT_YOUR_ITEM');
    c.do(as('EXECUTING_AUTHORITY', { type: 'RECORD_EXECUTION', itemId: 'item-1' }), day(4));
    expect(c.state.status).toBe('PARTIALLY_EXECUTED');
    c.do(as('REQUESTED_CA', { type: 'TRANSMIT_RESULTS', itemIds: ['item-1'], reference: 'R-1' }), day(5));
    expect(c.state.status).toBe('PARTIALLY_EXECUTED');
    c.do(
      {
        ...as('EXECUTING_AUTHORITY', { type: 'RECORD_EXECUTION', itemId: 'item-2' }),
        actor: { userId: 'u-pol', role: 'EXECUTING_AUTHORITY', stateCode: 'ML', authorityId: 'ML-POLICE' },
      },
      day(6),
    );
    expect(c.state.status).toBe('EXECUTED');
    c.do(as('REQUESTED_CA', { type: 'TRANSMIT_RESULTS', reference: 'R-2' }), day(7));
    expect(c.state.status).toBe('RESULTS_TRANSMITTED');
    c.do(as('REQUESTING_CA', { type: 'CONFIRM_RECEIPT' }), day(8));
    expect(c.state.status).toBe('CLOSED');
  });

  it('accepts occurredAt in the past, never in the future nor before the previous event, and runs clocks from it', () => {
    const c = transmitted();
    expect(violation(c.try(as('REQUESTED_CA', { type: 'ACKNOWLEDGE' }, new Date(day(3)).toISOString()), day(2)))?.errors?.[0].rule).toBe('not_in_future');
    expect(violation(c.try(as('REQUESTED_CA', { type: 'ACKNOWLEDGE' }, new Date(day(-1)).toISOString()), day(2)))?.errors?.[0].rule).toBe(
      'not_before_previous_event',
    );
    c.do(as('REQUESTED_CA', { type: 'ACKNOWLEDGE' }, new Date(day(1)).toISOString()), day(3));
    expect(c.events.at(-1)!.at).toBe(day(1));
    expect(c.clock('REQUESTED_REVIEW').lastDay).toBe('2024-09-17');
  });

  it('refuses a step from a relation it does not belong to, and every command once terminal', () => {
    const c = new Case();
    expect(violation(c.try(as('REQUESTING_CA', { type: 'SUBMIT' }), day(1)))?.code).toBe('NOT_YOUR_STEP');
    c.do(as('REQUESTING_CA', { type: 'WITHDRAW', reason: 'dismissed' }), day(1));
    expect(violation(c.try(as('REQUESTING_PROSECUTOR', { type: 'SUBMIT' }), day(2)))?.code).toBe('CASE_TERMINAL');
  });
});

describe('MLA case: clocks, reminders and the escalation ladder', () => {
  it('S4: review reminder at 00:00 after 5 working days, escalation after 10; review restarts on resubmission', () => {
    const monday = Date.parse('2024-10-07T10:00:00Z');
    const c = new Case({ ctx: { requestingState: 'GH', requestedState: 'SN', timeZones: { requesting: 'Africa/Accra', requested: 'Africa/Dakar' } } });
    c.do(as('REQUESTING_PROSECUTOR', { type: 'SUBMIT' }), monday);
    expect(new Date(nextWakeAt(c.state)!).toISOString()).toBe('2024-10-15T00:00:00.000Z');
    c.at(Date.parse('2024-10-22T00:00:00Z'));
    expect(c.tasks().map((t) => [t.kind, t.level, t.addressee, new Date(t.createdAt).toISOString()])).toEqual([
      ['REMINDER', 0, 'REQUESTING_CA', '2024-10-15T00:00:00.000Z'],
      ['ESCALATION', 1, 'REQUESTING_CA_HEAD', '2024-10-22T00:00:00.000Z'],
    ]);
    c.do(as('REQUESTING_CA', { type: 'RETURN_FOR_CORRECTION', comment: 'add period' }), Date.parse('2024-10-22T11:00:00Z'));
    expect(c.tasks().every((t) => t.status === 'RESOLVED')).toBe(true);
    c.do(as('REQUESTING_PROSECUTOR', { type: 'RESUBMIT' }), Date.parse('2024-10-24T10:00:00Z'));
    expect(c.clock('CA_REVIEW').startedAt).toBe(Date.parse('2024-10-07T10:00:00Z'));
    expect(c.state.clocks.filter((k) => k.ruleId === 'CA_REVIEW' && k.status === 'RUNNING')[0].lastDay).toBe('2024-10-31');
    c.do(as('REQUESTING_CA', { type: 'APPROVE' }), Date.parse('2024-10-25T10:00:00Z'));
    expect(metricsOf(c.state).reviewCycles.map((r) => r.workingDays)).toEqual([11, 1]);
    expect(c.tasks()).toHaveLength(2);
  });

  it('S6: ack reminder D8, STALLED D31, L3 to both focal points D61; a focal point note does not clear STALLED; ack resolves it', () => {
    const c = transmitted(
      new Case({
        ctx: {
          requestingState: 'NG',
          requestedState: 'NE',
          timeZones: { requesting: 'Africa/Lagos', requested: 'Africa/Niamey' },
          network: { liaisonMagistrate: false, focalPointStates: ['NE', 'NG'] },
        },
      }),
    );
    const at = (n: number) => T0 + n * DAY_MS - 9 * 3_600_000 - 3_600_000; // 00:00 Lagos/Niamey on day n
    c.at(at(8));
    expect(c.tasks('REMINDER').map((t) => t.createdAt)).toEqual([at(8)]);
    c.at(at(31));
    expect(c.state.flags).toContain('STALLED');
    c.at(at(61));
    const l3 = c.tasks('ESCALATION')[0];
    expect(l3).toMatchObject({ level: 3, addressee: 'FOCAL_POINTS', addresseeStates: ['NE', 'NG'], createdAt: at(61) });
    expect(c.state.escalatedToFocalPointsOf).toEqual(['NE', 'NG']);
    c.do(as('FOCAL_POINT', { type: 'NOTE', text: 'informal contact with NE CA' }), day(63));
    expect(c.state.flags).toContain('STALLED');
    c.do(as('REQUESTED_CA', { type: 'ACKNOWLEDGE' }), day(70));
    expect(c.state.flags).not.toContain('STALLED');
    const resolved = c.tasks('ESCALATION')[0];
    expect(resolved.status).toBe('RESOLVED');
    expect(Math.round((resolved.resolvedAt! - resolved.createdAt) / DAY_MS)).toBe(9);
  });

  it('goes to the liaison magistrate (L2) first when the pair has one, then the focal points (L3)', () => {
    const c = transmitted(new Case({ ctx: { network: { liaisonMagistrate: true, focalPointStates: ['SN', 'ML'] } } }));
    c.at(day(130));
    expect(c.tasks('ESCALATION').map((t) => [t.level, t.addressee])).toEqual([
      [2, 'LIAISON_MAGISTRATE'],
      [3, 'FOCAL_POINTS'],
    ]);
  });

  it("S1: pauses the requested side for additional information; the requester's deadline does not move", () => {
    const c = transmitted(new Case({ content: { requestedByDate: '2024-11-01', deadlineReason: 'accused in pre-trial detention' } }), 3);
    c.do(as('REQUESTED_CA', { type: 'ACKNOWLEDGE' }), day(5)).do(as('REQUESTED_CA', { type: 'REQUEST_INFO', details: 'account numbers, period' }), day(12));
    expect(c.tasks('INFO_RESPONSE')[0]).toMatchObject({ addressee: 'REQUESTING_PROSECUTOR', dueAt: Date.parse('2024-09-25T00:00:00Z') });
    expect(c.clock('REQUESTED_REVIEW').status).toBe('PAUSED');
    c.do(as('REQUESTING_PROSECUTOR', { type: 'PROVIDE_INFO', details: 'accounts 1-3, 2023' }), day(19));
    expect(c.clock('REQUESTED_REVIEW')).toMatchObject({ status: 'RUNNING', pausedMs: 7 * DAY_MS });
    c.do(as('REQUESTED_CA', { type: 'ACCEPT', forward: [{ itemIds: ['item-1'], executingAuthorityId: 'ML-EXEC' }] }), day(21))
      .do(as('EXECUTING_AUTHORITY', { type: 'RECORD_EXECUTION', itemId: 'item-1' }), day(55))
      .do(as('REQUESTED_CA', { type: 'TRANSMIT_RESULTS', reference: 'R' }), day(58))
      .do(as('REQUESTING_CA', { type: 'CONFIRM_RECEIPT' }), day(61));
    const m = metricsOf(c.state);
    expect(m).toMatchObject({
      ackDays: 2,
      pausedDays: 7,
      requestedProcessingDays: 46,
      reminders: 0,
      escalations: 0,
      requesterDeadline: { date: '2024-11-01', status: 'MET' },
    });
    const transitions = c.events.filter((e) => e.type !== 'FILED' && e.from !== e.to);
    expect(transitions).toHaveLength(10);
  });

  it('S11: withdrawal cancels every clock and makes every open task obsolete', () => {
    const c = transmitted(new Case({ content: { requestedByDate: '2024-10-01', deadlineReason: 'trial date' } }))
      .do(as('REQUESTED_CA', { type: 'ACKNOWLEDGE' }), day(1))
      .do(as('REQUESTED_CA', { type: 'ACCEPT' }), day(2));
    c.at(day(65));
    expect(c.tasks('STATUS_CHECK').filter((t) => t.status === 'OPEN')).toHaveLength(2);
    expect(c.tasks('ESCALATION').filter((t) => t.status === 'OPEN')).toHaveLength(1);
    c.do(as('REQUESTING_CA', { type: 'WITHDRAW', reason: 'case dismissed' }), day(66));
    expect(c.tasks().every((t) => t.status === 'OBSOLETE')).toBe(true);
    expect(c.state.clocks.every((k) => k.status !== 'RUNNING' && k.status !== 'PAUSED')).toBe(true);
    expect(nextWakeAt(c.state)).toBeUndefined();
    expect(c.events.at(-1)!.notify).toEqual([expect.objectContaining({ stateCode: 'ML' })]);
  });

  it("marks the requester's deadline at risk ahead of it, and met when results are sent in time", () => {
    const c = transmitted(new Case({ content: { requestedByDate: '2024-10-10', deadlineReason: 'trial' } }));
    c.at(Date.parse('2024-10-04T00:00:00Z'));
    expect(c.state.flags).toContain('DEADLINE_AT_RISK');
  });

  it("opens a pre-check task for the pair's liaison magistrate, resolved by their note", () => {
    const c = new Case({ ctx: { network: { liaisonMagistrate: true, focalPointStates: [] } } }).do(as('REQUESTING_PROSECUTOR', { type: 'SUBMIT' }), day(1));
    expect(c.state.status).toBe('PENDING_CA_REVIEW');
    expect(c.tasks('PRECHECK')[0]).toMatchObject({ addressee: 'LIAISON_MAGISTRATE', status: 'OPEN' });
    c.do(as('LIAISON_MAGISTRATE', { type: 'NOTE', text: 'add the bank branch' }), day(2));
    expect(c.tasks('PRECHECK')[0].status).toBe('RESOLVED');
    expect(violation(c.try(as('LIAISON_MAGISTRATE', { type: 'APPROVE' }), day(2)))?.code).toBe('NOT_YOUR_STEP');
  });

  it('runs the EIO clocks when the pinned pack defines them: receipt 7 days, recognition 30, execution 90', () => {
    const eio = testRulePack({ instrumentId: 'EIO-2014', completenessProfile: 'UNTOC_18_15', acceptedLanguages: [] });
    eio.clocks = {
      ...eio.clocks,
      EIO_RECEIPT: { amount: 7, unit: 'CALENDAR_DAYS', legalRef: 'EIO art. 16(1)', verified: true },
      EIO_RECOGNITION: { amount: 30, unit: 'CALENDAR_DAYS', legalRef: 'EIO art. 12(3)', verified: true },
      EIO_EXECUTION: { amount: 90, unit: 'CALENDAR_DAYS', legalRef: 'EIO art. 12(4)', verified: true },
    };
    const c = transmitted(new Case({ basis: testBasis({ instrumentId: 'EIO-2014', rulePack: eio }), ctx: { requestedStateLanguages: ['fr'] } }));
    expect(c.clock('EIO_RECEIPT').legalRef).toBe('EIO art. 16(1)');
    c.do(as('REQUESTED_CA', { type: 'ACKNOWLEDGE' }), day(2));
    expect(c.clock('EIO_RECEIPT').status).toBe('MET');
    expect(c.clock('EIO_RECOGNITION').lastDay).toBe('2024-10-04');
    c.do(as('REQUESTED_CA', { type: 'ACCEPT' }), day(10));
    expect(c.clock('EIO_EXECUTION').lastDay).toBe('2024-12-11');
    c.at(day(101));
    expect(c.tasks('ESCALATION').map((t) => t.reason)).toEqual(['execution overdue (EIO art. 12(4))']);
    expect(new Case().do(as('REQUESTING_PROSECUTOR', { type: 'SUBMIT' }), day(0)).state.clocks.some((k) => k.ruleId.startsWith('EIO'))).toBe(false);
  });

  it('re-pins a newer rule pack only by an audited admin act, moving running clocks to the new values', () => {
    const c = new Case().do(as('REQUESTING_PROSECUTOR', { type: 'SUBMIT' }), day(0));
    expect(c.clock('CA_REVIEW').lastDay).toBe('2024-09-09');
    const v2 = testRulePack({ version: 2 });
    v2.clocks = { ...v2.clocks, CA_REVIEW: { amount: 3, unit: 'WORKING_DAYS', legalRef: 'pack v2', verified: true } };
    expect(
      violation(c.try(as('ADMIN', { type: 'REPIN_RULE_PACK', justification: 'too short', basis: testBasis({ rulePack: v2 }) }), day(1)))?.errors?.[0].field,
    ).toBe('justification');
    expect(
      violation(
        c.try(
          as('REQUESTING_CA', { type: 'REPIN_RULE_PACK', justification: 'the ministry adopted shorter review times', basis: testBasis({ rulePack: v2 }) }),
          day(1),
        ),
      )?.code,
    ).toBe('NOT_YOUR_STEP');
    c.do(as('ADMIN', { type: 'REPIN_RULE_PACK', justification: 'the ministry adopted shorter review times', basis: testBasis({ rulePack: v2 }) }), day(1));
    expect(c.clock('CA_REVIEW')).toMatchObject({ lastDay: '2024-09-05', legalRef: 'pack v2' });
    expect(c.state.basis.rulePack.version).toBe(2);
    expect(c.events.at(-1)).toMatchObject({ type: 'REPIN_RULE_PACK', actor: { role: 'ADMIN' }, data: { fromVersion: 1, toVersion: 2 } });
  });
});

describe('MLA case: no event stamped before the act that set its clock', () => {
  it('breaches a requester deadline already past at filing from the filing, not on an earlier day', () => {
    const c = new Case({ content: { requestedByDate: '2024-08-30', deadlineReason: 'trial' } });
    expect(c.clock('REQUESTER_DEADLINE')).toMatchObject({ lastDay: '2024-08-30', breachAt: T0 });
    c.at(day(0, 10));
    expect(c.events.map((e) => [e.type, e.at])).toEqual([
      ['FILED', T0],
      ['DEADLINE_AT_RISK', T0],
      ['DEADLINE_BREACHED', T0],
    ]);
  });

  it('makes a clock that a re-pinned shorter period has already run out fall due at the re-pin, not before it', () => {
    const c = new Case().do(as('REQUESTING_PROSECUTOR', { type: 'SUBMIT' }), day(0));
    const v2 = testRulePack({ version: 2 });
    v2.clocks = { ...v2.clocks, CA_REVIEW: { amount: 1, unit: 'WORKING_DAYS', legalRef: 'pack v2', verified: true } };
    c.do(as('ADMIN', { type: 'REPIN_RULE_PACK', justification: 'the ministry adopted shorter review times', basis: testBasis({ rulePack: v2 }) }), day(3));
    expect(c.clock('CA_REVIEW')).toMatchObject({ lastDay: '2024-09-03', breachAt: day(3) });
    c.at(day(3, 10));
    expect(c.events.slice(-2).map((e) => [e.type, e.at])).toEqual([
      ['REPIN_RULE_PACK', day(3)],
      ['REMINDER', day(3)],
    ]);
  });
});
