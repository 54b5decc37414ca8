import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ensureBundle, quietRuntime, testCodecKeys } from '../support/engine';
import { engineDataConverter } from '../../libs/temporal/src';

// The worker's own converter: the committed histories were recorded before sealing, and its codec lets them through.
const dataConverter = engineDataConverter(testCodecKeys());

const DIR = join(__dirname, 'histories');
const load = (file: string) => JSON.parse(readFileSync(join(DIR, file), 'utf8'));

/**
 * Committed histories of representative cases replayed against today's workflow code: a change that
 * would break running cases (a new timer, a reordered activity, a renamed message) fails here. Such a
 * change needs patched(); see docs/workflows.md.
 */
describe('replay of committed histories', () => {
  const files = readdirSync(DIR)
    .filter((f) => f.endsWith('.json'))
    .sort();

  beforeAll(() => quietRuntime());

  it('has the representative histories', () => {
    expect(files).toEqual([
      'extradition-arrest-to-surrender.json',
      'extradition-registered-withdrawn.json',
      'mla-batch-refused-then-redriven.json',
      'mla-continued-as-new.json',
      'mla-full-life-cycle.json',
      'mla-network-escalation-withdrawn.json',
      'mla-precheck-and-item-clocks.json',
    ]);
  });

  it.each(files)(
    'replays %s deterministically',
    async (file) => {
      await Worker.runReplayHistory({ workflowBundle: { codePath: await ensureBundle() }, dataConverter }, historyFromJSON(load(file)), file);
    },
    60000,
  );

  it('fails on a tampered history (an activity the code does not schedule)', async () => {
    const history = load('mla-full-life-cycle.json');
    const scheduled = history.events.find((e: { activityTaskScheduledEventAttributes?: unknown }) => e.activityTaskScheduledEventAttributes);
    expect(scheduled.activityTaskScheduledEventAttributes.activityType.name).toBe('recordCaseEvents');
    scheduled.activityTaskScheduledEventAttributes.activityType.name = 'recordCaseEventsV0';
    await expect(
      Worker.runReplayHistory({ workflowBundle: { codePath: await ensureBundle() }, dataConverter }, historyFromJSON(history), 'tampered'),
    ).rejects.toThrow(/[Nn]ondeterminism|DeterminismViolation|determinism/);
  }, 60000);
});
