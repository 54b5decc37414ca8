import { ParentClosePolicy, continueAsNew, patched, proxyActivities, startChild, uuid4 } from '@temporalio/workflow';
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
import {
  WORKFLOW_TYPES,
  caseWorkflowId,
  type CaseStatus,
  type DomesticProsecutionWorkflowInput,
  type ExtraditionRequestRef,
  type ExtraditionWorkflowInput,
  type PersonRegistryActivities,
} from '../../libs/contracts/src';
import { CaseMachine, RecordShape, isoOrUndefined, runCase } from '../case-runner';

/** What an extradition's row adds: the person and offence, the formal request, custody and surrender. */
export const extraditionRecord: RecordShape<ExtraditionCaseState, ExtraditionWorkflowInput> = {
  kind: 'EXTRADITION',
  filedBy: (input) => input.filedBy,
  snapshot: (_input, s, events) => {
    const domesticCaseId = events.map((e) => e.data?.domesticCaseId).find((id): id is string => typeof id === 'string');
    const metrics = extraditionMetricsOf(s, Date.now());
    const transmission = s.formal.transmission;
    return {
      transmitted: s.transmittedAt !== undefined,
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
        transmittedAt: isoOrUndefined(transmission?.at),
        receivedAt: isoOrUndefined(s.formal.receivedAt),
        refusalGround: s.refusal?.ground,
        custodyDays: metrics.custodyDays,
      },
      detail: {
        metrics,
        formalRequest: { ...s.formal, transmission: transmission ? { ...transmission, at: isoOrUndefined(transmission.at) } : undefined },
        provisionalArrest: s.provisionalArrest,
        custody: { ...s.custody, arrestedAt: isoOrUndefined(s.custody.arrestedAt), endedAt: isoOrUndefined(s.custody.endedAt) },
        surrender: s.surrender,
        courtDecision: s.courtDecision,
        refusal: s.refusal,
        conflict: s.conflict,
        domesticProsecutionRequested: s.domesticProsecutionRequested,
        basisOverride: s.basisOverride,
      },
    };
  },
};

const machine: CaseMachine<ExtraditionCaseState, ExtraditionEnvelope, ExtraditionWorkflowInput> = {
  file: (input, at) =>
    fileExtradition({ ctx: input.ctx, content: input.content, basis: input.basis, filedBy: input.filedBy, at, provisionalArrest: input.provisionalArrest }),
  handle: handleExtraditionCommand,
  advance: advanceExtradition,
  terminal: (s) => isExtraditionTerminal(s.status),
  record: extraditionRecord,
};

/**
 * Cases filed before the person registry existed replay without it; a running one registers with its
 * next batch of events. See README "Changing the workflow".
 */
export const PERSON_REGISTRY_PATCH = 'extradition-person-registry';

const people = proxyActivities<PersonRegistryActivities>({
  startToCloseTimeout: '30 seconds',
  // The conflict rule must hold even if Temporal or the worker was away: retry until the registry knows.
  retry: { initialInterval: '1 second', maximumInterval: '1 minute', backoffCoefficient: 2 },
});

/** One durable workflow per extradition request, on the same runner and clockwork as MLA. */
export async function extraditionWorkflow(input: ExtraditionWorkflowInput): Promise<CaseStatus> {
  const person = personOf(input);
  // Once per run (a continued run registers again: the registry ignores a repeat).
  let registered = false;
  const registerWithPerson = async (s: ExtraditionCaseState) => {
    if (registered || !person || isExtraditionTerminal(s.status) || !patched(PERSON_REGISTRY_PATCH)) return;
    await people.registerExtraditionRequest(person);
    registered = true;
  };
  const status = await runCase(
    {
      ...machine,
      react: async (i, s, events) => {
        await openDomesticProsecutionIfAsked(i, s, events);
        // Before the filing is recorded: a filed request is always known to its person's registry.
        await registerWithPerson(s);
      },
    },
    input,
    (next) => continueAsNew<typeof extraditionWorkflow>(next),
  );
  if (person && patched(PERSON_REGISTRY_PATCH)) await people.deregisterExtraditionRequest(person);
  return status;
}

/** Who the conflict rule (ECE art. 17) looks at: the same person identifier in the same requested State. */
function personOf(input: ExtraditionWorkflowInput): ExtraditionRequestRef | undefined {
  const identifier = input.content.person.identifier;
  return identifier?.trim() ? { caseId: input.caseId, requestedState: input.ctx.requestedState, identifier } : undefined;
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
    language: input.content.language,
    filingDigest: `domestic:${input.caseId}`,
    ...(input.searchAttributes ? { searchAttributes: true } : {}),
  };
  await startChild(WORKFLOW_TYPES.domesticProsecution, {
    workflowId: caseWorkflowId('DOMESTIC_PROSECUTION', caseId),
    args: [child],
    parentClosePolicy: ParentClosePolicy.ABANDON,
  });
  refusal.data = { ...refusal.data, domesticCaseId: caseId };
}
