import { readFileSync } from 'node:fs';
import { createRemoteJWKSet, importSPKI, jwtVerify, type JWTVerifyGetKey, type KeyObject } from 'jose';
import type { AuthConfig } from '../../../../libs/config/src';

type Key = JWTVerifyGetKey | KeyObject | Awaited<ReturnType<typeof importSPKI>>;

/**
 * Verifies bearer tokens with `jose`: signature, issuer, audience, expiry. Keys come from an OIDC
 * provider's JWKS URL or from a local public key, so any standard issuer can be plugged in.
 */
export class JwtVerifier {
  private keyPromise?: Promise<Key>;
  /** Tokens already verified, until they expire: a dashboard sends the same token many times a minute. */
  private readonly verified = new Map<string, { subject: string; expiresAt: number }>();
  private static readonly CACHE_SIZE = 10_000;

  constructor(private readonly config: AuthConfig) {}

  /** Returns the token's subject, or throws when the token is not acceptable. */
  async verify(token: string): Promise<string> {
    const hit = this.verified.get(token);
    if (hit && hit.expiresAt > Date.now()) return hit.subject;
    return this.verifyAfresh(token);
  }

  private async verifyAfresh(token: string): Promise<string> {
    const key = await this.key();
    const { payload } = await jwtVerify(token, key as JWTVerifyGetKey, {
      issuer: this.config.issuer,
      audience: this.config.audience,
      algorithms: this.config.algorithms,
      requiredClaims: ['sub', 'exp'],
    });
    if (!payload.sub) throw new Error('token has no subject');
    if (this.verified.size >= JwtVerifier.CACHE_SIZE) this.verified.clear();
    this.verified.set(token, { subject: payload.sub, expiresAt: (payload.exp ?? 0) * 1000 });
    return payload.sub;
  }

  private key(): Promise<Key> {
    this.keyPromise ??= this.loadKey();
    return this.keyPromise;
  }

  private async loadKey(): Promise<Key> {
    if (this.config.jwksUrl) return createRemoteJWKSet(new URL(this.config.jwksUrl));
    const pem = readFileSync(this.config.publicKeyFile!, 'utf8');
    // A local key pair has one algorithm: the first one configured.
    return importSPKI(pem, this.config.algorithms[0]);
  }
}
