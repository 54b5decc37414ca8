import { verifyWebhook } from '../activities/notifications/webhook-signature';
import { NOTIFICATION_DIGEST_WORKFLOW_TYPE } from '../libs/contracts/src';
import { Engine, startEngine } from './support/engine';
import { startSmtpSink, startWebhookReceiver, type ReceivedMail, type ReceivedWebhook } from './support/notification-sinks';
import { Scenario } from './support/scenario';

// Notifications leave the engine (issue 15): signed webhooks to the authorities addressed and mails to
// their users, at least once with a stable id, through HTTP into the engine on the time-skipping server,
// with a real SMTP server and a real HTTP receiver started here. Nothing reaches who may not see the case.

const request = (over: Record<string, unknown> = {}) => ({
  legalBasis: 'UNTOC-2000',
  requestedState: 'NE',
  assistanceTypes: ['BANK_RECORDS'],
  subjectOfProceedings: 'Smuggling of migrants by an organised criminal group (Protocol art. 6)',
  factsSummary: 'Payments for sea crossings were routed through accounts held abroad.',
  purpose: 'Identify and trace the proceeds of the smuggling network',
  persons: [{ role: 'SUSPECT', name: 'Person Secret-Name', nationality: 'NE' }],
  language: 'fr',
  ...over,
});

