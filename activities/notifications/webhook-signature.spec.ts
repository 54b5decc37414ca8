import { createHmac } from 'node:crypto';
import { isWebhookSecret, newWebhookSecret, signWebhook, verifyWebhook, webhookHeaders } from './webhook-signature';

// The example of the Standard Webhooks specification's reference libraries.
const SPEC_SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const SPEC_ID = 'msg_p5jXN8AQM9LWM0D4loKWxJek';
const SPEC_TIMESTAMP = 1614265330;
const SPEC_BODY = '{"test": 2432232314}';
const SPEC_SIGNATURE = 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=';

describe('webhook signatures (Standard Webhooks)', () => {
  it('signs "id.timestamp.body" with HMAC-SHA256 of the base64-decoded secret, as the specification does', () => {
    expect(signWebhook(SPEC_SECRET, SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY)).toBe(SPEC_SIGNATURE);
    const key = Buffer.from(SPEC_SECRET.slice('whsec_'.length), 'base64');
    const own = createHmac('sha256', key).update(`${SPEC_ID}.${SPEC_TIMESTAMP}.${SPEC_BODY}`).digest('base64');
    expect(signWebhook(SPEC_SECRET, SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY)).toBe(`v1,${own}`);
  });

  it('verifies its own signatures and refuses a changed body, id, timestamp or secret', () => {
    const secret = newWebhookSecret();
    const now = 1_800_000_000_000;
    const ts = now / 1000;
    const h = webhookHeaders([secret], 'evt-1', ts, '{"a":1}');
    const headers = { id: h['webhook-id'], timestamp: h['webhook-timestamp'], signature: h['webhook-signature'] };
    expect(verifyWebhook(secret, headers, '{"a":1}', { now })).toBe(true);
    expect(verifyWebhook(secret, headers, '{"a":2}', { now })).toBe(false);
    expect(verifyWebhook(secret, { ...headers, id: 'evt-2' }, '{"a":1}', { now })).toBe(false);
    expect(verifyWebhook(secret, { ...headers, timestamp: String(ts + 1) }, '{"a":1}', { now })).toBe(false);
    expect(verifyWebhook(newWebhookSecret(), headers, '{"a":1}', { now })).toBe(false);
  });

  it('refuses a message older or newer than the tolerance (a replay)', () => {
    const secret = newWebhookSecret();
    const ts = 1_800_000_000;
    const h = webhookHeaders([secret], 'evt-1', ts, 'x');
    const headers = { id: 'evt-1', timestamp: h['webhook-timestamp'], signature: h['webhook-signature'] };
    expect(verifyWebhook(secret, headers, 'x', { now: (ts + 299) * 1000 })).toBe(true);
    expect(verifyWebhook(secret, headers, 'x', { now: (ts + 301) * 1000 })).toBe(false);
    expect(verifyWebhook(secret, headers, 'x', { now: (ts - 301) * 1000 })).toBe(false);
  });

  it('signs with both secrets during a rotation: a receiver holding either one accepts', () => {
    const [next, previous] = [newWebhookSecret(), newWebhookSecret()];
    const h = webhookHeaders([next, previous], 'evt-9', 1_800_000_000, 'body');
    const signatures = h['webhook-signature'].split(' ');
    expect(signatures).toHaveLength(2);
    expect(signatures.every((s) => s.startsWith('v1,'))).toBe(true);
    const headers = { id: 'evt-9', timestamp: '1800000000', signature: h['webhook-signature'] };
    expect(verifyWebhook(next, headers, 'body', { now: 1_800_000_000_000 })).toBe(true);
    expect(verifyWebhook(previous, headers, 'body', { now: 1_800_000_000_000 })).toBe(true);
    expect(verifyWebhook(newWebhookSecret(), headers, 'body', { now: 1_800_000_000_000 })).toBe(false);
  });

  it('makes secrets of the whsec_ form, and refuses to sign without one', () => {
    const s = newWebhookSecret();
    expect(s).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    expect(isWebhookSecret(s)).toBe(true);
    expect(isWebhookSecret('secret')).toBe(false);
    expect(isWebhookSecret('whsec_c2hvcnQ=')).toBe(false);
    expect(() => webhookHeaders([], 'id', 1, 'b')).toThrow();
    expect(newWebhookSecret()).not.toBe(s);
  });
});
