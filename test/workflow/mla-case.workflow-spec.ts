import { TestWorkflowEnvironment } from '@temporalio/testing';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { CaseDetail, MlaCaseWorkflowInput } from '../../libs/contracts/src';
import type { RuleViolation } from '../../libs/domain/src';
import { TimeSkippingHarness } from '../support/time-skipping';
import { as } from '../support/mla-fixtures';
import { caseStatusQuery as statusQuery, mlaCommandUpdate as commandUpdate } from '../../libs/contracts/src';

const DAY = 86_400_000;

describe('mlaCaseWorkflow on the time-skipping server', () => {
  const h = new TimeSkippingHarness('wf-test');
  let env: TestWorkflowEnvironment;
  const eventsOf = (caseId: string) => h.eventsOf(caseId);
  const lastSnapshot = (caseId: string) => h.lastSnapshot(caseId);
  const records = h.records;

  beforeAll(async () => {
    env = (await h.start()).env;
  }, 120000);

  afterAll(() => h.stop());

  const start = (over: Partial<MlaCaseWorkflowInput> = {}) => h.startMla(over);

  it("records the filing once, at the workflow's time, with the case row data", async () => {
    const { handle, caseId } = await start();
    const [first] = records.get(caseId)!;
    expect(first.filing).toMatchObject({ requestingState: 'SN', requestedState: 'ML', createdBy: 'u-req-pros' });
    expect(first.events.map((e) => e.type)).toEqual(['FILED']);
    expect(Math.abs(Date.parse(first.events[0].at) - (await env.currentTimeMs()))).toBeLessThan(60_000);
    expect(await handle.query(statusQuery)).toMatchObject({ state: 'DRAFT', seq: 0 });
    await handle.terminate();
  });

  it('rejects an invalid command in the validator: nothing changes and nothing is written', async () => {
    const { handle, caseId } = await start();
    const err = await handle.executeUpdate(commandUpdate, { args: [as('REQUESTING_CA', { type: 'APPROVE' })] }).catch((e) => e);
    expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
    const cause = (err as WorkflowUpdateFailedError).cause as ApplicationFailure;
    expect(cause.type).toBe('RuleViolation');
    expect((cause.details?.[0] as RuleViolation).code).toBe('INVALID_TRANSITION');
    expect(await handle.query(statusQuery)).toMatchObject({ state: 'DRAFT', seq: 0 });
    expect(eventsOf(caseId)).toHaveLength(1);
    await handle.terminate();
  });

  it('fires the review reminder and escalation on its own timers while time passes, then resolves them', async () => {
    const { handle, caseId } = await start();
    await handle.executeUpdate(commandUpdate, { args: [as('REQUESTING_PROSECUTOR', { type: 'SUBMIT' })] });
    await env.sleep(16 * DAY);
    const fired = eventsOf(caseId).filter((e) => e.actor.userId === 'system');
    expect(fired.map((e) => [e.type, e.data?.level])).toEqual([
      ['REMINDER', 0],
      ['ESCALATION', 1],
    ]);
    // Each fired at 00:00 Dakar time (UTC+0) of the day after its deadline.
    for (const e of fired) expect(e.at).toMatch(/T00:00:00\.000Z$/);
    await handle.executeUpdate(commandUpdate, { args: [as('REQUESTING_CA', { type: 'APPROVE' })] });
    const tasks = records.get(caseId)!.at(-1)!.tasks;
    expect(tasks.map((t) => t.status)).toEqual(['RESOLVED', 'RESOLVED']);
    await handle.terminate();
  });

  it('retries a failed projection until Postgres is back, without losing the event', async () => {
    const { handle, caseId } = await start();
    h.failNext = 2;
    const status = await handle.executeUpdate(commandUpdate, { args: [as('REQUESTING_PROSECUTOR', { type: 'SUBMIT' })] });
    expect(status.state).toBe('PENDING_CA_REVIEW');
    expect(eventsOf(caseId).map((e) => e.seq)).toEqual([0, 1]);
    await handle.terminate();
  });

  it('continues as new before its history grows large, keeping state, clocks and accepting the next command', async () => {
    const { handle, caseId } = await start({ continueAsNewAfterEvents: 40 });
    const firstRun = (await handle.describe()).runId;
    await handle.executeUpdate(commandUpdate, { args: [as('REQUESTING_PROSECUTOR', { type: 'SUBMIT' })] });
    for (let i = 0; i < 8; i++) await handle.executeUpdate(commandUpdate, { args: [as('REQUESTING_PROSECUTOR', { type: 'NOTE', text: `note ${i}` })] });
    const fresh = env.client.workflow.getHandle(`mla-${caseId}`);
    await env.sleep(DAY);
    const later = await fresh.executeUpdate(commandUpdate, { args: [as('REQUESTING_CA', { type: 'APPROVE' })] });
    expect(later).toMatchObject({ state: 'READY_TO_TRANSMIT', seq: 10 });
    expect((await fresh.describe()).runId).not.toBe(firstRun);
    expect(eventsOf(caseId).map((e) => e.seq)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect((lastSnapshot(caseId).detail as CaseDetail).clocks.some((k) => k.ruleId === 'CA_REVIEW')).toBe(true);
    await fresh.terminate();
  });

  it('ends the workflow when the case is withdrawn; no timer fires afterwards', async () => {
    const { handle, caseId } = await start();
    await handle.executeUpdate(commandUpdate, { args: [as('REQUESTING_PROSECUTOR', { type: 'SUBMIT' })] });
    await handle.executeUpdate(commandUpdate, { args: [as('REQUESTING_CA', { type: 'WITHDRAW', reason: 'case dismissed' })] });
    expect(await handle.result()).toMatchObject({ state: 'WITHDRAWN', seq: 2 });
    await env.sleep(30 * DAY);
    expect(eventsOf(caseId).map((e) => e.type)).toEqual(['FILED', 'SUBMIT', 'WITHDRAW']);
    await expect(handle.executeUpdate(commandUpdate, { args: [as('REQUESTING_PROSECUTOR', { type: 'NOTE', text: 'x' })] })).rejects.toThrow();
  });
});
