// Query and response schemas of the managers' view: declarations only, one class per shape, kept together
// so the OpenAPI contract of /monitoring reads in one place; hence the length.
import { ApiProperty, ApiPropertyOptional, OmitType } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString } from 'class-validator';
import { decodeKey, type Direction, type KeyPart, type MonitoringFilter } from '../../../../libs/persistence/src';
import { IsCalendarDate, IsPageCursor, IsStateCode, QueryInteger } from '../common/validators';

const KINDS = ['MLA', 'EXTRADITION', 'DOMESTIC_PROSECUTION'];
const oneOf = (name: string, allowed: readonly string[]) => IsIn(allowed, { message: `${name} must be one of ${allowed.join(', ')}` });
const cursorOf = (parts: readonly KeyPart[]) => IsPageCursor((cursor) => decodeKey(cursor, parts));

/** Default period: the last twelve calendar months, this one included (whole months use the pre-aggregates). */
const monthStart = (monthsFromNow: number) => {
  const d = new Date();
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + monthsFromNow, 1)).toISOString().slice(0, 10);
};

// ---- queries ------------------------------------------------------------------------------

/** The filters every monitoring call accepts. */
export class MonitoringFilterQuery {
  @ApiPropertyOptional({ description: 'requesting State (ISO code)', example: 'SN' })
  @IsOptional()
  @IsStateCode()
  requesting?: string;

  @ApiPropertyOptional({ description: 'requested State (ISO code)', example: 'NG' })
  @IsOptional()
  @IsStateCode()
  requested?: string;

  @ApiPropertyOptional({ enum: KINDS })
  @IsOptional()
  @oneOf('kind', KINDS)
  kind?: string;

  @ApiPropertyOptional({ description: 'instrument id' })
  @IsOptional()
  @IsString()
  legalBasis?: string;

  filter(): MonitoringFilter {
    return { requestingState: this.requesting, requestedState: this.requested, kind: this.kind, legalBasis: this.legalBasis };
  }
}

class MonitoringPageQuery extends MonitoringFilterQuery {
  @ApiPropertyOptional({ type: Number, minimum: 1, maximum: 200, default: 50, description: '1..200, default 50' })
  @QueryInteger({ min: 1, max: 200 })
  limit: number = 50;

  /** Each list declares its cursor, typed part by part as the list's key is. */
  cursor?: string;

  /** The cursor's values, once the pipe has checked it against the list's key. */
  after(parts: readonly KeyPart[]): string[] | null {
    return this.cursor === undefined ? null : decodeKey(this.cursor, parts);
  }
}

export const STALLED_KEY: readonly KeyPart[] = ['instant', 'uuid'];
export const DEADLINES_KEY: readonly KeyPart[] = ['date', 'uuid'];
export const ESCALATIONS_KEY: readonly KeyPart[] = ['instant', 'uuid', 'text'];
export const QUEUE_KEY: readonly KeyPart[] = ['rank', 'instant', 'uuid'];

export class QueueQuery extends MonitoringPageQuery {
  @ApiPropertyOptional({ description: 'nextCursor of the previous page' })
  @IsOptional()
  @cursorOf(QUEUE_KEY)
  override cursor?: string;
}

export class StalledQuery extends MonitoringPageQuery {
  @ApiPropertyOptional({ description: 'nextCursor of the previous page' })
  @IsOptional()
  @cursorOf(STALLED_KEY)
  override cursor?: string;

  @ApiPropertyOptional({ type: Number, default: 30, description: 'no act by either party for this many days (default 30)' })
  @QueryInteger({ min: 1, max: 3650 })
  days: number = 30;

  @ApiPropertyOptional({ enum: ['idle', 'filed'], default: 'idle' })
  @oneOf('sort', ['idle', 'filed'])
  sort: 'idle' | 'filed' = 'idle';

  @ApiPropertyOptional({ enum: ['desc', 'asc'], default: 'desc' })
  @oneOf('order', ['desc', 'asc'])
  order: Direction = 'desc';
}

