import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsOptional,
  IsString,
  Length,
  Matches,
  ValidateBy,
  type ValidationOptions,
} from 'class-validator';
import { ROLES, type Role } from '../../../../libs/domain/src';
import { IsStateCode, QueryInteger } from '../common/validators';

/** Kinds of authority a State's administrator may create (the network secretariat is the network's own). */
export const AUTHORITY_KINDS = ['CENTRAL_AUTHORITY', 'PROSECUTION', 'INVESTIGATING_JUDGE', 'POLICE', 'FINANCIAL_UNIT', 'COURT', 'MINISTRY'] as const;
export type AuthorityKind = (typeof AUTHORITY_KINDS)[number];

/** `SN-PROS-DAKAR`: the State's code, then upper-case words of letters and digits. */
export const AUTHORITY_ID = /^[A-Z]{2}(-[A-Z0-9]+){1,6}$/;
/** `u-sn-prosecutor`: as the users routes of operations accept. */
export const USER_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;
/** An OpenID Connect `sub`: at most 255 printable ASCII characters, no blanks. */
const SUBJECT = /^[\x21-\x7e]{1,255}$/;

function Pattern(rule: string, pattern: RegExp, what: string, options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: rule,
      validator: { validate: (value) => typeof value === 'string' && pattern.test(value), defaultMessage: (args) => `${args?.property} must be ${what}` },
    },
    options,
  );
}

const IsAuthorityId = (o?: ValidationOptions) =>
  Pattern('authority_id', AUTHORITY_ID, 'an authority id: the State code, then upper-case words (e.g. SN-PROS-DAKAR)', o);
const IsUserId = (o?: ValidationOptions) =>
  Pattern('user_id', USER_ID, 'a user id: 1 to 100 letters, digits, dots, dashes or underscores, not starting with a sign', o);
const IsSubject = (o?: ValidationOptions) =>
  Pattern('oidc_subject', SUBJECT, "the identity provider's subject (sub): 1 to 255 printable ASCII characters, no blanks", o);

export class CreateAuthorityDto {
  @ApiProperty({ example: 'SN-PROS-THIES', description: "unique; starts with the State's code" })
  @IsAuthorityId()
  id!: string;

  @ApiProperty({ example: 'SN', description: "the administrator's own State" })
  @IsStateCode()
  stateCode!: string;

  @ApiProperty({ example: "Public Prosecutor's Office, Thiès High Court" })
  @IsString()
  @Length(3, 200)
  name!: string;

  @ApiProperty({ enum: AUTHORITY_KINDS })
  @IsIn(AUTHORITY_KINDS)
  kind!: AuthorityKind;
}

export class UpdateAuthorityDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(3, 200)
  name?: string;

  @ApiPropertyOptional({ enum: AUTHORITY_KINDS })
  @IsOptional()
  @IsIn(AUTHORITY_KINDS)
  kind?: AuthorityKind;
}

export class CreateUserDto {
  @ApiProperty({ example: 'u-sn-prosecutor-thies' })
  @IsUserId()
  id!: string;

  @ApiProperty({ example: '8f14e45f-ceea-467f-a8a5-0c2f7b3c1d2e', description: "the `sub` of the user's tokens at the identity provider; unique" })
  @IsSubject()
  subject!: string;

  @ApiProperty({ example: 'Prosecutor, Thiès' })
  @IsString()
  @Length(1, 200)
  displayName!: string;

  @ApiProperty({ example: 'SN-PROS-THIES', description: "an enabled authority of the administrator's State; the user's State is the authority's" })
  @IsAuthorityId()
  authorityId!: string;

  @ApiProperty({ enum: ROLES, isArray: true, example: ['PROSECUTOR'] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(ROLES.length)
  @ArrayUnique()
  @IsIn(ROLES, { each: true })
  roles!: Role[];
}

export class UpdateUserDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsSubject()
  subject?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 200)
  displayName?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsAuthorityId()
  authorityId?: string;

  @ApiPropertyOptional({ enum: ROLES, isArray: true })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(ROLES.length)
  @ArrayUnique()
  @IsIn(ROLES, { each: true })
  roles?: Role[];
}

export class DirectoryAuthorityDto {
  @ApiProperty()
  id!: string;

  @ApiProperty()
  stateCode!: string;

  @ApiProperty()
  name!: string;

  @ApiProperty()
  kind!: string;

  @ApiProperty({ enum: ['ENABLED', 'DISABLED'] })
  status!: 'ENABLED' | 'DISABLED';

  @ApiProperty({ enum: ['seed', 'api'], description: 'api: created or changed through the API, and left alone by the seed loader' })
  origin!: 'seed' | 'api';
}

export class DirectoryUserDto {
  @ApiProperty()
  id!: string;

  @ApiProperty()
  subject!: string;

  @ApiProperty()
  displayName!: string;

  @ApiProperty()
  stateCode!: string;

  @ApiProperty()
  authorityId!: string;

  @ApiProperty({ enum: ROLES, isArray: true })
  roles!: Role[];

  @ApiProperty({ enum: ['ENABLED', 'DISABLED'] })
  status!: 'ENABLED' | 'DISABLED';

  @ApiProperty({ enum: ['seed', 'api'], description: 'api: created or changed through the API, and left alone by the seed loader' })
  origin!: 'seed' | 'api';
}

export class DirectoryChangesQuery {
  @ApiPropertyOptional({ description: 'the changes of this authority or user only' })
  @IsOptional()
  @Matches(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/, { message: 'entityId must be an authority or user id' })
  entityId?: string;

  @ApiPropertyOptional({ type: Number, minimum: 1, maximum: 500, default: 100, description: '1..500, default 100' })
  @QueryInteger({ min: 1, max: 500, message: 'an integer from 1 to 500' })
  limit: number = 100;

  @ApiPropertyOptional({ description: 'nextBefore of the previous page' })
  @IsOptional()
  @Matches(/^\d{1,18}$/, { message: 'before must be the nextBefore of the previous page' })
  before?: string;
}

export class DirectoryChangeDto {
  @ApiProperty() id!: string;
  @ApiProperty({ type: String, format: 'date-time' }) at!: string;
  @ApiProperty({ description: 'the administrator who made the change' }) actorId!: string;
  @ApiProperty({ enum: ['AUTHORITY', 'USER', 'WEBHOOK'] }) entity!: string;
  @ApiProperty() entityId!: string;
  @ApiProperty({ enum: ['CREATED', 'UPDATED', 'DISABLED', 'ENABLED', 'DELETED', 'SECRET_ROTATED', 'REDELIVERED'] }) action!: string;
  @ApiPropertyOptional({ type: Object, nullable: true, description: 'the record before the change; null for a creation' }) before!: object | null;
  @ApiProperty({ type: Object, description: 'the record after the change' }) after!: object;
}

export class DirectoryChangesPageDto {
  @ApiProperty({ type: [DirectoryChangeDto] }) items!: DirectoryChangeDto[];
  @ApiProperty({ type: String, nullable: true, description: 'pass as `before` for the next page; null on the last' }) nextBefore!: string | null;
}
