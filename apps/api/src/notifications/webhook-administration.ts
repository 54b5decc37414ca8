import { Inject, Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import { newWebhookSecret, type StoredSecret } from '../../../../activities/notifications';
import { NOTIFICATION_CATEGORIES, mayAdministerDirectory, type Actor } from '../../../../libs/domain/src';
import { CaseGateway } from '../../../../libs/temporal/src';
import { describeError } from '../../../../libs/logging/src';
import { ProblemException } from '../common/problem';
import type {
  CreateWebhookDto,
  CreatedWebhookDto,
  RotateWebhookSecretDto,
  RotatedWebhookSecretDto,
  WebhookDeliveriesQuery,
  WebhookDeliveryDto,
  WebhookDto,
} from './notifications.dto';

export const WEBHOOK_HTTP_HOSTS = Symbol('WEBHOOK_HTTP_HOSTS');

interface EndpointRow {
  id: string;
  authority_id: string;
  url: string;
  description: string | null;
  categories: string[];
  secrets: StoredSecret[];
  created_by: string;
  created_at: Date;
}

const notFound = () => ProblemException.of(404, 'WEBHOOK_NOT_FOUND', 'no such webhook of this authority');

/**
 * Webhook subscriptions of an authority, managed by the administrators of its State (the policy's
 * directory rule: another State's authority does not exist for them). Every change is recorded with
 * the directory's changes (entity WEBHOOK), never with a secret; secrets are shown once, when made.
 */
@Injectable()
export class WebhookAdministration {
  private readonly logger = new Logger('webhooks');

  constructor(
    @Inject(DataSource) private readonly db: DataSource,
    @Inject(CaseGateway) private readonly gateway: CaseGateway,
    @Inject(WEBHOOK_HTTP_HOSTS) private readonly httpHosts: string[],
  ) {}

  async create(actor: Actor, authorityId: string, dto: CreateWebhookDto): Promise<CreatedWebhookDto> {
    await this.authorize(actor, authorityId);
    const url = this.checkUrl(dto.url);
    const secret = newWebhookSecret();
    const id = randomUUID();
    const categories = dto.categories ?? [...NOTIFICATION_CATEGORIES];
    return this.db.transaction(async (tx) => {
      const [row]: EndpointRow[] = await tx.query(
        `INSERT INTO webhook_endpoints (id, authority_id, url, description, categories, secrets, created_by) VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7) RETURNING *`,
        [id, authorityId, url, dto.description ?? null, categories, JSON.stringify([{ secret, createdAt: new Date().toISOString() }]), actor.userId],
      );
      const shown = shownEndpoint(row);
      await this.record(tx, actor, id, 'CREATED', null, shown);
      return { ...shown, secret };
    });
  }

  async list(actor: Actor, authorityId: string): Promise<WebhookDto[]> {
    await this.authorize(actor, authorityId);
    const rows: EndpointRow[] = await this.db.query(`SELECT * FROM webhook_endpoints WHERE authority_id = $1 AND deleted_at IS NULL ORDER BY created_at, id`, [
      authorityId,
    ]);
    return rows.map(shownEndpoint);
  }

  async get(actor: Actor, authorityId: string, webhookId: string): Promise<WebhookDto> {
    await this.authorize(actor, authorityId);
    return shownEndpoint(await this.endpoint(this.db.manager, authorityId, webhookId));
  }

  async remove(actor: Actor, authorityId: string, webhookId: string): Promise<WebhookDto> {
    await this.authorize(actor, authorityId);
    return this.db.transaction(async (tx) => {
      const row = await this.endpoint(tx, authorityId, webhookId, true);
      await tx.query(`UPDATE webhook_endpoints SET deleted_at = now(), deleted_by = $2 WHERE id = $1`, [webhookId, actor.userId]);
      const shown = shownEndpoint(row);
      await this.record(tx, actor, webhookId, 'DELETED', shown, null);
      return shown;
    });
  }

  async rotateSecret(actor: Actor, authorityId: string, webhookId: string, dto: RotateWebhookSecretDto): Promise<RotatedWebhookSecretDto> {
    await this.authorize(actor, authorityId);
    return this.db.transaction(async (tx) => {
      const row = await this.endpoint(tx, authorityId, webhookId, true);
      const now = Date.now();
      const hours = dto.previousSecretValidHours ?? 24;
      const current = row.secrets.find((s) => !s.expiresAt) ?? row.secrets[0];
      const previousSecretExpiresAt = hours > 0 ? new Date(now + hours * 3_600_000).toISOString() : null;
      const secret = newWebhookSecret();
      // The new secret first; the one it replaces keeps signing until it expires; older ones are dropped.
      const secrets: StoredSecret[] = [{ secret, createdAt: new Date(now).toISOString() }];
      if (previousSecretExpiresAt && current) secrets.push({ ...current, expiresAt: previousSecretExpiresAt });
      await tx.query(`UPDATE webhook_endpoints SET secrets = $2::jsonb WHERE id = $1`, [webhookId, JSON.stringify(secrets)]);
      await this.record(tx, actor, webhookId, 'SECRET_ROTATED', null, { previousSecretExpiresAt });
      return { secret, previousSecretExpiresAt };
    });
  }

  async deliveries(actor: Actor, authorityId: string, webhookId: string, q: WebhookDeliveriesQuery) {
    await this.authorize(actor, authorityId);
    await this.endpoint(this.db.manager, authorityId, webhookId);
    const [beforeMs, beforeId] = q.before ? [Number(q.before.slice(0, 13)), q.before.slice(14)] : [null, null];
    const rows: any[] = await this.db.query(
      `SELECT d.*, (extract(epoch FROM d.created_at) * 1000)::bigint AS created_ms,
              COALESCE((SELECT json_agg(json_build_object('attempt', a.attempt, 'at', a.at, 'statusCode', a.status_code, 'error', a.error,
                                                          'durationMs', a.duration_ms) ORDER BY a.attempt)
                        FROM webhook_attempts a WHERE a.delivery_id = d.id), '[]') AS attempt_log
       FROM webhook_deliveries d
       WHERE d.endpoint_id = $1 AND ($2::text IS NULL OR d.status = $2)
         AND ($3::bigint IS NULL OR (d.created_at, d.id) < (to_timestamp($3::bigint / 1000.0), $4::uuid))
       ORDER BY d.created_at DESC, d.id DESC LIMIT $5`,
      [webhookId, q.status ?? null, beforeMs, beforeId, q.limit],
    );
    const items = rows.map(shownDelivery);
    const last = rows[rows.length - 1];
    return { items, nextBefore: rows.length === q.limit && last ? `${String(last.created_ms).padStart(13, '0')}.${last.id}` : null };
  }

  /** Sends a delivery again, as a new delivery of the same notification (same webhook-id), logged beside the first. */
  async redeliver(actor: Actor, authorityId: string, webhookId: string, deliveryId: string): Promise<WebhookDeliveryDto> {
    await this.authorize(actor, authorityId);
    const created = await this.db.transaction(async (tx) => {
      await this.endpoint(tx, authorityId, webhookId, true);
      const [original]: Array<{ id: string; event_id: string; case_id: string; payload: unknown }> = await tx.query(
        `SELECT id, event_id, case_id, payload FROM webhook_deliveries WHERE id = $1 AND endpoint_id = $2`,
        [deliveryId, webhookId],
      );
      if (!original) throw ProblemException.of(404, 'DELIVERY_NOT_FOUND', 'no such delivery of this webhook');
      const id = randomUUID();
      const [row] = await tx.query(
        `INSERT INTO webhook_deliveries (id, endpoint_id, event_id, case_id, payload, redelivery_of, requested_by)
         VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7) RETURNING *, (extract(epoch FROM created_at) * 1000)::bigint AS created_ms, '[]'::json AS attempt_log`,
        [id, webhookId, original.event_id, original.case_id, JSON.stringify(original.payload), original.id, actor.userId],
      );
      await this.record(tx, actor, webhookId, 'REDELIVERED', null, { deliveryId: id, redeliveryOf: original.id, eventId: original.event_id });
      return row;
    });
    // The delivery is stored: if Temporal is away now, the next dispatch sends it.
    await this.gateway.notificationsWaiting().catch((err) => this.logger.warn(`redelivery waits for the next dispatch: ${describeError(err)}`));
    return shownDelivery(created);
  }

  private async authorize(actor: Actor, authorityId: string): Promise<void> {
    const [authority]: Array<{ state_code: string }> = await this.db.query(`SELECT state_code FROM authorities WHERE id = $1`, [authorityId]);
    if (!authority) throw ProblemException.of(404, 'AUTHORITY_NOT_FOUND', 'no such authority in your State');
    const decision = mayAdministerDirectory(actor, authority.state_code);
    if (decision.outcome === 'NOT_FOUND') throw ProblemException.of(404, 'AUTHORITY_NOT_FOUND', 'no such authority in your State');
    if (decision.outcome === 'FORBIDDEN')
      throw ProblemException.of(403, 'FORBIDDEN_ACTION', "an authority's webhooks are managed by its State's administrators");
  }

  private async endpoint(tx: EntityManager, authorityId: string, webhookId: string, lock = false): Promise<EndpointRow> {
    const [row]: EndpointRow[] = await tx.query(
      `SELECT * FROM webhook_endpoints WHERE id = $1 AND authority_id = $2 AND deleted_at IS NULL${lock ? ' FOR UPDATE' : ''}`,
      [webhookId, authorityId],
    );
    if (!row) throw notFound();
    return row;
  }

  /** https, or http to a host the configuration allows (tests, a laptop); no credentials in the URL, which the log would show. */
  private checkUrl(raw: string): string {
    const problem = (message: string) => ProblemException.of(400, 'INVALID_BODY', message, { errors: [{ field: 'url', rule: 'webhook_url', message }] });
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw problem('url must be an absolute https URL');
    }
    if (url.username || url.password) throw problem('url must not carry a user name or password');
    if (url.hash) throw problem('url must not have a fragment');
    const host = url.hostname.toLowerCase();
    if (url.protocol === 'https:') return url.toString();
    if (url.protocol === 'http:' && this.httpHosts.includes(host)) return url.toString();
    throw problem(
      url.protocol === 'http:' ? `url must use https (plain http only to ${this.httpHosts.join(', ') || 'no host'})` : 'url must be an absolute https URL',
    );
  }

  private async record(tx: EntityManager, actor: Actor, webhookId: string, action: string, before: unknown, after: unknown): Promise<void> {
    await tx.query(
      `INSERT INTO directory_changes (actor_id, actor_state, entity, entity_id, action, before, after) VALUES ($1, $2, 'WEBHOOK', $3, $4, $5::jsonb, $6::jsonb)`,
      [actor.userId, actor.stateCode, webhookId, action, before === null ? null : JSON.stringify(before), after === null ? null : JSON.stringify(after)],
    );
    this.logger.log(JSON.stringify({ event: `webhook.${action.toLowerCase()}`, actorId: actor.userId, id: webhookId }));
  }
}

function shownEndpoint(row: EndpointRow): WebhookDto {
  const previous = row.secrets.find((s) => s.expiresAt && Date.parse(s.expiresAt) > Date.now());
  return {
    id: row.id,
    authorityId: row.authority_id,
    url: row.url,
    description: row.description,
    categories: row.categories,
    createdAt: new Date(row.created_at).toISOString(),
    createdBy: row.created_by,
    previousSecretExpiresAt: previous?.expiresAt ?? null,
  };
}

function shownDelivery(r: any): WebhookDeliveryDto {
  const iso = (v: Date | string | null) => (v ? new Date(v).toISOString() : null);
  return {
    id: r.id,
    eventId: r.event_id,
    caseId: r.case_id,
    type: r.payload?.type ?? 'unknown',
    status: r.status,
    attempts: r.attempts,
    lastStatusCode: r.last_status_code,
    lastError: r.last_error,
    deliveredAt: iso(r.delivered_at),
    redeliveryOf: r.redelivery_of,
    requestedBy: r.requested_by,
    createdAt: iso(r.created_at)!,
    attemptLog: (r.attempt_log ?? []).map((a: any) => ({ ...a, at: iso(a.at) })),
  };
}
