import { SignJWT, importPKCS8 } from 'jose';
import { readFileSync } from 'node:fs';
import { Engine, startEngine } from './support/engine';

// Identity and hardening, through HTTP: security headers and no-store on case data, disabling a user
// (refused at the next request, audited without personal data), token age, and throttled
// authentication failures answered 429 with Retry-After.

const filing = {
  requestedState: 'GH',
  legalBasis: 'ECOWAS-MLA-1992',
  assistanceTypes: ['BANK_RECORDS'],
  subjectOfProceedings: 'Smuggling of migrants, organised criminal group',
  factsSummary: 'Payments for crossings were routed through accounts held in Accra.',
  purpose: 'Trace the proceeds of the smuggling network',
  persons: [{ role: 'SUSPECT', name: 'Person A', nationality: 'SN' }],
  language: 'fr',
};

describe('identity and hardening', () => {
  let engine: Engine;
  let prosecutor: string;
  let admin: string;
  let caseId: string;

  beforeAll(async () => {
    // A low limit so that the burst below passes it; the rest of the suite stays well under it.
    engine = await startEngine({ rateLimit: { authFailures: 20, windowSeconds: 60 } });
    prosecutor = await engine.token('u-sn-prosecutor');
    admin = await engine.token('u-admin');
    const filed = await engine.request('POST', '/cases', { token: prosecutor, body: filing });
    expect(filed.status).toBe(201);
    caseId = filed.body.id;
  }, 180_000);

  afterAll(() => engine?.stop(), 60_000);

  it('answers a case read with security headers and Cache-Control: no-store', async () => {
    const read = await engine.request('GET', `/cases/${caseId}`, { token: prosecutor });
    expect(read.status).toBe(200);
    const h = read.headers;
    expect(h.get('cache-control')).toBe('no-store');
    expect(h.get('x-content-type-options')).toBe('nosniff');
    expect(h.get('referrer-policy')).toBe('no-referrer');
    expect(h.get('x-frame-options')).toBe('DENY');
    const csp = h.get('content-security-policy') ?? '';
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("default-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(h.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    // Refusals carry no-store too, and the dashboard's static files keep their own caching but the same CSP.
    expect((await engine.request('GET', `/cases/${caseId}`)).headers.get('cache-control')).toBe('no-store');
    const page = await engine.request('GET', '/dashboard/index.html');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(page.headers.get('cache-control')).not.toBe('no-store');
    // Swagger UI needs its inline styles, and nothing more.
    const docs = await engine.request('GET', '/docs');
    expect(docs.status).toBe(200);
    expect(docs.headers.get('content-security-policy')).toContain("style-src 'self' 'unsafe-inline'");
    expect(docs.headers.get('content-security-policy')).toContain("script-src 'self';");
  });

  it('refuses a token older than the maximum age, or one claiming a ten-year life', async () => {
    const key = await importPKCS8(readFileSync(engine.authKeys.privateKeyFile, 'utf8'), 'ES256');
    const now = Math.floor(Date.now() / 1000);
    const sign = (iat: number, exp: number) =>
      new SignJWT({})
        .setProtectedHeader({ alg: 'ES256' })
        .setSubject('u-sn-prosecutor')
        .setIssuer('mla-engine-test')
        .setAudience('mla-engine')
        .setIssuedAt(iat)
        .setExpirationTime(exp)
        .sign(key);
    expect((await engine.request('GET', '/me', { token: await sign(now - 13 * 3600, now + 3600) })).status).toBe(401);
    expect((await engine.request('GET', '/me', { token: await sign(now, now + 10 * 365 * 86400) })).status).toBe(401);
    expect((await engine.request('GET', '/me', { token: await sign(now + 24 * 3600, now + 25 * 3600) })).status).toBe(401);
    expect((await engine.request('GET', '/me', { token: await sign(now, now + 3600) })).status).toBe(200);
  });

  it('refuses a disabled user from the next request on, and lets an ADMIN enable them again', async () => {
    expect((await engine.request('GET', `/cases/${caseId}`, { token: prosecutor })).status).toBe(200);
    expect((await engine.request('POST', '/operations/users/u-sn-ca/disable', { token: prosecutor })).status).toBe(403);
    const disabled = await engine.request('POST', '/operations/users/u-sn-prosecutor/disable', { token: admin });
    expect(disabled.status).toBe(200);
    expect(disabled.body).toMatchObject({ id: 'u-sn-prosecutor', status: 'DISABLED' });
    const refused = await engine.request('GET', `/cases/${caseId}`, { token: prosecutor });
    expect(refused.status).toBe(401);
    expect(refused.body.code).toBe('UNAUTHENTICATED');
    // A fresh token does not help either.
    expect((await engine.request('GET', '/me', { token: await engine.token('u-sn-prosecutor') })).status).toBe(401);
    expect((await engine.request('POST', '/operations/users/u-admin/disable', { token: admin })).status).toBe(422);
    expect((await engine.request('POST', '/operations/users/u-nobody/disable', { token: admin })).status).toBe(404);
    const enabled = await engine.request('POST', '/operations/users/u-sn-prosecutor/enable', { token: admin });
    expect(enabled.body).toMatchObject({ status: 'ENABLED', disabledAt: null });
    expect((await engine.request('GET', `/cases/${caseId}`, { token: prosecutor })).status).toBe(200);
  });

  it('answers 300 concurrent bad-token requests with 429s carrying Retry-After, while refusing each token', async () => {
    const bad = `${prosecutor.slice(0, -4)}AAAA`;
    const answers = await Promise.all(Array.from({ length: 300 }, () => engine.request('GET', `/cases/${caseId}`, { token: bad })));
    const statuses = answers.map((a) => a.status);
    expect(statuses.every((s) => s === 401 || s === 429)).toBe(true);
    const throttled = answers.filter((a) => a.status === 429);
    expect(throttled.length).toBeGreaterThan(200);
    expect(Number(throttled[0].headers.get('retry-after'))).toBeGreaterThan(0);
    expect(throttled[0].headers.get('content-type')).toContain('application/problem+json');
    expect(throttled[0].body).toMatchObject({ status: 429, code: 'TOO_MANY_AUTHENTICATION_FAILURES' });
  });
});
