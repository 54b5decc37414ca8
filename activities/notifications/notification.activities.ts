import { ApplicationFailure } from '@temporalio/activity';
import { randomUUID } from 'node:crypto';
import type { Transporter } from 'nodemailer';
import type { DataSource, EntityManager } from 'typeorm';
import {
  DELIVERY_ABANDONED_FAILURE,
  type DispatchRound,
  type NotificationDeliveryInput,
  type DeliveryRef,
  type DeliveryRetry,
  type NotificationActivities,
} from '../../libs/contracts/src/notification.contract';
import { addressesCentralAuthority, deliveryModeOf, isAddressedTo, type NotificationLanguage, type OutboxEntry } from '../../libs/domain/src/notifications';
import type { Actor, CaseAccessFacts, Role } from '../../libs/domain/src';
import { isRole } from '../../libs/domain/src/roles';
import { TERMINAL_STATES } from '../../libs/persistence/src/case-queries';
import { renderDigestMail, renderImmediateMail, type MailItem, type MailTemplates } from './mail-templates';
import { webhookHeaders } from './webhook-signature';

export interface NotificationDeliveryConfig {
  webhookRetry: DeliveryRetry;
  /** How long one webhook call may take. */
  webhookTimeoutMs: number;
  mailRetry: DeliveryRetry;
  /** Set (SMTP_URL): mails are composed and sent; unset, nobody is mailed. */
  mail?: { from: string; caseUrl: string };
  /** Outbox entries one dispatch round takes. */
  batchSize: number;
}

export interface NotificationDeps {
  dataSource: DataSource;
  config: NotificationDeliveryConfig;
  templates: MailTemplates;
  /** The SMTP transport (nodemailer), present when mail is configured. */
  mailer?: Pick<Transporter, 'sendMail'>;
  /**
   * Starts the workflow of one delivery (id from `deliveryWorkflowId`); one already running is left as it is.
   * The worker passes its Temporal client's start; a failure makes the dispatch retry, and the delivery is
   * found again among those never attempted.
   */
  startDelivery: (input: NotificationDeliveryInput) => Promise<void>;
  now?: () => number;
}

interface OutboxRow extends OutboxEntry {
  caseKind: string | null;
}

interface DirectoryUser {
  id: string;
  roles: Role[];
  stateCode: string;
  authorityId: string;
  email: string | null;
  postings: Array<{ homeState: string; hostState: string }>;
  language: NotificationLanguage | null;
  categories: Record<string, string> | null;
  stateLanguages: string[];
}

const OUTBOX_COLUMNS = `o.id, o.case_id AS "caseId", o.seq, o.event, o.category, o.addressee, o.addressee_states AS "addresseeStates",
  o.authority_ids AS "authorityIds", o.task_id AS "taskId", o.level, o.due_at AS "dueAt", o.legal_ref AS "legalRef", o.occurred_at AS "occurredAt"`;

/**
 * Delivery of notifications: from the outbox the projection fills, to the webhooks of the authorities
 * addressed and the mailboxes of their users. Whoever receives something may see the case under the
 * access policy at the time of dispatch and again at the time of sending; the others receive nothing.
 * Each activity is idempotent: deliveries are keyed by (endpoint, event) and mails by (event, user).
 */
