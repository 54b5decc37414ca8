import type { JWK } from 'jose';
import { Engine, startEngine } from './support/engine';
import { clientCredentialsToken, signingKey, startOpenIdProvider } from './support/openid-provider';
import { freePort } from './support/servers';

// The OIDC path for real: a certified OpenID provider (oidc-provider) issues JWT access tokens
// (client_credentials, resource indicator = the engine's audience) signed with keys it publishes as
// JWKS; the API trusts that issuer and JWKS URL only. Keys rotate: a new key is taken at once, a
// removed key is refused once the engine's key cache (AUTH_JWKS_CACHE, here 1 s) has passed.

const AUDIENCE = 'urn:mla-engine';
const CLIENT = 'u-sn-ca'; // a client_credentials token's subject is the client id: a seeded user's subject

describe('authentication through an OpenID provider', () => {
  let engine: Engine;
  let port: number;
  let issuer: string;

  const key = signingKey;
  let running: { stop(): Promise<void> } | undefined;

  async function startProvider(keys: JWK[]): Promise<void> {
    await stopProvider();
    running = await startOpenIdProvider(port, { keys, clients: [CLIENT], audience: AUDIENCE });
  }

  async function stopProvider(): Promise<void> {
    const provider = running;
    running = undefined;
    await provider?.stop();
  }

  const tokenFromProvider = () => clientCredentialsToken(issuer, CLIENT, AUDIENCE);

  const kidOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString()).kid;
  const me = async (token: string) => (await engine.request('GET', '/me', { token })).status;

  beforeAll(async () => {
    port = await freePort();
    issuer = `http://127.0.0.1:${port}`;
    await startProvider([await key('k1')]);
    engine = await startEngine({
      auth: { issuer, audience: AUDIENCE, jwksUrl: `${issuer}/jwks`, publicKeyFile: undefined, algorithms: ['ES256'], jwksCacheSeconds: 1 },
    });
  }, 180_000);

  afterAll(async () => {
    await stopProvider();
    await engine?.stop();
  }, 60_000);

  it("accepts a token the provider issued, and refuses the local issuer's tokens and a forged one", async () => {
    const token = await tokenFromProvider();
    expect(kidOf(token)).toBe('k1');
    const answer = await engine.request('GET', '/me', { token });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ userId: 'u-sn-ca' });
    expect(await me(await engine.token('u-sn-ca'))).toBe(401);
    expect(await me(`${token.slice(0, -6)}AAAAAA`)).toBe(401);
  });

  it('takes a new key at once after rotation, and refuses a token of a removed key', async () => {
    // Kids are unique per key, as a provider's are; the engine fetches the key set again for a kid it does not know.
    const k1 = await key('rot-1');
    const k2 = await key('rot-2');
    const pause = () => new Promise((r) => setTimeout(r, 1100)); // past the engine's refetch cooldown (bounded by its 1 s cache)
    // k1 signs; then k2 is added and signs, k1 still published; then k1 is removed.
    await startProvider([k1]);
    await pause();
    const old = await tokenFromProvider();
    expect(await me(old)).toBe(200);
    await startProvider([k2, k1]);
    await pause();
    const rotated = await tokenFromProvider();
    expect(kidOf(rotated)).toBe('rot-2');
    expect(await me(rotated)).toBe(200);
    expect(await me(old)).toBe(200);
    await startProvider([k2]);
    await pause(); // the engine's key cache (1 s) has passed
    expect(await me(old)).toBe(401);
    expect(await me(rotated)).toBe(200);
  });
});
