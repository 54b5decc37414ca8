// Response schemas of the case reads (view, history, timeline, list): declarations only, one class per JSON
// shape, kept together so the OpenAPI contract of a case reads in one place; hence the length.
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { CaseWarningDto } from '../../common/openapi';

/** What the read endpoints answer (see case-presenter.ts, which builds these shapes). */

const FREE_OBJECT = { type: 'object', additionalProperties: true } as const;

export class RulePackRefDto {
  @ApiProperty({ example: 'UNTOC' })
  instrumentId!: string;

  @ApiProperty({ example: 1 })
  version!: number;
}

export class CaseItemDto {
  @ApiProperty()
  id!: string;

  @ApiProperty({ example: 'BANK_RECORDS' })
  assistanceType!: string;

  @ApiProperty({ example: 'PENDING' })
  status!: string;

  @ApiProperty({ type: String, nullable: true })
  executingAuthorityId!: string | null;
}

export class EventActorDto {
  @ApiProperty({ description: 'user id' })
  id!: string;

  @ApiProperty({ example: 'PROSECUTOR' })
  role!: string;

  @ApiProperty({ type: String, nullable: true })
  stateCode!: string | null;

  @ApiProperty({ type: String, nullable: true })
  authorityId!: string | null;
}

export class NotificationDto {
  @ApiProperty()
  stateCode!: string;

  @ApiProperty()
  addressee!: string;

  @ApiProperty()
  message!: string;
}

/** One audit event of the case. */
export class CaseEventDto {
  @ApiProperty({ description: 'sequence number, contiguous from the filing' })
  seq!: number;

  @ApiProperty({ example: 'SUBMITTED' })
  event!: string;

  @ApiProperty({ type: String, nullable: true, description: 'state before the event' })
  from!: string | null;

  @ApiProperty({ description: 'state after the event' })
  to!: string;

  @ApiProperty({ type: EventActorDto })
  actor!: EventActorDto;

  @ApiProperty({ format: 'date-time' })
  at!: string;

  @ApiProperty({ type: String, nullable: true })
  legalRef!: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, description: 'absent for readers with SUMMARY visibility on the timeline' })
  comment?: string | null;

  @ApiPropertyOptional({ ...FREE_OBJECT, description: "the event's own data" })
  data?: Record<string, unknown>;

  @ApiPropertyOptional({ type: [NotificationDto] })
  notify?: NotificationDto[];
}

/** A case as its reader may see it: SUMMARY readers (focal points, managers) get no personal or case content. */
export class CaseDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ enum: ['MLA', 'EXTRADITION', 'DOMESTIC_PROSECUTION'] })
  kind!: string;

  @ApiProperty({ example: 'PENDING_CA_REVIEW' })
  state!: string;

  @ApiProperty({ description: 'the sequence number of the last event shown' })
  version!: number;

  @ApiProperty({ type: [String], example: ['URGENT'] })
  flags!: string[];

  @ApiProperty({ example: 'SN' })
  requestingState!: string;

  @ApiProperty()
  requestingAuthorityId!: string;

  @ApiProperty({ example: 'NG' })
  requestedState!: string;

  @ApiProperty({ example: 'UNTOC' })
  legalBasis!: string;

  @ApiProperty({ type: RulePackRefDto })
  rulePack!: RulePackRefDto;

  @ApiProperty({ type: [String] })
  assistanceTypes!: string[];

  @ApiProperty({ type: [CaseItemDto] })
  items!: CaseItemDto[];

  @ApiProperty({ example: 'fr' })
  language!: string;

  @ApiProperty({ enum: ['NORMAL', 'URGENT'] })
  urgency!: string;

  @ApiProperty({ type: String, format: 'date', nullable: true })
  requestedByDate!: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, description: 'FULL visibility only' })
  deadlineReason?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, description: 'FULL visibility only' })
  subjectOfProceedings?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, description: 'FULL visibility only' })
  factsSummary?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, description: 'FULL visibility only' })
  purpose?: string | null;

  @ApiPropertyOptional({ type: 'array', items: FREE_OBJECT, description: 'persons concerned; FULL visibility only' })
  persons?: unknown[];

  @ApiProperty({ description: 'user id of the filer' })
  createdBy!: string;

  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'the case this one is linked to (an extradition and its domestic prosecution)' })
  linkedCaseId!: string | null;

  @ApiPropertyOptional({ format: 'date-time' })
  filedAt?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'last act by the requesting or requested authorities' })
  lastPartyEventAt?: string;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  @ApiProperty({ format: 'date-time' })
  updatedAt!: string;

  @ApiProperty({ enum: ['FULL', 'SUMMARY'] })
  visibility!: string;
}

/** What every read of one case and every command answers: the case and its audit history. */
export class CaseViewDto extends CaseDto {
  @ApiProperty({ type: [CaseEventDto] })
  history!: CaseEventDto[];

