import type { CaseRelation } from '../policy';
import type { CommandSpec, Envelope } from '../case/command-guard';
import { ASSIGN_SPEC, type AssignCommand } from '../case/assignment';
import { MLA_STATES_BEFORE_TRANSMISSION, type MlaState } from './states';
import type { MlaRequestContent } from './mla-content';
import type { LegalBasisSnapshot } from '../rule-pack';
import type { DocumentFact, RequestPackage } from '../documents';

import type { TransmissionChannel } from '../case/transmission';
export { TRANSMISSION_CHANNELS, type TransmissionChannel } from '../case/transmission';

/** Grounds on which assistance may be refused, with their source. */
export const REFUSAL_GROUNDS = {
  NOT_IN_ACCORDANCE_WITH_UNTOC: 'UNTOC art. 18(21)(a)',
  ESSENTIAL_INTERESTS: 'UNTOC art. 18(21)(b)',
  DOMESTIC_LAW_PROHIBITS: 'UNTOC art. 18(21)(c)',
  CONTRARY_TO_LEGAL_SYSTEM: 'UNTOC art. 18(21)(d)',
  NO_DUAL_CRIMINALITY: 'UNTOC art. 18(9)',
} as const;
export type RefusalGround = keyof typeof REFUSAL_GROUNDS;

/** A life-cycle command as the workflow receives it. */
export type MlaCommand =
  | { type: 'SUBMIT'; comment?: string }
  | { type: 'AMEND'; changes: Partial<MlaRequestContent> & { legalBasis?: string }; basis?: LegalBasisSnapshot; comment?: string }
  | { type: 'APPROVE'; comment?: string }
  | { type: 'RETURN_FOR_CORRECTION'; comment: string }
  | { type: 'RESUBMIT'; comment?: string }
  | { type: 'OVERRIDE_BASIS'; justification: string }
  | { type: 'REPIN_RULE_PACK'; justification: string; basis?: LegalBasisSnapshot }
  | { type: 'ATTACH_TRANSLATION'; language?: string; documentRef?: string; certified?: boolean; document?: DocumentFact; comment?: string }
  | { type: 'TRANSMIT'; channel: TransmissionChannel; reference: string; oral?: boolean; comment?: string; package?: RequestPackage }
  | { type: 'CONFIRM_IN_WRITING'; reference: string; comment?: string }
  | { type: 'ACKNOWLEDGE'; reference?: string; comment?: string; packageSha256?: string }
  | { type: 'REQUEST_INFO'; details: string }
  | { type: 'PROVIDE_INFO'; details: string }
  | { type: 'OPEN_CONSULTATION'; proposal: string }
  | { type: 'CONSULTATION_REPLY'; text: string }
  | { type: 'REFUSE'; ground: RefusalGround; reasons: string }
  | { type: 'POSTPONE'; reviewDate: string; reasons: string }
  | { type: 'RESUME'; comment?: string }
  | { type: 'EXTEND_RECOGNITION'; reasons: string; estimatedDecisionDate: string }
  | { type: 'ACCEPT'; forward?: ItemForwarding[]; comment?: string; directory?: AuthorityDirectory }
  | { type: 'FORWARD_ITEMS'; forward: ItemForwarding[]; comment?: string; directory?: AuthorityDirectory }
  | { type: 'RECORD_EXECUTION'; itemId: string; note?: string }
  | { type: 'TRANSMIT_RESULTS'; itemIds?: string[]; reference: string; comment?: string; evidence?: Record<string, DocumentFact[]> }
  | { type: 'CONFIRM_RECEIPT'; comment?: string }
  | { type: 'WITHDRAW'; reason: string }
  | { type: 'NOTE'; text: string }
  | AssignCommand;
export type MlaCommandType = MlaCommand['type'];

export interface ItemForwarding {
  itemIds: string[];
  executingAuthorityId: string;
}

/**
 * What the directory says of each authority a forwarding names (null: not in the directory), resolved
 * by the API before the command reaches the case. Commands recorded before items were checked against
 * the directory carry none and replay as they were taken.
 */
export type AuthorityDirectory = Record<string, { stateCode: string; kind: string } | null>;

/** Kinds of authority that execute requests (domain brief §2): prosecutors, judges, police and financial units, courts. */
export const EXECUTING_AUTHORITY_KINDS: ReadonlySet<string> = new Set(['PROSECUTION', 'INVESTIGATING_JUDGE', 'POLICE', 'FINANCIAL_UNIT', 'COURT']);

export type CommandEnvelope = Envelope<MlaCommand>;

const REQUESTING_SIDE: CaseRelation[] = ['REQUESTING_PROSECUTOR', 'REQUESTING_CA'];
const PARTIES: CaseRelation[] = ['REQUESTING_PROSECUTOR', 'REQUESTING_CA', 'REQUESTED_CA', 'EXECUTING_AUTHORITY'];
const BEFORE_TRANSMISSION: MlaState[] = [...MLA_STATES_BEFORE_TRANSMISSION];

