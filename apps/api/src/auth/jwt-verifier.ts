import { readFileSync } from 'node:fs';
import { createRemoteJWKSet, decodeJwt, importSPKI, jwtVerify, type JWTVerifyGetKey, type KeyObject } from 'jose';
import type { AuthConfig } from '../../../../libs/config/src';

type Key = JWTVerifyGetKey | KeyObject | Awaited<ReturnType<typeof importSPKI>>;

export const DEFAULT_MAX_TOKEN_AGE_SECONDS = 12 * 3600;
export const DEFAULT_CLOCK_TOLERANCE_SECONDS = 30;
export const DEFAULT_JWKS_CACHE_SECONDS = 600;

/**
 * Verifies bearer tokens with `jose`: signature, issuer, audience, expiry, and age. A token must say
 * when it was issued (`iat`); one issued in the future beyond the clock tolerance, older than the
 * maximum age, or claiming a life (`exp - iat`) longer than it is refused. Keys come from an OIDC
 * provider's JWKS URL (fetched again when a token names an unknown key, and at least every
 * `jwksCacheSeconds`, so rotated and removed keys take effect) or from a local public key.
 */
export class JwtVerifier {
  private keyPromise?: Promise<Key>;
  /** Tokens already verified: a dashboard sends the same token many times a minute. Kept no longer than the key set is trusted. */
  private readonly verified = new Map<string, { subject: string; until: number }>();
  private static readonly CACHE_SIZE = 10_000;

  constructor(private readonly config: AuthConfig) {}

  private get maxAge(): number {
    return this.config.maxTokenAgeSeconds ?? DEFAULT_MAX_TOKEN_AGE_SECONDS;
  }

  private get tolerance(): number {
    return this.config.clockToleranceSeconds ?? DEFAULT_CLOCK_TOLERANCE_SECONDS;
  }

  private get keyCacheSeconds(): number {
    return this.config.jwksCacheSeconds ?? DEFAULT_JWKS_CACHE_SECONDS;
  }

  /** Returns the token's subject, or throws when the token is not acceptable. */
  async verify(token: string): Promise<string> {
    const hit = this.verified.get(token);
    if (hit && hit.until > Date.now()) return hit.subject;
    return this.verifyAfresh(token);
  }

  /** The subject a token claims, unverified: only to count failed attempts per claimed user. */
  static claimedSubject(token: string): string | undefined {
    try {
      const sub = decodeJwt(token).sub;
      return typeof sub === 'string' && sub.length <= 200 ? sub : undefined;
    } catch {
      return undefined;
    }
  }

  private async verifyAfresh(token: string): Promise<string> {
    const key = await this.key();
    const { payload } = await jwtVerify(token, key as JWTVerifyGetKey, {
      issuer: this.config.issuer,
      audience: this.config.audience,
      algorithms: this.config.algorithms,
      requiredClaims: ['sub', 'exp', 'iat'],
      // jose refuses an `iat` in the future beyond the tolerance and a token issued longer ago than maxTokenAge.
      maxTokenAge: this.maxAge,
      clockTolerance: this.tolerance,
    });
    if (!payload.sub) throw new Error('token has no subject');
    const iat = payload.iat!;
    const exp = payload.exp!;
    if (exp - iat > this.maxAge) throw new Error('token claims a life longer than the maximum token age');
    if (this.verified.size >= JwtVerifier.CACHE_SIZE) this.verified.clear();
    const until = Math.min(exp * 1000, (iat + this.maxAge) * 1000, Date.now() + this.keyCacheSeconds * 1000);
    this.verified.set(token, { subject: payload.sub, until });
    return payload.sub;
  }

  private key(): Promise<Key> {
    this.keyPromise ??= this.loadKey();
    return this.keyPromise;
  }

  private async loadKey(): Promise<Key> {
    if (this.config.jwksUrl) {
      const cacheMaxAge = this.keyCacheSeconds * 1000;
      return createRemoteJWKSet(new URL(this.config.jwksUrl), { cacheMaxAge, cooldownDuration: Math.min(30_000, cacheMaxAge) });
    }
    const pem = readFileSync(this.config.publicKeyFile!, 'utf8');
    // A local key pair has one algorithm: the first one configured.
    return importSPKI(pem, this.config.algorithms[0]);
  }
}
