import { Engine, startEngine } from './support/engine';
import { Scenario } from './support/scenario';

// GET /inbox and GET /cases/:id/actions through HTTP, with the engine on the time-skipping server: after a
// filing, a submission and a missed acknowledgment, each actor's inbox shows what domain.md says they owe
// (§4 who acts in each state, §7 the ladder: L0 reminder, L2 liaison magistrate, L3 network contacts), with
// its due instant and legal reference, and nothing else.

const request = (over: Record<string, unknown> = {}) => ({
  legalBasis: 'UNTOC-2000',
  requestedState: 'IT',
  assistanceTypes: ['BANK_RECORDS'],
  subjectOfProceedings: 'Smuggling of migrants by an organised criminal group (Protocol art. 6)',
  factsSummary: 'Payments for sea crossings were routed through accounts held abroad.',
  purpose: 'Identify and trace the proceeds of the smuggling network',
  persons: [{ role: 'ACCUSED', name: 'Person A', nationality: 'NG' }],
  language: 'en',
  ...over,
});

type Item = {
  case: { id: string; state: string };
  kind: string;
  expected: string;
  commands: string[];
  level?: number;
  dueAt: string | null;
  legalRef: string | null;
  breached: boolean;
  relation?: string;
};
type Clock = { ruleId: string; dueAt: string; legalRef: string };

