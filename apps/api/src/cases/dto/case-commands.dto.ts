import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayNotEmpty,
  IsArray,
  IsBoolean,
  IsIn,
  IsNotEmpty,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import {
  ASSISTANCE_TYPES,
  REFUSAL_GROUNDS,
  TRANSMISSION_CHANNELS,
  URGENCY_LEVELS,
  type AssistanceType,
  type RefusalGround,
  type TransmissionChannel,
  type Urgency,
} from '../../../../../libs/domain/src';
import { PersonConcernedDto } from './file-mla-request.dto';
import { IsCalendarDate, IsInstant } from '../../common/validators';

const text = (max = 5000) => [IsString(), IsNotEmpty(), MaxLength(max)];
function Text(max = 5000): PropertyDecorator {
  return (target, key) => text(max).forEach((d) => d(target, key));
}

/** Every command may say when the act really happened (an acknowledgment letter dated Tuesday, entered Thursday). */
export class CommandDto {
  @ApiPropertyOptional({ format: 'date-time', description: 'When the act happened, if earlier than now; not before the previous event' })
  @IsOptional()
  @IsInstant()
  occurredAt?: string;
}

export class OptionalCommentDto extends CommandDto {
  @ApiPropertyOptional({ maxLength: 5000 })
  @IsOptional()
  @IsString()
  @MaxLength(5000)
  comment?: string;
}

export class RequiredCommentDto extends CommandDto {
  @ApiProperty({ description: 'What must be corrected', maxLength: 5000 })
  @Text()
  comment: string;
}

export class WithdrawDto extends CommandDto {
  @ApiProperty({ maxLength: 5000 })
  @Text()
  reason: string;
}

export class AmendDto extends CommandDto {
  @ApiPropertyOptional({ description: 'A new legal basis (instrument id); the rule pack in force is pinned again' })
  @IsOptional()
  @IsString()
  @MaxLength(50)
  legalBasis?: string;

  @ApiPropertyOptional({ enum: ASSISTANCE_TYPES, isArray: true })
  @IsOptional()
  @IsArray()
  @ArrayNotEmpty()
  @IsIn(ASSISTANCE_TYPES, { each: true })
  assistanceTypes?: AssistanceType[];

  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(5000) subjectOfProceedings?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(20000) factsSummary?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(5000) purpose?: string;

  @ApiPropertyOptional({ type: [PersonConcernedDto] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => PersonConcernedDto)
  persons?: PersonConcernedDto[];

  @ApiPropertyOptional() @IsOptional() @Matches(/^[a-z]{2}$/, { message: 'language must be an ISO 639-1 code' }) language?: string;
  @ApiPropertyOptional({ enum: URGENCY_LEVELS }) @IsOptional() @IsIn(URGENCY_LEVELS) urgency?: Urgency;
  @ApiPropertyOptional({ format: 'date' }) @IsOptional() @IsCalendarDate() requestedByDate?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(2000) deadlineReason?: string;
}

export class OverrideBasisDto extends CommandDto {
  @ApiProperty({ description: 'Why the case may proceed on a basis not in force for both States on the filing date', minLength: 20 })
  @Text()
  justification: string;
}

export class TranslationDto extends CommandDto {
  @ApiPropertyOptional({
    format: 'uuid',
    description: 'The certified TRANSLATION document of the case (POST /cases/:id/documents); required for cases filed with documents',
  })
  @IsOptional()
  @IsUUID()
  documentId?: string;
  @ApiPropertyOptional({ example: 'fr', description: 'Cases filed before documents: the language of the translation' })
  @IsOptional()
  @Matches(/^[a-z]{2}$/, { message: 'language must be an ISO 639-1 code' })
  language?: string;
  @ApiPropertyOptional({ description: 'Cases filed before documents: reference of the certified translation' })
  @IsOptional()
  @Text(500)
  documentRef?: string;
  @ApiPropertyOptional({ description: 'Cases filed before documents: the translation is certified (UNTOC art. 18(14))' })
  @IsOptional()
  @IsBoolean()
  certified?: boolean;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(5000) comment?: string;
}

export class TransmitDto extends CommandDto {
  @ApiProperty({ enum: TRANSMISSION_CHANNELS }) @IsIn(TRANSMISSION_CHANNELS) channel: TransmissionChannel;
  @ApiProperty({ description: 'Evidence: dispatch number, registered-mail, pouch or e-CODEX reference' }) @Text(500) reference: string;
  @ApiPropertyOptional({ description: 'Made orally (urgent requests only); must be confirmed in writing' }) @IsOptional() @IsBoolean() oral?: boolean;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(5000) comment?: string;
}

export class ReferenceDto extends CommandDto {
  @ApiProperty() @Text(500) reference: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(5000) comment?: string;
}

export class AcknowledgeDto extends CommandDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(500) reference?: string;
  @ApiPropertyOptional({ description: 'SHA-256 of the request package received, as sealed at transmission (422 when it is another)' })
  @IsOptional()
  @Matches(/^[0-9a-f]{64}$/, { message: 'packageSha256 is a SHA-256 in lowercase hex' })
  packageSha256?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(5000) comment?: string;
}