export function createNotificationActivities(deps: NotificationDeps): NotificationActivities {
  const { dataSource, config } = deps;
  const now = deps.now ?? Date.now;

  return {
    async dispatchNotifications(): Promise<DispatchRound> {
      const batch = await dataSource.transaction(async (tx) => {
        const rows: OutboxRow[] = (
          await tx.query(
            `SELECT ${OUTBOX_COLUMNS}, c.kind AS "caseKind" FROM notification_outbox o LEFT JOIN cases c ON c.id = o.case_id
             WHERE o.dispatched_at IS NULL ORDER BY o.created_at, o.id LIMIT $1 FOR UPDATE OF o SKIP LOCKED`,
            [config.batchSize],
          )
        ).map(normalizeOutboxRow);
        const deliveries: DeliveryRef[] = [];
        for (const row of rows) {
          const facts = await caseFacts(tx, row.caseId);
          if (!facts) continue;
          const users = await candidateUsers(tx, row);
          const addressed = await toAssignees(
            tx,
            row,
            users.filter((u) => isAddressedTo(actorOf(u), row, facts)),
          );
          const authorities = await addressedAuthorities(tx, row, facts, addressed);
          const endpoints: Array<{ id: string }> = await tx.query(
            `SELECT id FROM webhook_endpoints WHERE authority_id = ANY($1) AND deleted_at IS NULL AND $2 = ANY(categories)`,
            [authorities, row.category],
          );
          const payload = webhookPayload(row);
          for (const e of endpoints) {
            const inserted: Array<{ id: string }> = await tx.query(
              `INSERT INTO webhook_deliveries (id, endpoint_id, event_id, case_id, payload) VALUES ($1, $2, $3, $4, $5::jsonb)
               ON CONFLICT (endpoint_id, event_id) WHERE redelivery_of IS NULL DO NOTHING RETURNING id`,
              [randomUUID(), e.id, row.id, row.caseId, JSON.stringify(payload)],
            );
            deliveries.push(...inserted.map((d) => ({ channel: 'WEBHOOK' as const, id: d.id })));
          }
          if (config.mail) {
            for (const u of addressed) {
              if (!u.email) continue;
              const mode = deliveryModeOf(u.categories, row.category);
              if (mode === 'IMMEDIATE') {
                const inserted: Array<{ id: string }> = await tx.query(
                  `INSERT INTO mail_messages (id, message_id, user_id, kind, event_ids) VALUES ($1, $2, $3, 'IMMEDIATE', $4)
                   ON CONFLICT (message_id) DO NOTHING RETURNING id`,
                  [randomUUID(), `${row.id}.${u.id}`, u.id, [row.id]],
                );
                deliveries.push(...inserted.map((m) => ({ channel: 'MAIL' as const, id: m.id })));
              } else if (mode === 'DIGEST') {
                await tx.query(`INSERT INTO notification_digest_items (user_id, event_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`, [u.id, row.id]);
              }
            }
          }
        }
        if (rows.length) await tx.query(`UPDATE notification_outbox SET dispatched_at = now() WHERE id = ANY($1)`, [rows.map((r) => r.id)]);
        // Deliveries that never made an attempt: a manual redelivery, or a dispatcher that stopped between
        // committing and starting them. Starting one already running changes nothing.
        const waiting: Array<{ channel: 'WEBHOOK' | 'MAIL'; id: string }> = await tx.query(
          `(SELECT 'WEBHOOK' AS channel, id::text FROM webhook_deliveries WHERE status = 'PENDING' AND attempts = 0 AND NOT (id = ANY($1::uuid[])) ORDER BY created_at LIMIT $2)
           UNION ALL
           (SELECT 'MAIL' AS channel, id::text FROM mail_messages WHERE status = 'PENDING' AND attempts = 0 AND NOT (id = ANY($1::uuid[])) ORDER BY created_at LIMIT $2)`,
          [deliveries.map((d) => d.id), config.batchSize],
        );
        return { deliveries: [...deliveries, ...waiting], more: rows.length === config.batchSize };
      });
      for (const delivery of batch.deliveries) {
        await deps.startDelivery({ delivery, retry: delivery.channel === 'WEBHOOK' ? config.webhookRetry : config.mailRetry });
      }
      return { started: batch.deliveries.length, more: batch.more };
    },

    async deliverWebhook(id: string): Promise<void> {
      const [d]: Array<{
        status: string;
        eventId: string;
        payload: unknown;
        url: string;
        secrets: StoredSecret[];
        deletedAt: Date | null;
        authorityId: string;
      }> = await dataSource.query(
        `SELECT d.status, d.event_id AS "eventId", d.payload, e.url, e.secrets, e.deleted_at AS "deletedAt", e.authority_id AS "authorityId"
         FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id WHERE d.id = $1`,
        [id],
      );
      if (!d) throw abandon('no such delivery');
      if (d.status !== 'PENDING') return;
      if (d.deletedAt) return skipWebhook(dataSource, id, 'the endpoint was deleted');
      // The authority must still be one the notification addresses, and still see the case.
      const [row] = (await dataSource.query(`SELECT ${OUTBOX_COLUMNS}, NULL AS "caseKind" FROM notification_outbox o WHERE o.id = $1`, [d.eventId])).map(
        normalizeOutboxRow,
      );
      const facts = row ? await caseFacts(dataSource.manager, row.caseId) : null;
      if (!row || !facts) return skipWebhook(dataSource, id, 'the case is not known');
      const addressed = (await candidateUsers(dataSource.manager, row)).filter((u) => isAddressedTo(actorOf(u), row, facts));
      const authorities = await addressedAuthorities(dataSource.manager, row, facts, addressed);
      if (!authorities.includes(d.authorityId)) return skipWebhook(dataSource, id, 'the authority may no longer see the case');

      const body = JSON.stringify(d.payload);
      const timestamp = Math.floor(now() / 1000);
      const headers = webhookHeaders(validSecrets(d.secrets, now()), d.eventId, timestamp, body);
      const started = now();
      let statusCode: number | null = null;
      let error: string | null = null;
      try {
        const res = await fetch(d.url, {
          method: 'POST',
          headers: { ...headers, 'content-type': 'application/json', 'user-agent': 'mla-engine-webhooks/1' },
          body,
          redirect: 'manual',
          signal: AbortSignal.timeout(config.webhookTimeoutMs),
        });
        statusCode = res.status;
        await res.arrayBuffer().catch(() => undefined);
        if (res.status < 200 || res.status >= 300) error = `the endpoint answered ${res.status}`;
      } catch (err) {
        error = describeFetchError(err);
      }
      await dataSource.transaction(async (tx) => {
        // TypeORM answers an UPDATE … RETURNING with [rows, count].
        const [[{ attempts }]]: [Array<{ attempts: number }>, number] = await tx.query(
          `UPDATE webhook_deliveries SET attempts = attempts + 1, last_status_code = $2, last_error = $3, last_attempt_at = now(),
             status = CASE WHEN $3::text IS NULL THEN 'DELIVERED' ELSE status END, delivered_at = CASE WHEN $3::text IS NULL THEN now() END
           WHERE id = $1 RETURNING attempts`,
          [id, statusCode, error],
        );
        await tx.query(`INSERT INTO webhook_attempts (delivery_id, attempt, status_code, error, duration_ms) VALUES ($1, $2, $3, $4, $5)`, [
          id,
          attempts,
          statusCode,
          error,
          Math.max(0, Math.round(now() - started)),
        ]);
      });
      if (error) throw new Error(`webhook delivery failed: ${error}`);
    },

    async deliverMail(id: string): Promise<void> {
      const [m]: Array<{ status: string; messageId: string; kind: string; eventIds: string[]; userId: string }> = await dataSource.query(
        `SELECT status, message_id AS "messageId", kind, event_ids AS "eventIds", user_id AS "userId" FROM mail_messages WHERE id = $1`,
        [id],
      );
      if (!m) throw abandon('no such mail');
      if (m.status !== 'PENDING') return;
      if (!config.mail || !deps.mailer) return skipMail(dataSource, id, 'mail is not configured (SMTP_URL)');
      const [user] = await usersWhere(dataSource.manager, `u.id = $1`, [m.userId]);
      if (!user?.email) return skipMail(dataSource, id, 'the user has no address, or is disabled');
      const rows = (await dataSource.query(`SELECT ${OUTBOX_COLUMNS}, NULL AS "caseKind" FROM notification_outbox o WHERE o.id = ANY($1)`, [m.eventIds]))
        .map(normalizeOutboxRow)
        .sort((a: OutboxRow, b: OutboxRow) => a.occurredAt.localeCompare(b.occurredAt) || a.id.localeCompare(b.id));
      const items: MailItem[] = [];
      for (const row of rows) {
        const facts = await caseFacts(dataSource.manager, row.caseId);
        if (facts && isAddressedTo(actorOf(user), row, facts)) items.push(mailItemOf(row));
      }
      if (items.length === 0) return skipMail(dataSource, id, 'the user may no longer see these cases');
      const language = languageOf(user);
      const caseUrl = (caseId: string) => config.mail!.caseUrl.replace('{caseId}', caseId);
      const mail =
        m.kind === 'DIGEST' ? renderDigestMail(deps.templates, language, items, caseUrl) : renderImmediateMail(deps.templates, language, items[0], caseUrl);
      // The SMTP error itself may name addresses: only its kind and code are kept.
      let failure: string | null = null;
      try {
        await deps.mailer.sendMail({
          from: config.mail.from,
          to: user.email,
          subject: mail.subject,
          text: mail.text,
          messageId: `<${m.messageId}@mla-engine>`,
          headers: { 'X-MLA-Notification-Id': m.messageId, 'X-MLA-Event-Ids': items.map((i) => i.eventId).join(' ') },
        });
      } catch (err) {
        failure = describeFetchError(err);
      }
      if (failure !== null) {
        await dataSource.query(`UPDATE mail_messages SET attempts = attempts + 1, last_error = $2 WHERE id = $1`, [id, failure]);
        throw new Error(`mail delivery failed: ${failure}`);
      }
      await dataSource.query(
        `UPDATE mail_messages SET attempts = attempts + 1, status = 'SENT', sent_at = now(), language = $2, last_error = NULL WHERE id = $1`,
        [id, language],
      );
    },

    async abandonDelivery(delivery: DeliveryRef, reason: string): Promise<void> {
      const table = delivery.channel === 'WEBHOOK' ? 'webhook_deliveries' : 'mail_messages';
      await dataSource.query(`UPDATE ${table} SET status = 'FAILED', last_error = COALESCE(last_error, $2) WHERE id = $1 AND status = 'PENDING'`, [
        delivery.id,
        reason,
      ]);
    },

    async composeDigests(): Promise<DispatchRound> {
      if (!config.mail) return { started: 0, more: false };
      const deliveries = await dataSource.transaction(async (tx) => {
        const waiting: Array<{ userId: string; eventId: string }> = await tx.query(
          `SELECT user_id AS "userId", event_id AS "eventId" FROM notification_digest_items WHERE mail_id IS NULL ORDER BY user_id, created_at
           FOR UPDATE SKIP LOCKED`,
        );
        const byUser = new Map<string, string[]>();
        for (const w of waiting) byUser.set(w.userId, [...(byUser.get(w.userId) ?? []), w.eventId]);
        const deliveries: DeliveryRef[] = [];
        for (const [userId, eventIds] of byUser) {
          const id = randomUUID();
          await tx.query(`INSERT INTO mail_messages (id, message_id, user_id, kind, event_ids) VALUES ($1, $2, $3, 'DIGEST', $4)`, [
            id,
            `digest.${userId}.${id}`,
            userId,
            eventIds,
          ]);
          await tx.query(`UPDATE notification_digest_items SET mail_id = $1 WHERE user_id = $2 AND event_id = ANY($3)`, [id, userId, eventIds]);
          deliveries.push({ channel: 'MAIL', id });
        }
        return deliveries;
      });
      for (const delivery of deliveries) await deps.startDelivery({ delivery, retry: config.mailRetry });
      return { started: deliveries.length, more: false };
    },
  };
}

