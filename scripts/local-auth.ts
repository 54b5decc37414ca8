import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SignJWT, exportPKCS8, exportSPKI, generateKeyPair, importPKCS8 } from 'jose';

export const LOCAL_ALG = 'ES256';

export interface LocalKeyFiles {
  privateKeyFile: string;
  publicKeyFile: string;
}

/**
 * The local issuer used when no OIDC provider is configured: an ES256 key pair kept under
 * .data/keys (git-ignored). The API only ever sees the public half.
 */
export async function ensureLocalKeyPair(dir: string): Promise<LocalKeyFiles> {
  const files = { privateKeyFile: join(dir, 'jwt-private.pem'), publicKeyFile: join(dir, 'jwt-public.pem') };
  if (existsSync(files.privateKeyFile) && existsSync(files.publicKeyFile)) return files;
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const { privateKey, publicKey } = await generateKeyPair(LOCAL_ALG, { extractable: true });
  writeFileSync(files.privateKeyFile, await exportPKCS8(privateKey), { mode: 0o600 });
  writeFileSync(files.publicKeyFile, await exportSPKI(publicKey));
  return files;
}

export interface MintOptions {
  privateKeyFile: string;
  subject: string;
  issuer: string;
  audience: string;
  ttlSeconds?: number;
}

export async function mintToken(o: MintOptions): Promise<string> {
  const key = await importPKCS8(readFileSync(o.privateKeyFile, 'utf8'), LOCAL_ALG);
  return new SignJWT({})
    .setProtectedHeader({ alg: LOCAL_ALG, typ: 'JWT' })
    .setSubject(o.subject)
    .setIssuer(o.issuer)
    .setAudience(o.audience)
    .setIssuedAt()
    .setExpirationTime(`${o.ttlSeconds ?? 8 * 3600}s`)
    .sign(key);
}
