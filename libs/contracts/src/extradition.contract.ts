import type { ActorRef, CaseContext, DomesticProsecutionState, ExtraditionCaseState, ExtraditionContent, LegalBasisSnapshot, TransmissionChannel } from '../../domain/src';

export interface ExtraditionWorkflowInput {
  caseId: string;
  ctx: CaseContext;
  content: ExtraditionContent;
  basis: LegalBasisSnapshot;
  requestingAuthorityId: string;
  filedBy: ActorRef;
  provisionalArrest?: { channel: TransmissionChannel; reference: string };
  filingDigest: string;
  continued?: { state: ExtraditionCaseState; filedRecorded: true };
  continueAsNewAfterEvents?: number;
}

export interface DomesticProsecutionWorkflowInput {
  caseId: string;
  extraditionCaseId: string;
  ctx: CaseContext;
  basis: LegalBasisSnapshot;
  requestingAuthorityId: string;
  openedBy: ActorRef;
  person: ExtraditionContent['person'];
  offence: string;
  filingDigest: string;
  continued?: { state: DomesticProsecutionState; filedRecorded: true };
  continueAsNewAfterEvents?: number;
}
