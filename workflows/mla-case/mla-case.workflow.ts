import { continueAsNew } from '@temporalio/workflow';
import {
  CaseEvent,
  CommandEnvelope,
  MlaCaseState,
  advanceTime,
  fileCase,
  handleCommand,
  isTerminal,
  metricsOf,
} from '../../libs/domain/src';
import type { CaseEventsRecord, CaseStatus, MlaCaseWorkflowInput } from '../../libs/contracts/src';
import { CaseMachine, iso, runCase, tasksOf } from '../case-runner';
import { workflowInfo } from '@temporalio/workflow';

const mlaMachine: CaseMachine<MlaCaseState, CommandEnvelope, MlaCaseWorkflowInput> = {
  file: (input, at) => fileCase({ ctx: input.ctx, content: input.content, basis: input.basis, filedBy: input.filedBy, at }),
  handle: handleCommand,
  advance: advanceTime,
  terminal: (s) => isTerminal(s.status),
  record: recordOf,
};

/**
 * One durable workflow per MLA request. It owns the case's state (a pure state machine from
 * libs/domain), is the case's only clock, and writes every event to Postgres through an activity.
 */
export async function mlaCaseWorkflow(input: MlaCaseWorkflowInput): Promise<CaseStatus> {
  return runCase(mlaMachine, input, (next) => continueAsNew<typeof mlaCaseWorkflow>(next));
}

function recordOf(input: MlaCaseWorkflowInput, s: MlaCaseState, events: CaseEvent[]): CaseEventsRecord {
  return {
    caseId: input.caseId,
    workflowId: workflowInfo().workflowId,
    filing: events.some((e) => e.seq === 0)
      ? {
          kind: 'MLA',
          requestingAuthorityId: input.requestingAuthorityId,
          createdBy: input.filedBy.userId,
          requestingState: input.ctx.requestingState,
          requestedState: input.ctx.requestedState,
          filedAt: iso(s.filedAt),
        }
      : undefined,
    events: events.map((e) => ({ ...e, at: iso(e.at) })),
    tasks: tasksOf(s),
    snapshot: {
      state: s.status,
      version: s.seq,
      flags: [...s.flags],
      transmitted: s.transmittedAt !== undefined,
      executingAuthorityIds: [...new Set(s.items.map((i) => i.executingAuthorityId).filter((a): a is string => Boolean(a)))],
      escalatedToFocalPointsOf: s.escalatedToFocalPointsOf,
      columns: s.content,
      milestones: {
        transmittedAt: s.transmittedAt !== undefined ? iso(s.transmittedAt) : undefined,
        receivedAt: s.receivedAt !== undefined ? iso(s.receivedAt) : undefined,
        resultsAt: s.resultsTransmittedAt !== undefined ? iso(s.resultsTransmittedAt) : undefined,
        pausedMs: s.pausedMs,
        refusalGround: s.refusal?.ground,
      },
      legalBasis: s.basis.instrumentId,
      rulePackVersion: s.basis.rulePack.version,
      lastPartyEventAt: iso(s.lastPartyEventAt),
      detail: {
        clocks: s.clocks,
        items: s.items,
        metrics: metricsOf(s),
        transmission: s.transmission,
        translation: s.translation,
        postponement: s.postponement,
        refusal: s.refusal,
        basisOverride: s.basisOverride,
      },
    },
  };
}
