import { TestWorkflowEnvironment } from '@temporalio/testing';
import { caseCommandUpdate, awaitFiledUpdate } from '../../libs/contracts/src';
import { TimeSkippingHarness } from '../support/time-skipping';
import { extraditionInputFor } from '../replay/representative-runs';
import { xas } from '../support/extradition-fixtures';

const DAY = 86_400_000;

describe('extraditionWorkflow on the time-skipping server', () => {
  const h = new TimeSkippingHarness('ext-test');
  let env: TestWorkflowEnvironment;
  const eventsOf = (caseId: string) => h.eventsOf(caseId);
  const records = h.records;

  beforeAll(async () => {
    env = (await h.start()).env;
  }, 120000);

  afterAll(() => h.stop());

  let n = 0;
  const start = async () => {
    const caseId = `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`;
    const input = extraditionInputFor(caseId);
    const handle = await env.client.workflow.start('extraditionWorkflow', { workflowId: `ext-${caseId}`, taskQueue: 'ext-test', args: [input] });
    await handle.executeUpdate(awaitFiledUpdate);
    return { handle, caseId };
  };

  it('fires every custody clock in order across one long stretch of time, then releases at the hard limit', async () => {
    const { handle, caseId } = await start();
    await handle.executeUpdate(caseCommandUpdate, { args: [xas('REQUESTED_CA', { type: 'RECORD_ARREST' })] });
    await env.sleep(45 * DAY);
    await handle.query('status');
    expect(eventsOf(caseId).map((e) => e.type)).toEqual(['FILED', 'RECORD_ARREST', 'REMINDER', 'REMINDER', 'RELEASE_POSSIBLE', 'STALLED', 'RELEASE_REQUIRED']);
    expect(eventsOf(caseId).map((e) => e.seq)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    const statuses = records.get(caseId)!.at(-1)!.snapshot;
    expect(statuses.state).toBe('RELEASED_PENDING_REQUEST');
    await handle.terminate();
  });

  it('restarts the surrender limits on force majeure and releases when the person is not taken over', async () => {
    const { handle, caseId } = await start();
    const cmd = (c: Parameters<typeof xas>[1], who: Parameters<typeof xas>[0] = 'REQUESTED_CA') =>
      handle.executeUpdate(caseCommandUpdate, { args: [xas(who, c)] });
    await cmd({ type: 'RECORD_ARREST' });
    await cmd({ type: 'SUBMIT' }, 'REQUESTING_PROSECUTOR');
    await cmd({ type: 'APPROVE' }, 'REQUESTING_CA');
    await cmd({ type: 'TRANSMIT', channel: 'DIPLOMATIC', reference: 'NV' }, 'REQUESTING_CA');
    await cmd({ type: 'RECEIVE_FORMAL_REQUEST' });
    await cmd({ type: 'RECORD_CONSENT' });
    await cmd({ type: 'GRANT' });
    const now = await env.currentTimeMs();
    const date = (days: number) => new Date(now + days * DAY).toISOString().slice(0, 10);
    await cmd({ type: 'SCHEDULE_SURRENDER', agreedDate: date(2) });
    await env.sleep(5 * DAY);
    await cmd({ type: 'FORCE_MAJEURE', newDate: date(12), reason: 'flight cancelled' }, 'REQUESTING_CA');
    await env.sleep(60 * DAY);
    const surrender = eventsOf(caseId).filter((e) => e.type === 'FORCE_MAJEURE' || e.type.startsWith('RELEASE'));
    expect(surrender.map((e) => e.type)).toEqual(['FORCE_MAJEURE', 'RELEASE_POSSIBLE', 'RELEASE_REQUIRED']);
    // Both limits run from the new date, not the first one.
    expect(Date.parse(surrender[1].at)).toBeGreaterThan(now + 12 * DAY + 14 * DAY);
    expect(await handle.result()).toMatchObject({ state: 'RELEASED_NOT_TAKEN_OVER' });
    expect(eventsOf(caseId).map((e) => e.seq)).toEqual(eventsOf(caseId).map((_, i) => i));
  });
});