  @ApiPropertyOptional({
    type: [CaseWarningDto],
    description:
      'after the filing (201) or a command: what the engine accepted but flags, e.g. `legalBasis`/`basis_not_in_force` when the chosen basis is not in force for a State of the pair (with the instruments that are), or a deadline shorter than usual',
  })
  warnings?: CaseWarningDto[];
}

export class CasePageDto {
  @ApiProperty({ type: [CaseDto] })
  items!: CaseDto[];

  @ApiProperty({ type: String, nullable: true, description: 'pass as `cursor` for the next page; null on the last' })
  nextCursor!: string | null;
}

export class ClockDto {
  @ApiProperty()
  id!: string;

  @ApiProperty({ example: 'UNTOC-ACK' })
  ruleId!: string;

  @ApiProperty()
  kind!: string;

  @ApiProperty({ example: 'REQUESTED' })
  side!: string;

  @ApiProperty({ example: 'running', description: 'lower case: running, paused, met, breached, cancelled' })
  status!: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  startedAt!: string | null;

  @ApiProperty({ type: String, format: 'date', nullable: true, description: 'the last day in time, in the deciding State' })
  lastDay!: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  dueAt!: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  stoppedAt!: string | null;

  @ApiPropertyOptional()
  pausedMs?: number;

  @ApiPropertyOptional({ description: 'reminders and escalations fired so far' })
  firings?: number;

  @ApiPropertyOptional()
  legalRef?: string;

  @ApiPropertyOptional({ description: 'whether the rule pack value was verified against the instrument' })
  verified?: boolean;
}

export class TaskDto {
  @ApiProperty()
  id!: string;

  @ApiProperty({ example: 'ESCALATION' })
  kind!: string;

  @ApiProperty({ description: 'ladder level 1..4' })
  level!: number;

  @ApiProperty()
  addressee!: string;

  @ApiProperty({ type: [String] })
  addresseeStates!: string[];

  @ApiProperty()
  reason!: string;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  dueAt!: string | null;

  @ApiProperty({ example: 'OPEN' })
  status!: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  resolvedAt!: string | null;

  @ApiProperty({ type: Number, nullable: true })
  resolutionDays!: number | null;
}

export class ExtraditionTimelineDto {
  @ApiPropertyOptional(FREE_OBJECT)
  formalRequest?: Record<string, unknown>;

  @ApiPropertyOptional(FREE_OBJECT)
  custody?: Record<string, unknown>;

  @ApiProperty({ ...FREE_OBJECT, nullable: true })
  surrender!: Record<string, unknown> | null;

  @ApiProperty({ ...FREE_OBJECT, nullable: true })
  courtDecision!: Record<string, unknown> | null;

  @ApiPropertyOptional(FREE_OBJECT)
  conflict?: Record<string, unknown>;

  @ApiProperty({ ...FREE_OBJECT, nullable: true })
  provisionalArrest!: Record<string, unknown> | null;
}

/** "Where is our request and what is late?" in one answer. */
export class TimelineDto {
  @ApiProperty({ format: 'uuid' })
  caseId!: string;

  @ApiProperty({ enum: ['MLA', 'EXTRADITION', 'DOMESTIC_PROSECUTION'] })
  kind!: string;

  @ApiProperty()
  state!: string;

  @ApiProperty({ type: [String] })
  flags!: string[];

  @ApiProperty()
  requestingState!: string;

  @ApiProperty()
  requestedState!: string;

  @ApiProperty()
  legalBasis!: string;

  @ApiProperty({ type: RulePackRefDto })
  rulePack!: RulePackRefDto;

  @ApiProperty({ type: String, format: 'date', nullable: true })
  requestedByDate!: string | null;

  @ApiPropertyOptional({ format: 'date-time' })
  lastPartyEventAt?: string;

  @ApiProperty({ type: [ClockDto] })
  clocks!: ClockDto[];

  @ApiProperty({ type: [TaskDto] })
  tasks!: TaskDto[];

  @ApiProperty({ type: 'array', items: FREE_OBJECT })
  items!: unknown[];

  @ApiProperty({ ...FREE_OBJECT, nullable: true, description: 'figures of the case (days to acknowledgment, to execution…)' })
  metrics!: Record<string, unknown> | null;

  @ApiProperty({ ...FREE_OBJECT, nullable: true })
  transmission!: Record<string, unknown> | null;

  @ApiProperty({ ...FREE_OBJECT, nullable: true })
  postponement!: Record<string, unknown> | null;

  @ApiProperty({ ...FREE_OBJECT, nullable: true })
  refusal!: Record<string, unknown> | null;

  @ApiProperty({ ...FREE_OBJECT, nullable: true })
  basisOverride!: Record<string, unknown> | null;

  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  linkedCaseId!: string | null;

  @ApiPropertyOptional({ type: ExtraditionTimelineDto, description: 'extradition cases only' })
  extradition?: ExtraditionTimelineDto;

  @ApiProperty({ type: [CaseEventDto] })
  events!: CaseEventDto[];
}
