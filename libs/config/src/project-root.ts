import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

let cached: string | undefined;

/** The repository's root, whether code runs from sources (tests) or from dist/ (production). */
export function projectRoot(start = __dirname): string {
  if (cached) return cached;
  for (let dir = start; ; dir = dirname(dir)) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && JSON.parse(readFileSync(pkg, 'utf8')).name === 'mla-case-engine') return (cached = dir);
    if (dirname(dir) === dir) throw new Error(`no mla-case-engine package.json above ${start}`);
  }
}

/** Where local state lives (embedded Postgres, the Temporal dev server's file, local keys): MLA_DATA_DIR, else .data/ in the checkout. */
export function localDataDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.MLA_DATA_DIR?.trim() ? resolve(env.MLA_DATA_DIR.trim()) : join(projectRoot(), '.data');
}
