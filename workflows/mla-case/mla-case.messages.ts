import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { CommandEnvelope } from '../../libs/domain/src';
import type { MlaCaseStatus } from '../../libs/contracts/src';

// Message names are stored in workflow histories: never rename one, add a new one.

/** Resolves once the filing has been recorded in Postgres; lets the API answer a filing with the stored case. */
export const awaitFiledUpdate = defineUpdate<MlaCaseStatus>('awaitFiled');

/** Every life-cycle command goes through this update; its validator refuses what the rules forbid. */
export const commandUpdate = defineUpdate<MlaCaseStatus, [CommandEnvelope]>('command');

export const statusQuery = defineQuery<MlaCaseStatus>('status');

/** ApplicationFailure type carried by refused commands; its first detail is the RuleViolation. */
export const RULE_VIOLATION_FAILURE = 'RuleViolation';
