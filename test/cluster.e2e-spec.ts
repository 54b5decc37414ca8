import { Client, Connection } from '@temporalio/client';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client as PgClient } from 'pg';
import {
  CASE_SEARCH_ATTRIBUTE_DEFINITIONS,
  NOTIFICATION_DIGEST_SCHEDULE_ID,
  STATISTICS_REFRESH_WORKFLOW_TYPE,
  STATISTICS_SCHEDULE_ID,
  caseWorkflowId,
} from '../libs/contracts/src';
import { localDataDir } from '../libs/config/src/project-root';
import { startCluster, type Cluster } from '../scripts/chaos/cluster';
import { PAIRS, caOf, filingBody, prosecutorOf } from '../scripts/chaos/load';
import { ROOT } from '../scripts/tools.cjs';
import { ensureBundle } from './support/engine';

/**
 * Scale out, shown: two API and two worker processes from dist/ (as `npm run start:cluster` runs them)
 * on one Temporal dev server and one PostgreSQL. Cases filed through either API are carried by either
 * worker (the worker identity Temporal records on each workflow task and activity), and nothing runs
 * twice: one audit row per event, one projection per batch, one statistics refresh per period.
 */
const STATS_PERIOD_S = 4;

describe('two APIs and two workers', () => {
  let cluster: Cluster;
  let dir: string;
  let temporal: Client;
  let connection: Connection;
  let db: PgClient;
  let startedAt: number;
  const filed: Array<{ caseId: string; api: number; pair: (typeof PAIRS)[number]; state: string }> = [];

  const post = async (api: number, path: string, token: string, body: unknown, key: string) => {
    const res = await fetch(`${cluster.apiUrls[api]}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': key },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as any };
  };

  /** pid of the worker process behind each identity Temporal recorded (`<pid>@<host>`, the SDK's default). */
  const workerOf = (identity: string) => cluster.workers.findIndex((w) => identity.startsWith(`${w.child!.pid}@`));

  /** Which workers ran the case's workflow tasks and activities, and the projection activities it scheduled. */
  async function carriers(caseId: string): Promise<{ workers: Set<number>; activityIds: string[]; unknown: string[] }> {
    const history = await temporal.workflow.getHandle(caseWorkflowId('MLA', caseId)).fetchHistory();
    const workers = new Set<number>();
    const unknown: string[] = [];
    const activityIds: string[] = [];
    for (const e of history.events ?? []) {
      const identity = e.workflowTaskCompletedEventAttributes?.identity ?? e.activityTaskStartedEventAttributes?.identity;
      if (identity) {
        const w = workerOf(identity);
        if (w < 0) unknown.push(identity);
        else workers.add(w);
      }
      const scheduled = e.activityTaskScheduledEventAttributes;
      if (scheduled?.activityType?.name === 'recordCaseEvents') activityIds.push(scheduled.activityId!);
    }
    return { workers, activityIds, unknown };
  }

  beforeAll(async () => {
    await ensureBundle();
    dir = join(localDataDir(), `cluster-spec-${process.pid}`);
    mkdirSync(dir, { recursive: true });
    cluster = await startCluster({
      root: ROOT,
      dataDir: dir,
      logDir: join(ROOT, 'test-results', `cluster-spec-${process.pid}-logs`),
      apis: 2,
      workers: 2,
      engineRole: true,
      env: { TEMPORAL_SEARCH_ATTRIBUTES: 'on', STATS_REFRESH_SECONDS: String(STATS_PERIOD_S) },
    });
    startedAt = Date.now();
    connection = await Connection.connect({ address: cluster.temporalAddress });
    temporal = new Client({ connection, namespace: 'default' });
    db = new PgClient({ connectionString: cluster.databaseUrl });
    await db.connect();
  }, 300_000);

  afterAll(async () => {
    await db?.end();
    await connection?.close();
    await cluster?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, 120_000);

  it('files through either API, each case carried by either worker, filed through one API and commanded through the other', async () => {
    const combos = new Set<string>();
    const used = new Set<number>();
    // Matching hands tasks to whichever worker polls: file in rounds until both workers carried cases from both APIs.
    for (let round = 0; round < 6 && combos.size < 4; round++) {
      const batch = await Promise.all(
        Array.from({ length: 8 }, async (_, j) => {
          const i = filed.length + j;
          const api = i % 2;
          const pair = PAIRS[i % PAIRS.length];
          const token = await cluster.token(prosecutorOf(pair.requesting));
          const res = await post(api, '/cases', token, filingBody(pair, `cluster spec ${i}`), `cluster-file-${i}`);
          expect({ i, status: res.status }).toEqual({ i, status: 201 });
          // Submitted through the other API: a command reaches the workflow whichever process took it.
          const submitted = await post(1 - api, `/cases/${res.body.id}/submit`, token, {}, `cluster-submit-${i}`);
          expect({ i, status: submitted.status }).toEqual({ i, status: 200 });
          expect(submitted.body.state).not.toBe(res.body.state);
          return { caseId: res.body.id as string, api, pair, state: submitted.body.state as string };
        }),
      );
      filed.push(...batch);
      for (const c of batch) {
        const { workers, unknown } = await carriers(c.caseId);
        expect(unknown).toEqual([]);
        for (const w of workers) {
          combos.add(`api ${c.api} → worker ${w}`);
          used.add(w);
        }
      }
    }
    expect([...combos].sort()).toEqual(['api 0 → worker 0', 'api 0 → worker 1', 'api 1 → worker 0', 'api 1 → worker 1']);
    expect([...used].sort()).toEqual([0, 1]);
  }, 300_000);

  it('writes every event once: one audit row per sequence number, one projection per batch', async () => {
    const duplicates = await db.query(`SELECT case_id, seq, count(*)::int AS n FROM case_events GROUP BY case_id, seq HAVING count(*) > 1`);
    expect(duplicates.rows).toEqual([]);
    for (const { caseId, state } of filed) {
      const { rows } = await db.query(
        `SELECT c.version, c.state, (SELECT count(*)::int FROM case_events e WHERE e.case_id = c.id) AS events FROM cases c WHERE c.id = $1`,
        [caseId],
      );
      expect(rows).toHaveLength(1);
      expect({ caseId, state: rows[0].state, events: rows[0].events }).toEqual({ caseId, state, events: rows[0].version + 1 });
      const { activityIds } = await carriers(caseId);
      expect(new Set(activityIds).size).toBe(activityIds.length);
    }
    expect((await db.query(`SELECT count(*)::int AS n FROM cases`)).rows[0].n).toBe(filed.length);
  });

  it('runs the statistics refresh once per period, though both workers ensured its schedule', async () => {
    // Let a few periods pass since both workers started.
    const wait = startedAt + 5 * STATS_PERIOD_S * 1000 - Date.now();
    if (wait > 0) await sleep(wait);
    const schedules: string[] = [];
    for await (const s of temporal.schedule.list()) schedules.push(s.scheduleId);
    // One of each schedule the workers ensure, however many workers ensured them.
    expect(schedules.sort()).toEqual([NOTIFICATION_DIGEST_SCHEDULE_ID, STATISTICS_SCHEDULE_ID].sort());
    const elapsedS = (Date.now() - startedAt) / 1000;
    const runs: Array<{ id: string; scheduledAt?: string }> = [];
    for await (const w of temporal.workflow.list({ query: `WorkflowType = '${STATISTICS_REFRESH_WORKFLOW_TYPE}'` })) {
      const at = w.searchAttributes?.TemporalScheduledStartTime as Date[] | undefined;
      runs.push({ id: w.workflowId, scheduledAt: at?.[0]?.toISOString() });
    }
    // One run per tick, each tick once: distinct workflow ids and scheduled instants, and no more than the periods elapsed (+ the first, immediate one).
    expect(runs.length).toBeGreaterThanOrEqual(2);
    expect(runs.length).toBeLessThanOrEqual(Math.ceil(elapsedS / STATS_PERIOD_S) + 2);
    expect(new Set(runs.map((r) => r.id)).size).toBe(runs.length);
    const scheduled = runs.map((r) => r.scheduledAt).filter(Boolean);
    expect(new Set(scheduled).size).toBe(scheduled.length);
    const description = await temporal.schedule.getHandle(STATISTICS_SCHEDULE_ID).describe();
    expect(description.info.numActionsTaken).toBeLessThanOrEqual(runs.length);
  }, 120_000);

  it('lets operators find cases by kind, pair of States, state and escalation level, codes only', async () => {
    const snGhCases = filed.filter((c) => c.pair.requesting === 'SN' && c.pair.requested === 'GH');
    const snGh = snGhCases.map((c) => c.caseId);
    expect(snGh.length).toBeGreaterThan(0);
    const state = snGhCases[0].state;
    expect(snGhCases.every((c) => c.state === state)).toBe(true);
    const query = `MlaCaseKind = 'MLA' AND MlaStatePair = 'SN-GH' AND MlaCaseState = '${state}' AND MlaEscalationLevel = 0`;
    // Visibility is eventually consistent: the attributes show within seconds.
    let found: string[] = [];
    for (let i = 0; i < 50 && found.length < snGh.length; i++) {
      found = [];
      for await (const w of temporal.workflow.list({ query })) found.push(w.workflowId);
      if (found.length < snGh.length) await sleep(200);
    }
    expect(found.sort()).toEqual(snGh.map((id) => caseWorkflowId('MLA', id)).sort());
    const one = await temporal.workflow.getHandle(caseWorkflowId('MLA', snGh[0])).describe();
    const values = Object.fromEntries(CASE_SEARCH_ATTRIBUTE_DEFINITIONS.map((a) => [a.name, (one.searchAttributes[a.name] as unknown[] | undefined)?.[0]]));
    expect(values).toEqual({ MlaCaseKind: 'MLA', MlaStatePair: 'SN-GH', MlaCaseState: state, MlaEscalationLevel: 0 });
    // An approval through the other API moves the state attribute.
    const approved = await post(1, `/cases/${snGh[0]}/approve`, await cluster.token(caOf('SN')), {}, 'cluster-approve-0');
    expect(approved.status).toBe(200);
    expect(approved.body.state).not.toBe(state);
    const after = await temporal.workflow.getHandle(caseWorkflowId('MLA', snGh[0])).describe();
    expect((after.searchAttributes.MlaCaseState as string[])[0]).toBe(approved.body.state);
  }, 120_000);
});
