import { verifyWebhook } from '../activities/notifications/webhook-signature';
import { NOTIFICATION_DIGEST_WORKFLOW_TYPE } from '../libs/contracts/src';
import { Engine, startEngine } from './support/engine';
import { startSmtpSink, startWebhookReceiver, type ReceivedWebhook } from './support/notification-sinks';

// Webhooks and mail through HTTP into a real Temporal dev server and Postgres (issue 15): subscriptions by
// the State's administrators, Standard Webhooks signatures, retries while the receiver is down, the delivery
// log, manual redelivery, secret rotation, immediate mail and the digest in the recipient's language.

const request = {
  legalBasis: 'UNTOC-2000',
  requestedState: 'NE',
  assistanceTypes: ['BANK_RECORDS'],
  subjectOfProceedings: 'Smuggling of migrants by an organised criminal group (Protocol art. 6)',
  factsSummary: 'Payments for sea crossings were routed through accounts held abroad.',
  purpose: 'Identify and trace the proceeds of the smuggling network',
  persons: [{ role: 'SUSPECT', name: 'Person Secret-Name', nationality: 'NE' }],
  language: 'fr',
};

async function eventually<T>(what: string, probe: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 90000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const headersOf = (r: ReceivedWebhook) => ({
  id: String(r.headers['webhook-id']),
  timestamp: String(r.headers['webhook-timestamp']),
  signature: String(r.headers['webhook-signature']),
});

describe('notification delivery: webhooks and mail (dev server, real SMTP server and receivers)', () => {
  let engine: Engine;
  let smtp: Awaited<ReturnType<typeof startSmtpSink>>;
  let neHook: Awaited<ReturnType<typeof startWebhookReceiver>>;
  let ngHook: Awaited<ReturnType<typeof startWebhookReceiver>>;
  let snHook: Awaited<ReturnType<typeof startWebhookReceiver>>;

  beforeAll(async () => {
    [smtp, neHook, ngHook, snHook] = await Promise.all([startSmtpSink(), startWebhookReceiver(), startWebhookReceiver(), startWebhookReceiver()]);
    engine = await startEngine({ notifications: { smtpUrl: smtp.url } });
  }, 180000);

  afterAll(async () => {
    await engine?.stop();
    await Promise.all([smtp?.stop(), neHook?.stop(), ngHook?.stop(), snHook?.stop()]);
  }, 60000);

  const as = async (user: string, method: string, path: string, body?: unknown) => engine.request(method, path, { token: await engine.token(user), body });

  it('lets only the State administrators manage an authority webhook, with problem details for bad input that change nothing', async () => {
    const bad = await as('u-ng-admin', 'POST', '/authorities/NG-CA-FMOJ/webhooks', { url: 'http://cms.example.org/hooks' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual([expect.objectContaining({ field: 'url', rule: 'webhook_url' })]);
    expect((await as('u-ng-admin', 'POST', '/authorities/NG-CA-FMOJ/webhooks', { url: ngHook.url, categories: ['GOSSIP'] })).status).toBe(400);
    expect((await as('u-ng-admin', 'POST', '/authorities/NG-CA-FMOJ/webhooks', { url: 'https://u:p@cms.example.org/' })).status).toBe(400);
    expect((await as('u-ng-admin', 'POST', '/authorities/NG-CA-FMOJ/webhooks', { url: 'ftp://cms.example.org/' })).status).toBe(400);
    // Another State's administrator: the authority does not exist for them; an officer may not manage it.
    expect((await as('u-admin', 'GET', '/authorities/NG-CA-FMOJ/webhooks')).status).toBe(404);
    expect((await as('u-ng-ca', 'POST', '/authorities/NG-CA-FMOJ/webhooks', { url: ngHook.url })).status).toBe(403);
    expect((await as('u-ng-admin', 'GET', '/authorities/XX-NOWHERE/webhooks')).status).toBe(404);
    expect((await as('u-ng-admin', 'GET', '/authorities/NG-CA-FMOJ/webhooks/not-a-uuid/deliveries')).status).toBe(404);
    expect((await as('u-ng-admin', 'POST', '/authorities/NG-CA-FMOJ/webhooks/00000000-0000-0000-0000-000000000000/secret', {})).status).toBe(404);
    const [{ n }] = await engine.db.query(`SELECT count(*)::int AS n FROM webhook_endpoints`);
    expect(n).toBe(0);
  });

  it('keeps each user’s mail preferences, refusing unknown categories and modes', async () => {
    expect((await as('u-ne-ca', 'GET', '/me/notification-preferences')).body).toEqual({
      language: 'fr',
      categories: { ESCALATION: 'IMMEDIATE', BREACH: 'IMMEDIATE', REMINDER: 'DIGEST', STEP: 'DIGEST' },
      hasEmail: true,
      saved: false,
    });
    const bad = await as('u-ne-ca', 'PUT', '/me/notification-preferences', { categories: { STEP: 'LOUDLY' } });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0]).toMatchObject({ field: 'categories', rule: 'category_modes' });
    expect((await as('u-ne-ca', 'PUT', '/me/notification-preferences', { language: 'de' })).status).toBe(400);
    expect((await as('u-ne-ca', 'PUT', '/me/notification-preferences', { categories: { GOSSIP: 'OFF' } })).status).toBe(400);
    expect((await as('u-ne-ca', 'GET', '/me/notification-preferences')).body.saved).toBe(false);
  });

  it('delivers signed, de-duplicable notifications after the receiver was down, logs them, redelivers on demand, and mails who may see the case', async () => {
    const created = await as('u-admin', 'POST', '/authorities/SN-CA-DACG/webhooks', { url: snHook.url });
    expect(created.status).toBe(201);
    // Niger's administrator? None is seeded: Niger's central authority is subscribed directly in the table, as its admin would.
    const neWebhook = await engine.db.query(
      `INSERT INTO webhook_endpoints (id, authority_id, url, categories, secrets, created_by)
       VALUES (gen_random_uuid(), 'NE-CA-DAPG', $1, '{ESCALATION,BREACH,REMINDER,STEP}', $2::jsonb, 'test') RETURNING id`,
      [neHook.url, JSON.stringify([{ secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', createdAt: new Date().toISOString() }])],
    );
    expect(neWebhook).toHaveLength(1);
    const ng = await as('u-ng-admin', 'POST', '/authorities/NG-CA-FMOJ/webhooks', { url: ngHook.url, description: 'NG case management system' });
    expect(ng.status).toBe(201);
    expect(ng.body.secret).toMatch(/^whsec_/);
    const ngSecret: string = ng.body.secret;
    const webhookId: string = ng.body.id;
    const listed = await as('u-ng-admin', 'GET', '/authorities/NG-CA-FMOJ/webhooks');
    expect(listed.body).toEqual([expect.objectContaining({ id: webhookId, url: ngHook.url, categories: ['ESCALATION', 'BREACH', 'REMINDER', 'STEP'] })]);
    expect(JSON.stringify(listed.body)).not.toContain('whsec_');
    expect((await as('u-ng-admin', 'GET', `/directory/changes?entityId=${webhookId}`)).body.items).toEqual([
      expect.objectContaining({ entity: 'WEBHOOK', action: 'CREATED', actorId: 'u-ng-admin' }),
    ]);

    // Niger's officer wants steps at once, in English; Niger's head keeps the defaults (digest, French).
    expect((await as('u-ne-ca', 'PUT', '/me/notification-preferences', { language: 'en', categories: { STEP: 'IMMEDIATE' } })).body).toMatchObject({
      language: 'en',
      categories: { STEP: 'IMMEDIATE', ESCALATION: 'IMMEDIATE' },
      saved: true,
    });

    // Niger's receiver is down when the transmission comes.
    neHook.status = 503;
    const filed = await as('u-ng-prosecutor', 'POST', '/cases', request);
    expect(filed.status).toBe(201);
    const id: string = filed.body.id;
    const path = `/cases/${id}`;
    expect((await as('u-ng-prosecutor', 'POST', `${path}/submit`, {})).status).toBe(200);
    expect((await as('u-ng-ca', 'POST', `${path}/approve`, {})).status).toBe(200);
    // Before transmission Niger may not see the case: nothing has gone to Niger yet.
    await engine.settle(id);
    expect(neHook.requests).toEqual([]);
    expect((await as('u-ng-ca', 'POST', `${path}/transmit`, { channel: 'DIPLOMATIC', reference: 'MFA/NV/2025/311' })).status).toBe(200);

    await eventually('two refused attempts', () => neHook.requests.filter((r) => r.answered === 503).length >= 2);
    neHook.status = 200;
    const accepted = await eventually('the transmission accepted', () => neHook.requests.find((r) => r.answered === 200));
    const headers = headersOf(accepted);
    expect(verifyWebhook('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', headers, accepted.body)).toBe(true);
    expect(verifyWebhook('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', headers, accepted.body.replace('STEP', 'BREACH'))).toBe(false);
    // Every attempt carried the same webhook-id, each signed.
    expect(new Set(neHook.requests.map((r) => r.headers['webhook-id']))).toEqual(new Set([headers.id]));
    for (const r of neHook.requests)
      expect(verifyWebhook('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', headersOf(r), r.body, { toleranceSeconds: 3600 })).toBe(true);
    expect(JSON.parse(accepted.body)).toMatchObject({
      type: 'case.step',
      data: { eventId: headers.id, caseId: id, caseKind: 'MLA', category: 'STEP', addressee: 'REQUESTED_CA', addresseeStates: ['NE'] },
    });
    expect(accepted.body).not.toMatch(/Secret-Name|sea crossings|smuggling/i);
    const [neLog] = await eventually('Niger’s delivery marked delivered', async () => {
      const rows = await engine.db.query(`SELECT status, attempts FROM webhook_deliveries WHERE event_id = $1 AND status = 'DELIVERED'`, [headers.id]);
      return rows.length ? rows : undefined;
    });
    expect(neLog.attempts).toBeGreaterThanOrEqual(3);
    const attempts = await engine.db.query(
      `SELECT a.attempt, a.status_code FROM webhook_attempts a JOIN webhook_deliveries d ON d.id = a.delivery_id WHERE d.event_id = $1 ORDER BY a.attempt`,
      [headers.id],
    );
    expect(attempts.slice(0, 2)).toEqual([
      { attempt: 1, status_code: 503 },
      { attempt: 2, status_code: 503 },
    ]);
    expect(attempts.at(-1).status_code).toBe(200);

    // The immediate mail of the step, in the language the officer chose; the head waits for the digest.
    const stepMail = await eventually('the officer’s mail', () => smtp.mails.find((m) => m.to.includes('u-ne-ca@mla-demo.invalid')));
    expect(stepMail.subject).toMatch(new RegExp(`^\\[${id}\\] Step to take: `));
    expect(stepMail.headers['x-mla-event-ids']).toBe(headers.id);
    expect(stepMail.text).toContain(`Notification id: ${headers.id}`);
    expect(stepMail.text).not.toMatch(/Secret-Name|sea crossings/);

    // Niger acknowledges: the requesting side (Nigeria) is told; its endpoint gets it, signed with its secret.
    expect((await as('u-ne-ca', 'POST', `${path}/acknowledge`, { reference: 'DAPG/2025/12' })).status).toBe(200);
    const ack = await eventually('the acknowledgment at Nigeria', () => ngHook.requests.find((r) => r.answered === 200));
    expect(verifyWebhook(ngSecret, headersOf(ack), ack.body)).toBe(true);
    expect(JSON.parse(ack.body).data).toMatchObject({ caseId: id, addressee: 'REQUESTING_CA', addresseeStates: ['NG'] });
    const deliveriesPath = `/authorities/NG-CA-FMOJ/webhooks/${webhookId}/deliveries`;
    const log = await eventually('the delivery log', async () => {
      const page = await as('u-ng-admin', 'GET', deliveriesPath);
      return page.body.items.find((d: { status: string }) => d.status === 'DELIVERED') as Record<string, any> | undefined;
    });
    expect(log).toMatchObject({
      eventId: headersOf(ack).id,
      caseId: id,
      lastStatusCode: 200,
      attempts: 1,
      attemptLog: [expect.objectContaining({ attempt: 1, statusCode: 200 })],
    });
    expect((await as('u-ng-admin', 'GET', `${deliveriesPath}?limit=0`)).status).toBe(400);
    expect((await as('u-ng-admin', 'GET', `${deliveriesPath}?status=LOST`)).status).toBe(400);

    // Manual redelivery: the same webhook-id again, logged as a new delivery and in the directory changes.
    const before = ngHook.requests.length;
    const redelivered = await as('u-ng-admin', 'POST', `${deliveriesPath}/${log.id}/redeliver`);
    expect(redelivered.status).toBe(201);
    expect(redelivered.body).toMatchObject({ eventId: log.eventId, redeliveryOf: log.id, requestedBy: 'u-ng-admin', status: 'PENDING' });
    const again = await eventually('the redelivery', () => ngHook.requests.slice(before).find((r) => r.answered === 200));
    expect(headersOf(again).id).toBe(log.eventId);
    expect(verifyWebhook(ngSecret, headersOf(again), again.body)).toBe(true);
    await eventually('the redelivery logged', async () => {
      const page = await as('u-ng-admin', 'GET', deliveriesPath);
      return page.body.items.find((d: { id: string; status: string }) => d.id === redelivered.body.id && d.status === 'DELIVERED');
    });
    expect((await as('u-ng-admin', 'GET', `/directory/changes?entityId=${webhookId}`)).body.items[0]).toMatchObject({
      action: 'REDELIVERED',
      after: { deliveryId: redelivered.body.id, redeliveryOf: log.id },
    });
    // Another webhook's delivery, or another State's webhook, does not exist here.
    expect((await as('u-ng-admin', 'POST', `${deliveriesPath}/${created.body.id}/redeliver`)).status).toBe(404);
    expect((await as('u-ng-admin', 'GET', `/authorities/SN-CA-DACG/webhooks/${created.body.id}/deliveries`)).status).toBe(404);

    // Secret rotation: both secrets sign while the previous one is valid, so a receiver holding either accepts.
    const rotated = await as('u-ng-admin', 'POST', `/authorities/NG-CA-FMOJ/webhooks/${webhookId}/secret`, { previousSecretValidHours: 2 });
    expect(rotated.status).toBe(201);
    expect((await as('u-ng-admin', 'POST', `/authorities/NG-CA-FMOJ/webhooks/${webhookId}/secret`, { previousSecretValidHours: 999 })).status).toBe(400);
    const beforeRotation = ngHook.requests.length;
    const again2 = await as('u-ng-admin', 'POST', `${deliveriesPath}/${log.id}/redeliver`);
    expect(again2.status).toBe(201);
    const rotatedDelivery = await eventually('a delivery after the rotation', () => ngHook.requests.slice(beforeRotation).find((r) => r.answered === 200));
    expect(headersOf(rotatedDelivery).signature.split(' ')).toHaveLength(2);
    expect(verifyWebhook(rotated.body.secret, headersOf(rotatedDelivery), rotatedDelivery.body)).toBe(true);
    expect(verifyWebhook(ngSecret, headersOf(rotatedDelivery), rotatedDelivery.body)).toBe(true);

    // The daily digest (as its Schedule would start it): Niger's head gets the transmission, in French.
    await engine.temporal.client.workflow.execute(NOTIFICATION_DIGEST_WORKFLOW_TYPE, {
      workflowId: `notification-digest-test-${Date.now()}`,
      taskQueue: engine.temporal.taskQueue,
      args: [],
    });
    const digest = await eventually('the head’s digest', () =>
      smtp.mails.find((m) => m.to.includes('u-ne-ca-head@mla-demo.invalid') && m.subject.startsWith('Récapitulatif quotidien')),
    );
    expect(digest.text).toContain(id);
    expect(digest.text).toContain(headers.id);

    // Deleting the endpoint: nothing more is sent to it.
    expect((await as('u-ng-admin', 'DELETE', `/authorities/NG-CA-FMOJ/webhooks/${webhookId}`)).status).toBe(200);
    expect((await as('u-ng-admin', 'GET', '/authorities/NG-CA-FMOJ/webhooks')).body).toEqual([]);

    // Nothing for who may not see the case: Senegal's endpoint, Senegal's (or anyone else's) users.
    expect(snHook.requests).toEqual([]);
    const recipients = [...new Set(smtp.mails.flatMap((m) => m.to))].sort();
    for (const to of recipients) expect(to).toMatch(/^u-(ne|ng)-/);
    for (const m of smtp.mails) expect(m.text).not.toMatch(/Secret-Name|sea crossings/);
    // One mail per (notification, user): Message-IDs never repeat.
    const ids = smtp.mails.map((m) => m.headers['message-id']);
    expect(new Set(ids).size).toBe(ids.length);
  }, 600000);
});
