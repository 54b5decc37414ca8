import { continueAsNew } from '@temporalio/workflow';
import {
  DomesticEnvelope,
  DomesticProsecutionState,
  advanceDomestic,
  handleDomesticCommand,
  isDomesticTerminal,
  openDomesticProsecution,
} from '../../libs/domain/src';
import type { CaseStatus, DomesticProsecutionWorkflowInput } from '../../libs/contracts/src';
import { CaseMachine, RecordShape, runCase } from '../case-runner';

/** What a domestic prosecution's row adds: the person and offence of the extradition it comes from, in its language. */
export const domesticRecord: RecordShape<DomesticProsecutionState, DomesticProsecutionWorkflowInput> = {
  kind: 'DOMESTIC_PROSECUTION',
  filedBy: (input) => input.openedBy,
  snapshot: (input) => ({
    transmitted: true,
    columns: {
      assistanceTypes: [],
      subjectOfProceedings: input.offence,
      persons: [input.person],
      // Prosecutions opened before the language travelled with the input were recorded in English.
      language: input.language ?? 'en',
      urgency: 'NORMAL',
      personIdentifier: input.person.identifier,
      linkedCaseId: input.extraditionCaseId,
    },
    detail: { extraditionCaseId: input.extraditionCaseId, metrics: { reminders: 0, escalations: 0 } },
  }),
};

const machine: CaseMachine<DomesticProsecutionState, DomesticEnvelope, DomesticProsecutionWorkflowInput> = {
  file: (input, at) =>
    openDomesticProsecution({ ctx: input.ctx, basis: input.basis, extraditionCaseId: input.extraditionCaseId, openedBy: input.openedBy, at }),
  handle: handleDomesticCommand,
  advance: advanceDomestic,
  terminal: (s) => isDomesticTerminal(s.status),
  record: domesticRecord,
};

/** A domestic prosecution opened on refusal to extradite a national (UNTOC art. 16(10)), with its own clock. */
export async function domesticProsecutionWorkflow(input: DomesticProsecutionWorkflowInput): Promise<CaseStatus> {
  return runCase(machine, input, (next) => continueAsNew<typeof domesticProsecutionWorkflow>(next));
}
