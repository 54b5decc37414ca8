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
    const verifier = new JwtVerifier({ issuer: 'iss', audience: 'aud', publicKeyFile: file, algorithms: ['ES256'] });
    const sign = (claims: { sub?: string; iss?: string; aud?: string; exp?: string | number }) => {
      const jwt = new SignJWT({}).setProtectedHeader({ alg: 'ES256' }).setIssuer(claims.iss ?? 'iss').setAudience(claims.aud ?? 'aud').setExpirationTime(claims.exp ?? '1h');
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
});
