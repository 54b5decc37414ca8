import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsIn, IsObject, IsOptional, IsString, Length, Matches, ValidateBy } from 'class-validator';
import { DELIVERY_MODES, NOTIFICATION_CATEGORIES, NOTIFICATION_LANGUAGES } from '../../../../libs/domain/src';
import { QueryInteger } from '../common/validators';

export class CreateWebhookDto {
  @ApiProperty({
    example: 'https://cms.justice.example.sn/mla/webhooks',
    description: 'https (http only to the hosts WEBHOOK_HTTP_HOSTS lists); no user name or password in it',
  })
  @IsString()
  @Length(8, 2000)
  url!: string;

  @ApiPropertyOptional({ example: 'case management system of the Directorate', maxLength: 200 })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  description?: string;

  @ApiPropertyOptional({ enum: NOTIFICATION_CATEGORIES, isArray: true, description: 'the categories sent to it (default: all)' })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(NOTIFICATION_CATEGORIES.length)
  @ArrayUnique()
  @IsIn(NOTIFICATION_CATEGORIES, { each: true })
  categories?: string[];
}

export class RotateWebhookSecretDto {
  @ApiPropertyOptional({ minimum: 0, maximum: 168, default: 24, description: 'hours the previous secret keeps signing beside the new one' })
  @IsOptional()
  @ValidateBy({
    name: 'range',
    validator: {
      validate: (v) => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 168,
      defaultMessage: () => 'previousSecretValidHours must be an integer from 0 to 168',
    },
  })
  previousSecretValidHours?: number;
}

export class WebhookDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'SN-CA-DACG' }) authorityId!: string;
  @ApiProperty() url!: string;
  @ApiPropertyOptional() description?: string | null;
  @ApiProperty({ enum: NOTIFICATION_CATEGORIES, isArray: true }) categories!: string[];
  @ApiProperty({ type: String, format: 'date-time' }) createdAt!: string;
  @ApiProperty() createdBy!: string;
  @ApiProperty({ type: String, format: 'date-time', description: 'when the previous secret stops signing, during a rotation', nullable: true })
  previousSecretExpiresAt!: string | null;
}

export class CreatedWebhookDto extends WebhookDto {
  @ApiProperty({ example: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', description: 'the signing secret: shown once, here' })
  secret!: string;
}

export class RotatedWebhookSecretDto {
  @ApiProperty({ description: 'the new signing secret: shown once, here' }) secret!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'until then messages carry both signatures' })
  previousSecretExpiresAt!: string | null;
}

export class WebhookAttemptDto {
  @ApiProperty() attempt!: number;
  @ApiProperty({ type: String, format: 'date-time' }) at!: string;
  @ApiPropertyOptional({ nullable: true }) statusCode!: number | null;
  @ApiPropertyOptional({ nullable: true }) error!: string | null;
  @ApiProperty() durationMs!: number;
}

export class WebhookDeliveryDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ description: 'the webhook-id header: the same on every delivery of this notification' }) eventId!: string;
  @ApiProperty({ format: 'uuid' }) caseId!: string;
  @ApiProperty({ example: 'case.escalation' }) type!: string;
  @ApiProperty({ enum: ['PENDING', 'DELIVERED', 'FAILED', 'SKIPPED'] }) status!: string;
  @ApiProperty() attempts!: number;
  @ApiPropertyOptional({ nullable: true }) lastStatusCode!: number | null;
  @ApiPropertyOptional({ nullable: true }) lastError!: string | null;
  @ApiPropertyOptional({ type: String, format: 'date-time', nullable: true }) deliveredAt!: string | null;
  @ApiPropertyOptional({ format: 'uuid', nullable: true, description: 'the delivery this one sends again' }) redeliveryOf!: string | null;
  @ApiPropertyOptional({ nullable: true, description: 'who asked for the redelivery' }) requestedBy!: string | null;
  @ApiProperty({ type: String, format: 'date-time' }) createdAt!: string;
  @ApiProperty({ type: [WebhookAttemptDto] }) attemptLog!: WebhookAttemptDto[];
}

export class WebhookDeliveriesPageDto {
  @ApiProperty({ type: [WebhookDeliveryDto] }) items!: WebhookDeliveryDto[];
  @ApiPropertyOptional({ nullable: true, description: 'pass as `before` for the next page' }) nextBefore!: string | null;
}

export class WebhookDeliveriesQuery {
  @ApiPropertyOptional({ type: Number, minimum: 1, maximum: 100, default: 50, description: '1..100, default 50' })
  @QueryInteger({ min: 1, max: 100, message: 'an integer from 1 to 100' })
  limit: number = 50;

  @ApiPropertyOptional({ description: 'nextBefore of the previous page' })
  @IsOptional()
  @Matches(/^\d{13}\.[0-9a-f-]{36}$/, { message: 'before must be the nextBefore of the previous page' })
  before?: string;

  @ApiPropertyOptional({ enum: ['PENDING', 'DELIVERED', 'FAILED', 'SKIPPED'] })
  @IsOptional()
  @IsIn(['PENDING', 'DELIVERED', 'FAILED', 'SKIPPED'])
  status?: string;
}

const CATEGORY_MODES_EXAMPLE = { ESCALATION: 'IMMEDIATE', BREACH: 'IMMEDIATE', REMINDER: 'DIGEST', STEP: 'OFF' };

export class NotificationPreferencesDto {
  @ApiProperty({ enum: NOTIFICATION_LANGUAGES, description: 'the language of mails' }) language!: string;
  @ApiProperty({ example: CATEGORY_MODES_EXAMPLE, description: `per category (${NOTIFICATION_CATEGORIES.join(', ')}): ${DELIVERY_MODES.join(', ')}` })
  categories!: Record<string, string>;
  @ApiProperty({ description: 'whether the directory has a mail address for the user' }) hasEmail!: boolean;
  @ApiProperty({ description: 'false until the user saves preferences of their own (the defaults apply)' }) saved!: boolean;
}

export class UpdateNotificationPreferencesDto {
  @ApiPropertyOptional({ enum: NOTIFICATION_LANGUAGES })
  @IsOptional()
  @IsIn(NOTIFICATION_LANGUAGES)
  language?: string;

  @ApiPropertyOptional({ example: CATEGORY_MODES_EXAMPLE, description: 'categories to change; the others keep their mode' })
  @IsOptional()
  @IsObject()
  @ValidateBy({
    name: 'category_modes',
    validator: {
      validate: (v) =>
        typeof v === 'object' &&
        v !== null &&
        !Array.isArray(v) &&
        Object.entries(v).every(
          ([k, mode]) => (NOTIFICATION_CATEGORIES as readonly string[]).includes(k) && (DELIVERY_MODES as readonly string[]).includes(mode as string),
        ),
      defaultMessage: () => `categories maps ${NOTIFICATION_CATEGORIES.join(', ')} to one of ${DELIVERY_MODES.join(', ')}`,
    },
  })
  categories?: Record<string, string>;
}
