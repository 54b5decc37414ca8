import { Body, Controller, Get, Inject, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { DEFAULT_DELIVERY_MODES, NOTIFICATION_CATEGORIES, deliveryModeOf, type Actor } from '../../../../libs/domain/src';
import { CurrentActor } from '../auth/auth.guard';
import { ReadResponses } from '../common/openapi';
import { NotificationPreferencesDto, UpdateNotificationPreferencesDto } from './notifications.dto';

/**
 * Each user's choice of what reaches them by mail: the language, and per category (escalations,
 * breaches, reminders, steps) at once, in the daily digest, or not at all. Webhooks are the authority's.
 */
@ApiTags('notifications')
@ApiBearerAuth()
@Controller('me/notification-preferences')
export class NotificationPreferencesController {
  constructor(@Inject(DataSource) private readonly db: DataSource) {}

  @Get()
  @ApiOperation({ summary: "The actor's mail preferences (the defaults until they save their own)" })
  @ReadResponses(NotificationPreferencesDto)
  async get(@CurrentActor() actor: Actor): Promise<NotificationPreferencesDto> {
    return this.read(actor);
  }

  @Put()
  @ApiOperation({ summary: "Change the actor's mail language and, per category, IMMEDIATE, DIGEST or OFF" })
  @ReadResponses(NotificationPreferencesDto, 400)
  async put(@CurrentActor() actor: Actor, @Body() body: UpdateNotificationPreferencesDto): Promise<NotificationPreferencesDto> {
    const current = await this.read(actor);
    const language = body.language ?? current.language;
    const categories = { ...current.categories, ...(body.categories ?? {}) };
    await this.db.query(
      `INSERT INTO notification_preferences (user_id, language, categories) VALUES ($1, $2, $3::jsonb)
       ON CONFLICT (user_id) DO UPDATE SET language = EXCLUDED.language, categories = EXCLUDED.categories, updated_at = now()`,
      [actor.userId, language, JSON.stringify(categories)],
    );
    return this.read(actor);
  }

  private async read(actor: Actor): Promise<NotificationPreferencesDto> {
    const [row]: Array<{ language: string | null; categories: Record<string, string> | null; email: string | null; languages: string[] }> = await this.db.query(
      `SELECT p.language, p.categories, u.email, s.languages FROM users u JOIN states s ON s.code = u.state_code
         LEFT JOIN notification_preferences p ON p.user_id = u.id WHERE u.id = $1`,
      [actor.userId],
    );
    const fallback = row?.languages?.find((l) => l === 'fr' || l === 'en') ?? 'en';
    return {
      language: row?.language ?? fallback,
      categories: Object.fromEntries(NOTIFICATION_CATEGORIES.map((c) => [c, row?.categories ? deliveryModeOf(row.categories, c) : DEFAULT_DELIVERY_MODES[c]])),
      hasEmail: Boolean(row?.email),
      saved: Boolean(row?.language),
    };
  }
}
