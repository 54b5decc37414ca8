import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { writeFileSync } from 'node:fs';
import { ApplicationFailure } from '@temporalio/common';
import { PROJECTION_DATA_FAILURE, type CaseEventsRecord } from '../../libs/contracts/src';
import { join } from 'node:path';
import { ensureBundle, quietRuntime } from '../support/engine';
import { temporalTestServerPath } from '../../scripts/tools.cjs';
import { REPRESENTATIVE_RUNS, extraditionInputFor, inputFor } from './representative-runs';

// `npm run histories:record`: re-records the committed histories. Do it only for a deliberate change
// whose old histories are covered by patched(); otherwise the replay test is the guard.
test('record representative histories', async () => {
  quietRuntime();
  const env = await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path: temporalTestServerPath() } } });
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue: 'record',
    workflowBundle: { codePath: await ensureBundle() },
    // Postgres and the person registry as no-ops, but for a batch marked `poison` that Postgres refuses until sanitized.
    activities: {
      recordCaseEvents: async (r: CaseEventsRecord) => {
        if (!r.sanitize && r.events.some((e) => e.comment === 'poison')) {
          throw ApplicationFailure.create({
            type: PROJECTION_DATA_FAILURE,
            nonRetryable: true,
            message: 'refused (SQLSTATE 22021)',
            details: [{ sqlState: '22021' }],
          });
        }
      },
      recordProjectionFailure: async () => undefined,
      registerExtraditionRequest: async () => undefined,
      deregisterExtraditionRequest: async () => undefined,
      linkConflictingRequest: async () => 'LINKED',
    },
  });
  const only = process.env.RECORD_ONLY?.split(',');
  await worker.runUntil(async () => {
    let n = 0;
    for (const [name, { workflowType, input, run }] of Object.entries(REPRESENTATIVE_RUNS)) {
      const caseId = `00000000-0000-4000-9000-${String(++n).padStart(12, '0')}`;
      if (only && !only.includes(name)) continue;
      const extradition = workflowType === 'extraditionWorkflow';
      const handle = await env.client.workflow.start(workflowType ?? 'mlaCaseWorkflow', {
        workflowId: `${extradition ? 'ext' : 'mla'}-${caseId}`,
        taskQueue: 'record',
        args: [extradition ? extraditionInputFor(caseId) : inputFor(caseId, input)],
      });
      await run(env, handle);
      // The first run's history: for a continued case it ends with its continue-as-new.
      const history = await env.client.workflow.getHandle(handle.workflowId, handle.firstExecutionRunId).fetchHistory();
      writeFileSync(join(__dirname, 'histories', `${name}.json`), historyToJSON(history));
    }
  });
  await env.teardown();
}, 300000);
