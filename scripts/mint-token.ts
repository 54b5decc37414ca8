import { join } from 'node:path';
import { localDataDir } from '../libs/config/src/project-root';
import { ensureLocalKeyPair, mintToken } from './local-auth';

/** `npm run token -- <user-id> [ttl-seconds]`: a bearer token for a seeded user, signed by the local issuer. */
async function main(): Promise<void> {
  const [subject, ttl] = process.argv.slice(2);
  if (!subject) {
    process.stderr.write('usage: npm run token -- <user id from seeds/data/users.json> [ttl seconds]\n');
    process.exit(64);
  }
  const { privateKeyFile } = await ensureLocalKeyPair(process.env.AUTH_KEYS_DIR ?? join(localDataDir(), 'keys'));
  const token = await mintToken({
    privateKeyFile,
    subject,
    issuer: process.env.AUTH_ISSUER ?? 'mla-engine-local',
    audience: process.env.AUTH_AUDIENCE ?? 'mla-engine',
    ttlSeconds: ttl ? Number(ttl) : undefined,
  });
  process.stdout.write(`${token}\n`);
}

void main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
