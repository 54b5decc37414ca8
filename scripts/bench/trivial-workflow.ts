import { condition, defineSignal, defineUpdate, setHandler } from '@temporalio/workflow';

/**
 * The baseline of the engine benchmark: a workflow that does nothing but answer, so that a filing and
 * a command can be set beside what Temporal itself costs for a start and an update.
 */
export const benchFiledUpdate = defineUpdate<boolean>('benchFiled');
export const benchPingUpdate = defineUpdate<number, [number]>('benchPing');
export const benchStopSignal = defineSignal('benchStop');

export async function benchTrivialWorkflow(): Promise<void> {
  let stopped = false;
  setHandler(benchFiledUpdate, () => true);
  setHandler(benchPingUpdate, (n: number) => n);
  setHandler(benchStopSignal, () => void (stopped = true));
  await condition(() => stopped);
}