export interface StoredSecret {
  secret: string;
  createdAt: string;
  /** Set on the previous secret when a new one replaces it: it keeps signing until then. */
  expiresAt?: string;
}

/** The secrets a message is signed with: the current one first, then a previous one until it expires. */
export function validSecrets(secrets: readonly StoredSecret[], at: number): string[] {
  return secrets.filter((s) => !s.expiresAt || Date.parse(s.expiresAt) > at).map((s) => s.secret);
}

/** What a webhook carries: ids, kinds, levels, instants and the legal provision; never names or content. */
export function webhookPayload(row: OutboxRow): Record<string, unknown> {
  return {
    type: `case.${row.category.toLowerCase()}`,
    timestamp: row.occurredAt,
    data: {
      eventId: row.id,
      caseId: row.caseId,
      caseKind: row.caseKind,
      seq: row.seq,
      event: row.event,
      category: row.category,
      addressee: row.addressee,
      addresseeStates: row.addresseeStates,
      ...(row.authorityIds.length ? { authorityIds: row.authorityIds } : {}),
      ...(row.taskId ? { taskId: row.taskId } : {}),
      ...(row.level !== undefined ? { level: row.level } : {}),
      ...(row.dueAt ? { dueAt: row.dueAt } : {}),
      ...(row.legalRef ? { legalRef: row.legalRef } : {}),
    },
  };
}

