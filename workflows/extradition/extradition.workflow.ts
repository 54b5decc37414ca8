import { ParentClosePolicy, continueAsNew, startChild, uuid4, workflowInfo } from '@temporalio/workflow';
import {
  CaseEvent,
  ExtraditionCaseState,
  ExtraditionEnvelope,
  advanceExtradition,
  extraditionMetricsOf,
  fileExtradition,
  handleExtraditionCommand,
  isExtraditionTerminal,
} from '../../libs/domain/src';
import { WORKFLOW_TYPES, caseWorkflowId, type CaseEventsRecord, type CaseStatus, type DomesticProsecutionWorkflowInput, type ExtraditionWorkflowInput } from '../../libs/contracts/src';
import { CaseMachine, iso, runCase, tasksOf } from '../case-runner';

const machine: CaseMachine<ExtraditionCaseState, ExtraditionEnvelope, ExtraditionWorkflowInput> = {
  file: (input, at) => fileExtradition({ ctx: input.ctx, content: input.content, basis: input.basis, filedBy: input.filedBy, at, provisionalArrest: input.provisionalArrest }),
  handle: handleExtraditionCommand,
  advance: advanceExtradition,
  terminal: (s) => isExtraditionTerminal(s.status),
  record: recordOf,
  react: openDomesticProsecutionIfAsked,
};

/** One durable workflow per extradition request, on the same runner and clockwork as MLA. */
export async function extraditionWorkflow(input: ExtraditionWorkflowInput): Promise<CaseStatus> {
  return runCase(machine, input, (next) => continueAsNew<typeof extraditionWorkflow>(next));
}

/** Refusing a national at the requester's request opens a linked domestic prosecution (UNTOC art. 16(10)). */
async function openDomesticProsecutionIfAsked(input: ExtraditionWorkflowInput, s: ExtraditionCaseState, events: CaseEvent[]): Promise<void> {
  const refusal = events.find((e) => e.type === 'REFUSE' && e.data?.openDomesticProsecution === true && !e.data?.domesticCaseId);
  if (!refusal) return;
  const caseId = uuid4();
  const child: DomesticProsecutionWorkflowInput = {
    caseId,
    extraditionCaseId: input.caseId,
    ctx: { ...input.ctx, caseId },
    basis: s.basis,
    requestingAuthorityId: input.requestingAuthorityId,
    openedBy: refusal.actor,
    person: input.content.person,
    offence: input.content.offence,
    filingDigest: `domestic:${input.caseId}`,
  };
  await startChild(WORKFLOW_TYPES.domesticProsecution, {
    workflowId: caseWorkflowId('DOMESTIC_PROSECUTION', caseId),
    args: [child],
    parentClosePolicy: ParentClosePolicy.ABANDON,
  });
  refusal.data = { ...refusal.data, domesticCaseId: caseId };
}

function recordOf(input: ExtraditionWorkflowInput, s: ExtraditionCaseState, events: CaseEvent[]): CaseEventsRecord {
  const domesticCaseId = events.map((e) => e.data?.domesticCaseId).find((id): id is string => typeof id === 'string');
  return {
    caseId: input.caseId,
    workflowId: workflowInfo().workflowId,
    filing: events.some((e) => e.seq === 0)
      ? { kind: 'EXTRADITION', requestingAuthorityId: input.requestingAuthorityId, createdBy: input.filedBy.userId, requestingState: input.ctx.requestingState, requestedState: input.ctx.requestedState, filedAt: iso(s.filedAt) }
      : undefined,
    events: events.map((e) => ({ ...e, at: iso(e.at) })),
    tasks: tasksOf(s),
    snapshot: {
      state: s.status,
      version: s.seq,
      flags: [...s.flags],
      transmitted: s.transmittedAt !== undefined,
      executingAuthorityIds: [],
      escalatedToFocalPointsOf: s.escalatedToFocalPointsOf,
      columns: {
        assistanceTypes: [],
        subjectOfProceedings: s.content.offence,
        factsSummary: s.content.factsSummary,
        purpose: s.content.purpose,
        persons: [s.content.person],
        language: s.content.language,
        urgency: s.content.urgency,
        personIdentifier: s.content.person.identifier,
        linkedCaseId: domesticCaseId,
      },
      milestones: {
        transmittedAt: s.formal.transmission ? iso(s.formal.transmission.at) : undefined,
        receivedAt: s.formal.receivedAt !== undefined ? iso(s.formal.receivedAt) : undefined,
        refusalGround: s.refusal?.ground,
        custodyDays: extraditionMetricsOf(s, Date.now()).custodyDays,
      },
      legalBasis: s.basis.instrumentId,
      rulePackVersion: s.basis.rulePack.version,
      lastPartyEventAt: iso(s.lastPartyEventAt),
      detail: {
        clocks: s.clocks,
        metrics: extraditionMetricsOf(s, Date.now()),
        formalRequest: { ...s.formal, transmission: s.formal.transmission ? { ...s.formal.transmission, at: iso(s.formal.transmission.at) } : undefined },
        provisionalArrest: s.provisionalArrest,
        custody: { ...s.custody, arrestedAt: s.custody.arrestedAt !== undefined ? iso(s.custody.arrestedAt) : undefined, endedAt: s.custody.endedAt !== undefined ? iso(s.custody.endedAt) : undefined },
        surrender: s.surrender,
        courtDecision: s.courtDecision,
        refusal: s.refusal,
        conflict: s.conflict,
        domesticProsecutionRequested: s.domesticProsecutionRequested,
      },
    },
  };
}