async function eventually<T>(what: string, probe: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 60000): Promise<T> {
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

describe('notifications of reminders and escalations: webhooks and mail (time-skipping server, real SMTP server and receiver)', () => {
  let engine: Engine;
  let smtp: Awaited<ReturnType<typeof startSmtpSink>>;
  let ngHook: Awaited<ReturnType<typeof startWebhookReceiver>>;
  let snHook: Awaited<ReturnType<typeof startWebhookReceiver>>;

  beforeAll(async () => {
    [smtp, ngHook, snHook] = await Promise.all([startSmtpSink(), startWebhookReceiver(), startWebhookReceiver()]);
    engine = await startEngine({ temporal: 'time-skipping', notifications: { smtpUrl: smtp.url } });
  }, 180000);

  afterAll(async () => {
    await engine?.stop();
    await Promise.all([smtp?.stop(), ngHook?.stop(), snHook?.stop()]);
  }, 60000);

  it('a missed acknowledgment: the D8 reminder and the D61 escalation reach the authorities and users addressed, in their languages, and nobody else', async () => {
    const ngAdmin = await engine.token('u-ng-admin');
    const created = await engine.request('POST', '/authorities/NG-CA-FMOJ/webhooks', {
      token: ngAdmin,
      body: { url: ngHook.url, description: 'NG case management system' },
    });
    expect(created.status).toBe(201);
    expect(created.body.secret).toMatch(/^whsec_/);
    const ngSecret: string = created.body.secret;
    const webhookId: string = created.body.id;
    const listed = await engine.request('GET', '/authorities/NG-CA-FMOJ/webhooks', { token: ngAdmin });
    expect(listed.body).toEqual([expect.objectContaining({ id: webhookId, url: ngHook.url, categories: ['ESCALATION', 'BREACH', 'REMINDER', 'STEP'] })]);
    expect(JSON.stringify(listed.body)).not.toContain('whsec_');
    // Senegal's central authority subscribes too: the NG–NE case is none of its business.
    const sn = await engine.request('POST', '/authorities/SN-CA-DACG/webhooks', { token: await engine.token('u-admin'), body: { url: snHook.url } });
    expect(sn.status).toBe(201);
    const changes = await engine.request('GET', `/directory/changes?entityId=${webhookId}`, { token: ngAdmin });
    expect(changes.body.items).toEqual([expect.objectContaining({ entity: 'WEBHOOK', action: 'CREATED', actorId: 'u-ng-admin' })]);

    // Preferences: the officer wants reminders at once (in English, Nigeria's language); the head too, in French.
    const officer = await engine.token('u-ng-ca');
    expect((await engine.request('GET', '/me/notification-preferences', { token: officer })).body).toEqual({
      language: 'en',
      categories: { ESCALATION: 'IMMEDIATE', BREACH: 'IMMEDIATE', REMINDER: 'DIGEST', STEP: 'DIGEST' },
      hasEmail: true,
      saved: false,
    });
    const badPrefs = await engine.request('PUT', '/me/notification-preferences', { token: officer, body: { categories: { REMINDER: 'LOUDLY' } } });
    expect(badPrefs.status).toBe(400);
    expect(badPrefs.body.errors[0]).toMatchObject({ field: 'categories', rule: 'category_modes' });
    expect(
      (await engine.request('PUT', '/me/notification-preferences', { token: officer, body: { categories: { REMINDER: 'IMMEDIATE' } } })).body,
    ).toMatchObject({
      language: 'en',
      categories: { REMINDER: 'IMMEDIATE', ESCALATION: 'IMMEDIATE' },
      saved: true,
    });
    const head = await engine.token('u-ng-ca-head');
    await engine.request('PUT', '/me/notification-preferences', { token: head, body: { language: 'fr', categories: { REMINDER: 'IMMEDIATE' } } });

    const sc = await Scenario.begin(engine, { d0: '2025-02-03', timeZone: 'Africa/Lagos' });
    await sc.day(0, [], '09:00');
    const id = (await sc.call('u-ng-prosecutor', 'POST', '/cases', request())).id;
    const path = `/cases/${id}`;
    await sc.call('u-ng-prosecutor', 'POST', `${path}/submit`);
    await sc.call('u-ng-ca', 'POST', `${path}/approve`);
    await sc.call('u-ng-ca', 'POST', `${path}/transmit`, { channel: 'DIPLOMATIC', reference: 'MFA/NV/2025/311' });
    await engine.settle(id);

    // No acknowledgment by D8: a reminder to Nigeria's central authority (domain brief §7, level 0).
    await sc.travelTo(sc.dayInstant(8, '00:00') + 1000, id);
    const deliveriesPath = `/authorities/NG-CA-FMOJ/webhooks/${webhookId}/deliveries`;
    const accepted = await eventually('the reminder webhook', () => ngHook.requests.find((r) => r.answered === 200));
    const log = await eventually('the delivery logged as delivered', async () => {
      const page = await engine.request('GET', deliveriesPath, { token: ngAdmin });
      return page.body.items.find((d: { status: string }) => d.status === 'DELIVERED') as Record<string, any> | undefined;
    });

    // Signed as Standard Webhooks say, with the secret the administrator was given; the same webhook-id on every attempt.
    const headers = headersOf(accepted);
    expect(verifyWebhook(ngSecret, headers, accepted.body)).toBe(true);
    expect(verifyWebhook(ngSecret, headers, accepted.body.replace('REMINDER', 'ESCALATION'))).toBe(false);
    expect(new Set(ngHook.requests.map((r) => r.headers['webhook-id']))).toEqual(new Set([headers.id]));
    for (const r of ngHook.requests) expect(verifyWebhook(ngSecret, headersOf(r), r.body, { toleranceSeconds: 3600 })).toBe(true);
    const payload = JSON.parse(accepted.body);
    expect(payload).toMatchObject({
      type: 'case.reminder',
      data: { eventId: headers.id, caseId: id, caseKind: 'MLA', event: 'REMINDER', category: 'REMINDER', addressee: 'REQUESTING_CA', addresseeStates: ['NG'] },
    });
    // Ids and kinds only: no person, no facts.
    expect(accepted.body).not.toMatch(/Secret-Name|sea crossings|smuggling/i);
    expect(log).toMatchObject({ eventId: headers.id, caseId: id, type: 'case.reminder', lastStatusCode: 200 });
    expect(log.attemptLog).toEqual([expect.objectContaining({ attempt: 1, statusCode: 200, error: null })]);

    // Immediate mails for the reminder: the officer in English, the head in French; nobody else.
    const reminderMails = await eventually('the reminder mails', () => {
      const m = smtp.mails.filter((x) => x.headers['x-mla-event-ids']?.includes(headers.id));
      return m.length >= 2 ? m : undefined;
    });
    const byRecipient = (to: string) => reminderMails.find((m) => m.to.includes(to))!;
    expect(reminderMails.flatMap((m) => m.to).sort()).toEqual(['u-ng-ca-head@mla-demo.invalid', 'u-ng-ca@mla-demo.invalid']);
    expect(byRecipient('u-ng-ca@mla-demo.invalid').subject).toBe(`[${id}] Reminder: a reminder`);
    expect(byRecipient('u-ng-ca@mla-demo.invalid').text).toContain('the requesting central authority');
    expect(byRecipient('u-ng-ca-head@mla-demo.invalid').subject).toBe(`[${id}] Rappel : un rappel`);
    expect(byRecipient('u-ng-ca-head@mla-demo.invalid').text).toContain("l'autorité centrale requérante");
    for (const m of reminderMails) expect(m.text).not.toMatch(/Secret-Name|sea crossings/);

    // D61: level 3, the network focal points of both States (immediate: escalations are, by default).
    const beforeEscalation = ngHook.requests.length;
    await sc.travelTo(sc.dayInstant(61, '00:00') + 1000, id);
    const escalation = await eventually('the escalation webhook', () =>
      ngHook.requests.slice(beforeEscalation).find((r) => r.answered === 200 && JSON.parse(r.body).type === 'case.escalation'),
    );
    expect(verifyWebhook(ngSecret, headersOf(escalation), escalation.body)).toBe(true);
    // The focal points are addressed, and NG-CA-FMOJ is the authority of Nigeria's focal point for central authorities
    // (u-ng-fp-ca), who may now see the case: the authority's endpoint hears of it.
    expect(JSON.parse(escalation.body).data).toMatchObject({ event: 'ESCALATION', addressee: 'FOCAL_POINTS', level: 3, addresseeStates: ['NE', 'NG'] });
    const escalationMails = await eventually('the escalation mails', () => {
      const m = smtp.mails.filter((x) => /Escala(tion|de)/.test(x.subject));
      return m.length >= 3 ? m : undefined;
    });
    const fpMail = (user: string) => escalationMails.find((m) => m.to.includes(`${user}@mla-demo.invalid`));
    // Niger's focal points in French, Nigeria's in English (their States' languages, no preference saved).
    expect(fpMail('u-ne-fp-ca')?.subject).toBe(`[${id}] Escalade : le dossier a fait l'objet d'une escalade`);
    expect(fpMail('u-ng-fp-ca')?.subject).toBe(`[${id}] Escalation: the case was escalated`);

    // Digest: what waited (the transmission, for Niger's central authority) in one mail per user.
    await engine.temporal.client.workflow.execute(NOTIFICATION_DIGEST_WORKFLOW_TYPE, {
      workflowId: `digest-test-${Date.now()}`,
      taskQueue: engine.temporal.taskQueue,
      args: [],
    });
    const digest = await eventually('the digest of Niger’s central authority', () =>
      smtp.mails.find((m) => m.to.includes('u-ne-ca@mla-demo.invalid') && m.subject.startsWith('Récapitulatif quotidien')),
    );
    expect(digest.text).toContain(id);
    expect(digest.text).toMatch(/une demande vous a été transmise/);

    // Nothing for those who may not see the case: Senegal's receiver, Senegal's users, other States' focal points.
    expect(snHook.requests).toEqual([]);
    const everyone = smtp.mails.flatMap((m: ReceivedMail) => m.to);
    expect(everyone.filter((to) => /^u-(sn|gh|ml|it|fr|es)-/.test(to))).toEqual([]);
    for (const m of smtp.mails) expect(m.text).not.toMatch(/Secret-Name|sea crossings/);
    // Delivered at least once, each to whom it concerns: one immediate mail per (notification, user).
    const ids = smtp.mails.filter((m) => m.headers['x-mla-notification-id']).map((m) => m.headers['x-mla-notification-id']);
    expect(new Set(ids).size).toBe(ids.length);
  }, 600000);
});
