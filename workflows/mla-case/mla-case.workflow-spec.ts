import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { CaseFiledRecord, CaseProjectionActivities, MlaCaseWorkflowInput, TransitionRecord } from '../../libs/contracts/src';
import type { CommandEnvelope, MlaCommand, RuleViolation } from '../../libs/domain/src';
import { ensureBundle, quietRuntime } from '../../test/support/engine';
import { temporalTestServerPath } from '../../scripts/tools.cjs';
import { awaitFiledUpdate, commandUpdate, statusQuery } from './mla-case.messages';

const CASE_ID = '7d1c2a4e-5b6f-4a8b-9c0d-1e2f3a4b5c6d';
const input = (caseId = CASE_ID): MlaCaseWorkflowInput => ({
  caseId,
  filingDigest: 'digest-1',
  filedBy: { userId: 'u-sn-prosecutor', role: 'PROSECUTOR', stateCode: 'SN', authorityId: 'SN-PROS-DAKAR' },
  filing: {
    requestingState: 'SN', requestingAuthorityId: 'SN-PROS-DAKAR', requestedState: 'ML', legalBasis: 'ECOWAS-MLA-1992', rulePackVersion: 1,
    assistanceTypes: ['BANK_RECORDS'], persons: [], language: 'fr', urgency: 'NORMAL',
  },
});
const prosecutor = (command: MlaCommand): CommandEnvelope => ({ command, relation: 'REQUESTING_PROSECUTOR', actor: input().filedBy });
const ca = (command: MlaCommand): CommandEnvelope => ({
  command,
  relation: 'REQUESTING_CA',
  actor: { userId: 'u-sn-ca', role: 'CENTRAL_AUTHORITY', stateCode: 'SN', authorityId: 'SN-CA-DACG' },
});

describe('mlaCaseWorkflow on the time-skipping server', () => {
  let env: TestWorkflowEnvironment;
  let worker: Worker;
  let running: Promise<void>;
  const filed: CaseFiledRecord[] = [];
  const transitions: TransitionRecord[] = [];
  let failNextTransition = 0;

  const projection: CaseProjectionActivities = {
    async recordCaseFiled(r) {
      filed.push(r);
    },
    async recordTransition(r) {
      if (failNextTransition > 0) {
        failNextTransition -= 1;
        throw new Error('postgres is away');
      }
      transitions.push(r);
    },
  };

  beforeAll(async () => {
    quietRuntime();
    env = await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path: temporalTestServerPath() } } });
    worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue: 'wf-test',
      workflowBundle: { codePath: await ensureBundle() },
      activities: projection,
    });
    running = worker.run();
  }, 120000);

  afterAll(async () => {
    worker?.shutdown();
    await running;
    await env?.teardown();
  });

  beforeEach(() => {
    filed.length = 0;
    transitions.length = 0;
  });

  const start = (caseId: string) =>
    env.client.workflow.start('mlaCaseWorkflow', { workflowId: `mla-${caseId}`, taskQueue: 'wf-test', args: [input(caseId)] });

  it('records the filing once, at the workflow\'s time, and answers awaitFiled with DRAFT', async () => {
    const handle = await start('11111111-1111-4111-8111-111111111111');
    const status = await handle.executeUpdate(awaitFiledUpdate);
    expect(status).toMatchObject({ state: 'DRAFT', seq: 0, filingDigest: 'digest-1' });
    expect(filed).toHaveLength(1);
    expect(filed[0]).toMatchObject({ caseId: '11111111-1111-4111-8111-111111111111', workflowId: 'mla-11111111-1111-4111-8111-111111111111' });
    expect(Math.abs(Date.parse(filed[0].at) - (await env.currentTimeMs()))).toBeLessThan(60_000);
    await handle.terminate();
  });

  it('moves through submit and approve, projecting each transition with its sequence', async () => {
    const handle = await start('22222222-2222-4222-8222-222222222222');
    await handle.executeUpdate(commandUpdate, { args: [prosecutor({ type: 'SUBMIT' })] });
    await env.sleep('3 days');
    const approved = await handle.executeUpdate(commandUpdate, { args: [ca({ type: 'APPROVE', comment: 'ok' })] });
    expect(approved).toMatchObject({ state: 'READY_TO_TRANSMIT', seq: 2 });
    expect(transitions.map((t) => [t.seq, t.event, t.from, t.to, t.actor.role])).toEqual([
      [1, 'SUBMIT', 'DRAFT', 'PENDING_CA_REVIEW', 'PROSECUTOR'],
      [2, 'APPROVE', 'PENDING_CA_REVIEW', 'READY_TO_TRANSMIT', 'CENTRAL_AUTHORITY'],
    ]);
    // The workflow is the clock: the approval is stamped three (skipped) days after the submission.
    const gap = Date.parse(transitions[1].at) - Date.parse(transitions[0].at);
    expect(gap).toBeGreaterThanOrEqual(3 * 86400_000);
    await handle.terminate();
  });

  it('rejects an invalid transition in the validator: nothing changes and nothing is written', async () => {
    const handle = await start('33333333-3333-4333-8333-333333333333');
    await handle.executeUpdate(awaitFiledUpdate);
    const err = await handle.executeUpdate(commandUpdate, { args: [ca({ type: 'APPROVE' })] }).catch((e) => e);
    expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
    const cause = (err as WorkflowUpdateFailedError).cause as ApplicationFailure;
    expect(cause.type).toBe('RuleViolation');
    expect((cause.details?.[0] as RuleViolation).code).toBe('INVALID_TRANSITION');
    expect(await handle.query(statusQuery)).toMatchObject({ state: 'DRAFT', seq: 0 });
    expect(transitions).toHaveLength(0);
    await handle.terminate();
  });

  it('retries a failed projection until Postgres is back, without losing the event', async () => {
    const handle = await start('44444444-4444-4444-8444-444444444444');
    failNextTransition = 2;
    const status = await handle.executeUpdate(commandUpdate, { args: [prosecutor({ type: 'SUBMIT' })] });
    expect(status.state).toBe('PENDING_CA_REVIEW');
    expect(transitions.map((t) => t.seq)).toEqual([1]);
    await handle.terminate();
  });

  it('ends the workflow when the case is withdrawn, and a closed case takes no command', async () => {
    const handle = await start('55555555-5555-4555-8555-555555555555');
    await handle.executeUpdate(commandUpdate, { args: [prosecutor({ type: 'SUBMIT' })] });
    await handle.executeUpdate(commandUpdate, { args: [ca({ type: 'WITHDRAW', reason: 'case dismissed' })] });
    expect(await handle.result()).toMatchObject({ state: 'WITHDRAWN', seq: 2 });
    await expect(handle.executeUpdate(commandUpdate, { args: [prosecutor({ type: 'SUBMIT' })] })).rejects.toThrow();
  });
});
