import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { exportPKCS8, exportSPKI, generateKeyPair, importPKCS8, SignJWT } from 'jose';
import { projectRoot } from '../../libs/config/src/project-root';
import { freePort, stopChild } from '../embedded-postgres-process';

/** An API process started for a read benchmark, its base URL, and tokens for any seeded user. */
export interface ReadOnlyApi {
  readonly base: string;
  readonly process: ChildProcess;
  token(userId: string): Promise<string>;
  stop(): Promise<void>;
}

/**
 * Starts the built API in its own process, as in production, so that the load generator does not share its
 * event loop: on `databaseUrl`, with no Temporal (reads never reach it), trusting a key pair made for the run.
 * `dist` is the build to run (default: this checkout's), `profileDir` turns on `--cpu-prof` there.
 */
export async function startReadOnlyApi(databaseUrl: string, options: { label: string; dist?: string; profileDir?: string }): Promise<ReadOnlyApi> {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  mkdirSync(join(projectRoot(), '.data'), { recursive: true });
  const keyFile = join(projectRoot(), '.data', `${options.label}-key-${process.pid}.pem`);
  writeFileSync(keyFile, await exportSPKI(publicKey));
  const signing = await importPKCS8(await exportPKCS8(privateKey), 'ES256');
  const port = await freePort();
  const profile = options.profileDir ? ['--cpu-prof', `--cpu-prof-dir=${options.profileDir}`] : [];
  const api = spawn(process.execPath, [...profile, join(options.dist ?? join(projectRoot(), 'dist'), 'apps/api/src/main.js')], {
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      TEMPORAL_ADDRESS: '127.0.0.1:1',
      AUTH_ISSUER: 'bench',
      AUTH_AUDIENCE: 'mla-engine',
      AUTH_PUBLIC_KEY_FILE: keyFile,
      AUTH_ALGORITHMS: 'ES256',
      API_PORT: String(port),
      LOG_LEVEL: 'error',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const stop = async () => {
    await stopChild(api);
    rmSync(keyFile, { force: true });
  };
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    try {
      await fetch(`${base}/health/live`);
      break;
    } catch {
      if (i > 300 || api.exitCode !== null) {
        await stop();
        throw new Error('the API did not start');
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  const token = (sub: string) =>
    new SignJWT({})
      .setProtectedHeader({ alg: 'ES256' })
      .setIssuedAt()
      .setSubject(sub)
      .setIssuer('bench')
      .setAudience('mla-engine')
      .setExpirationTime('2h')
      .sign(signing);
  return { base, process: api, token, stop };
}