export class DetailsDto extends CommandDto {
  @ApiProperty() @Text() details: string;
}

export class ProposalDto extends CommandDto {
  @ApiProperty() @Text() proposal: string;
}

export class TextDto extends CommandDto {
  @ApiProperty() @Text() text: string;
}

export class RefuseDto extends CommandDto {
  @ApiProperty({ enum: Object.keys(REFUSAL_GROUNDS) }) @IsIn(Object.keys(REFUSAL_GROUNDS)) ground: RefusalGround;
  // Emptiness is a legal rule (art. 18(23)), checked by the case so that the answer cites it.
  @ApiProperty({ description: 'Reasons for the refusal (UNTOC art. 18(23))' }) @IsString() @MaxLength(5000) reasons: string;
}

export class PostponeDto extends CommandDto {
  @ApiProperty({ format: 'date' }) @IsCalendarDate() reviewDate: string;
  @ApiProperty() @IsString() @MaxLength(5000) reasons: string;
}

/** The one notice that an EIO's recognition cannot be decided in time (EIO Directive art. 12(5)). */
export class RecognitionExtensionDto extends CommandDto {
  @ApiProperty({ description: 'why the decision on recognition cannot be taken within 30 days of receipt' }) @IsString() @MaxLength(5000) reasons: string;
  @ApiProperty({ format: 'date', description: 'when the decision is expected: at the latest 30 days after the time limit' })
  @IsCalendarDate()
  estimatedDecisionDate: string;
}

export class ItemForwardingDto {
  @ApiProperty({ type: [String] }) @IsArray() @ArrayNotEmpty() @IsString({ each: true }) itemIds: string[];
  @ApiProperty() @IsString() @IsNotEmpty() executingAuthorityId: string;
}

export class AcceptDto extends OptionalCommentDto {
  @ApiPropertyOptional({ type: [ItemForwardingDto] })
  @IsOptional()
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => ItemForwardingDto)
  forward?: ItemForwardingDto[];
}

export class ForwardDto extends OptionalCommentDto {
  @ApiProperty({ type: [ItemForwardingDto] })
  @IsArray()
  @ArrayNotEmpty()
  @ValidateNested({ each: true })
  @Type(() => ItemForwardingDto)
  forward: ItemForwardingDto[];
}

export class ExecutionDto extends CommandDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(5000) note?: string;
}

export class ResultsDto extends CommandDto {
  @ApiPropertyOptional({ type: [String], description: 'Items whose results are sent; all executed items by default' })
  @IsOptional()
  @IsArray()
  @IsString({ each: true })
  itemIds?: string[];
  @ApiProperty() @Text(500) reference: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(5000) comment?: string;
}

export class AssignDto extends OptionalCommentDto {
  @ApiProperty({ example: 'u-sn-ca', maxLength: 100, description: 'the user id of an officer (central authority) of your own authority' })
  @Text(100)
  userId: string;
}