const consultationFirst = (what: string) => ({
  code: 'CONSULTATION_REQUIRED',
  message: `${what} is possible only after consultation with the requesting State (UNTOC art. 18(26)); open a consultation first`,
  legalRef: 'UNTOC art. 18(26)',
});

/** Who may run each command, and from which states (domain brief §4). */
export const MLA_COMMANDS: Record<MlaCommandType, CommandSpec<MlaState>> = {
  SUBMIT: { from: ['DRAFT'], by: ['REQUESTING_PROSECUTOR'], legalRef: 'UNTOC art. 18(15)' },
  AMEND: { from: ['DRAFT', 'RETURNED_FOR_CORRECTION'], by: ['REQUESTING_PROSECUTOR'] },
  APPROVE: { from: ['PENDING_CA_REVIEW'], by: ['REQUESTING_CA'], legalRef: 'UNTOC art. 18(13)' },
  RETURN_FOR_CORRECTION: { from: ['PENDING_CA_REVIEW'], by: ['REQUESTING_CA'] },
  RESUBMIT: { from: ['RETURNED_FOR_CORRECTION'], by: ['REQUESTING_PROSECUTOR'], legalRef: 'UNTOC art. 18(15)' },
  OVERRIDE_BASIS: { from: BEFORE_TRANSMISSION, by: ['ADMIN'] },
  REPIN_RULE_PACK: { from: 'ANY_OPEN', by: ['ADMIN'] },
  ATTACH_TRANSLATION: { from: ['TRANSLATION_PENDING'], by: ['REQUESTING_CA'], legalRef: 'UNTOC art. 18(14)' },
  TRANSMIT: { from: ['READY_TO_TRANSMIT'], by: ['REQUESTING_CA'], legalRef: 'UNTOC art. 18(13)' },
  CONFIRM_IN_WRITING: { from: 'ANY_OPEN', by: ['REQUESTING_CA'], legalRef: 'UNTOC art. 18(14)' },
  ACKNOWLEDGE: { from: ['TRANSMITTED'], by: ['REQUESTED_CA'] },
  REQUEST_INFO: { from: ['RECEIVED', 'IN_EXECUTION', 'PARTIALLY_EXECUTED'], by: ['REQUESTED_CA'], legalRef: 'UNTOC art. 18(16)' },
  PROVIDE_INFO: { from: ['ADDITIONAL_INFO_REQUESTED'], by: REQUESTING_SIDE, legalRef: 'UNTOC art. 18(16)' },
  OPEN_CONSULTATION: { from: ['RECEIVED', 'IN_EXECUTION', 'PARTIALLY_EXECUTED', 'POSTPONED'], by: ['REQUESTED_CA'], legalRef: 'UNTOC art. 18(26)' },
  CONSULTATION_REPLY: { from: ['CONSULTATION'], by: REQUESTING_SIDE, legalRef: 'UNTOC art. 18(26)' },
  REFUSE: { from: ['CONSULTATION'], by: ['REQUESTED_CA'], legalRef: 'UNTOC art. 18(21), 18(23), 18(26)', elsewhere: consultationFirst('refusal') },
  POSTPONE: { from: ['CONSULTATION'], by: ['REQUESTED_CA'], legalRef: 'UNTOC art. 18(25), 18(26)', elsewhere: consultationFirst('postponement') },
  RESUME: { from: ['POSTPONED'], by: ['REQUESTED_CA'] },
  EXTEND_RECOGNITION: {
    from: ['TRANSMITTED', 'RECEIVED', 'ADDITIONAL_INFO_REQUESTED', 'CONSULTATION'],
    by: ['REQUESTED_CA'],
    legalRef: 'EIO Directive art. 12(5)',
  },
  ACCEPT: { from: ['RECEIVED', 'CONSULTATION'], by: ['REQUESTED_CA'], legalRef: 'UNTOC art. 18(24)' },
  FORWARD_ITEMS: { from: ['RECEIVED', 'IN_EXECUTION', 'PARTIALLY_EXECUTED'], by: ['REQUESTED_CA'] },
  RECORD_EXECUTION: { from: ['IN_EXECUTION', 'PARTIALLY_EXECUTED'], by: ['EXECUTING_AUTHORITY'], legalRef: 'UNTOC art. 18(24)' },
  TRANSMIT_RESULTS: { from: ['PARTIALLY_EXECUTED', 'EXECUTED'], by: ['REQUESTED_CA'] },
  CONFIRM_RECEIPT: { from: ['RESULTS_TRANSMITTED'], by: ['REQUESTING_CA'] },
  WITHDRAW: { from: 'ANY_OPEN', by: REQUESTING_SIDE },
  NOTE: { from: 'ANY_OPEN', by: [...PARTIES, 'LIAISON_MAGISTRATE', 'FOCAL_POINT'] },
  ASSIGN: ASSIGN_SPEC as CommandSpec<MlaState>,
};
