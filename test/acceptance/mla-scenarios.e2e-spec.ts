import { Engine, startEngine } from '../support/engine';
import { Scenario } from '../support/scenario';

// The public MLA scenarios of acceptance/scenarios.md, driven through the HTTP API, with the engine
// on the time-skipping server so that months pass in seconds.

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

const transitions = (history: Array<{ event: string; from: string | null; to: string }>) => history.filter((h) => h.event !== 'FILED' && h.from !== h.to);

describe('MLA acceptance scenarios through the API (time-skipping server)', () => {
  let engine: Engine;

  beforeAll(async () => {
    engine = await startEngine({ temporal: 'time-skipping' });
  }, 180000);

  afterAll(async () => {
    await engine?.stop();
  }, 60000);

  it('S1: happy path SN→ML under ECOWAS: deadline met, 46 days net of the 7-day pause, 10 transitions', async () => {
    const sc = await Scenario.begin(engine, { d0: '2024-09-02', timeZone: 'Africa/Dakar' });
    await sc.day(0);
    const filed = await sc.call(
      'u-sn-prosecutor',
      'POST',
      '/cases',
      request({ requestedState: 'ML', requestedByDate: sc.date('2024-11-01'), deadlineReason: 'accused in pre-trial detention' }),
    );
    const id = filed.id;
    const path = `/cases/${id}`;
    expect(filed.state).toBe('DRAFT');

    await sc.day(1, [id]);
    expect((await sc.call('u-sn-prosecutor', 'POST', `${path}/submit`)).state).toBe('PENDING_CA_REVIEW');

    await sc.day(3, [id]);
    await sc.call('u-sn-prosecutor', 'POST', `${path}/approve`, {}, 403);
    expect((await sc.call('u-sn-ca', 'POST', `${path}/approve`)).state).toBe('READY_TO_TRANSMIT');
    expect((await sc.call('u-sn-ca', 'POST', `${path}/transmit`, { channel: 'CA_DIRECT', reference: 'DACG/2024/0117' })).state).toBe('TRANSMITTED');

    await sc.day(5, [id]);
    expect((await sc.call('u-ml-ca', 'POST', `${path}/acknowledge`, { reference: 'DNAJS/ARR/55' })).state).toBe('RECEIVED');

    await sc.day(12, [id]);
    expect((await sc.call('u-ml-ca', 'POST', `${path}/information-requests`, { details: 'account numbers and period' })).state).toBe(
      'ADDITIONAL_INFO_REQUESTED',
    );
    let timeline = await sc.call('u-sn-prosecutor', 'GET', `${path}/timeline`);
    const infoTask = timeline.tasks.find((t: { kind: string }) => t.kind === 'INFO_RESPONSE');
    expect(infoTask).toMatchObject({ addressee: 'REQUESTING_PROSECUTOR', addresseeStates: ['SN'], status: 'OPEN' });
    expect(infoTask.dueAt).toBe(sc.iso(sc.instant('2024-09-25'))); // end of D22 in Dakar
    expect(timeline.clocks.find((k: { ruleId: string }) => k.ruleId === 'REQUESTED_REVIEW').status).toBe('paused');

    await sc.day(19, [id]);
    expect((await sc.call('u-sn-prosecutor', 'POST', `${path}/information`, { details: 'accounts 1 to 3, January to June' })).state).toBe('RECEIVED');

    await sc.day(21, [id]);
    const accepted = await sc.call('u-ml-ca', 'POST', `${path}/accept`, { forward: [{ itemIds: ['item-1'], executingAuthorityId: 'ML-IJ-BAMAKO' }] });
    expect(accepted.state).toBe('IN_EXECUTION');

    await sc.day(55, [id]);
    expect((await sc.call('u-ml-executing', 'POST', `${path}/items/item-1/executed`, { note: 'statements obtained' })).state).toBe('EXECUTED');
    await sc.day(58, [id]);
    // Results returned as the item's evidence carry its hash; without an EVIDENCE document they go back with a warning.
    const returned = await sc.call('u-ml-ca', 'POST', `${path}/results`, { reference: 'DNAJS/RES/9' });
    expect(returned.state).toBe('RESULTS_TRANSMITTED');
    expect(returned.warnings).toEqual([expect.objectContaining({ field: 'itemIds', rule: 'evidence_not_on_file' })]);
    await sc.day(61, [id]);
    const closed = await sc.call('u-sn-ca', 'POST', `${path}/confirm-receipt`);
    expect(closed.state).toBe('CLOSED');

    timeline = await sc.call('u-sn-ca', 'GET', `${path}/timeline`);
    const deadline = timeline.clocks.find((k: { kind: string }) => k.kind === 'REQUESTER_DEADLINE');
    expect(deadline).toMatchObject({ status: 'met', lastDay: sc.date('2024-11-01') });
    expect(timeline.metrics).toMatchObject({ ackDays: 2, pausedDays: 7, requestedProcessingDays: 46, reminders: 0, escalations: 0 });
    expect(timeline.tasks.filter((t: { kind: string }) => t.kind === 'REMINDER' || t.kind === 'ESCALATION')).toEqual([]);
    expect(closed.history.filter((h: { event: string }) => h.event === 'FILED')).toHaveLength(1);
    expect(transitions(closed.history)).toHaveLength(10);
    for (const h of transitions(closed.history))
      expect(h).toMatchObject({ actor: { id: expect.any(String), role: expect.any(String) }, at: expect.any(String) });

    // The managers' figures come from the same projection, live and pre-aggregated alike.
    await sc.call('u-admin', 'POST', '/monitoring/statistics/refresh');
    const live = await sc.call('u-sn-manager', 'GET', '/monitoring/statistics?from=2000-01-02&to=2999-01-01&requested=ML');
    const stats = await sc.call('u-sn-manager', 'GET', '/monitoring/statistics?from=2000-01-01&to=2999-01-01&requested=ML');
    expect([live.source, stats.source]).toEqual(['live', 'pre-aggregated']);
    expect(stats.pairs).toEqual(live.pairs);
    expect(stats.pairs).toEqual([
      expect.objectContaining({
        requestingState: 'SN',
        requestedState: 'ML',
        terminal: 1,
        ackDays: { median: 2, p90: 2, cases: 1 },
        executionDays: { median: 46, p90: 46, cases: 1 },
      }),
    ]);
    expect(stats.pairs[0].deadlines).toEqual(expect.arrayContaining([{ ruleId: 'REQUESTER_DEADLINE', total: 1, breached: 0, shareBreached: 0 }]));
  });

  it('S3: completeness against the basis: 422 listing each missing element, the (c) exemption, ECOWAS warning', async () => {
    const sc = await Scenario.begin(engine, { d0: '2024-05-06', timeZone: 'Africa/Lagos' });
    await sc.day(0);
    const untoc = {
      requestedState: 'GH',
      legalBasis: 'UNTOC-2000',
      language: 'en',
      assistanceTypes: ['TAKING_OF_STATEMENT'],
      factsSummary: undefined,
      purpose: undefined,
    };
    const draft = await sc.call('u-ng-prosecutor', 'POST', '/cases', request(untoc));
    const refused = await sc.call('u-ng-prosecutor', 'POST', `/cases/${draft.id}/submit`, {}, 422);
    const messages = refused.errors.map((e: { message: string }) => e.message);
    expect(messages).toContain('facts_summary required (UNTOC art.18(15)(c))');
    expect(messages).toContain('purpose required (UNTOC art.18(15)(f))');
    expect((await sc.call('u-ng-prosecutor', 'GET', `/cases/${draft.id}`)).state).toBe('DRAFT');

    const service = await sc.call(
      'u-ng-prosecutor',
      'POST',
      '/cases',
      request({ ...untoc, assistanceTypes: ['SERVICE_OF_DOCUMENTS'], purpose: 'serve the summons' }),
    );
    expect((await sc.call('u-ng-prosecutor', 'POST', `/cases/${service.id}/submit`)).state).toBe('PENDING_CA_REVIEW');

    // The first draft, amended to a service of documents with its purpose, now passes too.
    await sc.call('u-ng-prosecutor', 'PATCH', `/cases/${draft.id}`, { assistanceTypes: ['SERVICE_OF_DOCUMENTS'], purpose: 'serve the summons' });
    expect((await sc.call('u-ng-prosecutor', 'POST', `/cases/${draft.id}/submit`)).state).toBe('PENDING_CA_REVIEW');

    const ecowas = await sc.call('u-ng-prosecutor', 'POST', '/cases', request({ requestedState: 'GH', language: 'en' }));
    const submitted = await sc.call('u-ng-prosecutor', 'POST', `/cases/${ecowas.id}/submit`);
    expect(submitted.state).toBe('PENDING_CA_REVIEW');
    expect(submitted.warnings).toEqual([expect.objectContaining({ field: 'requestedByDate', legalRef: 'ECOWAS art.5(1)(f)' })]);
  });

  it('S4: review reminder and escalation at 00:00 after 5 and 10 working days; correction loop; 11 + 1 working days in review', async () => {
    const sc = await Scenario.begin(engine, { d0: '2024-10-07', timeZone: 'Africa/Accra' });
    await sc.day(0, [], '09:00');
    const id = (
      await sc.call(
        'u-gh-prosecutor',
        'POST',
        '/cases',
        request({ requestedState: 'SN', language: 'fr', requestedByDate: sc.date('2024-12-20'), deadlineReason: 'trial date set' }),
      )
    ).id;
    const path = `/cases/${id}`;
    await sc.call('u-gh-prosecutor', 'POST', `${path}/submit`);

    await sc.travelTo(sc.instant('2024-10-22', '11:00'), id);
    await sc.call('u-gh-ca', 'POST', `${path}/return-for-correction`, { comment: 'state the period of the accounts' });
    await sc.travelTo(sc.instant('2024-10-24', '10:00'), id);
    await sc.call('u-gh-prosecutor', 'POST', `${path}/resubmit`);
    await sc.travelTo(sc.instant('2024-10-25', '10:00'), id);
    const approved = await sc.call('u-gh-ca', 'POST', `${path}/approve`);
    expect(approved.state).toBe('READY_TO_TRANSMIT');

    const timeline = await sc.call('u-gh-ca', 'GET', `${path}/timeline`);
    const raised = timeline.tasks.filter((t: { kind: string }) => t.kind === 'REMINDER' || t.kind === 'ESCALATION');
    expect(
      raised.map((t: { kind: string; level: number; addressee: string; createdAt: string; status: string }) => [
        t.kind,
        t.level,
        t.addressee,
        t.createdAt,
        t.status,
      ]),
    ).toEqual([
      ['REMINDER', 0, 'REQUESTING_CA', sc.iso(sc.instant('2024-10-15')), 'RESOLVED'],
      ['ESCALATION', 1, 'REQUESTING_CA_HEAD', sc.iso(sc.instant('2024-10-22')), 'RESOLVED'],
    ]);
    expect(approved.history.map((h: { event: string }) => h.event)).toEqual(expect.arrayContaining(['RETURN_FOR_CORRECTION', 'RESUBMIT']));
    expect(timeline.metrics.reviewCycles.map((c: { workingDays: number; outcome: string }) => [c.workingDays, c.outcome])).toEqual([
      [11, 'RETURNED'],
      [1, 'APPROVED'],
    ]);
  });

  it('S6: no acknowledgment → reminder D8, STALLED D31, L3 to both focal points D61; acknowledgment resolves it in 9 days', async () => {
    const sc = await Scenario.begin(engine, { d0: '2025-02-03', timeZone: 'Africa/Lagos' });
    await sc.day(0, [], '09:00');
    const id = (
      await sc.call(
        'u-ng-prosecutor',
        'POST',
        '/cases',
        request({ requestedState: 'NE', legalBasis: 'UNTOC-2000', language: 'fr', persons: [{ role: 'SUSPECT', name: 'Person B', nationality: 'NE' }] }),
      )
    ).id;
    const path = `/cases/${id}`;
    await sc.call('u-ng-prosecutor', 'POST', `${path}/submit`);
    await sc.call('u-ng-ca', 'POST', `${path}/approve`);
    await sc.call('u-ng-ca', 'POST', `${path}/transmit`, { channel: 'DIPLOMATIC', reference: 'MFA/NV/2025/311' });

    await sc.travelTo(sc.dayInstant(8, '00:00') + 1000, id);
    let timeline = await sc.call('u-ng-ca', 'GET', `${path}/timeline`);
    expect(timeline.tasks).toEqual([
      expect.objectContaining({ kind: 'REMINDER', addressee: 'REQUESTING_CA', addresseeStates: ['NG'], createdAt: sc.iso(sc.dayInstant(8, '00:00')) }),
    ]);

    await sc.travelTo(sc.dayInstant(31, '00:00') + 1000, id);
    expect((await sc.call('u-ng-ca', 'GET', path)).flags).toContain('STALLED');
    const managerView = await sc.call('u-ng-manager', 'GET', '/cases?limit=100');
    expect(managerView.items.find((c: { id: string }) => c.id === id).flags).toContain('STALLED');
    await sc.call('u-ne-fp-ca', 'GET', path, undefined, 404);

    await sc.travelTo(sc.dayInstant(61, '00:00') + 1000, id);
    timeline = await sc.call('u-ng-ca', 'GET', `${path}/timeline`);
    const l3 = timeline.tasks.find((t: { kind: string }) => t.kind === 'ESCALATION');
    expect(l3).toMatchObject({
      level: 3,
      addressee: 'FOCAL_POINTS',
      addresseeStates: ['NE', 'NG'],
      createdAt: sc.iso(sc.dayInstant(61, '00:00')),
      status: 'OPEN',
    });

    // Both States' focal points read a summary, never the content, and cannot act.
    for (const fp of ['u-ne-fp-ca', 'u-ng-fp-jud']) {
      const summary = await sc.call(fp, 'GET', path);
      expect(summary).toMatchObject({ id, state: 'TRANSMITTED', visibility: 'SUMMARY' });
      expect(summary).not.toHaveProperty('factsSummary');
      expect(summary).not.toHaveProperty('persons');
    }
    await sc.call('u-ne-fp-ca', 'POST', `${path}/acknowledge`, {}, 403);

    await sc.day(63, [id]);
    await sc.call('u-ne-fp-ca', 'POST', `${path}/notes`, { text: 'informal contact with NE CA' });
    expect((await sc.call('u-ng-ca', 'GET', path)).flags).toContain('STALLED');

    await sc.day(70, [id]);
    const received = await sc.call('u-ne-ca', 'POST', `${path}/acknowledge`);
    expect(received.state).toBe('RECEIVED');
    expect(received.flags).not.toContain('STALLED');
    timeline = await sc.call('u-ng-ca', 'GET', `${path}/timeline`);
    const resolved = timeline.tasks.find((t: { kind: string }) => t.kind === 'ESCALATION');
    expect(resolved).toMatchObject({ status: 'RESOLVED', resolutionDays: 9 });
    expect(
      timeline.tasks.filter((t: { kind: string; level: number; status: string }) => t.kind === 'ESCALATION' && t.level >= 2 && t.status === 'RESOLVED'),
    ).toHaveLength(1);

    // Focal points lose sight of the case when it closes.
    await sc.call('u-ne-ca', 'POST', `${path}/accept`, { forward: [{ itemIds: ['item-1'], executingAuthorityId: 'NE-IJ-NIAMEY' }] });
    await sc.call('u-ne-executing', 'POST', `${path}/items/item-1/executed`);
    await sc.call('u-ne-ca', 'POST', `${path}/results`, { reference: 'DAPG/R/1' });
    expect((await sc.call('u-ng-ca', 'POST', `${path}/confirm-receipt`)).state).toBe('CLOSED');
    await sc.call('u-ne-fp-ca', 'GET', path, undefined, 404);
  });

  it('S9: refusal requires consultation and reasons; the requesting State is notified', async () => {
    const sc = await Scenario.begin(engine, { d0: '2024-03-04', timeZone: 'Africa/Lome' });
    await sc.day(0);
    const id = (await sc.call('u-bf-prosecutor', 'POST', '/cases', request({ requestedState: 'TG', persons: [] }))).id;
    const path = `/cases/${id}`;
    await sc.call('u-bf-prosecutor', 'POST', `${path}/submit`);
    await sc.call('u-bf-ca', 'POST', `${path}/approve`);
    await sc.call('u-bf-ca', 'POST', `${path}/transmit`, { channel: 'CA_DIRECT', reference: 'BF/DACG/77' });
    await sc.day(1, [id]);
    await sc.call('u-tg-ca', 'POST', `${path}/acknowledge`);

    const direct = await sc.call('u-tg-ca', 'POST', `${path}/refuse`, { ground: 'ESSENTIAL_INTERESTS', reasons: 'essential interests' }, 409);
    expect(direct).toMatchObject({ code: 'CONSULTATION_REQUIRED', legalRef: 'UNTOC art. 18(26)' });

    await sc.travelTo(sc.instant('2024-03-10', '10:00'), id);
    await sc.call('u-tg-ca', 'POST', `${path}/consultation`, { proposal: 'partial execution: bank records only' });
    await sc.travelTo(sc.instant('2024-03-18', '10:00'), id);
    await sc.call('u-bf-ca', 'POST', `${path}/consultation/replies`, { text: 'partial execution declined' });
    await sc.travelTo(sc.instant('2024-03-20', '10:00'), id);
    const empty = await sc.call('u-tg-ca', 'POST', `${path}/refuse`, { ground: 'ESSENTIAL_INTERESTS', reasons: '' }, 422);
    expect(empty).toMatchObject({ legalRef: 'UNTOC art. 18(23)', errors: [expect.objectContaining({ field: 'reasons' })] });
    const refused = await sc.call('u-tg-ca', 'POST', `${path}/refuse`, {
      ground: 'ESSENTIAL_INTERESTS',
      reasons: 'execution would prejudice essential interests',
    });
    expect(refused.state).toBe('REFUSED');
    const last = refused.history.at(-1);
    expect(last).toMatchObject({ event: 'REFUSE', legalRef: 'UNTOC art. 18(21)(b)', data: { ground: 'ESSENTIAL_INTERESTS' } });
    expect(last.notify).toEqual([expect.objectContaining({ stateCode: 'BF', addressee: 'REQUESTING_CA' })]);
    const timeline = await sc.call('u-bf-ca', 'GET', `${path}/timeline`);
    expect(timeline.refusal).toMatchObject({ ground: 'ESSENTIAL_INTERESTS', legalRef: 'UNTOC art. 18(21)(b)' });
    await sc.call('u-tg-ca', 'POST', `${path}/accept`, {}, 409);
  });

  it('S11: withdrawal cancels every timer and open task, notifies the requested State, and ends the case', async () => {
    const sc = await Scenario.begin(engine, { d0: '2024-06-03', timeZone: 'Africa/Conakry' });
    await sc.day(0);
    const id = (
      await sc.call(
        'u-gn-prosecutor',
        'POST',
        '/cases',
        request({ requestedState: 'SL', language: 'en', requestedByDate: sc.date('2024-06-24'), deadlineReason: 'hearing date' }),
      )
    ).id;
    const path = `/cases/${id}`;
    await sc.call('u-gn-prosecutor', 'POST', `${path}/submit`);
    await sc.call('u-gn-ca', 'POST', `${path}/approve`);
    await sc.call('u-gn-ca', 'POST', `${path}/transmit`, { channel: 'CA_DIRECT', reference: 'GN/DAPG/12' });
    await sc.day(1, [id]);
    await sc.call('u-sl-ca', 'POST', `${path}/acknowledge`);
    await sc.day(2, [id]);
    await sc.call('u-sl-ca', 'POST', `${path}/accept`, { forward: [{ itemIds: ['item-1'], executingAuthorityId: 'SL-POL-CID' }] });

    await sc.day(65, [id]);
    let timeline = await sc.call('u-gn-ca', 'GET', `${path}/timeline`);
    const open = timeline.tasks.filter((t: { status: string }) => t.status === 'OPEN');
    expect(open.filter((t: { kind: string }) => t.kind === 'STATUS_CHECK')).toHaveLength(2);
    expect(open.filter((t: { kind: string }) => t.kind === 'ESCALATION')).toHaveLength(1);
    expect(timeline.state).toBe('IN_EXECUTION');

    const withdrawn = await sc.call('u-gn-ca', 'POST', `${path}/withdraw`, { reason: 'case dismissed' });
    expect(withdrawn.state).toBe('WITHDRAWN');
    expect(withdrawn.history.at(-1).notify).toEqual([expect.objectContaining({ stateCode: 'SL' })]);
    const eventsAtWithdrawal = withdrawn.history.length;

    await sc.day(200);
    timeline = await sc.call('u-gn-ca', 'GET', `${path}/timeline`);
    expect(timeline.events).toHaveLength(eventsAtWithdrawal);
    expect(timeline.tasks.every((t: { status: string }) => t.status !== 'OPEN')).toBe(true);
    expect(timeline.tasks.find((t: { kind: string }) => t.kind === 'ESCALATION').status).toBe('OBSOLETE');
    expect(timeline.clocks.every((k: { status: string }) => k.status !== 'running' && k.status !== 'paused')).toBe(true);
    const late = await sc.call('u-sl-ca', 'POST', `${path}/results`, { reference: 'x' }, 409);
    expect(late.code).toBe('CASE_TERMINAL');
  });

  it("shows each actor exactly what domain.md §2 allows: parties, the pair's liaison magistrate, focal points, others", async () => {
    const sc = await Scenario.begin(engine, { d0: '2024-04-01', timeZone: 'Africa/Lagos' });
    await sc.day(0);
    const id = (await sc.call('u-ng-prosecutor', 'POST', '/cases', request({ requestedState: 'IT', legalBasis: 'UNTOC-2000', language: 'en' }))).id;
    const path = `/cases/${id}`;
    // NG→IT has a liaison magistrate: the draft goes to a pre-check task for them first.
    const submitted = await sc.call('u-ng-prosecutor', 'POST', `${path}/submit`);
    expect(submitted.state).toBe('PENDING_CA_REVIEW');
    let timeline = await sc.call('u-ng-lm-it', 'GET', `${path}/timeline`);
    expect(timeline.tasks).toEqual([expect.objectContaining({ kind: 'PRECHECK', addressee: 'LIAISON_MAGISTRATE', status: 'OPEN' })]);
    await sc.call('u-ng-lm-it', 'POST', `${path}/notes`, { text: 'cite the Italian account holder' });
    await sc.call('u-ng-lm-it', 'POST', `${path}/approve`, {}, 403);
    timeline = await sc.call('u-ng-ca', 'GET', `${path}/timeline`);
    expect(timeline.tasks[0].status).toBe('RESOLVED');

    const expectations: Array<[string, number, string?]> = [
      ['u-ng-prosecutor', 200, 'FULL'],
      ['u-ng-ca', 200, 'FULL'],
      ['u-ng-lm-it', 200, 'FULL'],
      ['u-ng-lm-es', 404],
      ['u-it-ca', 404], // not transmitted yet
      ['u-ng-fp-ca', 404], // not escalated
      ['u-gh-ca', 404],
      ['u-sn-prosecutor', 404],
      ['u-ng-manager', 200, 'SUMMARY'],
    ];
    for (const [user, status, visibility] of expectations) {
      const res = await engine.request('GET', path, { token: await sc.as(user) });
      expect({ user, status: res.status, visibility: res.body?.visibility }).toEqual({ user, status, visibility });
    }
    await sc.call('u-ng-ca', 'POST', `${path}/approve`);
    expect((await sc.call('u-ng-ca', 'GET', path)).state).toBe('TRANSLATION_PENDING');
    await sc.call('u-ng-ca', 'POST', `${path}/transmit`, { channel: 'CA_DIRECT', reference: 'x' }, 409);
    // A translation given by reference (not uploaded) is accepted under the default DOCUMENT_RULES, and said to be not on file.
    const referenced = await sc.call('u-ng-ca', 'POST', `${path}/translation`, { language: 'it', documentRef: 'TR-2024-4', certified: true });
    expect(referenced.warnings).toEqual([expect.objectContaining({ field: 'documentRef', rule: 'translation_not_on_file' })]);
    await sc.call('u-ng-ca', 'POST', `${path}/transmit`, { channel: 'E_CODEX', reference: 'ECX-1' });
    expect((await sc.call('u-it-ca', 'GET', path)).visibility).toBe('FULL');
    await sc.call('u-it-ca', 'POST', `${path}/approve`, {}, 403);
    await sc.call('u-ng-manager', 'POST', `${path}/notes`, { text: 'x' }, 403);
  });
});
