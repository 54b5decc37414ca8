import { continueAsNew, workflowInfo } from '@temporalio/workflow';
import { CaseEvent, DomesticEnvelope, DomesticProsecutionState, advanceDomestic, handleDomesticCommand, isDomesticTerminal, openDomesticProsecution } from '../../libs/domain/src';
import type { CaseEventsRecord, CaseStatus, DomesticProsecutionWorkflowInput } from '../../libs/contracts/src';
import { CaseMachine, iso, runCase, tasksOf } from '../case-runner';

const machine: CaseMachine<DomesticProsecutionState, DomesticEnvelope, DomesticProsecutionWorkflowInput> = {
  file: (input, at) => openDomesticProsecution({ ctx: input.ctx, basis: input.basis, extraditionCaseId: input.extraditionCaseId, openedBy: input.openedBy, at }),
  handle: handleDomesticCommand,
  advance: advanceDomestic,
  terminal: (s) => isDomesticTerminal(s.status),
  record: (input, s, events): CaseEventsRecord => ({
    caseId: input.caseId,
    workflowId: workflowInfo().workflowId,
    filing: events.some((e) => e.seq === 0)
      ? { kind: 'DOMESTIC_PROSECUTION', requestingAuthorityId: input.requestingAuthorityId, createdBy: input.openedBy.userId, requestingState: input.ctx.requestingState, requestedState: input.ctx.requestedState, filedAt: iso(s.filedAt) }
      : undefined,
    events: events.map((e: CaseEvent) => ({ ...e, at: iso(e.at) })),
    tasks: tasksOf(s),
    snapshot: {
      state: s.status,
      version: s.seq,
      flags: [...s.flags],
      transmitted: true,
      executingAuthorityIds: [],
      escalatedToFocalPointsOf: [],
      columns: {
        assistanceTypes: [], subjectOfProceedings: input.offence, persons: [input.person], language: 'en', urgency: 'NORMAL',
        personIdentifier: input.person.identifier, linkedCaseId: input.extraditionCaseId,
      },
      legalBasis: s.basis.instrumentId,
      rulePackVersion: s.basis.rulePack.version,
      lastPartyEventAt: iso(s.lastPartyEventAt),
      detail: { clocks: s.clocks, extraditionCaseId: input.extraditionCaseId, metrics: { reminders: 0, escalations: 0 } },
    },
  }),
};

/** A domestic prosecution opened on refusal to extradite a national (UNTOC art. 16(10)), with its own clock. */
export async function domesticProsecutionWorkflow(input: DomesticProsecutionWorkflowInput): Promise<CaseStatus> {
  return runCase(machine, input, (next) => continueAsNew<typeof domesticProsecutionWorkflow>(next));
}
