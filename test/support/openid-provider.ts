import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import { ROOT } from '../../scripts/tools.cjs';

export interface OpenIdProviderSetup {
  /** Private signing keys; the first one signs. */
  keys: JWK[];
  /** Confidential clients (client_credentials; the token's subject is the client id). */
  clients: string[];
  audience: string;
  /** Public clients signing users in with authorization code and PKCE. */
  publicClients?: Array<{ id: string; redirectUris: string[] }>;
}

export const signingKey = async (kid: string): Promise<JWK> => ({
  ...(await exportJWK((await generateKeyPair('ES256', { extractable: true })).privateKey)),
  kid,
  alg: 'ES256',
  use: 'sig',
});

/** test/support/oidc-provider.mjs (oidc-provider, ESM-only) as a child process on `port`, until stopped. */
export async function startOpenIdProvider(port: number, setup: OpenIdProviderSetup): Promise<{ issuer: string; stop(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'oidc-'));
  const file = join(dir, 'provider.json');
  writeFileSync(file, JSON.stringify(setup));
  const child: ChildProcess = spawn(process.execPath, [join(ROOT, 'test/support/oidc-provider.mjs'), String(port), file], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += String(d)));
  try {
    await new Promise<void>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error(`the OpenID provider was not ready within 30 s ${stderr.trim()}`.trim())), 30000);
      child.stdout!.on('data', (d) => {
        out += String(d);
        if (out.includes('"ready"')) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`the OpenID provider exited (${code}) ${stderr.trim()}`.trim()));
      });
    });
  } catch (err) {
    // Never leave it running (or its files) when it did not come up.
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    issuer: `http://127.0.0.1:${port}`,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** An access token by client_credentials: its subject is the client id (a seeded user's id in these tests). */
export async function clientCredentialsToken(issuer: string, client: string, audience: string): Promise<string> {
  const res = await fetch(`${issuer}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${client}:${client}-secret`).toString('base64')}` },
    body: new URLSearchParams({ grant_type: 'client_credentials', resource: audience, scope: 'api' }),
  });
  const body = (await res.json()) as { access_token?: string };
  if (res.status !== 200 || !body.access_token) throw new Error(`the provider refused a token to ${client} (${res.status})`);
  return body.access_token;
}
