import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayNotEmpty,
  ArrayUnique,
  IsArray,
  IsIn,
  IsNotEmpty,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { ASSISTANCE_TYPES, URGENCY_LEVELS, type AssistanceType, type Urgency } from '../../../../../libs/domain/src';
import { PERSON_ROLES, type PersonRole } from '../../../../../libs/contracts/src';
import { IsCalendarDate } from '../../common/validators';

const STATE_CODE = /^[A-Z]{2}$/;
const LANGUAGE = /^[a-z]{2}$/;

export class PersonConcernedDto {
  @ApiProperty({ enum: PERSON_ROLES })
  @IsIn(PERSON_ROLES)
  role: PersonRole;

  @ApiProperty({ maxLength: 200 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name: string;

  @ApiPropertyOptional({ description: 'ISO 3166-1 alpha-2', example: 'NG' })
  @IsOptional()
  @Matches(STATE_CODE, { message: 'nationality must be an ISO 3166-1 alpha-2 code' })
  nationality?: string;

  @ApiPropertyOptional({ format: 'date' })
  @IsOptional()
  @IsCalendarDate()
  dateOfBirth?: string;

  @ApiPropertyOptional({ maxLength: 500 })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  location?: string;

  @ApiPropertyOptional({ description: 'Passport, national id or INTERPOL reference', maxLength: 100 })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  identifier?: string;
}

/** A prosecutor's MLA request. The requesting State and authority are the filer's own. */
export class FileMlaRequestDto {
  @ApiProperty({ description: 'ISO 3166-1 alpha-2 code of the requested State', example: 'ML' })
  @Matches(STATE_CODE, { message: 'requestedState must be an ISO 3166-1 alpha-2 code' })
  requestedState: string;

  @ApiProperty({ description: 'Instrument id, see GET /reference/instruments', example: 'ECOWAS-MLA-1992' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(50)
  legalBasis: string;

  @ApiProperty({ enum: ASSISTANCE_TYPES, isArray: true })
  @IsArray()
  @ArrayNotEmpty()
  @ArrayUnique()
  @ArrayMaxSize(ASSISTANCE_TYPES.length)
  @IsIn(ASSISTANCE_TYPES, { each: true })
  assistanceTypes: AssistanceType[];

  @ApiPropertyOptional({ description: 'Subject and nature of the proceedings (UNTOC art. 18(15)(b))', maxLength: 5000 })
  @IsOptional()
  @IsString()
  @MaxLength(5000)
  subjectOfProceedings?: string;

  @ApiPropertyOptional({ description: 'Summary of the relevant facts (UNTOC art. 18(15)(c))', maxLength: 20000 })
  @IsOptional()
  @IsString()
  @MaxLength(20000)
  factsSummary?: string;

  @ApiPropertyOptional({ description: 'Purpose of the request (UNTOC art. 18(15)(f))', maxLength: 5000 })
  @IsOptional()
  @IsString()
  @MaxLength(5000)
  purpose?: string;

  @ApiProperty({ type: [PersonConcernedDto], description: 'UNTOC art. 18(15)(e)' })
  @IsArray()
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => PersonConcernedDto)
  persons: PersonConcernedDto[];

  @ApiProperty({ description: 'ISO 639-1 language of the request', example: 'fr' })
  @Matches(LANGUAGE, { message: 'language must be an ISO 639-1 code' })
  language: string;

  @ApiPropertyOptional({ enum: URGENCY_LEVELS, default: 'NORMAL' })
  @IsOptional()
  @IsIn(URGENCY_LEVELS)
  urgency?: Urgency;

  @ApiPropertyOptional({ format: 'date', description: "The requester's deadline (ECOWAS art. 5(1)(f), UNTOC art. 18(24))" })
  @IsOptional()
  @IsCalendarDate()
  requestedByDate?: string;

  @ApiPropertyOptional({ description: 'Why the deadline matters; required with requestedByDate (UNTOC art. 18(24))', maxLength: 2000 })
  @ValidateIf((o: FileMlaRequestDto) => o.requestedByDate !== undefined || o.deadlineReason !== undefined)
  @IsString()
  @IsNotEmpty({ message: 'deadlineReason is required with requestedByDate: a deadline must be reasoned (UNTOC art. 18(24))' })
  @MaxLength(2000)
  deadlineReason?: string;
}
