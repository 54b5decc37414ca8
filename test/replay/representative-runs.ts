import type { WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { MlaCaseWorkflowInput } from '../../libs/contracts/src';
import { awaitFiledUpdate, mlaCommandUpdate as commandUpdate, redriveProjectionUpdate } from '../../libs/contracts/src';
import { as, testBasis, testContent, testContext } from '../support/mla-fixtures';
import { extraditionBasis, extraditionContent, extraditionContext, xas } from '../support/extradition-fixtures';
import type { ExtraditionWorkflowInput } from '../../libs/contracts/src';

const DAY = 86_400_000;

export function inputFor(caseId: string, over: Partial<MlaCaseWorkflowInput> = {}): MlaCaseWorkflowInput {
  return {
    caseId,
    ctx: testContext({ caseId }),
    content: testContent({ requestedByDate: '2099-12-31', deadlineReason: 'trial' }),
    basis: testBasis(),
    requestingAuthorityId: 'SN-PROS',
    filedBy: as('REQUESTING_PROSECUTOR', { type: 'SUBMIT' }).actor,
    filingDigest: 'digest',
    ...over,
  };
}

type Run = (env: TestWorkflowEnvironment, handle: WorkflowHandle) => Promise<void>;

const cmd = (handle: WorkflowHandle, env: ReturnType<typeof as>) => handle.executeUpdate(commandUpdate, { args: [env] });

/**
 * Representative lives of a case whose histories are committed and replayed on every test run, so
 * that a change to the workflow that would break running cases fails before it ships.
 */
export function extraditionInputFor(caseId: string): ExtraditionWorkflowInput {
  return {
    caseId,
    ctx: extraditionContext({ caseId }),
    content: extraditionContent(),
    basis: extraditionBasis(),
    requestingAuthorityId: 'NG-PROS',
    filedBy: xas('REQUESTING_PROSECUTOR', { type: 'NOTE', text: '' }).actor,
    provisionalArrest: { channel: 'INTERPOL_URGENT', reference: 'IP-1' },
    filingDigest: 'digest',
  };
}

export const REPRESENTATIVE_RUNS: Record<string, { workflowType?: string; input?: Partial<MlaCaseWorkflowInput>; run: Run }> = {
  // Provisional arrest, reminders, formal request in time, consent, grant, surrender with force majeure.
  'extradition-arrest-to-surrender': {
    workflowType: 'extraditionWorkflow',
    run: async (env, h) => {
      const x = (who: Parameters<typeof xas>[0], c: Parameters<typeof xas>[1]) => h.executeUpdate(commandUpdate as never, { args: [xas(who, c)] } as never);
      await x('REQUESTED_CA', { type: 'RECORD_ARREST' });
      await env.sleep(12 * DAY);
      await x('REQUESTING_PROSECUTOR', { type: 'SUBMIT' });
      await x('REQUESTING_CA', { type: 'APPROVE' });
      await x('REQUESTING_CA', { type: 'TRANSMIT', channel: 'DIPLOMATIC', reference: 'NV-9' });
      await env.sleep(6 * DAY);
      await x('REQUESTED_CA', { type: 'RECEIVE_FORMAL_REQUEST' });
      await x('REQUESTED_CA', { type: 'RECORD_CONSENT' });
      await x('REQUESTED_CA', { type: 'GRANT' });
      const now = await env.currentTimeMs();
      const at = (days: number) => new Date(now + days * DAY).toISOString().slice(0, 10);
      await x('REQUESTED_CA', { type: 'SCHEDULE_SURRENDER', agreedDate: at(3) });
      await env.sleep(4 * DAY);
      await x('REQUESTING_CA', { type: 'FORCE_MAJEURE', newDate: at(10), reason: 'flight' });
      await env.sleep(2 * DAY);
      await x('REQUESTED_CA', { type: 'RECORD_SURRENDER' });
      await h.result();
    },
  },
  // Review reminder and escalation, correction loop, information pause, execution, closure.
  'mla-full-life-cycle': {
    run: async (env, h) => {
      await h.executeUpdate(awaitFiledUpdate);
      await cmd(h, as('REQUESTING_PROSECUTOR', { type: 'SUBMIT' }));
      await env.sleep(16 * DAY);
      await cmd(h, as('REQUESTING_CA', { type: 'RETURN_FOR_CORRECTION', comment: 'period' }));
      await env.sleep(2 * DAY);
      await cmd(h, as('REQUESTING_PROSECUTOR', { type: 'RESUBMIT' }));
      await cmd(h, as('REQUESTING_CA', { type: 'APPROVE' }));
      await cmd(h, as('REQUESTING_CA', { type: 'TRANSMIT', channel: 'CA_DIRECT', reference: 'R-1' }));
      await env.sleep(9 * DAY);
      await cmd(h, as('REQUESTED_CA', { type: 'ACKNOWLEDGE' }));
      await cmd(h, as('REQUESTED_CA', { type: 'REQUEST_INFO', details: 'accounts' }));
      await env.sleep(5 * DAY);
      await cmd(h, as('REQUESTING_PROSECUTOR', { type: 'PROVIDE_INFO', details: 'accounts 1-3' }));
      await cmd(h, as('REQUESTED_CA', { type: 'ACCEPT', forward: [{ itemIds: ['item-1'], executingAuthorityId: 'ML-EXEC' }] }));
      await env.sleep(35 * DAY);
      await cmd(h, as('EXECUTING_AUTHORITY', { type: 'RECORD_EXECUTION', itemId: 'item-1' }));
      await cmd(h, as('REQUESTED_CA', { type: 'TRANSMIT_RESULTS', reference: 'RES-1' }));
      await cmd(h, as('REQUESTING_CA', { type: 'CONFIRM_RECEIPT' }));
      await h.result();
    },
  },
  // No acknowledgment: reminder, stall, network escalation; a focal point's note; withdrawal.
  'mla-network-escalation-withdrawn': {
    run: async (env, h) => {
      await cmd(h, as('REQUESTING_PROSECUTOR', { type: 'SUBMIT' }));
      await cmd(h, as('REQUESTING_CA', { type: 'APPROVE' }));
      await cmd(h, as('REQUESTING_CA', { type: 'TRANSMIT', channel: 'DIPLOMATIC', reference: 'NV-1' }));
      await env.sleep(62 * DAY);
      await cmd(h, as('FOCAL_POINT', { type: 'NOTE', text: 'informal contact' }));
      await cmd(h, as('REQUESTING_CA', { type: 'WITHDRAW', reason: 'case dismissed' }));
      await h.result();
    },
  },
  // Recorded with the liaison magistrate's pre-check on the draft and an execution clock per forwarded item
  // (patches mla-precheck-on-draft, mla-item-execution-clocks): item-1 met, item-2 reminded then breached.
  'mla-precheck-and-item-clocks': {
    input: {
      ctx: testContext({ caseId: '00000000-0000-4000-9000-000000000007', network: { liaisonMagistrate: true, focalPointStates: ['SN', 'ML'] } }),
      content: testContent({ assistanceTypes: ['BANK_RECORDS', 'TAKING_OF_STATEMENT'], requestedByDate: '2099-12-31', deadlineReason: 'trial' }),
      basis: testBasis({
        rulePack: {
          ...testBasis().rulePack,
          clocks: {
            ...testBasis().rulePack.clocks,
            ITEM_EXECUTION: { amount: 20, unit: 'CALENDAR_DAYS', legalRef: 'test', verified: false },
            ITEM_EXECUTION_REMINDER_BEFORE: { amount: 5, unit: 'CALENDAR_DAYS', legalRef: 'test', verified: false },
          },
        },
      }),
    },
    run: async (env, h) => {
      await h.executeUpdate(awaitFiledUpdate);
      await cmd(h, as('REQUESTING_PROSECUTOR', { type: 'SUBMIT' }));
      await cmd(h, as('REQUESTING_CA', { type: 'APPROVE' }));
      await cmd(h, as('REQUESTING_CA', { type: 'TRANSMIT', channel: 'CA_DIRECT', reference: 'R-7' }));
      await env.sleep(DAY);
      await cmd(h, as('REQUESTED_CA', { type: 'ACKNOWLEDGE' }));
      await cmd(
        h,
        as('REQUESTED_CA', {
          type: 'ACCEPT',
          forward: [
            { itemIds: ['item-1'], executingAuthorityId: 'ML-EXEC' },
            { itemIds: ['item-2'], executingAuthorityId: 'ML-EXEC-2' },
          ],
        }),
      );
      await env.sleep(5 * DAY);
      await cmd(h, as('EXECUTING_AUTHORITY', { type: 'RECORD_EXECUTION', itemId: 'item-1' }));
      await env.sleep(20 * DAY);
      await cmd(h, as('REQUESTING_CA', { type: 'WITHDRAW', reason: 'case dismissed' }));
      await h.result();
    },
  },
  // A long-lived case that continues as new and is acted on in its second run.
  'mla-continued-as-new': {
    input: { continueAsNewAfterEvents: 30 },
    run: async (env, h) => {
      await cmd(h, as('REQUESTING_PROSECUTOR', { type: 'SUBMIT' }));
      for (let i = 0; i < 5; i++) await cmd(h, as('REQUESTING_PROSECUTOR', { type: 'NOTE', text: `note ${i}` }));
      await env.sleep(DAY);
    },
  },
  // Recorded with the projection's batch ids: a batch the projection refuses (text marked `poison`) is kept,
  // commands go on, an operator re-drives with sanitizing, and the case continues as new with its answers.
  'mla-batch-refused-then-redriven': {
    input: { continueAsNewAfterEvents: 40 },
    run: async (env, h) => {
      await h.executeUpdate(awaitFiledUpdate);
      await h.executeUpdate(commandUpdate, { args: [as('REQUESTING_PROSECUTOR', { type: 'NOTE', text: 'poison' })], updateId: 'key-1' });
      await cmd(h, as('REQUESTING_PROSECUTOR', { type: 'SUBMIT' }));
      await h.executeUpdate(redriveProjectionUpdate, { args: [{ sanitize: true }] });
      await cmd(h, as('REQUESTING_CA', { type: 'APPROVE' }));
      for (let i = 0; i < 4; i++) await cmd(h, as('REQUESTING_PROSECUTOR', { type: 'NOTE', text: `note ${i}` }));
      await env.sleep(DAY);
    },
  },
  // Recorded with the person registry: the request registers on filing and deregisters when withdrawn.
  'extradition-registered-withdrawn': {
    workflowType: 'extraditionWorkflow',
    run: async (env, h) => {
      const x = (who: Parameters<typeof xas>[0], c: Parameters<typeof xas>[1]) => h.executeUpdate(commandUpdate as never, { args: [xas(who, c)] } as never);
      await x('REQUESTED_CA', { type: 'RECORD_ARREST' });
      await env.sleep(3 * DAY);
      await x('REQUESTING_CA', { type: 'WITHDRAW', reason: 'suspect located elsewhere' });
      await h.result();
    },
  },
};
