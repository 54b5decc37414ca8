import { TestWorkflowEnvironment } from '@temporalio/testing';
import type { MlaCaseWorkflowInput } from '../../libs/contracts/src';
import { awaitFiledUpdate, caseStatusQuery as statusQuery, mlaCommandUpdate as commandUpdate, redriveProjectionUpdate } from '../../libs/contracts/src';
import { as } from '../support/mla-fixtures';
import { TimeSkippingHarness } from '../support/time-skipping';

/**
 * The runner's guarantees under faults, on the real time-skipping server: a batch Postgres refuses
 * never freezes the case, continue-as-new loses no event even with commands arriving across it, and a
 * command retried under the same update id is applied once, before and after continue-as-new.
 */
describe('case runner under faults', () => {
  const h = new TimeSkippingHarness('wf-faults');
  let env: TestWorkflowEnvironment;

  beforeAll(async () => {
    env = (await h.start()).env;
  }, 120000);

  afterAll(() => h.stop());

  const start = (over: Partial<MlaCaseWorkflowInput> = {}) => h.startMla(over, { awaitFiled: false });
  /** The seq numbers Postgres would hold, in order, each once. */
  const projectedSeqs = (caseId: string) => h.eventsOf(caseId).map((e) => e.seq);
  const waitFor = async (done: () => boolean) => {
    for (let i = 0; i < 100 && !done(); i++) await new Promise((r) => setTimeout(r, 50));
    expect(done()).toBe(true);
  };
  const note = (text: string) => as('REQUESTING_PROSECUTOR', { type: 'NOTE', text });

  it('keeps answering commands while Postgres refuses a batch, reports it, and writes everything once re-driven', async () => {
    const { handle, caseId } = await start();
    await handle.executeUpdate(awaitFiledUpdate);
    // A note whose text Postgres refuses (as it refuses a NUL byte), and every batch carrying it.
    h.refuse = (r) => r.caseId === caseId && r.events.some((e) => e.comment === 'poison' || e.data?.text === 'poison');
    const poisoned = await handle.executeUpdate(commandUpdate, { args: [note('poison')] });
    expect(poisoned).toMatchObject({ seq: 1, projectedSeq: 0, readModel: 'FAILED' });
    // The case still moves: the next commands are answered at once and change its state.
    const submitted = await handle.executeUpdate(commandUpdate, { args: [as('REQUESTING_PROSECUTOR', { type: 'SUBMIT' })] });
    expect(submitted).toMatchObject({ state: 'PENDING_CA_REVIEW', seq: 2, readModel: 'FAILED' });
    expect(projectedSeqs(caseId)).toEqual([0]);
    // Reports go to the operators' queue on their own; the latest covers every unwritten event.
    await waitFor(() => h.failures.some((f) => f.caseId === caseId && f.toSeq === 2));
    expect(h.failures.filter((f) => f.caseId === caseId).at(-1)).toMatchObject({ reason: 'DATA', sqlState: '22021', fromSeq: 1, toSeq: 2 });
    // The operator mends the cause and re-drives: one batch holds every event not yet shown, in order.
    h.refuse = undefined;
    const redriven = await handle.executeUpdate(redriveProjectionUpdate, { args: [{}] });
    expect(redriven).toMatchObject({ seq: 2, projectedSeq: 2, readModel: 'CURRENT' });
    expect(projectedSeqs(caseId)).toEqual([0, 1, 2]);
    const approved = await handle.executeUpdate(commandUpdate, { args: [as('REQUESTING_CA', { type: 'APPROVE' })] });
    expect(approved).toMatchObject({ state: 'READY_TO_TRANSMIT', seq: 3, readModel: 'CURRENT' });
    expect(projectedSeqs(caseId)).toEqual([0, 1, 2, 3]);
    await handle.terminate();
  });

  it('answers a filing whose row Postgres refuses, and records it when re-driven with sanitizing', async () => {
    const { handle, caseId } = await start();
    h.refuse = (r) => r.caseId === caseId && !r.sanitize;
    expect(await handle.executeUpdate(awaitFiledUpdate)).toMatchObject({ seq: 0, projectedSeq: -1, readModel: 'FAILED' });
    await waitFor(() => h.failures.some((f) => f.caseId === caseId));
    expect(h.failures.find((f) => f.caseId === caseId)?.filing).toMatchObject({ requestingState: 'SN', requestedState: 'ML', createdBy: 'u-req-pros' });
    await handle.executeUpdate(commandUpdate, { args: [note('still moving')] });
    const redriven = await handle.executeUpdate(redriveProjectionUpdate, { args: [{ sanitize: true }] });
    expect(redriven).toMatchObject({ readModel: 'CURRENT', projectedSeq: 1 });
    expect(h.records.get(caseId)![0].filing).toBeDefined();
    // Sanitizing stays chosen for the case: the next batches carry it too.
    await handle.executeUpdate(commandUpdate, { args: [note('after')] });
    expect(h.records.get(caseId)!.at(-1)!.sanitize).toBe(true);
    expect(projectedSeqs(caseId)).toEqual([0, 1, 2]);
    h.refuse = undefined;
    await handle.terminate();
  });

  it('loses no event at continue-as-new while commands arrive concurrently across it', async () => {
    const { handle, caseId } = await start({ continueAsNewAfterEvents: 30 });
    await handle.executeUpdate(awaitFiledUpdate);
    const firstRun = (await handle.describe()).runId;
    const wf = env.client.workflow.getHandle(`mla-${caseId}`);
    // Two waves: the first grows the history past the limit, the second arrives while the run hands over.
    const wave = (from: number) => Promise.all(Array.from({ length: 20 }, (_, i) => wf.executeUpdate(commandUpdate, { args: [note(`n${from + i}`)] })));
    const answers = [...(await wave(0)), ...(await wave(20))];
    expect(answers.every((a) => a.seq >= 1 && a.seq <= 40)).toBe(true);
    await env.sleep(60_000);
    const status = await wf.query(statusQuery);
    expect(status.seq).toBe(40);
    expect((await wf.describe()).runId).not.toBe(firstRun);
    expect(projectedSeqs(caseId)).toEqual(Array.from({ length: 41 }, (_, i) => i));
    // Each command got its own event; none was applied twice or lost.
    const texts = h
      .eventsOf(caseId)
      .filter((e) => e.type === 'NOTE')
      .map((e) => e.data?.text ?? e.comment);
    expect(texts).toHaveLength(40);
    expect(new Set(texts).size).toBe(40);
    await wf.terminate();
  });

  it('applies a command retried under the same update id once, also after continue-as-new', async () => {
    const { handle, caseId } = await start({ continueAsNewAfterEvents: 25 });
    await handle.executeUpdate(awaitFiledUpdate);
    const wf = env.client.workflow.getHandle(`mla-${caseId}`);
    const first = await wf.executeUpdate(commandUpdate, { args: [note('once')], updateId: 'client-key-1' });
    const again = await wf.executeUpdate(commandUpdate, { args: [note('once')], updateId: 'client-key-1' });
    expect(again.seq).toBe(first.seq);
    const firstRun = (await wf.describe()).runId;
    for (let i = 0; i < 12; i++) await wf.executeUpdate(commandUpdate, { args: [note(`filler ${i}`)] });
    await env.sleep(60_000);
    expect((await wf.describe()).runId).not.toBe(firstRun);
    const afterBoundary = await wf.executeUpdate(commandUpdate, { args: [note('once')], updateId: 'client-key-1' });
    expect(afterBoundary.seq).toBe(first.seq);
    const onceNotes = h.eventsOf(caseId).filter((e) => e.type === 'NOTE' && (e.data?.text ?? e.comment) === 'once');
    expect(onceNotes).toHaveLength(1);
    expect(projectedSeqs(caseId)).toEqual(Array.from({ length: 14 }, (_, i) => i));
    await wf.terminate();
  });
});
