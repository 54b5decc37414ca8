import { AssistanceType, Urgency } from './states';

export const PERSON_ROLES = ['SUSPECT', 'ACCUSED', 'WITNESS', 'VICTIM', 'OTHER'] as const;
export type PersonRole = (typeof PERSON_ROLES)[number];

export interface PersonConcerned {
  role: PersonRole;
  name: string;
  nationality?: string;
  dateOfBirth?: string;
  location?: string;
  identifier?: string;
}

/** What the request says: the parts the prosecutor drafts and may amend before transmission. */
export interface MlaRequestContent {
  assistanceTypes: AssistanceType[];
  subjectOfProceedings?: string;
  factsSummary?: string;
  purpose?: string;
  persons: PersonConcerned[];
  language: string;
  urgency: Urgency;
  requestedByDate?: string;
  deadlineReason?: string;
}

export const ITEM_STATUSES = ['PENDING', 'FORWARDED', 'EXECUTED', 'RETURNED'] as const;
export type ItemStatus = (typeof ITEM_STATUSES)[number];

/** One measure of a request: forwarded, executed and returned on its own. */
export interface MlaItem {
  id: string;
  assistanceType: AssistanceType;
  status: ItemStatus;
  executingAuthorityId?: string;
  forwardedAt?: number;
  executedAt?: number;
  returnedAt?: number;
  note?: string;
}