function mailItemOf(row: OutboxRow): MailItem {
  return {
    eventId: row.id,
    caseId: row.caseId,
    event: row.event,
    category: row.category,
    addressee: row.addressee,
    level: row.level,
    dueAt: row.dueAt,
    legalRef: row.legalRef,
    occurredAt: row.occurredAt,
  };
}

function normalizeOutboxRow(r: any): OutboxRow {
  const iso = (v: Date | string | null) => (v === null || v === undefined ? undefined : new Date(v).toISOString());
  return {
    id: r.id,
    caseId: r.caseId,
    seq: r.seq,
    event: r.event,
    category: r.category,
    addressee: r.addressee,
    addresseeStates: r.addresseeStates,
    authorityIds: r.authorityIds ?? [],
    taskId: r.taskId ?? undefined,
    level: r.level ?? undefined,
    dueAt: iso(r.dueAt),
    legalRef: r.legalRef ?? undefined,
    occurredAt: iso(r.occurredAt)!,
    caseKind: r.caseKind ?? null,
  };
}

/** The case's access facts, from its row, as the API's policy reads them. */
async function caseFacts(tx: EntityManager, caseId: string): Promise<CaseAccessFacts | null> {
  const [c] = await tx.query(
    `SELECT kind, state, requesting_state, requested_state, requesting_authority_id, created_by, transmitted, executing_authority_ids,
            escalated_to_focal_points_of FROM cases WHERE id = $1`,
    [caseId],
  );
  if (!c) return null;
  return {
    kind: c.kind,
    requestingState: c.requesting_state,
    requestedState: c.requested_state,
    requestingAuthorityId: c.requesting_authority_id,
    createdBy: c.created_by,
    transmitted: c.transmitted,
    terminal: TERMINAL_STATES.has(c.state),
    executingAuthorityIds: c.executing_authority_ids,
    escalatedToFocalPointsOf: c.escalated_to_focal_points_of,
  };
}

