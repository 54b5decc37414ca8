// `npm test`: every test tier, from scratch. Installs what is missing, builds the workflow bundle
// once, runs the unit tier in parallel and each server suite in its own process (one Temporal
// runtime per process), and ends with the line CI reads: "N passed, N failed".
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const ROOT = join(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '..');
const tools = require('./tools.cjs');
const run = (cmd, args, opts = {}) => spawnSync(cmd, args, { cwd: ROOT, stdio: 'inherit', ...opts });

function ensureInstalled() {
  if (existsSync(join(ROOT, 'node_modules', '.package-lock.json'))) return;
  console.log('installing dependencies (npm ci)');
  const r = run('npm', ['ci', '--no-audit', '--no-fund']);
  if (r.status !== 0) process.exit(r.status ?? 1);
}

/** The browser test drives Debian's Chromium; install it when missing and we may (root, apt). */
function ensureChromium() {
  const path = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (existsSync(path) || process.getuid?.() !== 0) return;
  console.log('installing chromium (apt-get) for the dashboard browser test');
  const quiet = { stdio: ['ignore', 'ignore', 'inherit'] };
  if (run('apt-get', ['install', '-y', '--no-install-recommends', 'chromium'], quiet).status !== 0) {
    run('apt-get', ['update'], quiet);
    run('apt-get', ['install', '-y', '--no-install-recommends', 'chromium'], quiet);
  }
  if (!existsSync(path)) console.error('chromium could not be installed: the browser test will fail and say how to install it');
}

/** The PDF tests read documents back with Debian's poppler-utils (pdftotext, pdftoppm); install it when missing and we may. */
function ensurePoppler() {
  const present = () => spawnSync('pdftotext', ['-v']).error === undefined && spawnSync('pdftoppm', ['-v']).error === undefined;
  if (present() || process.getuid?.() !== 0) return;
  console.log('installing poppler-utils (apt-get) for the PDF tests');
  const quiet = { stdio: ['ignore', 'ignore', 'inherit'] };
  if (run('apt-get', ['install', '-y', '--no-install-recommends', 'poppler-utils'], quiet).status !== 0) {
    run('apt-get', ['update'], quiet);
    run('apt-get', ['install', '-y', '--no-install-recommends', 'poppler-utils'], quiet);
  }
  if (!present()) console.error('poppler-utils could not be installed: the PDF tests will fail and say how to install it');
}

function findSpecs(dir, suffix, out = []) {
  for (const entry of readdirSync(dir)) {
    if (entry === 'node_modules' || entry === 'dist' || entry.startsWith('.')) continue;
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) findSpecs(path, suffix, out);
    else if (entry.endsWith(suffix)) out.push(relative(ROOT, path));
  }
  return out.sort();
}

ensureInstalled();
ensureChromium();
ensurePoppler();
// Fail loudly, with the fix, when the Temporal binaries are missing: never skip the server tiers.
try {
  tools.temporalCliPath();
  tools.temporalTestServerPath();
} catch (err) {
  console.error(String(err.message));
  console.log('0 passed, 1 failed');
  process.exit(1);
}

const resultsDir = join(ROOT, 'test-results');
mkdirSync(resultsDir, { recursive: true });
let passed = 0;
let failed = 0;
const failures = [];

function jest(label, args) {
  const out = join(resultsDir, `${label.replace(/[^a-z0-9]+/gi, '_')}.json`);
  const r = run(process.execPath, [join(ROOT, 'node_modules/jest/bin/jest.js'), '--ci', '--json', `--outputFile=${out}`, ...args]);
  let summary = null;
  try {
    summary = JSON.parse(readFileSync(out, 'utf8'));
  } catch {}
  if (!summary) {
    failed += 1;
    failures.push(`${label}: jest produced no report (exit ${r.status})`);
    return;
  }
  passed += summary.numPassedTests;
  failed += summary.numFailedTests;
  // A suite that fails before any test runs (a server that did not start) still counts as a failure.
  const broken = summary.testResults.filter((t) => t.status === 'failed' && t.assertionResults.every((a) => a.status !== 'failed'));
  failed += broken.length;
  for (const t of summary.testResults.filter((t) => t.status === 'failed')) failures.push(relative(ROOT, t.name));
  if (summary.numTotalTests === 0 && r.status !== 0) {
    failed += 1;
    failures.push(`${label}: exit ${r.status}`);
  }
}

console.log('building the workflow bundle');
const build = run('npm', ['run', '--silent', 'build']);
const typecheck = build.status === 0 ? run('npm', ['run', '--silent', 'typecheck']) : build;
if (build.status !== 0 || typecheck.status !== 0) {
  console.log('0 passed, 1 failed');
  process.exit(1);
}

// Lint and format are part of the run: a finding fails it like a failing test.
console.log('linting (eslint) and checking the format (prettier)');
const lint = run(process.execPath, [join(ROOT, 'node_modules/eslint/bin/eslint.js'), '.', '--max-warnings', '0']);
const format = run(process.execPath, [join(ROOT, 'node_modules/prettier/bin/prettier.cjs'), '--check', '--log-level', 'warn', '.']);
if (lint.status !== 0) failures.push('eslint (npm run lint)');
if (format.status !== 0) failures.push('prettier (npm run format)');
failed += (lint.status !== 0 ? 1 : 0) + (format.status !== 0 ? 1 : 0);
passed += (lint.status === 0 ? 1 : 0) + (format.status === 0 ? 1 : 0);

jest('unit', ['--selectProjects', 'unit']);
const TIERS = { '.int-spec.ts': 'integration', '.workflow-spec.ts': 'workflow', '.e2e-spec.ts': 'e2e' };
for (const spec of Object.keys(TIERS).flatMap((suffix) => findSpecs(ROOT, suffix))) {
  const project = TIERS[Object.keys(TIERS).find((suffix) => spec.endsWith(suffix))];
  jest(spec, ['--selectProjects', project, '--runInBand', spec]);
}

if (failures.length) console.log(`\nfailed suites:\n  ${failures.join('\n  ')}`);
console.log(`\n${passed} passed, ${failed} failed`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);
