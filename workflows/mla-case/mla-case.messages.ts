import type { UpdateDefinition } from '@temporalio/common';
import type { CommandEnvelope } from '../../libs/domain/src';
import type { CaseStatus } from '../../libs/contracts/src';
import { caseCommandUpdate } from '../case.messages';

export { RULE_VIOLATION_FAILURE, awaitFiledUpdate, caseStatusQuery as statusQuery } from '../case.messages';

/** The `command` update, typed with the MLA command envelope. */
export const commandUpdate = caseCommandUpdate as unknown as UpdateDefinition<CaseStatus, [CommandEnvelope], 'command'>;
