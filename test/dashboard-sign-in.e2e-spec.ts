import type { Browser, Page } from 'playwright-core';
import { launchBrowser } from './support/browser';
import { Engine, startEngine } from './support/engine';
import { clientCredentialsToken, signingKey, startOpenIdProvider } from './support/openid-provider';
import { freePort, startAll } from './support/servers';

// The dashboard signs a manager in through a real OpenID provider (oidc-provider): authorization code
// with PKCE, the dashboard a public client with no secret. The user leaves for the provider's sign-in
// page, comes back with a code, the dashboard buys its token with the code and its verifier, and reads
// the stalled list with it. The paste-a-token sign-in stays beside it for local use.

const AUDIENCE = 'urn:mla-engine';
const DASHBOARD_CLIENT = 'mla-dashboard';

describe('dashboard sign-in through the OpenID provider (authorization code + PKCE, real browser)', () => {
  let engine: Engine;
  let provider: { issuer: string; stop(): Promise<void> };
  let browser: Browser;
  let page: Page;
  let stalledId: string;

  beforeAll(async () => {
    const port = await freePort();
    const issuer = `http://127.0.0.1:${port}`;
    // Both or neither: when one fails the other is stopped, and the suite ends with the cause.
    [engine, browser] = await startAll(
      startEngine({
        auth: {
          issuer,
          audience: AUDIENCE,
          jwksUrl: `${issuer}/jwks`,
          publicKeyFile: undefined,
          algorithms: ['ES256'],
          dashboardClientId: DASHBOARD_CLIENT,
          dashboardScopes: 'openid api',
        },
      }),
      launchBrowser(),
    );
    provider = await startOpenIdProvider(port, {
      keys: [await signingKey('k1')],
      clients: ['u-sn-prosecutor', 'u-sn-ca'],
      audience: AUDIENCE,
      publicClients: [{ id: DASHBOARD_CLIENT, redirectUris: [`${engine.baseUrl}/dashboard/`] }],
    });
    // A case carried to TRANSMITTED by the provider's tokens, then left without any party act for 45 days.
    const [p, ca] = await Promise.all(['u-sn-prosecutor', 'u-sn-ca'].map((c) => clientCredentialsToken(issuer, c, AUDIENCE)));
    const body = {
      requestedState: 'GH',
      legalBasis: 'ECOWAS-MLA-1992',
      assistanceTypes: ['BANK_RECORDS'],
      subjectOfProceedings: 'smuggling',
      factsSummary: 'payments',
      purpose: 'trace proceeds',
      persons: [],
      language: 'en',
    };
    const filed = await engine.request('POST', '/cases', { token: p, body });
    expect(filed.status).toBe(201);
    stalledId = filed.body.id;
    expect((await engine.request('POST', `/cases/${stalledId}/submit`, { token: p, body: {} })).status).toBe(200);
    expect((await engine.request('POST', `/cases/${stalledId}/approve`, { token: ca, body: {} })).status).toBe(200);
    expect((await engine.request('POST', `/cases/${stalledId}/transmit`, { token: ca, body: { channel: 'CA_DIRECT', reference: 'DACG-1' } })).status).toBe(200);
    await engine.db.query(`UPDATE cases SET last_party_event_at = now() - interval '45 days' WHERE id = $1`, [stalledId]);
    page = await browser.newPage({ viewport: { width: 1280, height: 900 }, locale: 'en-GB' });
  }, 180000);

  afterAll(async () => {
    await browser?.close();
    await provider?.stop();
    await engine?.stop();
  }, 60000);

  it("tells the dashboard where to sign in: the provider's endpoints, the public client id, the engine's audience", async () => {
    const res = await engine.request('GET', '/dashboard/config.json');
    expect(res.status).toBe(200);
    expect(res.body.openId).toEqual({
      issuer: provider.issuer,
      clientId: DASHBOARD_CLIENT,
      authorizationEndpoint: expect.stringMatching(new RegExp(`^${provider.issuer}/`)),
      tokenEndpoint: `${provider.issuer}/token`,
      scope: 'openid api',
      resource: AUDIENCE,
    });
    // The dashboard may call the provider to exchange its code, and no other origin.
    const csp = (await fetch(`${engine.baseUrl}/dashboard/`)).headers.get('content-security-policy')!;
    expect(csp).toMatch(new RegExp(`connect-src 'self' ${provider.issuer}(;|$)`));
    expect(csp).toMatch(/script-src 'self'(;|$)/);
  });

  it('signs a manager in at the provider, comes back with a code, and shows the stalled list with the token it bought', async () => {
    const seen: string[] = [];
    page.on('request', (r) => seen.push(r.url()));
    await page.goto(`${engine.baseUrl}/dashboard/`);
    // The paste-a-token sign-in stays for local use, beside the provider's.
    await page.waitForSelector('#token');
    await page.click('#oidc-sign-in');
    // The provider's own pages: who signs in, then the consent to the dashboard's request.
    await page.waitForURL(new RegExp(`^${provider.issuer}/`));
    await page.fill('input[name="login"]', 'u-sn-manager');
    await page.fill('input[name="password"]', 'any password');
    await page.click('button[type="submit"]');
    await page.waitForSelector('button[type="submit"]');
    await page.click('button[type="submit"]');

    const row = page.locator(`#stalled-list tr[data-case="${stalledId}"]`);
    await row.waitFor();
    expect(await row.textContent()).toContain('SN → GH');
    // The code left the address bar; the token is the provider's, for the engine, about the manager.
    expect(page.url()).toBe(`${engine.baseUrl}/dashboard/#/stalled`);
    const token = await page.evaluate(() =>
      (globalThis as unknown as { sessionStorage: { getItem(key: string): string | null; clear(): void } }).sessionStorage.getItem('token'),
    );
    const claims = JSON.parse(Buffer.from(token!.split('.')[1], 'base64url').toString());
    expect(claims).toMatchObject({ iss: provider.issuer, sub: 'u-sn-manager', aud: AUDIENCE });
    // It went by authorization code with PKCE (S256), asking for the engine's audience.
    const authorize = new URL(seen.find((u) => u.startsWith(provider.issuer) && u.includes('response_type=code'))!);
    expect(Object.fromEntries(authorize.searchParams)).toMatchObject({
      client_id: DASHBOARD_CLIENT,
      code_challenge_method: 'S256',
      resource: AUDIENCE,
      redirect_uri: `${engine.baseUrl}/dashboard/`,
    });
    expect(authorize.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('refuses a return whose state is not the one it sent, and offers the sign-in again', async () => {
    await page.evaluate(() => (globalThis as unknown as { sessionStorage: { getItem(key: string): string | null; clear(): void } }).sessionStorage.clear());
    await page.goto(`${engine.baseUrl}/dashboard/?code=forged&state=forged`);
    await page.waitForSelector('#login-error:has-text("did not succeed")');
    await page.waitForSelector('#oidc-sign-in');
    expect(page.url()).not.toContain('code=');
  });
});
