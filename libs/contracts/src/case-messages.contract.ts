import type { CommandEnvelope, DomesticEnvelope, ExtraditionEnvelope } from '../../domain/src';
import type { CaseStatus } from './mla-case.contract';
import { defineQuery, defineUpdate } from './message-definitions';

// The messages every case workflow answers: a wire contract between the API's gateway and the
// workflows. Message names are stored in workflow histories: never rename one, add a new one.

/** Resolves once the filing has been recorded in Postgres; lets the API answer a filing with the stored case. */
export const awaitFiledUpdate = defineUpdate<CaseStatus>('awaitFiled');

/** Every life-cycle command goes through this update; its validator refuses what the rules forbid. */
export const caseCommandUpdate = defineUpdate<CaseStatus, [unknown]>('command');

/** The same `command` update, typed with each kind's envelope (one name on the wire). */
export const mlaCommandUpdate = defineUpdate<CaseStatus, [CommandEnvelope], 'command'>('command');
export const extraditionCommandUpdate = defineUpdate<CaseStatus, [ExtraditionEnvelope], 'command'>('command');
export const domesticCommandUpdate = defineUpdate<CaseStatus, [DomesticEnvelope], 'command'>('command');

export const caseStatusQuery = defineQuery<CaseStatus>('status');

/**
 * An operator re-drives a case whose read model is behind: the unwritten batch is tried again at once;
 * with `sanitize`, text Postgres cannot store is made storable from then on (recorded on the failure).
 */
export const redriveProjectionUpdate = defineUpdate<CaseStatus, [{ sanitize?: boolean }]>('redriveProjection');

/** ApplicationFailure type carried by refused commands; its first detail is the RuleViolation. */
export const RULE_VIOLATION_FAILURE = 'RuleViolation';