describe('inbox and actions through the API (time-skipping server)', () => {
  let engine: Engine;

  beforeAll(async () => {
    engine = await startEngine({ temporal: 'time-skipping' });
  }, 180000);

  afterAll(async () => {
    await engine?.stop();
  }, 60000);

  it('each actor owes exactly what the life cycle and the ladder say, with due instants, after filing, submission and a missed acknowledgment', async () => {
    const sc = await Scenario.begin(engine, { d0: '2024-04-01', timeZone: 'Africa/Lagos' });
    await sc.day(0);
    // Drafted in Italian, a language Italy accepts: no translation step.
    const id = (await sc.call('u-ng-prosecutor', 'POST', '/cases', request({ language: 'it' }))).id;
    const path = `/cases/${id}`;
    /** The actor's inbox items for this case, as (kind, what, level, due, breached). */
    const owed = async (user: string) => {
      const inbox = await sc.call(user, 'GET', '/inbox?limit=100');
      return (inbox.items as Item[])
        .filter((i) => i.case.id === id)
        .map((i) => ({ kind: i.kind, expected: i.expected, commands: i.commands, level: i.level, dueAt: i.dueAt, legalRef: i.legalRef, breached: i.breached }));
    };
    const clock = async (ruleId: string) => ((await sc.call('u-ng-ca', 'GET', `${path}/timeline`)).clocks as Clock[]).find((k) => k.ruleId === ruleId)!;

    // Filed: the prosecutor owes the submission; the pair's liaison magistrate the pre-check of the draft.
    expect(await owed('u-ng-prosecutor')).toEqual([expect.objectContaining({ kind: 'STEP', expected: 'DRAFT', commands: ['SUBMIT'], dueAt: null })]);
    const precheck = ((await sc.call('u-ng-ca', 'GET', `${path}/timeline`)).tasks as Array<{ kind: string; dueAt: string }>).find(
      (t) => t.kind === 'PRECHECK',
    )!;
    expect(await owed('u-ng-lm-it')).toEqual([expect.objectContaining({ kind: 'PRECHECK', level: 2, dueAt: precheck.dueAt })]);
    expect(await owed('u-ng-ca')).toEqual([]);

    // Submitted: the requesting central authority owes its review, due with the review clock (5 working days).
    await sc.call('u-ng-prosecutor', 'POST', `${path}/submit`);
    const review = await clock('CA_REVIEW');
    const reviewStep = { kind: 'STEP', expected: 'PENDING_CA_REVIEW', commands: ['APPROVE', 'RETURN_FOR_CORRECTION'], dueAt: review.dueAt, breached: false };
    expect(await owed('u-ng-ca')).toEqual([expect.objectContaining({ ...reviewStep, legalRef: review.legalRef })]);
    expect(await owed('u-ng-ca-head')).toEqual([expect.objectContaining(reviewStep)]);
    expect(await owed('u-ng-prosecutor')).toEqual([]);
    await sc.call('u-it-ca', 'GET', '/inbox').then((inbox) => expect(inbox.items.filter((i: Item) => i.case.id === id)).toEqual([]));

    // What each may do now: the actions agree with the workflow's answers.
    const actions = await sc.call('u-ng-ca', 'GET', `${path}/actions`);
    const approve = actions.actions.find((a: { command: string }) => a.command === 'APPROVE');
    expect(approve).toMatchObject({ method: 'POST', path: `${path}/approve`, available: true, owed: true, relation: 'REQUESTING_CA' });
    expect(approve.fields).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'comment', required: false })]));
    const transmit = actions.actions.find((a: { command: string }) => a.command === 'TRANSMIT');
    expect(transmit).toMatchObject({ available: false, refusal: { code: 'INVALID_TRANSITION' } });
    expect(transmit.fields).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'channel', required: true })]));
    // A command listed as unavailable is refused by the workflow with the same code.
    expect(await sc.call('u-ng-ca', 'POST', `${path}/transmit`, { channel: 'CA_DIRECT', reference: 'x' }, 409)).toMatchObject({ code: 'INVALID_TRANSITION' });
    const prosecutor = await sc.call('u-ng-prosecutor', 'GET', `${path}/actions`);
    expect(prosecutor.actions.filter((a: { available: boolean }) => a.available).map((a: { command: string }) => a.command)).toEqual(['WITHDRAW', 'NOTE']);
    expect(prosecutor.actions.find((a: { command: string }) => a.command === 'APPROVE')).toBeUndefined();
    const lm = await sc.call('u-ng-lm-it', 'GET', `${path}/actions`);
    expect(lm.actions.map((a: { command: string }) => a.command)).toEqual(['NOTE']);
    await sc.call('u-it-ca', 'GET', `${path}/actions`, undefined, 404);

    // The liaison magistrate answers the pre-check with a note: it leaves their inbox.
    await sc.call('u-ng-lm-it', 'POST', `${path}/notes`, { text: 'cite the Italian account holder' });
    expect(await owed('u-ng-lm-it')).toEqual([]);

    await sc.call('u-ng-ca', 'POST', `${path}/approve`);
    expect(await owed('u-ng-ca')).toEqual([expect.objectContaining({ kind: 'STEP', expected: 'READY_TO_TRANSMIT', commands: ['TRANSMIT'] })]);
    await sc.day(1, [id]);
    await sc.call('u-ng-ca', 'POST', `${path}/transmit`, { channel: 'E_CODEX', reference: 'ECX-1' });

    // Transmitted: the requested central authority owes the acknowledgment within 7 days.
    const ack = await clock('ACK');
    expect(await owed('u-it-ca')).toEqual([
      expect.objectContaining({ kind: 'STEP', expected: 'TRANSMITTED', commands: ['ACKNOWLEDGE'], dueAt: ack.dueAt, breached: false }),
    ]);
    expect(await owed('u-ng-ca')).toEqual([]);

    // Acknowledgment missed: the step is breached, and the requesting CA is reminded (L0) to chase it.
    await sc.travelTo(Date.parse(ack.dueAt) + 60_000, id);
    expect(await owed('u-it-ca')).toEqual([expect.objectContaining({ kind: 'STEP', expected: 'TRANSMITTED', dueAt: ack.dueAt, breached: true })]);
    expect(await owed('u-ng-ca')).toEqual([
      expect.objectContaining({ kind: 'REMINDER', level: 0, expected: 'no acknowledgment of receipt', dueAt: null, legalRef: ack.legalRef }),
    ]);
    // Breached before anything else in the requested CA's inbox.
    const itInbox = await sc.call('u-it-ca', 'GET', '/inbox');
    expect(itInbox.items[0]).toMatchObject({ case: { id }, breached: true });
    expect(itInbox.counts).toMatchObject({ STEP: 1 });

    // 60 days without acknowledgment: L2, the liaison magistrate of the pair.
    const network = await clock('NETWORK_ESCALATION_NO_ACK');
    await sc.travelTo(Date.parse(network.dueAt) + 60_000, id);
    expect(await owed('u-ng-lm-it')).toEqual([expect.objectContaining({ kind: 'ESCALATION', level: 2, legalRef: network.legalRef })]);
    expect(await owed('u-ng-fp-ca')).toEqual([]);

    // 60 more: the pair has no network contact at level 3 (skipped, domain brief §10): L4, a démarche by the requesting CA.
    const again = await clock('NETWORK_ESCALATION_NO_ACK');
    await sc.travelTo(Date.parse(again.dueAt) + 60_000, id);
    const ngCa = await owed('u-ng-ca');
    expect(ngCa).toHaveLength(2);
    expect(ngCa).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'ESCALATION', level: 4, expected: 'no acknowledgment: diplomatic démarche recommended' }),
        expect.objectContaining({ kind: 'REMINDER', level: 0 }),
      ]),
    );
    expect(await owed('u-ng-lm-it')).toEqual([expect.objectContaining({ kind: 'ESCALATION', level: 2 })]);
    expect(await owed('u-ng-fp-ca')).toEqual([]);
    expect(await owed('u-ng-prosecutor')).toEqual([]);

    // The acknowledgment settles the step and every escalation: the case leaves every inbox.
    await sc.call('u-it-ca', 'POST', `${path}/acknowledge`, { reference: 'DGAI/ACK/1' });
    for (const user of ['u-ng-ca', 'u-ng-lm-it']) expect({ user, owed: await owed(user) }).toEqual({ user, owed: [] });
    expect(await owed('u-it-ca')).toEqual([expect.objectContaining({ kind: 'STEP', expected: 'RECEIVED', commands: ['ACCEPT'] })]);
  });

  it('L3: the WACAP focal points of both States owe their intervention, and nobody else’s focal points', async () => {
    const sc = await Scenario.begin(engine, { d0: '2024-09-02', timeZone: 'Africa/Lagos' });
    await sc.day(0);
    const body = request({ requestedState: 'NE', language: 'fr', persons: [{ role: 'SUSPECT', name: 'Person B', nationality: 'NE' }] });
    const id = (await sc.call('u-ng-prosecutor', 'POST', '/cases', body)).id;
    const path = `/cases/${id}`;
    await sc.call('u-ng-prosecutor', 'POST', `${path}/submit`);
    await sc.call('u-ng-ca', 'POST', `${path}/approve`);
    await sc.call('u-ng-ca', 'POST', `${path}/transmit`, { channel: 'DIPLOMATIC', reference: 'MFA/NV/2025/311' });
    const network = ((await sc.call('u-ng-ca', 'GET', `${path}/timeline`)).clocks as Clock[]).find((k) => k.ruleId === 'NETWORK_ESCALATION_NO_ACK')!;
    await sc.travelTo(Date.parse(network.dueAt) + 60_000, id);
    const owed = async (user: string) => ((await sc.call(user, 'GET', '/inbox?limit=100')).items as Item[]).filter((i) => i.case.id === id);
    for (const fp of ['u-ne-fp-ca', 'u-ne-fp-jud', 'u-ng-fp-ca', 'u-ng-fp-jud']) {
      expect({ fp, owed: await owed(fp) }).toEqual({
        fp,
        owed: [expect.objectContaining({ kind: 'ESCALATION', level: 3, legalRef: network.legalRef, commands: [] })],
      });
    }
    for (const other of ['u-gh-fp-ca', 'u-ng-lm-it']) expect({ other, owed: await owed(other) }).toEqual({ other, owed: [] });
    expect(await owed('u-ne-ca')).toEqual([expect.objectContaining({ kind: 'STEP', expected: 'TRANSMITTED', breached: true })]);
    // Focal points may comment, never act: their actions are notes only.
    const actions = await sc.call('u-ne-fp-ca', 'GET', `${path}/actions`);
    expect(actions.actions.map((a: { command: string }) => a.command)).toEqual(['NOTE']);
  });

  it('assignment: the authority owing the step assigns an officer of its own (audited); L0 reminders go to them, L1 to the head', async () => {
    const sc = await Scenario.begin(engine, { d0: '2024-10-07', timeZone: 'Africa/Lagos' });
    await sc.day(0);
    const body = request({ legalBasis: 'ECOWAS-MLA-1992', requestedState: 'GH', persons: [{ role: 'SUSPECT', name: 'Person C', nationality: 'GH' }] });
    const id = (await sc.call('u-ng-prosecutor', 'POST', '/cases', body)).id;
    const path = `/cases/${id}`;
    await sc.call('u-ng-prosecutor', 'POST', `${path}/submit`);
    const owed = async (user: string) =>
      ((await sc.call(user, 'GET', '/inbox?limit=100')).items as Array<Item & { assignee: string | null }>).filter((i) => i.case.id === id);

    const actions = await sc.call('u-ng-ca', 'GET', `${path}/actions`);
    expect(actions.actions.find((a: { command: string }) => a.command === 'ASSIGN')).toMatchObject({
      method: 'POST',
      path: `${path}/assignee`,
      available: true,
      fields: expect.arrayContaining([expect.objectContaining({ name: 'userId', required: true })]),
    });

    // Only an officer of the assigning authority; only its central authority assigns; other States' users do not see the case.
    for (const [userId, rule] of [
      ['u-ng-manager', 'authority_officer'],
      ['u-ng-prosecutor', 'same_authority'],
      ['u-gh-ca', 'same_authority'],
      ['u-nobody', 'known_user'],
    ]) {
      const refused = await sc.call('u-ng-ca-head', 'POST', `${path}/assignee`, { userId }, 422);
      expect(refused.errors).toEqual([expect.objectContaining({ field: 'userId', rule })]);
    }
    await sc.call('u-ng-ca-head', 'POST', `${path}/assignee`, {}, 400);
    await sc.call('u-ng-prosecutor', 'POST', `${path}/assignee`, { userId: 'u-ng-ca' }, 403);
    await sc.call('u-gh-ca', 'POST', `${path}/assignee`, { userId: 'u-gh-ca' }, 404);

    const assigned = await sc.call('u-ng-ca-head', 'POST', `${path}/assignee`, { userId: 'u-ng-ca', comment: 'yours this week' });
    expect(assigned.history.find((e: { event: string }) => e.event === 'ASSIGN')).toMatchObject({
      actor: { id: 'u-ng-ca-head', role: 'CENTRAL_AUTHORITY_HEAD', stateCode: 'NG' },
      legalRef: 'UNTOC art. 18(13)',
      data: { assigneeId: 'u-ng-ca', authorityId: 'NG-CA-FMOJ' },
    });
    expect(await sc.call('u-ng-ca-head', 'POST', `${path}/assignee`, { userId: 'u-ng-ca' }, 409)).toMatchObject({ code: 'ALREADY_ASSIGNED' });
    expect(await owed('u-ng-ca')).toEqual([expect.objectContaining({ kind: 'STEP', assignee: 'u-ng-ca' })]);

    // Review overdue (5 working days): the L0 reminder goes to the assignee only; the head still sees the step.
    const review = ((await sc.call('u-ng-ca', 'GET', `${path}/timeline`)).clocks as Clock[]).find((k) => k.ruleId === 'CA_REVIEW')!;
    await sc.travelTo(Date.parse(review.dueAt) + 60_000, id);
    expect((await owed('u-ng-ca')).map((i) => [i.kind, i.level])).toEqual([
      ['STEP', undefined],
      ['REMINDER', 0],
    ]);
    expect((await owed('u-ng-ca-head')).map((i) => i.kind)).toEqual(['STEP']);

    // Still pending at 10 working days: L1 to the head of the authority, not to the assignee.
    const escalation = ((await sc.call('u-ng-ca', 'GET', `${path}/timeline`)).clocks as Clock[]).find((k) => k.ruleId === 'CA_REVIEW_ESCALATION')!;
    await sc.travelTo(Date.parse(escalation.dueAt) + 60_000, id);
    expect((await owed('u-ng-ca-head')).map((i) => [i.kind, i.level])).toEqual([
      ['STEP', undefined],
      ['ESCALATION', 1],
    ]);
    expect((await owed('u-ng-ca')).map((i) => i.kind)).toEqual(['STEP', 'REMINDER']);

    // Reassigned: audited with who had it before; the reminder follows the new assignee.
    const reassigned = await sc.call('u-ng-ca', 'POST', `${path}/assignee`, { userId: 'u-ng-ca-head' });
    expect(reassigned.history.filter((e: { event: string }) => e.event === 'ASSIGN').pop()).toMatchObject({
      actor: { id: 'u-ng-ca', role: 'CENTRAL_AUTHORITY' },
      data: { assigneeId: 'u-ng-ca-head', previousAssigneeId: 'u-ng-ca' },
    });
    expect((await owed('u-ng-ca')).map((i) => i.kind)).toEqual(['STEP']);
    expect((await owed('u-ng-ca-head')).map((i) => i.kind).sort()).toEqual(['ESCALATION', 'REMINDER', 'STEP']);
    const rows = await engine.db.query(`SELECT authority_id, assignee_id, assigned_by FROM case_assignments WHERE case_id = $1`, [id]);
    expect(rows).toEqual([{ authority_id: 'NG-CA-FMOJ', assignee_id: 'u-ng-ca-head', assigned_by: 'u-ng-ca' }]);

    // Once the step is the requested side's, the requesting authority has nothing to assign.
    await sc.call('u-ng-ca', 'POST', `${path}/approve`);
    await sc.call('u-ng-ca', 'POST', `${path}/transmit`, { channel: 'CA_DIRECT', reference: 'FMOJ/MLA/2024/9' });
    expect(await sc.call('u-ng-ca', 'POST', `${path}/assignee`, { userId: 'u-ng-ca' }, 409)).toMatchObject({ code: 'NOT_STEP_OWNER' });
    const ghActions = await sc.call('u-gh-ca', 'GET', `${path}/actions`);
    expect(ghActions.actions.find((a: { command: string }) => a.command === 'ASSIGN')).toMatchObject({ available: true });
    expect((await sc.call('u-ng-ca', 'GET', `${path}/actions`)).actions.find((a: { command: string }) => a.command === 'ASSIGN')).toMatchObject({
      available: false,
      refusal: { code: 'NOT_STEP_OWNER' },
    });
    await sc.call('u-gh-ca-head', 'POST', `${path}/assignee`, { userId: 'u-gh-ca' });
    expect(await owed('u-gh-ca')).toEqual([expect.objectContaining({ kind: 'STEP', expected: 'TRANSMITTED', assignee: 'u-gh-ca' })]);
  });

  it('pages by keyset with counts over every page, and refuses a forged cursor or an unknown kind as problem details', async () => {
    const sc = await Scenario.begin(engine, { d0: '2024-06-03', timeZone: 'Africa/Lagos' });
    await sc.day(0);
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const id = (await sc.call('u-ng-prosecutor', 'POST', '/cases', request({ urgency: i === 1 ? 'URGENT' : 'NORMAL' }))).id;
      ids.push(id);
      await sc.call('u-ng-prosecutor', 'POST', `/cases/${id}/submit`);
    }
    const all = await sc.call('u-ng-ca', 'GET', '/inbox?limit=100');
    expect(all.items[0]).toMatchObject({ case: { id: ids[1] }, urgent: true });
    const seen: string[] = [];
    let cursor = '';
    for (;;) {
      const page = await sc.call('u-ng-ca', 'GET', `/inbox?limit=1${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.counts).toEqual(all.counts);
      seen.push(...page.items.map((i: Item & { key: string }) => `${i.case.id}|${i.key}`));
      if (!page.nextCursor) break;
      cursor = page.nextCursor;
    }
    expect(seen).toEqual(all.items.map((i: Item & { key: string }) => `${i.case.id}|${i.key}`));
    const steps = await sc.call('u-ng-ca', 'GET', '/inbox?kind=STEP&limit=100');
    expect(steps.items.every((i: Item) => i.kind === 'STEP')).toBe(true);

    const forged = await sc.call('u-ng-ca', 'GET', '/inbox?cursor=bm90LWEtY3Vyc29y', undefined, 400);
    expect(forged.errors).toEqual([expect.objectContaining({ field: 'cursor', rule: 'format' })]);
    const kind = await sc.call('u-ng-ca', 'GET', '/inbox?kind=NOPE', undefined, 400);
    expect(kind.errors).toEqual([expect.objectContaining({ field: 'kind' })]);
    await sc.call('u-ng-ca', 'GET', '/cases/not-a-case/actions', undefined, 404);
  });
});
