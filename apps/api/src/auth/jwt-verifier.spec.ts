import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT, exportSPKI, generateKeyPair } from 'jose';
import { JwtVerifier } from './jwt-verifier';

describe('JwtVerifier', () => {
  const setup = async () => {
    const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
    const file = join(mkdtempSync(join(tmpdir(), 'jwt-')), 'pub.pem');
    writeFileSync(file, await exportSPKI(publicKey));
    const verifier = new JwtVerifier({
      issuer: 'iss',
      audience: 'aud',
      publicKeyFile: file,
      algorithms: ['ES256'],
      maxTokenAgeSeconds: 12 * 3600,
      clockToleranceSeconds: 30,
    });
    const sign = (claims: { sub?: string; iss?: string; aud?: string; exp?: string | number; iat?: number | null }) => {
      const jwt = new SignJWT({})
        .setProtectedHeader({ alg: 'ES256' })
        .setIssuer(claims.iss ?? 'iss')
        .setAudience(claims.aud ?? 'aud')
        .setExpirationTime(claims.exp ?? '1h');
      if (claims.iat !== null) jwt.setIssuedAt(claims.iat);
      if (claims.sub) jwt.setSubject(claims.sub);
      return jwt.sign(privateKey);
    };
    return { verifier, sign };
  };

  it('accepts a token of the configured issuer and audience, and returns its subject (twice, from its cache)', async () => {
    const { verifier, sign } = await setup();
    const token = await sign({ sub: 'u-sn-manager' });
    expect(await verifier.verify(token)).toBe('u-sn-manager');
    expect(await verifier.verify(token)).toBe('u-sn-manager');
  });

  it('refuses another issuer, another audience, an expired token, a token without subject, and a forged signature', async () => {
    const { verifier, sign } = await setup();
    const other = await setup();
    await expect(verifier.verify(await sign({ sub: 'u', iss: 'elsewhere' }))).rejects.toThrow();
    await expect(verifier.verify(await sign({ sub: 'u', aud: 'other-app' }))).rejects.toThrow();
    await expect(verifier.verify(await sign({ sub: 'u', exp: Math.floor(Date.now() / 1000) - 60 }))).rejects.toThrow();
    await expect(verifier.verify(await sign({}))).rejects.toThrow();
    await expect(verifier.verify(await other.sign({ sub: 'u' }))).rejects.toThrow();
  });

  it('refuses a token without iat, issued in the future beyond the clock tolerance, older than the maximum age, or claiming a longer life', async () => {
    const { verifier, sign } = await setup();
    const now = Math.floor(Date.now() / 1000);
    await expect(verifier.verify(await sign({ sub: 'u', iat: null }))).rejects.toThrow(/iat/);
    await expect(verifier.verify(await sign({ sub: 'u', iat: now + 24 * 3600, exp: now + 25 * 3600 }))).rejects.toThrow(/iat/);
    await expect(verifier.verify(await sign({ sub: 'u', iat: now + 120, exp: now + 3600 }))).rejects.toThrow(/iat/);
    await expect(verifier.verify(await sign({ sub: 'u', iat: now - 13 * 3600, exp: now + 3600 }))).rejects.toThrow(/iat/);
    await expect(verifier.verify(await sign({ sub: 'u', exp: now + 10 * 365 * 86400 }))).rejects.toThrow(/maximum token age/);
    await expect(verifier.verify(await sign({ sub: 'u', iat: now, exp: now + 12 * 3600 + 1 }))).rejects.toThrow(/maximum token age/);
  });

  it('accepts a token issued a little in the future (within the tolerance) and one that lives exactly the maximum age', async () => {
    const { verifier, sign } = await setup();
    const now = Math.floor(Date.now() / 1000);
    expect(await verifier.verify(await sign({ sub: 'skewed', iat: now + 20, exp: now + 3600 }))).toBe('skewed');
    expect(await verifier.verify(await sign({ sub: 'long', iat: now, exp: now + 12 * 3600 }))).toBe('long');
  });

  it('reads the claimed subject of a token without trusting it, and nothing from garbage', async () => {
    const { sign } = await setup();
    expect(JwtVerifier.claimedSubject(await sign({ sub: 'u-x' }))).toBe('u-x');
    expect(JwtVerifier.claimedSubject('not-a-token')).toBeUndefined();
  });
});
