import { continueAsNew, patched } from '@temporalio/workflow';
import { CommandEnvelope, MlaCaseState, advanceTime, fileCase, handleCommand, isTerminal, metricsOf } from '../../libs/domain/src';
import type { CaseStatus, MlaCaseWorkflowInput } from '../../libs/contracts/src';
import { CaseMachine, RecordShape, isoOrUndefined, runCase } from '../case-runner';

/** What an MLA case's row adds: the request's content, its executing authorities, its milestones. */
export const mlaRecord: RecordShape<MlaCaseState, MlaCaseWorkflowInput> = {
  kind: 'MLA',
  filedBy: (input) => input.filedBy,
  snapshot: (_input, s) => ({
    transmitted: s.transmittedAt !== undefined,
    executingAuthorityIds: [...new Set(s.items.map((i) => i.executingAuthorityId).filter((a): a is string => Boolean(a)))],
    columns: s.content,
    milestones: {
      transmittedAt: isoOrUndefined(s.transmittedAt),
      receivedAt: isoOrUndefined(s.receivedAt),
      resultsAt: isoOrUndefined(s.resultsTransmittedAt),
      pausedMs: s.pausedMs,
      refusalGround: s.refusal?.ground,
    },
    detail: {
      items: s.items,
      metrics: metricsOf(s),
      transmission: s.transmission,
      translation: s.translation,
      postponement: s.postponement,
      refusal: s.refusal,
      basisOverride: s.basisOverride,
    },
  }),
};

export const PRECHECK_ON_DRAFT_PATCH = 'mla-precheck-on-draft';
export const ITEM_CLOCKS_PATCH = 'mla-item-execution-clocks';

const mlaMachine: CaseMachine<MlaCaseState, CommandEnvelope, MlaCaseWorkflowInput> = {
  // Cases filed before the liaison magistrate's pre-check moved to the draft replay with it on submission.
  file: (input, at) =>
    fileCase({
      ctx: input.ctx,
      content: input.content,
      basis: input.basis,
      filedBy: input.filedBy,
      at,
      precheckOnDraft: patched(PRECHECK_ON_DRAFT_PATCH),
      itemClocks: patched(ITEM_CLOCKS_PATCH),
    }),
  handle: handleCommand,
  advance: advanceTime,
  terminal: (s) => isTerminal(s.status),
  record: mlaRecord,
};

/**
 * One durable workflow per MLA request. It owns the case's state (a pure state machine from
 * libs/domain), is the case's only clock, and writes every event to Postgres through an activity.
 */
export async function mlaCaseWorkflow(input: MlaCaseWorkflowInput): Promise<CaseStatus> {
  return runCase(mlaMachine, input, (next) => continueAsNew<typeof mlaCaseWorkflow>(next));
}
