// Who may run each extradition command, and from which states.
import type { CaseRelation } from '../policy';
import type { CommandSpec, Envelope } from '../case/command-guard';
import { ASSIGN_SPEC, type AssignCommand } from '../case/assignment';
import type { LegalBasisSnapshot } from '../rule-pack';
import type { TransmissionChannel } from '../case/transmission';
import type { ConflictChoice, ExtraditionRefusalGround, ExtraditionState } from './states';

export type ExtraditionCommand =
  | { type: 'RECORD_ARREST'; comment?: string }
  | { type: 'SUBMIT'; comment?: string }
  | { type: 'RETURN_FOR_CORRECTION'; comment: string }
  | { type: 'RESUBMIT'; comment?: string }
  | { type: 'APPROVE'; comment?: string }
  | { type: 'OVERRIDE_BASIS'; justification: string }
  | { type: 'AMEND_BASIS'; legalBasis: string; basis?: LegalBasisSnapshot; comment?: string }
  | { type: 'TRANSMIT'; channel: TransmissionChannel; reference: string; comment?: string }
  | { type: 'RECEIVE_FORMAL_REQUEST'; reference?: string; comment?: string }
  | { type: 'REQUEST_REARREST'; comment?: string }
  | { type: 'OPEN_JUDICIAL_PHASE'; comment?: string }
  | { type: 'COURT_REQUEST_INFO'; details: string; timeLimitDays: number }
  | { type: 'PROVIDE_INFO'; details: string }
  | { type: 'RECORD_CONSENT'; comment?: string }
  | { type: 'COURT_DECISION'; outcome: 'FAVOURABLE' | 'UNFAVOURABLE'; comment?: string }
  | { type: 'APPEAL'; comment?: string }
  | { type: 'REFER_TO_EXECUTIVE'; comment?: string }
  | { type: 'OPEN_CONSULTATION'; proposal: string }
  | { type: 'CONSULTATION_REPLY'; text: string }
  | { type: 'REQUEST_DOMESTIC_PROSECUTION'; comment?: string }
  | { type: 'GRANT'; comment?: string }
  | { type: 'REFUSE'; ground: ExtraditionRefusalGround; reasons: string }
  | { type: 'RECORD_CONFLICT_CHOICE'; preferredCaseId: string; factors: ConflictChoice['factors'] }
  | { type: 'LINK_CONFLICT'; caseId: string }
  | { type: 'SCHEDULE_SURRENDER'; agreedDate: string; comment?: string }
  | { type: 'FORCE_MAJEURE'; newDate: string; reason: string }
  | { type: 'RECORD_SURRENDER'; comment?: string }
  | { type: 'DECIDE_ON_RELEASE'; decision: 'RELEASE' | 'MAINTAIN_CUSTODY'; reasons: string }
  | { type: 'WITHDRAW'; reason: string }
  | { type: 'NOTE'; text: string }
  | AssignCommand;
export type ExtraditionCommandType = ExtraditionCommand['type'];

export type ExtraditionEnvelope = Envelope<ExtraditionCommand, CaseRelation | 'SYSTEM'>;

const REQUESTING: CaseRelation[] = ['REQUESTING_PROSECUTOR', 'REQUESTING_CA'];
const OPEN_BEFORE_DECISION: ExtraditionState[] = [
  'PA_REQUESTED',
  'PERSON_IN_PROVISIONAL_CUSTODY',
  'RELEASED_PENDING_REQUEST',
  'FORMAL_REQUEST_PREPARATION',
  'FORMAL_REQUEST_RECEIVED',
  'JUDICIAL_PHASE',
  'COURT_DECISION',
  'EXECUTIVE_DECISION',
  'CONSULTATION',
];
const AWAITING_FORMAL: ExtraditionState[] = ['PA_REQUESTED', 'PERSON_IN_PROVISIONAL_CUSTODY', 'RELEASED_PENDING_REQUEST', 'FORMAL_REQUEST_PREPARATION'];

