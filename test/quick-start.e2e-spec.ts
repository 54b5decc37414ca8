import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../scripts/tools.cjs';
import { killMarked, markedProcesses, newMark, removeDataDir, runMarked, type WatchedRun } from './support/processes';
import { freePort } from './support/servers';

// The README's quick start, run as a newcomer runs it: `npm start` (scripts/up.mjs), then the README's
// shell block, verbatim, with bash. Only the API's address is changed, to the free port this engine got;
// its state lives in a temporary MLA_DATA_DIR, never in a developer's .data/. The README cannot drift
// from the code: a refused step, a changed route or a missing field fails here.

/** The ```bash blocks of the README's "Quick start" section. */
export function quickStartBlocks(readme: string): string[] {
  const start = readme.indexOf('## Quick start');
  if (start < 0) throw new Error('README.md has no "## Quick start" section');
  const next = readme.indexOf('\n## ', start + 1);
  const section = readme.slice(start, next < 0 ? undefined : next);
  return [...section.matchAll(/```bash\n([\s\S]*?)```/g)].map((m) => m[1]);
}

/** JSON values printed one after another (curl -s prints no newline between answers). */
export function jsonValues(text: string): unknown[] {
  const values: unknown[] = [];
  let depth = 0;
  let inString = false;
  let escaped = false;
  let begin = -1;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (escaped) escaped = false;
      else if (c === '\\') escaped = true;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    else if (c === '{' || c === '[') {
      if (depth++ === 0) begin = i;
    } else if (c === '}' || c === ']') {
      if (--depth === 0) values.push(JSON.parse(text.slice(begin, i + 1)));
    } else if (depth === 0 && c.trim()) throw new Error(`unexpected output outside JSON: ${text.slice(i, i + 80)}`);
  }
  return values;
}

/** The state each step of the example must leave the case in, by the route it calls. */
const EXPECTED_STATE: Record<string, string> = {
  submit: 'PENDING_CA_REVIEW',
  approve: 'READY_TO_TRANSMIT',
  transmit: 'TRANSMITTED',
};

describe("the README's quick start", () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  let data: string;
  let engine: WatchedRun | undefined;
  const mark = newMark();
  let apiPort: number;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    data = mkdtempSync(join(tmpdir(), 'quick-start-'));
    const [api, pg, temporal, ui, metrics, health] = [
      await freePort(),
      await freePort(),
      await freePort(),
      await freePort(),
      await freePort(),
      await freePort(),
    ];
    apiPort = api;
    env = {
      ...process.env,
      MLA_DATA_DIR: data,
      API_PORT: String(api),
      PG_PORT: String(pg),
      TEMPORAL_PORT: String(temporal),
      TEMPORAL_UI_PORT: String(ui),
      WORKER_METRICS_ADDRESS: `127.0.0.1:${metrics}`,
      // Every port its own, so that an engine already running on this machine does not fail the test.
      WORKER_HEALTH_ADDRESS: `127.0.0.1:${health}`,
    };
  });

  afterAll(async () => {
    // Ctrl-C as a terminal sends it (to the whole process group), then nothing may be left.
    if (engine && engine.child.exitCode === null && engine.child.signalCode === null) {
      try {
        process.kill(-engine.child.pid!, 'SIGINT');
      } catch {}
      const stopped = await Promise.race([engine.done.then(() => true), new Promise((r) => setTimeout(() => r(false), 60_000).unref())]);
      if (!stopped) killMarked(mark);
    }
    const left = markedProcesses(mark);
    killMarked(mark);
    removeDataDir(data);
    if (left.length) throw new Error(`npm start left processes behind after Ctrl-C: ${left.map((p) => `${p.pid} ${p.command}`).join('; ')}`);
  }, 120_000);

  it('starts with `npm start`, as the first block says', async () => {
    const [first] = quickStartBlocks(readme);
    expect(first).toMatch(/^npm start\b/m);
    engine = runMarked('npm', ['start'], { cwd: ROOT, env, limitMs: 600_000, mark, detached: true });
    const up = await new Promise<boolean>((resolve) => {
      const check = setInterval(() => {
        if (engine!.output().includes('MLA case-workflow engine is up')) {
          clearInterval(check);
          resolve(true);
        }
      }, 250);
      void engine!.done.then(() => {
        clearInterval(check);
        resolve(false);
      });
    });
    if (!up) throw new Error(`npm start did not come up:\n${engine.output().slice(-4000)}`);
    expect(engine.output()).toContain(`http://127.0.0.1:${apiPort}`);
  }, 400_000);

  it('files a request to Ghana, submits, approves and transmits it with the shell block as written', async () => {
    const example = quickStartBlocks(readme).find((b) => b.includes('curl'));
    if (!example) throw new Error('the quick start has no block with the example requests');
    expect(example).toContain('localhost:3000');
    const script = example.replaceAll('localhost:3000', `localhost:${apiPort}`);
    // -x traces each command (the case id the block keeps in $ID among them); -e stops at the first failing command.
    const r = spawnSync('bash', ['-e', '-o', 'pipefail', '-x', '-c', script], { cwd: ROOT, env, encoding: 'utf8', timeout: 180_000 });
    const trace = `${r.stderr}`;
    expect({ status: r.status, trace: r.status === 0 ? '' : trace }).toEqual({ status: 0, trace: '' });

    const id = /^\+ ID=([0-9a-f-]{36})$/m.exec(trace)?.[1];
    expect(id).toBeDefined();
    const answers = jsonValues(r.stdout) as Array<Record<string, any>>;
    // One answer per curl in the block after the filing (its answer went into $ID), in order.
    const calls = script
      .split('\n')
      .filter((l) => /^curl /.test(l))
      .map((l) => /\/cases\/\$ID(?:\/([a-z-]+))?/.exec(l)?.[1] ?? 'read');
    expect(answers).toHaveLength(calls.length);
    let last = 'DRAFT';
    calls.forEach((call, i) => {
      const answer = answers[i];
      expect({ call, id: answer.id, problem: answer.status >= 400 ? answer : undefined }).toEqual({ call, id, problem: undefined });
      const state = EXPECTED_STATE[call] ?? last;
      expect({ call, state: answer.state }).toEqual({ call, state });
      last = state;
    });
    const final = answers.at(-1)!;
    expect(final.state).toBe('TRANSMITTED');
    expect(final.history.map((e: { event: string }) => e.event)).toEqual(expect.arrayContaining(['FILED', 'SUBMIT', 'APPROVE', 'TRANSMIT']));
  }, 240_000);
});
