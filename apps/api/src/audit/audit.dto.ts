import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Matches } from 'class-validator';
import { IsCaseId, IsInstant, QueryInteger } from '../common/validators';

// ---- queries ------------------------------------------------------------------------------

export class AuditVerifyQuery {
  @ApiPropertyOptional({ description: 'check this case only' })
  @IsOptional()
  @IsCaseId()
  caseId?: string;
}

export class AccessLogQuery {
  @ApiPropertyOptional({ description: 'reads that served this case' })
  @IsOptional()
  @IsCaseId()
  caseId?: string;

  @ApiPropertyOptional({ description: 'reads by this user' })
  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z0-9._:@-]{1,200}$/, { message: 'userId must be a user id' })
  userId?: string;

  @ApiPropertyOptional({ description: 'from this instant (inclusive), ISO 8601 with an offset' })
  @IsOptional()
  @IsInstant()
  from?: string;

  @ApiPropertyOptional({ description: 'to this instant (exclusive), ISO 8601 with an offset' })
  @IsOptional()
  @IsInstant()
  to?: string;

  @ApiPropertyOptional({ type: Number, minimum: 1, maximum: 500, default: 100, description: '1..500, default 100' })
  @QueryInteger({ min: 1, max: 500, message: 'an integer from 1 to 500' })
  limit: number = 100;

  @ApiPropertyOptional({ description: 'nextBefore of the previous page' })
  @IsOptional()
  @Matches(/^\d{1,18}$/, { message: 'before must be the nextBefore of the previous page' })
  before?: string;
}

// ---- answers ------------------------------------------------------------------------------

class BrokenLinkDto {
  @ApiProperty() caseId!: string;
  @ApiProperty({ description: 'the first seq whose link does not hold' }) seq!: number;
  @ApiProperty({ enum: ['CONTENT_CHANGED', 'ROW_MISSING', 'REORDERED', 'LINK_BROKEN', 'UNHASHED'] }) problem!: string;
  @ApiProperty() detail!: string;
}

class ChainVerificationDto {
  @ApiProperty() casesChecked!: number;
  @ApiProperty() rowsChecked!: number;
  @ApiProperty({ type: [BrokenLinkDto], description: 'the first broken link of each case whose chain does not hold' }) broken!: BrokenLinkDto[];
}

class StateVersionDto {
  @ApiProperty() state!: string;
  @ApiProperty() version!: number;
}

class ReadModelMismatchDto {
  @ApiProperty() caseId!: string;
  @ApiProperty({ type: StateVersionDto, nullable: true, description: 'what the cases row says' }) readModel!: StateVersionDto | null;
  @ApiProperty({ type: StateVersionDto, nullable: true, description: "the last audit row's to_state and seq" }) auditTrail!: StateVersionDto | null;
}

class ReadModelCheckDto {
  @ApiProperty() casesChecked!: number;
  @ApiProperty({ type: [ReadModelMismatchDto] }) mismatches!: ReadModelMismatchDto[];
}

export class AuditVerificationDto {
  @ApiProperty({ description: 'every chain holds and every case row agrees with its trail' }) intact!: boolean;
  @ApiProperty({ type: ChainVerificationDto }) chain!: ChainVerificationDto;
  @ApiProperty({ type: ReadModelCheckDto }) readModel!: ReadModelCheckDto;
}

class AccessReaderDto {
  @ApiProperty() userId!: string;
  @ApiProperty({ nullable: true, description: "the reader's roles, comma-separated" }) role!: string | null;
  @ApiProperty({ nullable: true }) stateCode!: string | null;
  @ApiProperty({ nullable: true }) authorityId!: string | null;
}

class AccessLogEntryDto {
  @ApiProperty() id!: string;
  @ApiProperty({ type: String, format: 'date-time' }) at!: string;
  @ApiProperty({ type: AccessReaderDto }) actor!: AccessReaderDto;
  @ApiProperty({ enum: ['CASE', 'TIMELINE', 'LIST', 'EXPORT', 'DOCUMENTS'] }) view!: string;
  @ApiProperty({ type: [String] }) caseIds!: string[];
}

export class AccessLogPageDto {
  @ApiProperty({ type: [AccessLogEntryDto] }) items!: AccessLogEntryDto[];
  @ApiProperty({ type: String, nullable: true, description: 'pass as `before` for the next page' }) nextBefore!: string | null;
}
