import { MigrationInterface, QueryRunner } from 'typeorm';
import { ENGINE_ROLE, handOverToOwner } from './1765100000000-AuditTrust';

/**
 * Notifications leave the engine (issue 15):
 * - `notification_outbox`: what a batch of case events asks to tell someone (a reminder, an escalation,
 *   a breach, a step owed), written in the same transaction as the events themselves, with a stable id
 *   (case id, event seq, index) that every delivery of it carries, so receivers can de-duplicate;
 * - `webhook_endpoints` per authority (with their signing secrets: two while a rotation runs), and
 *   `webhook_deliveries` / `webhook_attempts`: the delivery log per endpoint, manual redeliveries included;
 * - `notification_preferences` per user, `mail_messages` (immediate mails and daily digests) and the
 *   digest's waiting items; `users.email` is where mail goes.
 * Webhook changes are recorded with the directory's changes (append-only), as entity WEBHOOK.
 */
export class NotificationDelivery1765850000000 implements MigrationInterface {
  name = 'NotificationDelivery1765850000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE users ADD COLUMN email text CHECK (email IS NULL OR email ~ '^[^@\\s]+@[^@\\s]+$');

      CREATE TABLE notification_outbox (
        id text PRIMARY KEY,
        case_id uuid NOT NULL,
        seq int NOT NULL,
        event text NOT NULL,
        category text NOT NULL CHECK (category IN ('ESCALATION', 'BREACH', 'REMINDER', 'STEP')),
        addressee text NOT NULL,
        addressee_states text[] NOT NULL,
        authority_ids text[] NOT NULL DEFAULT '{}',
        task_id text,
        level int,
        due_at timestamptz,
        legal_ref text,
        occurred_at timestamptz NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        dispatched_at timestamptz
      );
      CREATE INDEX notification_outbox_pending_idx ON notification_outbox (created_at) WHERE dispatched_at IS NULL;
      CREATE INDEX notification_outbox_case_idx ON notification_outbox (case_id, seq);

      CREATE TABLE webhook_endpoints (
        id uuid PRIMARY KEY,
        authority_id text NOT NULL REFERENCES authorities(id),
        url text NOT NULL,
        description text,
        categories text[] NOT NULL,
        secrets jsonb NOT NULL,
        created_by text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        deleted_at timestamptz,
        deleted_by text
      );
      CREATE INDEX webhook_endpoints_authority_idx ON webhook_endpoints (authority_id) WHERE deleted_at IS NULL;

      CREATE TABLE webhook_deliveries (
        id uuid PRIMARY KEY,
        endpoint_id uuid NOT NULL REFERENCES webhook_endpoints(id),
        event_id text NOT NULL REFERENCES notification_outbox(id),
        case_id uuid NOT NULL,
        payload jsonb NOT NULL,
        status text NOT NULL DEFAULT 'PENDING' CHECK (status IN ('PENDING', 'DELIVERED', 'FAILED', 'SKIPPED')),
        attempts int NOT NULL DEFAULT 0,
        last_status_code int,
        last_error text,
        last_attempt_at timestamptz,
        delivered_at timestamptz,
        redelivery_of uuid REFERENCES webhook_deliveries(id),
        requested_by text,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE UNIQUE INDEX webhook_deliveries_once_idx ON webhook_deliveries (endpoint_id, event_id) WHERE redelivery_of IS NULL;
      CREATE INDEX webhook_deliveries_endpoint_idx ON webhook_deliveries (endpoint_id, created_at DESC, id DESC);
      CREATE INDEX webhook_deliveries_pending_idx ON webhook_deliveries (created_at) WHERE status = 'PENDING';

      CREATE TABLE webhook_attempts (
        delivery_id uuid NOT NULL REFERENCES webhook_deliveries(id),
        attempt int NOT NULL,
        at timestamptz NOT NULL DEFAULT now(),
        status_code int,
        error text,
        duration_ms int NOT NULL,
        PRIMARY KEY (delivery_id, attempt)
      );

      CREATE TABLE notification_preferences (
        user_id text PRIMARY KEY REFERENCES users(id),
        language text NOT NULL CHECK (language IN ('fr', 'en')),
        categories jsonb NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      );

      CREATE TABLE mail_messages (
        id uuid PRIMARY KEY,
        message_id text NOT NULL UNIQUE,
        user_id text NOT NULL REFERENCES users(id),
        kind text NOT NULL CHECK (kind IN ('IMMEDIATE', 'DIGEST')),
        event_ids text[] NOT NULL,
        status text NOT NULL DEFAULT 'PENDING' CHECK (status IN ('PENDING', 'SENT', 'FAILED', 'SKIPPED')),
        attempts int NOT NULL DEFAULT 0,
        last_error text,
        language text,
        sent_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX mail_messages_pending_idx ON mail_messages (created_at) WHERE status = 'PENDING';

      CREATE TABLE notification_digest_items (
        user_id text NOT NULL REFERENCES users(id),
        event_id text NOT NULL REFERENCES notification_outbox(id),
        created_at timestamptz NOT NULL DEFAULT now(),
        mail_id uuid REFERENCES mail_messages(id),
        PRIMARY KEY (user_id, event_id)
      );
      CREATE INDEX notification_digest_items_waiting_idx ON notification_digest_items (user_id) WHERE mail_id IS NULL;

      ALTER TABLE directory_changes DROP CONSTRAINT directory_changes_entity_check;
      ALTER TABLE directory_changes ADD CONSTRAINT directory_changes_entity_check CHECK (entity IN ('AUTHORITY', 'USER', 'WEBHOOK'));
      ALTER TABLE directory_changes DROP CONSTRAINT directory_changes_action_check;
      ALTER TABLE directory_changes ADD CONSTRAINT directory_changes_action_check
        CHECK (action IN ('CREATED', 'UPDATED', 'DISABLED', 'ENABLED', 'DELETED', 'SECRET_ROTATED', 'REDELIVERED'));
    `);
    await handOverToOwner(q);
    await q.query(`
      GRANT SELECT, INSERT, UPDATE ON notification_outbox, webhook_endpoints, webhook_deliveries, webhook_attempts,
        notification_preferences, mail_messages, notification_digest_items TO ${ENGINE_ROLE};
      GRANT UPDATE (email) ON users TO ${ENGINE_ROLE};
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TABLE notification_digest_items, mail_messages, notification_preferences, webhook_attempts, webhook_deliveries,
        webhook_endpoints, notification_outbox;
      ALTER TABLE users DROP COLUMN email;
    `);
  }
}
