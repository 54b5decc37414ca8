import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { decodeInboxCursor } from '../../../../libs/persistence/src';
import { IsPageCursor, QueryInteger } from '../common/validators';

export const WORK_KINDS = ['STEP', 'REMINDER', 'ESCALATION', 'STATUS_CHECK', 'INFO_RESPONSE', 'PRECHECK', 'ACTION'] as const;

export class InboxQuery {
  @ApiPropertyOptional({ type: Number, minimum: 1, maximum: 100, default: 20, description: '1..100, default 20' })
  @QueryInteger({ min: 1, max: 100, message: 'an integer from 1 to 100' })
  limit: number = 20;

  @ApiPropertyOptional({ description: 'nextCursor of the previous page' })
  @IsOptional()
  @IsPageCursor((cursor) => (cursor === '' ? cursor : decodeInboxCursor(cursor)))
  cursor?: string;

  @ApiPropertyOptional({ enum: WORK_KINDS, description: 'only items of this kind (the counts stay over every kind)' })
  @IsOptional()
  @IsIn(WORK_KINDS, { message: `kind must be one of ${WORK_KINDS.join(', ')}` })
  kind?: string;
}

export class InboxCaseDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ enum: ['MLA', 'EXTRADITION', 'DOMESTIC_PROSECUTION'] })
  kind!: string;

  @ApiProperty({ example: 'PENDING_CA_REVIEW' })
  state!: string;

  @ApiProperty({ example: 'SN' })
  requestingState!: string;

  @ApiProperty({ example: 'GH' })
  requestedState!: string;

  @ApiProperty({ example: 'ECOWAS-MLA-1992' })
  legalBasis!: string;

  @ApiProperty({ type: [String], description: 'the flags the actor may read (URGENT, DEADLINE_BREACHED, ESCALATED …)' })
  flags!: string[];

  @ApiProperty({ format: 'date-time' })
  filedAt!: string;
}

export class InboxItemDto {
  @ApiProperty({ type: InboxCaseDto })
  case!: InboxCaseDto;

  @ApiProperty({ enum: WORK_KINDS, description: 'STEP: a step the state machine expects; the others: an open task (reminder, escalation …)' })
  kind!: string;

  @ApiProperty({ example: 'step:REQUESTING_CA', description: 'stable within the case' })
  key!: string;

  @ApiProperty({ example: 'PENDING_CA_REVIEW', description: "what is expected: the case's state awaiting the step, or the task's reason" })
  expected!: string;

  @ApiProperty({ type: [String], example: ['APPROVE', 'RETURN_FOR_CORRECTION'], description: 'the commands that settle a step (GET /cases/:id/actions)' })
  commands!: string[];

  @ApiPropertyOptional({ example: 'REQUESTING_CA', description: 'the relation through which the actor owes the step' })
  relation?: string;

  @ApiPropertyOptional({ example: 'item-1' })
  itemId?: string;

  @ApiPropertyOptional({ description: 'escalation ladder level of a task (0 reminder … 4 démarche)' })
  level?: number;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'when the step or task falls due (the breach instant)' })
  dueAt!: string | null;

  @ApiProperty({ type: String, nullable: true, example: 'UNTOC art. 18(13)' })
  legalRef!: string | null;

  @ApiProperty({ description: 'a clock of this step or task has run out' })
  breached!: boolean;

  @ApiProperty()
  urgent!: boolean;

  @ApiProperty({ type: String, nullable: true, description: 'the officer of the actor’s authority the case is assigned to' })
  assignee!: string | null;
}

export class InboxDto {
  @ApiProperty({ type: [InboxItemDto], description: 'urgent cases first, then breached clocks, then the earliest due' })
  items!: InboxItemDto[];

  @ApiProperty({ type: 'object', additionalProperties: { type: 'number' }, example: { STEP: 3, REMINDER: 1 }, description: 'items per kind, over every page' })
  counts!: Record<string, number>;

  @ApiProperty({ type: String, nullable: true, description: 'pass as `cursor` for the next page; null on the last' })
  nextCursor!: string | null;
}

export class CommandFieldDto {
  @ApiProperty({ example: 'comment' })
  name!: string;

  @ApiProperty()
  required!: boolean;

  @ApiProperty({ example: 'string' })
  type!: string;

  @ApiPropertyOptional()
  isArray?: boolean;

  @ApiPropertyOptional({ type: [String] })
  enum?: string[];

  @ApiPropertyOptional({ example: 'date-time' })
  format?: string;

  @ApiPropertyOptional()
  maxLength?: number;

  @ApiPropertyOptional()
  description?: string;
}

export class RefusalDto {
  @ApiProperty({ example: 'INVALID_TRANSITION' })
  code!: string;

  @ApiProperty()
  message!: string;

  @ApiPropertyOptional({ example: 'UNTOC art. 18(26)' })
  legalRef?: string;
}

export class CaseActionDto {
  @ApiProperty({ example: 'APPROVE' })
  command!: string;

  @ApiProperty({ enum: ['POST', 'PATCH'] })
  method!: string;

  @ApiProperty({ example: '/cases/0d5c…/approve', description: 'the route to call (RECORD_EXECUTION: with {itemId} to fill in)' })
  path!: string;

  @ApiProperty({ type: [CommandFieldDto], description: 'the body fields the route validates' })
  fields!: CommandFieldDto[];

  @ApiProperty({ example: 'REQUESTING_CA' })
  relation!: string;

  @ApiProperty({ description: 'whether the workflow would take the command now (its fields still have to be valid)' })
  available!: boolean;

  @ApiPropertyOptional({ type: RefusalDto, description: 'why the workflow would refuse it now' })
  refusal?: RefusalDto;

  @ApiPropertyOptional({ type: String, nullable: true })
  legalRef?: string | null;

  @ApiPropertyOptional({ type: [String], description: 'RECORD_EXECUTION: the items forwarded to the actor’s authority' })
  itemIds?: string[];

  @ApiProperty({ description: 'part of a step the case owes the actor (see GET /inbox)' })
  owed!: boolean;
}

export class CaseActionsDto {
  @ApiProperty({ format: 'uuid' })
  caseId!: string;

  @ApiProperty()
  kind!: string;

  @ApiProperty()
  state!: string;

  @ApiProperty()
  version!: number;

  @ApiProperty({ type: [CaseActionDto] })
  actions!: CaseActionDto[];
}

export class CaseEventsQuery {
  @ApiPropertyOptional({
    type: Number,
    minimum: 0,
    description: 'the version the client shows: the stream waits (up to 10 s) for a later one; absent, it answers the current version at once',
  })
  @IsOptional()
  @QueryInteger({ min: 0, max: 999_999_999, rule: 'integer', digitsOnly: true, message: 'a version of the case' })
  since?: number;
}
