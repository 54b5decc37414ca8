import { applyDecorators, Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../../../../libs/domain/src';
import { CurrentActor } from '../auth/auth.guard';
import { Problems, ReadResponses } from '../common/openapi';
import { ProblemException } from '../common/problem';
import {
  CreateWebhookDto,
  CreatedWebhookDto,
  RotateWebhookSecretDto,
  RotatedWebhookSecretDto,
  WebhookDeliveriesPageDto,
  WebhookDeliveriesQuery,
  WebhookDeliveryDto,
  WebhookDto,
} from './notifications.dto';
import { WebhookAdministration } from './webhook-administration';

const AUTHORITY_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const authorityId = (id: string) => {
  if (!AUTHORITY_ID.test(id)) throw ProblemException.of(404, 'AUTHORITY_NOT_FOUND', 'no such authority in your State');
  return id;
};
const uuid = (id: string, code: string, what: string) => {
  if (!UUID.test(id)) throw ProblemException.of(404, code, `no such ${what}`);
  return id;
};
const Created = (type: typeof CreatedWebhookDto | typeof WebhookDeliveryDto | typeof RotatedWebhookSecretDto, description: string) =>
  applyDecorators(ApiResponse({ status: 201, description, type }), Problems(400, 401, 403, 404, 409, 422, 503));

/**
 * Webhook subscriptions of an authority (Standard Webhooks: `webhook-id`, `webhook-timestamp`,
 * `webhook-signature`), for its State's administrators: create, list, delete, rotate the secret, read
 * the delivery log, send a delivery again.
 */
@ApiTags('notifications')
@ApiBearerAuth()
@Controller('authorities/:authorityId/webhooks')
export class WebhooksController {
  constructor(@Inject(WebhookAdministration) private readonly webhooks: WebhookAdministration) {}

  @Post()
  @ApiOperation({ summary: "Subscribe an endpoint to the authority's notifications; answers its signing secret (shown once)" })
  @Created(CreatedWebhookDto, 'Subscribed (recorded in the directory changes)')
  create(@CurrentActor() actor: Actor, @Param('authorityId') id: string, @Body() body: CreateWebhookDto) {
    return this.webhooks.create(actor, authorityId(id), body);
  }

  @Get()
  @ApiOperation({ summary: "The authority's webhook endpoints (without their secrets)" })
  @ReadResponses([WebhookDto], 403, 404)
  list(@CurrentActor() actor: Actor, @Param('authorityId') id: string) {
    return this.webhooks.list(actor, authorityId(id));
  }

  @Get(':webhookId')
  @ApiOperation({ summary: 'One webhook endpoint of the authority (without its secrets)' })
  @ReadResponses(WebhookDto, 403, 404)
  get(@CurrentActor() actor: Actor, @Param('authorityId') id: string, @Param('webhookId') webhookId: string) {
    return this.webhooks.get(actor, authorityId(id), uuid(webhookId, 'WEBHOOK_NOT_FOUND', 'webhook of this authority'));
  }

  @Delete(':webhookId')
  @ApiOperation({ summary: 'Delete a webhook endpoint: nothing more is sent to it; its delivery log stays' })
  @ReadResponses(WebhookDto, 403, 404)
  remove(@CurrentActor() actor: Actor, @Param('authorityId') id: string, @Param('webhookId') webhookId: string) {
    return this.webhooks.remove(actor, authorityId(id), uuid(webhookId, 'WEBHOOK_NOT_FOUND', 'webhook of this authority'));
  }

  @Post(':webhookId/secret')
  @ApiOperation({ summary: 'Rotate the signing secret: the previous one keeps signing beside the new one for the hours given (default 24)' })
  @Created(RotatedWebhookSecretDto, 'The new secret (shown once)')
  rotate(@CurrentActor() actor: Actor, @Param('authorityId') id: string, @Param('webhookId') webhookId: string, @Body() body: RotateWebhookSecretDto) {
    return this.webhooks.rotateSecret(actor, authorityId(id), uuid(webhookId, 'WEBHOOK_NOT_FOUND', 'webhook of this authority'), body);
  }

  @Get(':webhookId/deliveries')
  @ApiOperation({ summary: "The endpoint's delivery log, newest first: each delivery with its status and every attempt" })
  @ReadResponses(WebhookDeliveriesPageDto, 400, 403, 404)
  deliveries(@CurrentActor() actor: Actor, @Param('authorityId') id: string, @Param('webhookId') webhookId: string, @Query() q: WebhookDeliveriesQuery) {
    return this.webhooks.deliveries(actor, authorityId(id), uuid(webhookId, 'WEBHOOK_NOT_FOUND', 'webhook of this authority'), q);
  }

  @Post(':webhookId/deliveries/:deliveryId/redeliver')
  @HttpCode(201)
  @ApiOperation({ summary: 'Send a delivery again (same webhook-id, so receivers can tell), logged as a new delivery' })
  @Created(WebhookDeliveryDto, 'The new delivery, on its way')
  redeliver(@CurrentActor() actor: Actor, @Param('authorityId') id: string, @Param('webhookId') webhookId: string, @Param('deliveryId') deliveryId: string) {
    return this.webhooks.redeliver(
      actor,
      authorityId(id),
      uuid(webhookId, 'WEBHOOK_NOT_FOUND', 'webhook of this authority'),
      uuid(deliveryId, 'DELIVERY_NOT_FOUND', 'delivery of this webhook'),
    );
  }
}