export class DeadlinesQuery extends MonitoringPageQuery {
  @ApiPropertyOptional({ description: 'nextCursor of the previous page' })
  @IsOptional()
  @cursorOf(DEADLINES_KEY)
  override cursor?: string;

  @ApiPropertyOptional({ enum: ['at-risk', 'breached', 'all'], default: 'all' })
  @oneOf('status', ['at-risk', 'breached', 'all'])
  status: 'at-risk' | 'breached' | 'all' = 'all';

  @ApiPropertyOptional({ type: Number, default: 7, description: 'at risk when due within this many days (default 7)' })
  @QueryInteger({ min: 0, max: 365 })
  withinDays: number = 7;

  @ApiPropertyOptional({ enum: ['asc', 'desc'], default: 'asc' })
  @oneOf('order', ['asc', 'desc'])
  order: Direction = 'asc';
}

export class EscalationsQuery extends MonitoringPageQuery {
  @ApiPropertyOptional({ description: 'nextCursor of the previous page' })
  @IsOptional()
  @cursorOf(ESCALATIONS_KEY)
  override cursor?: string;

  @ApiPropertyOptional({ type: Number, minimum: 1, maximum: 4, description: 'ladder level 1..4' })
  @IsOptional()
  @QueryInteger({ min: 1, max: 4 })
  level?: number;

  @ApiPropertyOptional({ enum: ['desc', 'asc'], default: 'desc', description: 'by age; oldest first by default' })
  @oneOf('order', ['desc', 'asc'])
  order: Direction = 'desc';
}

export class StatisticsQuery extends MonitoringFilterQuery {
  @ApiPropertyOptional({ format: 'date', description: 'filing date from (inclusive), default the first day of the month a year ago' })
  @IsCalendarDate()
  from: string = monthStart(-11);

  @ApiPropertyOptional({ format: 'date', description: 'filing date to (exclusive), default the first day of next month' })
  @IsCalendarDate()
  to: string = monthStart(1);
}

// ---- answers ------------------------------------------------------------------------------

class MonitoredCaseDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ enum: KINDS })
  kind!: string;

  @ApiProperty()
  state!: string;

  @ApiProperty()
  requestingState!: string;

  @ApiProperty()
  requestedState!: string;

  @ApiProperty()
  legalBasis!: string;

  @ApiProperty({ type: [String] })
  flags!: string[];
}

export class StalledCaseDto extends MonitoredCaseDto {
  @ApiProperty({ format: 'date-time' })
  lastPartyEventAt!: string;

  @ApiProperty({ format: 'date-time' })
  filedAt!: string;

  @ApiProperty()
  idleDays!: number;
}

export class QueueCaseDto extends MonitoredCaseDto {
  @ApiProperty({ enum: ['URGENT', 'NORMAL'] })
  urgency!: string;

  @ApiProperty({ format: 'date', nullable: true })
  requestedByDate!: string | null;

  @ApiProperty({ format: 'date-time' })
  transmittedAt!: string;

  @ApiProperty({ description: '0 urgent, 1 deadline breached, 2 deadline at risk, 3 the others' })
  rank!: number;
}

export class DeadlineCaseDto extends MonitoredCaseDto {
  @ApiProperty({ format: 'date' })
  requestedByDate!: string;

  @ApiProperty({ description: 'negative once breached' })
  daysLeft!: number;
}

export class EscalationDto {
  @ApiProperty({ format: 'uuid' })
  caseId!: string;

  @ApiProperty()
  taskId!: string;

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

  @ApiProperty()
  ageDays!: number;

  @ApiProperty()
  requestingState!: string;

  @ApiProperty()
  requestedState!: string;

  @ApiProperty({ enum: KINDS })
  kind!: string;

  @ApiProperty()
  state!: string;
}

const NEXT_CURSOR = { type: String, nullable: true, description: 'pass as `cursor` for the next page; null on the last' } as const;

