import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { CaseStatus } from '../libs/contracts/src';

// Message names are stored in workflow histories: never rename one, add a new one.

/** Resolves once the filing has been recorded in Postgres; lets the API answer a filing with the stored case. */
export const awaitFiledUpdate = defineUpdate<CaseStatus>('awaitFiled');

/** Every life-cycle command goes through this update; its validator refuses what the rules forbid. */
export const caseCommandUpdate = defineUpdate<CaseStatus, [unknown]>('command');

export const caseStatusQuery = defineQuery<CaseStatus>('status');

/**
 * An operator re-drives a case whose read model is behind: the unwritten batch is tried again at once;
 * with `sanitize`, text Postgres cannot store is made storable from then on (recorded on the failure).
 */
export const redriveProjectionUpdate = defineUpdate<CaseStatus, [{ sanitize?: boolean }]>('redriveProjection');

/** ApplicationFailure type carried by refused commands; its first detail is the RuleViolation. */
export const RULE_VIOLATION_FAILURE = 'RuleViolation';
