// Rules that span cases run in Temporal: one workflow per person (and requested State) keeps the open
// extradition requests that concern them and links each conflicting pair on both cases (ECE art. 17).
import { defineQuery, defineSignal } from './message-definitions';

export const PERSON_REGISTRY_WORKFLOW_TYPE = 'personRegistryWorkflow';

/** Signal names are stored in histories: never rename one. */
export const PERSON_REGISTRY_SIGNALS = { register: 'registerRequest', deregister: 'deregisterRequest' } as const;

/** An extradition request for this person and requested State has been filed (or is still open). */
export const registerRequestSignal = defineSignal<[{ caseId: string }]>(PERSON_REGISTRY_SIGNALS.register);

/** The request has ended: it is no longer in conflict with anything. */
export const deregisterRequestSignal = defineSignal<[{ caseId: string }]>(PERSON_REGISTRY_SIGNALS.deregister);

export const personRegistryStateQuery = defineQuery<PersonRegistryState>('registryState');

const PERSON_KEY = /^[0-9a-f]{64}$/;

/**
 * The person workflow's id carries only a keyed hash (HMAC-SHA256 with a deployment secret) of the
 * requested State and the person identifier: no personal data reaches workflow ids.
 */
export function personWorkflowId(personKey: string): string {
  if (!PERSON_KEY.test(personKey)) throw new Error('not a person key');
  return `person-${personKey}`;
}

export interface PersonRegistryInput {
  /** Cases linked with each other so far, in registration order (carried over by continue-as-new). */
  open?: string[];
  /** Pairs already linked on both cases, as "a|b" with a < b. */
  linked?: string[];
  /** Registrations received but not yet linked. */
  arriving?: string[];
  continueAsNewAfterEvents?: number;
}

export interface PersonRegistryState {
  open: string[];
  arriving: string[];
}

/** What an extradition case tells the person workflow; the activity hashes the last two. */
export interface ExtraditionRequestRef {
  caseId: string;
  requestedState: string;
  identifier: string;
}

export type LinkOutcome = 'LINKED' | 'CASE_ENDED';

/** Idempotent: registration is a signal-with-start, links are updates with a deterministic update id. */
export interface PersonRegistryActivities {
  registerExtraditionRequest(ref: ExtraditionRequestRef): Promise<void>;
  deregisterExtraditionRequest(ref: ExtraditionRequestRef): Promise<void>;
  /** Records on `caseId` that `otherCaseId` concerns the same person; a case that has ended answers CASE_ENDED. */
  linkConflictingRequest(link: { caseId: string; otherCaseId: string }): Promise<LinkOutcome>;
}
