import { TestWorkflowEnvironment } from '@temporalio/testing';
import type { CaseEventsRecord, MlaCaseWorkflowInput } from '../../libs/contracts/src';
import { caseStatusQuery as statusQuery, mlaCommandUpdate as commandUpdate, redriveProjectionUpdate } from '../../libs/contracts/src';
import { as } from '../support/mla-fixtures';
import { TimeSkippingHarness } from '../support/time-skipping';

/**
 * A case's content (persons, facts, purpose …) crosses to the projection activity, and so rests in
 * its input in the history, only when Postgres does not hold it yet: with the filing, with a batch in
 * which it changed (also when that batch failed and goes again with later events), with an operator's
 * re-drive that sanitizes, and never again after continue-as-new when it did not change.
 */
describe('case content sent to the projection only when it changed', () => {
  const h = new TimeSkippingHarness('wf-content');
  let env: TestWorkflowEnvironment;

  beforeAll(async () => {
    env = (await h.start()).env;
  }, 120000);

  afterAll(() => h.stop());

  const start = (over: Partial<MlaCaseWorkflowInput> = {}) => h.startMla(over);
  const note = (text: string) => as('REQUESTING_PROSECUTOR', { type: 'NOTE', text });
  const amendPersons = (name: string) => as('REQUESTING_PROSECUTOR', { type: 'AMEND', changes: { persons: [{ role: 'SUSPECT', name, nationality: 'SN' }] } });
  const batches = (caseId: string) => h.records.get(caseId) ?? [];
  /** For each recorded batch: its first seq, and whether it carries the persons. */
  const withPersons = (caseId: string) => batches(caseId).map((r: CaseEventsRecord) => [r.events[0].seq, r.snapshot.columns?.persons !== undefined] as const);

  it('sends the content with the filing and with the batch that amends it, not with the others', async () => {
    const { handle, caseId } = await start();
    await handle.executeUpdate(commandUpdate, { args: [note('first')] });
    await handle.executeUpdate(commandUpdate, { args: [amendPersons('Person B')] });
    await handle.executeUpdate(commandUpdate, { args: [note('second')] });
    await handle.executeUpdate(commandUpdate, { args: [as('REQUESTING_PROSECUTOR', { type: 'SUBMIT' })] });
    expect(withPersons(caseId)).toEqual([
      [0, true],
      [1, false],
      [2, true],
      [3, false],
      [4, false],
    ]);
    expect(batches(caseId)[2].snapshot.columns!.persons).toEqual([{ role: 'SUSPECT', name: 'Person B', nationality: 'SN' }]);
    expect(batches(caseId).filter((r) => r.snapshot.columns !== undefined)).toHaveLength(2);
    await handle.terminate();
  });

  it('still sends an amendment whose batch failed when it goes again with later events, and a sanitizing re-drive carries the content', async () => {
    const { handle, caseId } = await start();
    h.refuse = (r) => r.caseId === caseId && r.events.some((e) => e.type === 'AMEND') && !r.sanitize;
    expect(await handle.executeUpdate(commandUpdate, { args: [amendPersons('Person C')] })).toMatchObject({ readModel: 'FAILED' });
    // The kept batch goes again with the next command's event (refused again), then once the cause is mended.
    await handle.executeUpdate(commandUpdate, { args: [note('after the amendment')] });
    h.refuse = undefined;
    expect(await handle.executeUpdate(redriveProjectionUpdate, { args: [{}] })).toMatchObject({ readModel: 'CURRENT', projectedSeq: 2 });
    expect(withPersons(caseId)).toEqual([
      [0, true],
      [1, true],
    ]);
    expect(batches(caseId)[1].events.map((e) => e.seq)).toEqual([1, 2]);
    expect(batches(caseId)[1].snapshot.columns!.persons[0].name).toBe('Person C');

    // A note Postgres refuses changes no content: re-driven with sanitizing, its batch carries the content all the same.
    h.refuse = (r) => r.caseId === caseId && r.events.some((e) => e.comment === 'poison' || e.data?.text === 'poison') && !r.sanitize;
    expect(await handle.executeUpdate(commandUpdate, { args: [note('poison')] })).toMatchObject({ readModel: 'FAILED' });
    h.refuse = undefined;
    expect(await handle.executeUpdate(redriveProjectionUpdate, { args: [{ sanitize: true }] })).toMatchObject({ readModel: 'CURRENT', projectedSeq: 3 });
    expect(withPersons(caseId).at(-1)).toEqual([3, true]);
    await handle.terminate();
  });

  it('does not send the content again after continue-as-new when it did not change', async () => {
    const { handle, caseId } = await start({ continueAsNewAfterEvents: 25 });
    const firstRun = (await handle.describe()).runId;
    const wf = env.client.workflow.getHandle(`mla-${caseId}`);
    for (let i = 0; i < 16; i++) await wf.executeUpdate(commandUpdate, { args: [note(`n${i}`)] });
    await env.sleep(60_000);
    expect((await wf.describe()).runId).not.toBe(firstRun);
    await wf.executeUpdate(commandUpdate, { args: [note('in the new run')] });
    expect((await wf.query(statusQuery)).seq).toBe(17);
    const carrying = withPersons(caseId)
      .filter(([, carries]) => carries)
      .map(([seq]) => seq);
    expect(carrying).toEqual([0]);
    expect(batches(caseId).length).toBeGreaterThanOrEqual(17);
    await wf.terminate();
  });
});