export const EXTRADITION_COMMANDS: Record<ExtraditionCommandType, CommandSpec<ExtraditionState, CaseRelation | 'SYSTEM'>> = {
  RECORD_ARREST: {
    from: ['PA_REQUESTED', 'RELEASED_PENDING_REQUEST', 'FORMAL_REQUEST_PREPARATION', 'FORMAL_REQUEST_RECEIVED', 'JUDICIAL_PHASE'],
    by: ['REQUESTED_CA'],
    legalRef: 'UNTOC art. 16(9)',
  },
  SUBMIT: { from: AWAITING_FORMAL, by: ['REQUESTING_PROSECUTOR'] },
  RETURN_FOR_CORRECTION: { from: AWAITING_FORMAL, by: ['REQUESTING_CA'] },
  RESUBMIT: { from: AWAITING_FORMAL, by: ['REQUESTING_PROSECUTOR'] },
  APPROVE: { from: AWAITING_FORMAL, by: ['REQUESTING_CA'] },
  OVERRIDE_BASIS: { from: AWAITING_FORMAL, by: ['ADMIN'] },
  AMEND_BASIS: { from: AWAITING_FORMAL, by: REQUESTING },
  TRANSMIT: { from: AWAITING_FORMAL, by: ['REQUESTING_CA'], legalRef: 'UNTOC art. 16' },
  RECEIVE_FORMAL_REQUEST: { from: AWAITING_FORMAL, by: ['REQUESTED_CA'] },
  REQUEST_REARREST: { from: ['FORMAL_REQUEST_RECEIVED', 'JUDICIAL_PHASE', 'COURT_DECISION', 'EXECUTIVE_DECISION'], by: ['REQUESTING_CA'] },
  OPEN_JUDICIAL_PHASE: { from: ['FORMAL_REQUEST_RECEIVED'], by: ['REQUESTED_CA'] },
  COURT_REQUEST_INFO: { from: ['JUDICIAL_PHASE'], by: ['REQUESTED_CA'] },
  PROVIDE_INFO: { from: ['JUDICIAL_PHASE'], by: REQUESTING },
  RECORD_CONSENT: { from: ['FORMAL_REQUEST_RECEIVED', 'JUDICIAL_PHASE', 'PERSON_IN_PROVISIONAL_CUSTODY'], by: ['REQUESTED_CA'], legalRef: 'UNTOC art. 16(8)' },
  COURT_DECISION: { from: ['JUDICIAL_PHASE'], by: ['REQUESTED_CA'] },
  APPEAL: { from: ['COURT_DECISION'], by: ['REQUESTED_CA'] },
  REFER_TO_EXECUTIVE: { from: ['COURT_DECISION'], by: ['REQUESTED_CA'] },
  OPEN_CONSULTATION: { from: ['COURT_DECISION', 'EXECUTIVE_DECISION'], by: ['REQUESTED_CA'], legalRef: 'UNTOC art. 16(16)' },
  CONSULTATION_REPLY: { from: ['CONSULTATION'], by: REQUESTING },
  REQUEST_DOMESTIC_PROSECUTION: { from: OPEN_BEFORE_DECISION, by: ['REQUESTING_CA'], legalRef: 'UNTOC art. 16(10)' },
  GRANT: { from: ['EXECUTIVE_DECISION', 'CONSULTATION'], by: ['REQUESTED_CA'] },
  REFUSE: {
    from: ['CONSULTATION'],
    by: ['REQUESTED_CA'],
    legalRef: 'UNTOC art. 16(16)',
    elsewhere: {
      code: 'CONSULTATION_REQUIRED',
      message: 'refusal of extradition is possible only after consultation with the requesting State (UNTOC art. 16(16))',
      legalRef: 'UNTOC art. 16(16)',
    },
  },
  RECORD_CONFLICT_CHOICE: { from: OPEN_BEFORE_DECISION, by: ['REQUESTED_CA'], legalRef: 'ECE art. 17' },
  LINK_CONFLICT: { from: 'ANY_OPEN', by: ['SYSTEM'] },
  SCHEDULE_SURRENDER: { from: ['GRANTED'], by: ['REQUESTED_CA'] },
  FORCE_MAJEURE: { from: ['SURRENDER_SCHEDULED'], by: ['REQUESTED_CA', 'REQUESTING_CA'], legalRef: 'ECE art. 18(5)' },
  RECORD_SURRENDER: { from: ['SURRENDER_SCHEDULED'], by: ['REQUESTED_CA'] },
  DECIDE_ON_RELEASE: { from: ['PERSON_IN_PROVISIONAL_CUSTODY', 'SURRENDER_SCHEDULED'], by: ['REQUESTED_CA'] },
  WITHDRAW: { from: 'ANY_OPEN', by: REQUESTING },
  NOTE: { from: 'ANY_OPEN', by: ['REQUESTING_PROSECUTOR', 'REQUESTING_CA', 'REQUESTED_CA', 'EXECUTING_AUTHORITY', 'LIAISON_MAGISTRATE', 'FOCAL_POINT'] },
  ASSIGN: ASSIGN_SPEC as CommandSpec<ExtraditionState>,
};
