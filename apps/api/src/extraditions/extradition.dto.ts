import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsNotEmpty, IsOptional, IsString, Matches, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import {
  EXTRADITION_REFUSAL_GROUNDS,
  PERSON_ROLES,
  TRANSMISSION_CHANNELS,
  URGENCY_LEVELS,
  type DomesticState,
  type ExtraditionRefusalGround,
  type PersonRole,
  type TransmissionChannel,
  type Urgency,
} from '../../../../libs/domain/src';
import { CommandDto } from '../cases/dto/case-commands.dto';
import { IsCalendarDate, IsCaseId } from '../common/validators';

const STATE_CODE = /^[A-Z]{2}$/;

export class WantedPersonDto {
  @ApiProperty({ enum: PERSON_ROLES }) @IsIn(PERSON_ROLES) role: PersonRole;
  @ApiProperty() @IsString() @IsNotEmpty() @MaxLength(200) name: string;
  @ApiProperty({ description: 'Passport, national id or INTERPOL notice: matches requests from several States for the same person' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  identifier: string;
  @ApiPropertyOptional({ example: 'NG' })
  @IsOptional()
  @Matches(STATE_CODE, { message: 'nationality must be an ISO 3166-1 alpha-2 code' })
  nationality?: string;
  @ApiPropertyOptional({ format: 'date' }) @IsOptional() @IsCalendarDate() dateOfBirth?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(500) location?: string;
}

export class ProvisionalArrestDto {
  @ApiProperty({ enum: TRANSMISSION_CHANNELS }) @IsIn(TRANSMISSION_CHANNELS) channel: TransmissionChannel;
  @ApiProperty({ description: 'INTERPOL diffusion or note reference' }) @IsString() @IsNotEmpty() @MaxLength(500) reference: string;
}

export class FileExtraditionDto {
  @ApiProperty({ example: 'BJ' }) @Matches(STATE_CODE, { message: 'requestedState must be an ISO 3166-1 alpha-2 code' }) requestedState: string;
  @ApiProperty({ description: 'An instrument both States are party to (GET /reference/legal-bases)', example: 'ECOWAS-EXT-1994' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(50)
  legalBasis: string;
  @ApiProperty({ type: WantedPersonDto }) @ValidateNested() @Type(() => WantedPersonDto) person: WantedPersonDto;
  @ApiProperty() @IsString() @IsNotEmpty() @MaxLength(2000) offence: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(20000) factsSummary?: string;
  @ApiProperty({ enum: ['PROSECUTION', 'ENFORCEMENT_OF_SENTENCE'] }) @IsIn(['PROSECUTION', 'ENFORCEMENT_OF_SENTENCE']) purpose:
    'PROSECUTION' | 'ENFORCEMENT_OF_SENTENCE';
  @ApiProperty({ example: 'en' }) @Matches(/^[a-z]{2}$/, { message: 'language must be an ISO 639-1 code' }) language: string;
  @ApiPropertyOptional({ enum: URGENCY_LEVELS }) @IsOptional() @IsIn(URGENCY_LEVELS) urgency?: Urgency;
  @ApiPropertyOptional({ type: ProvisionalArrestDto, description: 'A request for provisional arrest sent with the filing (UNTOC art. 16(9))' })
  @IsOptional()
  @ValidateNested()
  @Type(() => ProvisionalArrestDto)
  provisionalArrest?: ProvisionalArrestDto;
}

export class AmendBasisDto extends CommandDto {
  @ApiProperty({ description: 'The instrument the formal request is to rest on instead (GET /reference/legal-bases)', example: 'UNTOC-2000' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(50)
  legalBasis: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(5000) comment?: string;
}

export class CourtInfoDto extends CommandDto {
  @ApiProperty() @IsString() @IsNotEmpty() @MaxLength(5000) details: string;
  @ApiProperty({ description: 'Time limit set by the court, in days' }) @IsInt() @Min(1) @Max(365) timeLimitDays: number;
}

export class CourtDecisionDto extends CommandDto {
  @ApiProperty({ enum: ['FAVOURABLE', 'UNFAVOURABLE'] }) @IsIn(['FAVOURABLE', 'UNFAVOURABLE']) outcome: 'FAVOURABLE' | 'UNFAVOURABLE';
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(5000) comment?: string;
}

export class ExtraditionRefuseDto extends CommandDto {
  @ApiProperty({ enum: Object.keys(EXTRADITION_REFUSAL_GROUNDS) }) @IsIn(Object.keys(EXTRADITION_REFUSAL_GROUNDS)) ground: ExtraditionRefusalGround;
  @ApiProperty() @IsString() @MaxLength(5000) reasons: string;
}

export class ConflictFactorsDto {
  @ApiProperty() @IsString() @IsNotEmpty() seriousness: string;
  @ApiProperty() @IsString() @IsNotEmpty() placeOfOffence: string;
  @ApiProperty() @IsString() @IsNotEmpty() datesOfRequests: string;
  @ApiProperty() @IsString() @IsNotEmpty() nationality: string;
  @ApiProperty() @IsString() @IsNotEmpty() reExtradition: string;
}

export class ConflictChoiceDto extends CommandDto {
  @ApiProperty({ format: 'uuid' }) @IsCaseId() preferredCaseId: string;
  @ApiProperty({ type: ConflictFactorsDto, description: 'ECE art. 17 factors' }) @ValidateNested() @Type(() => ConflictFactorsDto) factors: ConflictFactorsDto;
}

export class SurrenderDateDto extends CommandDto {
  @ApiProperty({ format: 'date' }) @IsCalendarDate() agreedDate: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(5000) comment?: string;
}

export class ForceMajeureDto extends CommandDto {
  @ApiProperty({ format: 'date' }) @IsCalendarDate() newDate: string;
  @ApiProperty() @IsString() @IsNotEmpty() @MaxLength(5000) reason: string;
}

export class ReleaseDecisionDto extends CommandDto {
  @ApiProperty({ enum: ['RELEASE', 'MAINTAIN_CUSTODY'] }) @IsIn(['RELEASE', 'MAINTAIN_CUSTODY']) decision: 'RELEASE' | 'MAINTAIN_CUSTODY';
  @ApiProperty() @IsString() @IsNotEmpty() @MaxLength(5000) reasons: string;
}

export class DomesticProgressDto extends CommandDto {
  @ApiProperty({ enum: ['UNDER_INVESTIGATION', 'CHARGED', 'JUDGMENT', 'DISCONTINUED'] })
  @IsIn(['UNDER_INVESTIGATION', 'CHARGED', 'JUDGMENT', 'DISCONTINUED'])
  status: DomesticState;
  @ApiProperty() @IsString() @IsNotEmpty() @MaxLength(5000) note: string;
}
