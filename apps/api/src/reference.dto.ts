import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { IsCalendarDate, IsStateCode } from './common/validators';

export class LegalBasesQuery {
  @ApiProperty({ example: 'MR', description: 'requesting State (ISO code)' })
  @IsStateCode({ message: 'an ISO 3166-1 alpha-2 code' })
  requesting!: string;

  @ApiProperty({ example: 'SN', description: 'requested State (ISO code)' })
  @IsStateCode({ message: 'an ISO 3166-1 alpha-2 code' })
  requested!: string;

  @ApiProperty({ enum: ['MLA', 'EXTRADITION'] })
  @IsIn(['MLA', 'EXTRADITION'], { message: 'MLA or EXTRADITION' })
  kind!: 'MLA' | 'EXTRADITION';

  @ApiPropertyOptional({ format: 'date', description: 'YYYY-MM-DD, today by default' })
  @IsOptional()
  @IsCalendarDate({ message: 'a calendar date (YYYY-MM-DD, a day that exists)' })
  date?: string;
}

export class StateDto {
  @ApiProperty({ example: 'SN' })
  code!: string;

  @ApiProperty({ example: 'Senegal' })
  name!: string;

  @ApiProperty({ example: 'Africa/Dakar' })
  timeZone!: string;

  @ApiProperty({ type: [String], example: ['fr'] })
  languages!: string[];

  @ApiProperty({ type: [String], example: ['ECOWAS', 'WACAP'] })
  groups!: string[];
}

export class InstrumentDto {
  @ApiProperty({ example: 'UNTOC' })
  id!: string;

  @ApiProperty()
  name!: string;

  @ApiProperty({ type: [String], example: ['MLA', 'EXTRADITION'] })
  covers!: string[];
}

export class InstrumentPartyDto {
  @ApiProperty()
  stateCode!: string;

  @ApiProperty({ format: 'date', description: 'party from (inclusive)' })
  from!: string;

  @ApiProperty({ type: String, format: 'date', nullable: true, description: 'party until (exclusive); null while in force' })
  to!: string | null;
}

export class InstrumentWithPartiesDto extends InstrumentDto {
  @ApiProperty({ type: [InstrumentPartyDto] })
  parties!: InstrumentPartyDto[];
}

export class LiaisonPostingDto {
  @ApiProperty()
  homeState!: string;

  @ApiProperty()
  hostState!: string;
}

export class ActorDto {
  @ApiProperty()
  userId!: string;

  @ApiProperty({ type: [String], example: ['PROSECUTOR'] })
  roles!: string[];

  @ApiProperty({ example: 'SN' })
  stateCode!: string;

  @ApiProperty()
  authorityId!: string;

  @ApiProperty({ type: [LiaisonPostingDto], description: "a liaison magistrate's postings; empty for everyone else" })
  liaisonPostings!: LiaisonPostingDto[];
}