/** Enabled users of enabled authorities who could be the addressee: of its States, or liaison magistrates (of no State of the pair). */
async function candidateUsers(tx: EntityManager, row: OutboxEntry): Promise<DirectoryUser[]> {
  return usersWhere(tx, `(u.state_code = ANY($1) OR 'LIAISON_MAGISTRATE' = ANY(u.roles))`, [row.addresseeStates]);
}

async function usersWhere(tx: EntityManager, where: string, params: unknown[]): Promise<DirectoryUser[]> {
  const rows: any[] = await tx.query(
    `SELECT u.id, u.roles, u.state_code, u.authority_id, u.email, p.language, p.categories, s.languages AS state_languages,
            COALESCE((SELECT json_agg(json_build_object('homeState', lp.home_state, 'hostState', lp.host_state)) FROM liaison_postings lp
                      WHERE lp.user_id = u.id AND lp.valid_from <= current_date AND (lp.valid_to IS NULL OR lp.valid_to >= current_date)), '[]') AS postings
     FROM users u
     JOIN authorities a ON a.id = u.authority_id AND a.disabled_at IS NULL
     JOIN states s ON s.code = u.state_code
     LEFT JOIN notification_preferences p ON p.user_id = u.id
     WHERE u.disabled_at IS NULL AND ${where}
     ORDER BY u.id`,
    params,
  );
  return rows.map((r) => ({
    id: r.id,
    roles: (r.roles as string[]).filter(isRole),
    stateCode: r.state_code,
    authorityId: r.authority_id,
    email: r.email,
    postings: r.postings,
    language: r.language,
    categories: r.categories,
    stateLanguages: r.state_languages ?? [],
  }));
}

