import { Engine, startEngine } from '../support/engine';
import { Scenario } from '../support/scenario';

// European Investigation Orders (Directive 2014/41/EU art. 12) and level 3 of the escalation ladder
// (domain brief §7, §10), driven through the HTTP API with the engine on the time-skipping server.

const eio = (over: Record<string, unknown> = {}) => ({
  legalBasis: 'EIO-2014',
  requestedState: 'ES',
  assistanceTypes: ['BANK_RECORDS'],
  subjectOfProceedings: 'Smuggling of migrants by an organised criminal group',
  factsSummary: 'Payments for sea crossings were routed through accounts held in Spain.',
  purpose: 'Identify and trace the proceeds of the smuggling network',
  persons: [{ role: 'ACCUSED', name: 'Person E', nationality: 'IT' }],
  language: 'es',
  ...over,
});

type Clock = { ruleId: string; status: string; lastDay: string | null; dueAt: string };
type Task = { kind: string; level: number; addressee: string; addresseeStates: string[]; reason: string; createdAt: string; status: string };
type Event = { event: string; data?: Record<string, unknown> };

describe('European Investigation Orders and the escalation ladder through the API (time-skipping server)', () => {
  let engine: Engine;

  beforeAll(async () => {
    engine = await startEngine({ temporal: 'time-skipping' });
  }, 180000);

  afterAll(async () => {
    await engine?.stop();
  }, 60000);

  /** Files, approves and transmits an EIO from Italy to Spain on D0. */
  async function transmittedEio(sc: Scenario): Promise<{ id: string; path: string }> {
    await sc.day(0);
    const id = (await sc.call('u-it-prosecutor', 'POST', '/cases', eio())).id;
    const path = `/cases/${id}`;
    await sc.call('u-it-prosecutor', 'POST', `${path}/submit`);
    expect((await sc.call('u-it-ca', 'POST', `${path}/approve`)).state).toBe('READY_TO_TRANSMIT');
    expect((await sc.call('u-it-ca', 'POST', `${path}/transmit`, { channel: 'CA_DIRECT', reference: 'DGAI/EIO/2025/7' })).state).toBe('TRANSMITTED');
    return { id, path };
  }

  it('EIO recognition runs 30 days from receipt of the order, whether or not Annex B was sent (art. 12(3))', async () => {
    const sc = await Scenario.begin(engine, { d0: '2025-03-03', timeZone: 'Europe/Madrid' });
    const { id, path } = await transmittedEio(sc);
    let timeline = await sc.call('u-es-ca', 'GET', `${path}/timeline`);
    const recognition = timeline.clocks.find((k: Clock) => k.ruleId === 'EIO_RECOGNITION');
    expect(recognition).toMatchObject({ status: 'running', lastDay: sc.date('2025-04-02'), legalRef: 'EIO Directive art. 12(3)' });

    // Receipt is acknowledged late (Annex B on D12): the recognition clock keeps counting from D0.
    await sc.day(12, [id]);
    expect((await sc.call('u-es-ca', 'POST', `${path}/acknowledge`, { reference: 'SGCJI/ANEXO-B/31' })).state).toBe('RECEIVED');
    timeline = await sc.call('u-es-ca', 'GET', `${path}/timeline`);
    expect(timeline.clocks.filter((k: Clock) => k.ruleId === 'EIO_RECOGNITION')).toEqual([
      expect.objectContaining({ status: 'running', lastDay: sc.date('2025-04-02') }),
    ]);

    await sc.travelTo(sc.dayInstant(31, '00:00') + 1000, id);
    timeline = await sc.call('u-es-ca', 'GET', `${path}/timeline`);
    expect(timeline.clocks.find((k: Clock) => k.ruleId === 'EIO_RECOGNITION').status).toBe('breached');
    expect(timeline.tasks.find((t: Task) => t.reason.includes('art. 12(3)'))).toMatchObject({
      kind: 'ESCALATION',
      level: 1,
      addressee: 'REQUESTED_CA_HEAD',
      addresseeStates: ['ES'],
      createdAt: sc.iso(sc.dayInstant(31, '00:00')),
    });
  });

  it('the requested State can notify once that it cannot decide on recognition in time, extending the limit by 30 days (art. 12(5))', async () => {
    const sc = await Scenario.begin(engine, { d0: '2025-03-03', timeZone: 'Europe/Madrid' });
    const { id, path } = await transmittedEio(sc);
    await sc.day(5, [id]);
    await sc.call('u-es-ca', 'POST', `${path}/acknowledge`, { reference: 'SGCJI/ANEXO-B/34' });

    await sc.day(20, [id]);
    const notice = { reasons: 'the hearing of the bank officer cannot be arranged before May', estimatedDecisionDate: sc.date('2025-04-20') };
    await sc.call('u-it-ca', 'POST', `${path}/recognition-extension`, notice, 403);
    const late = await sc.call('u-es-ca', 'POST', `${path}/recognition-extension`, { ...notice, estimatedDecisionDate: sc.date('2025-05-03') }, 422);
    expect(late.errors).toEqual([expect.objectContaining({ field: 'estimatedDecisionDate', rule: 'within_extension' })]);
    const extended = await sc.call('u-es-ca', 'POST', `${path}/recognition-extension`, notice);
    expect(extended.state).toBe('RECEIVED');
    const event = extended.history.find((e: Event) => e.event === 'EXTEND_RECOGNITION');
    expect(event).toMatchObject({
      actor: { id: 'u-es-ca', stateCode: 'ES' },
      legalRef: 'EIO Directive art. 12(5)',
      comment: notice.reasons,
      data: { previousLastDay: sc.date('2025-04-02'), lastDay: sc.date('2025-05-02'), estimatedDecisionDate: sc.date('2025-04-20') },
    });

    // Once only.
    await sc.day(22, [id]);
    const again = await sc.call('u-es-ca', 'POST', `${path}/recognition-extension`, notice, 409);
    expect(again).toMatchObject({ code: 'RECOGNITION_ALREADY_EXTENDED', legalRef: 'EIO Directive art. 12(5)' });

    await sc.travelTo(sc.dayInstant(31, '00:00') + 1000, id);
    let timeline = await sc.call('u-it-ca', 'GET', `${path}/timeline`);
    expect(timeline.clocks.find((k: Clock) => k.ruleId === 'EIO_RECOGNITION')).toMatchObject({ status: 'running', lastDay: sc.date('2025-05-02') });
    expect(timeline.events.filter((e: Event) => e.event === 'EXTEND_RECOGNITION')).toHaveLength(1);
    expect(timeline.tasks.filter((t: Task) => t.reason.includes('art. 12(3)'))).toEqual([]);

    await sc.travelTo(sc.dayInstant(61, '00:00') + 1000, id);
    timeline = await sc.call('u-it-ca', 'GET', `${path}/timeline`);
    expect(timeline.tasks.find((t: Task) => t.reason.includes('art. 12(3)'))).toMatchObject({
      kind: 'ESCALATION',
      createdAt: sc.iso(sc.dayInstant(61, '00:00')),
    });
  });

  it('EIO execution runs 90 days from the recognition decision, through a consultation (art. 12(4))', async () => {
    const sc = await Scenario.begin(engine, { d0: '2025-03-03', timeZone: 'Europe/Madrid' });
    const { id, path } = await transmittedEio(sc);
    await sc.day(2, [id]);
    await sc.call('u-es-ca', 'POST', `${path}/acknowledge`, { reference: 'SGCJI/ANEXO-B/32' });
    await sc.day(5, [id]);
    expect((await sc.call('u-es-ca', 'POST', `${path}/accept`, { forward: [{ itemIds: ['item-1'], executingAuthorityId: 'ES-IJ-AN' }] })).state).toBe(
      'IN_EXECUTION',
    );
    await sc.day(40, [id]);
    expect((await sc.call('u-es-ca', 'POST', `${path}/consultation`, { proposal: 'partial execution only' })).state).toBe('CONSULTATION');
    await sc.day(45, [id]);
    expect((await sc.call('u-es-ca', 'POST', `${path}/accept`)).state).toBe('IN_EXECUTION');

    let timeline = await sc.call('u-es-ca', 'GET', `${path}/timeline`);
    expect(timeline.clocks.filter((k: Clock) => k.ruleId === 'EIO_EXECUTION')).toEqual([
      expect.objectContaining({ status: 'running', lastDay: sc.date('2025-06-06'), legalRef: 'EIO Directive art. 12(4)' }),
    ]);

    await sc.travelTo(sc.dayInstant(96, '00:00') + 1000, id);
    timeline = await sc.call('u-es-ca', 'GET', `${path}/timeline`);
    expect(timeline.tasks.filter((t: Task) => t.reason.includes('art. 12(4)'))).toEqual([
      expect.objectContaining({ kind: 'ESCALATION', level: 1, addressee: 'REQUESTED_CA_HEAD', createdAt: sc.iso(sc.dayInstant(96, '00:00')) }),
    ]);
  });

  it('the generic 14-day review reminder of the requested side does not run on an EIO', async () => {
    const sc = await Scenario.begin(engine, { d0: '2025-03-03', timeZone: 'Europe/Madrid' });
    const { id, path } = await transmittedEio(sc);
    await sc.day(1, [id]);
    await sc.call('u-es-ca', 'POST', `${path}/acknowledge`, { reference: 'SGCJI/ANEXO-B/33' });
    await sc.day(20, [id]);
    const timeline = await sc.call('u-es-ca', 'GET', `${path}/timeline`);
    expect(timeline.clocks.map((k: Clock) => k.ruleId)).not.toContain('REQUESTED_REVIEW');
    expect(timeline.tasks.filter((t: Task) => t.addressee === 'REQUESTED_CA' && t.kind === 'REMINDER')).toEqual([]);
    expect(timeline.clocks.find((k: Clock) => k.ruleId === 'EIO_RECOGNITION')).toMatchObject({ status: 'running' });
  });

  it('escalation level 3 of an EU pair goes to the EJN contact points of both States, not to WACAP focal points', async () => {
    const sc = await Scenario.begin(engine, { d0: '2025-03-03', timeZone: 'Europe/Madrid' });
    const { id, path } = await transmittedEio(sc);
    await sc.call('u-es-ejn', 'GET', path, undefined, 404);

    await sc.travelTo(sc.dayInstant(61, '00:00') + 1000, id);
    const timeline = await sc.call('u-it-ca', 'GET', `${path}/timeline`);
    const l3 = timeline.tasks.find((t: Task) => t.kind === 'ESCALATION' && t.level === 3);
    expect(l3).toMatchObject({
      addressee: 'FOCAL_POINTS',
      addresseeStates: ['ES', 'IT'],
      reason: 'no acknowledgment: EJN contact points of ES and IT asked to intervene',
      createdAt: sc.iso(sc.dayInstant(61, '00:00')),
      status: 'OPEN',
    });
    expect(l3.reason).not.toMatch(/WACAP/);
    const escalation = timeline.events.find((e: Event) => e.event === 'ESCALATION' && e.data?.level === 3);
    expect(escalation.data).toMatchObject({ networks: ['EJN'], addresseeStates: ['ES', 'IT'] });

    // The EJN contact points of both States read the summary; no WACAP focal point does.
    for (const contact of ['u-es-ejn', 'u-it-ejn']) expect(await sc.call(contact, 'GET', path)).toMatchObject({ id, visibility: 'SUMMARY' });
    await sc.call('u-ng-fp-ca', 'GET', path, undefined, 404);
  });

  it('a pair with no network contact skips level 3, says why on the timeline, and goes on to the démarche', async () => {
    const sc = await Scenario.begin(engine, { d0: '2025-03-03', timeZone: 'Africa/Lagos' });
    await sc.day(0);
    const id = (await sc.call('u-ng-prosecutor', 'POST', '/cases', eio({ legalBasis: 'UNTOC-2000', requestedState: 'DE', language: 'de' }))).id;
    const path = `/cases/${id}`;
    await sc.call('u-ng-prosecutor', 'POST', `${path}/submit`);
    await sc.call('u-ng-ca', 'POST', `${path}/approve`);
    expect((await sc.call('u-ng-ca', 'POST', `${path}/transmit`, { channel: 'CA_DIRECT', reference: 'FMOJ/MLA/2025/40' })).state).toBe('TRANSMITTED');

    await sc.travelTo(sc.dayInstant(61, '00:00') + 1000, id);
    const timeline = await sc.call('u-ng-ca', 'GET', `${path}/timeline`);
    const escalations = timeline.tasks.filter((t: Task) => t.kind === 'ESCALATION');
    expect(escalations.map((t: Task) => t.level)).toEqual([4]);
    // The clock is the requested State's: it falls due at 00:00 of D61 in Berlin.
    expect(escalations[0]).toMatchObject({ addressee: 'DIPLOMATIC_CHANNEL', createdAt: sc.iso(sc.instant('2025-05-03', '00:00', 'Europe/Berlin')) });
    expect(timeline.tasks.some((t: Task) => t.addressee === 'FOCAL_POINTS')).toBe(false);
    const skipped = timeline.events.find((e: Event) => e.event === 'ESCALATION_LEVEL_SKIPPED');
    expect(skipped?.data).toMatchObject({ level: 3, reason: expect.stringContaining('no network contact') });
    expect(skipped.data.reason).toContain('NG–DE');
    await sc.call('u-ng-fp-ca', 'GET', path, undefined, 404);
  });
});
