import type {
  ActorRef,
  CaseContext,
  DomesticProsecutionState,
  ExtraditionCaseState,
  ExtraditionContent,
  LegalBasisSnapshot,
  TransmissionChannel,
} from '../../domain/src';
import type { ContinuedCase } from './mla-case.contract';

export interface ExtraditionWorkflowInput {
  caseId: string;
  ctx: CaseContext;
  content: ExtraditionContent;
  basis: LegalBasisSnapshot;
  requestingAuthorityId: string;
  filedBy: ActorRef;
  provisionalArrest?: { channel: TransmissionChannel; reference: string };
  filingDigest: string;
  continued?: ContinuedCase<ExtraditionCaseState>;
  continueAsNewAfterEvents?: number;
  /** Sets the case search attributes (CASE_SEARCH_ATTRIBUTES): pinned at filing, from TEMPORAL_SEARCH_ATTRIBUTES. */
  searchAttributes?: boolean;
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
  /** Language of the extradition request it comes from (absent in prosecutions opened before it was carried). */
  language?: string;
  filingDigest: string;
  continued?: ContinuedCase<DomesticProsecutionState>;
  continueAsNewAfterEvents?: number;
  /** Sets the case search attributes (CASE_SEARCH_ATTRIBUTES): pinned at filing, from TEMPORAL_SEARCH_ATTRIBUTES. */
  searchAttributes?: boolean;
}