function actorOf(u: DirectoryUser): Actor {
  return { userId: u.id, roles: u.roles, stateCode: u.stateCode, authorityId: u.authorityId, liaisonPostings: u.postings };
}

/** The user's language: their choice, else their State's first language the templates have, else English. */
function languageOf(u: DirectoryUser): NotificationLanguage {
  if (u.language) return u.language;
  const own = u.stateLanguages.find((l) => l === 'fr' || l === 'en');
  return (own as NotificationLanguage | undefined) ?? 'en';
}

/**
 * The authorities a notification addresses, for their webhooks: a central authority addressed as such
 * (even without users), and the authorities of the users it reaches. Each passes the access policy.
 */
async function addressedAuthorities(tx: EntityManager, row: OutboxEntry, facts: CaseAccessFacts, addressed: DirectoryUser[]): Promise<string[]> {
  const ids = new Set(addressed.map((u) => u.authorityId));
  if (addressesCentralAuthority(row.addressee)) {
    const cas: Array<{ id: string; state_code: string }> = await tx.query(
      `SELECT id, state_code FROM authorities WHERE kind = 'CENTRAL_AUTHORITY' AND state_code = ANY($1) AND disabled_at IS NULL`,
      [row.addresseeStates],
    );
    for (const a of cas) {
      const actor: Actor = {
        userId: `authority:${a.id}`,
        roles: ['CENTRAL_AUTHORITY', 'CENTRAL_AUTHORITY_HEAD'],
        stateCode: a.state_code,
        authorityId: a.id,
        liaisonPostings: [],
      };
      if (isAddressedTo(actor, row, facts)) ids.add(a.id);
    }
  }
  return [...ids].sort();
}

/**
 * A level-0 reminder to a central authority goes to the officer the authority assigned the case to, when
 * it did (POST /cases/:id/assignee); level 1 goes to the head, as its addressee says. Webhooks stay the
 * authority's: this narrows mail only.
 */
async function toAssignees(tx: EntityManager, row: OutboxEntry, addressed: DirectoryUser[]): Promise<DirectoryUser[]> {
  if (row.category !== 'REMINDER' || (row.level ?? 0) !== 0 || !(row.addressee === 'REQUESTING_CA' || row.addressee === 'REQUESTED_CA')) return addressed;
  const assigned: Array<{ authority_id: string; assignee_id: string }> = await tx.query(
    `SELECT authority_id, assignee_id FROM case_assignments WHERE case_id = $1`,
    [row.caseId],
  );
  // An assignee who is no longer addressed (disabled, moved) leaves the reminder to the whole authority.
  const present = new Set(addressed.map((u) => u.id));
  const assignee = new Map(assigned.filter((a) => present.has(a.assignee_id)).map((a) => [a.authority_id, a.assignee_id]));
  return addressed.filter((u) => !assignee.has(u.authorityId) || assignee.get(u.authorityId) === u.id);
}

async function skipWebhook(db: DataSource, id: string, reason: string): Promise<void> {
  await db.query(`UPDATE webhook_deliveries SET status = 'SKIPPED', last_error = $2 WHERE id = $1 AND status = 'PENDING'`, [id, reason]);
}

async function skipMail(db: DataSource, id: string, reason: string): Promise<void> {
  await db.query(`UPDATE mail_messages SET status = 'SKIPPED', last_error = $2 WHERE id = $1 AND status = 'PENDING'`, [id, reason]);
}

function abandon(message: string): ApplicationFailure {
  return ApplicationFailure.create({ type: DELIVERY_ABANDONED_FAILURE, nonRetryable: true, message });
}

/** A network error by its kind and code only: the URL and the address may name the receiver. */
function describeFetchError(err: unknown): string {
  const e = err as { name?: string; code?: string; cause?: { code?: string; name?: string }; responseCode?: number };
  const code = e?.cause?.code ?? e?.code;
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') return 'the endpoint did not answer in time';
  if (typeof e?.responseCode === 'number') return `the SMTP server answered ${e.responseCode}`;
  return `${e?.name ?? 'Error'}${code ? ` (${code})` : ''}`;
}