export class QueuePageDto {
  @ApiProperty({ type: [QueueCaseDto] })
  items!: QueueCaseDto[];

  @ApiProperty(NEXT_CURSOR)
  nextCursor!: string | null;
}

export class StalledPageDto {
  @ApiProperty({ type: [StalledCaseDto] })
  items!: StalledCaseDto[];

  @ApiProperty(NEXT_CURSOR)
  nextCursor!: string | null;
}

export class DeadlinePageDto {
  @ApiProperty({ type: [DeadlineCaseDto] })
  items!: DeadlineCaseDto[];

  @ApiProperty(NEXT_CURSOR)
  nextCursor!: string | null;
}

export class EscalationPageDto {
  @ApiProperty({ type: [EscalationDto] })
  items!: EscalationDto[];

  @ApiProperty(NEXT_CURSOR)
  nextCursor!: string | null;
}

class DistributionDto {
  @ApiProperty({ type: Number, nullable: true })
  median!: number | null;

  @ApiProperty({ type: Number, nullable: true })
  p90!: number | null;

  @ApiProperty({ description: 'cases counted' })
  cases!: number;
}

class DeadlineFigureDto {
  @ApiProperty()
  ruleId!: string;

  @ApiProperty()
  total!: number;

  @ApiProperty()
  breached!: number;

  @ApiProperty()
  shareBreached!: number;
}

class EscalationFiguresDto {
  @ApiProperty()
  raised!: number;

  @ApiProperty()
  resolved!: number;

  @ApiProperty({ type: Number, nullable: true })
  medianResolutionDays!: number | null;
}

class CustodyFiguresDto {
  @ApiProperty()
  cases!: number;

  @ApiProperty()
  totalDays!: number;

  @ApiProperty({ type: Number, nullable: true })
  maxDays!: number | null;
}

export class PairStatisticsDto {
  @ApiProperty()
  requestingState!: string;

  @ApiProperty()
  requestedState!: string;

  @ApiProperty()
  open!: number;

  @ApiProperty()
  terminal!: number;

  @ApiProperty({ type: DistributionDto })
  ackDays!: DistributionDto;

  @ApiProperty({ type: DistributionDto })
  executionDays!: DistributionDto;

  @ApiProperty({ type: [DeadlineFigureDto] })
  deadlines!: DeadlineFigureDto[];

  @ApiProperty({ type: EscalationFiguresDto })
  escalations!: EscalationFiguresDto;

  @ApiProperty({ type: 'object', additionalProperties: { type: 'number' }, description: 'refused cases by ground' })
  refusalsByGround!: Record<string, number>;

  @ApiProperty({ type: CustodyFiguresDto })
  custody!: CustodyFiguresDto;

  @ApiProperty({ description: "acts recorded by the pair's liaison magistrates on the cases (pre-check comments, notes, follow-ups)" })
  liaisonInterventions!: number;
}

class PeriodDto {
  @ApiProperty({ format: 'date' })
  from!: string;

  @ApiProperty({ format: 'date' })
  to!: string;
}

export class NetworkStatisticsDto extends OmitType(PairStatisticsDto, ['requestingState', 'requestedState'] as const) {
  @ApiProperty({ description: 'how many pairs in scope the network figures cover' })
  pairs!: number;
}

export class StatisticsDto {
  @ApiProperty({ type: PeriodDto })
  period!: PeriodDto;

  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' }, description: 'what each figure means' })
  definitions!: Record<string, string>;

  @ApiProperty({ enum: ['pre-aggregated', 'live'] })
  source!: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'pre-aggregated figures: when they were last rebuilt' })
  refreshedAt?: string;

  @ApiProperty({ type: [PairStatisticsDto] })
  pairs!: PairStatisticsDto[];

  @ApiProperty({ type: NetworkStatisticsDto, description: 'the same figures over every pair in scope taken together, exact (see definitions.network)' })
  network!: NetworkStatisticsDto;
}

export class RefreshedDto {
  @ApiProperty({ format: 'date-time' })
  refreshedAt!: string;
}
