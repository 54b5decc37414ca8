import { defineQuery, defineSignal } from '@temporalio/workflow';
import { PERSON_REGISTRY_SIGNALS, type PersonRegistryState } from '../../libs/contracts/src';

// Message names are stored in workflow histories: never rename one, add a new one.

/** An extradition request for this person and requested State has been filed (or is still open). */
export const registerRequestSignal = defineSignal<[{ caseId: string }]>(PERSON_REGISTRY_SIGNALS.register);

/** The request has ended: it is no longer in conflict with anything. */
export const deregisterRequestSignal = defineSignal<[{ caseId: string }]>(PERSON_REGISTRY_SIGNALS.deregister);

export const personRegistryStateQuery = defineQuery<PersonRegistryState>('registryState');
