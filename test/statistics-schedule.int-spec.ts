import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Client, Connection, ScheduleNotFoundError } from '@temporalio/client';
import type { DataSource } from 'typeorm';
import { WorkerModule } from '../apps/worker/src/worker.module';
import { ensureStatisticsSchedule } from '../apps/worker/src/statistics-schedule';
import { LOCAL_PERSON_KEY_SECRET } from '../libs/config/src';
import { STATISTICS_SCHEDULE_ID } from '../libs/contracts/src';
import { createDataSource } from '../libs/persistence/src';
import { ensureBundle, quietRuntime } from './support/engine';
import { Running, startAll, startPostgres, startTemporalDevServer } from './support/servers';

// The statistics refresh is a Temporal Schedule that every worker replica ensures at start: one
// schedule for the deployment (visible in the UI), not a timer per replica.

describe('statistics-refresh Schedule on a real Temporal dev server and Postgres', () => {
  let pg: Running & { url: string };
  let temporal: Running & { address: string };
  let db: DataSource;
  let connection: Connection;
  let client: Client;
  const workers: INestApplicationContext[] = [];
  const taskQueue = `stats-${process.pid}`;

  beforeAll(async () => {
    quietRuntime();
    [pg, temporal] = await startAll(startPostgres(), startTemporalDevServer()); // both or neither
    db = await createDataSource(pg.url).initialize();
    await db.runMigrations({ transaction: 'each' });
    connection = await Connection.connect({ address: temporal.address });
    client = new Client({ connection });
  }, 120000);

  afterAll(async () => {
    for (const w of workers) await w.close();
    await connection?.close();
    await db?.destroy();
    await Promise.all([temporal?.stop(), pg?.stop()]);
  }, 60000);

  const refreshedAt = async (): Promise<Date> => (await db.query(`SELECT refreshed_at FROM stats_refreshes WHERE id = 1`))[0].refreshed_at;
  const describe_ = () => client.schedule.getHandle(STATISTICS_SCHEDULE_ID).describe();
  const until = async <T>(what: string, get: () => Promise<T>, ok: (v: T) => boolean, ms = 30000): Promise<T> => {
    for (const end = Date.now() + ms; ; await new Promise((r) => setTimeout(r, 200))) {
      const v = await get();
      if (ok(v)) return v;
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    }
  };

  it('two workers starting together leave one schedule, which refreshes the statistics when it runs', async () => {
    const before = await refreshedAt();
    const bundle = await ensureBundle();
    const options = {
      temporal: { address: temporal.address, namespace: 'default', taskQueue },
      workflowBundlePath: bundle,
      personKeySecret: LOCAL_PERSON_KEY_SECRET,
      statisticsRefreshSeconds: 3600,
    };
    workers.push(
      ...(await Promise.all([1, 2].map(() => NestFactory.createApplicationContext(WorkerModule.forConfig({ url: pg.url }, options), { logger: ['error'] })))),
    );

    const schedule = await describe_();
    expect(schedule.spec.intervals).toEqual([expect.objectContaining({ every: 3600_000 })]);
    expect(schedule.policies.overlap).toBe('SKIP');
    expect(schedule.action).toMatchObject({ type: 'startWorkflow', workflowType: 'statisticsRefreshWorkflow', taskQueue });
    // Listing goes through visibility, which may lag a moment behind.
    const listed = await until(
      'the schedule listed',
      async () => {
        const ids: string[] = [];
        for await (const s of client.schedule.list()) ids.push(s.scheduleId);
        return ids;
      },
      (ids) => ids.length > 0,
    );
    expect(listed).toEqual([STATISTICS_SCHEDULE_ID]);

    // Created with a first refresh at once (the dashboard shows its date), and only one: the second worker updated it.
    const first = await until('the first refresh', describe_, (d) => d.info.recentActions.length >= 1);
    const run = first.info.recentActions[0].action.workflow;
    const result = await client.workflow.getHandle(run.workflowId, run.firstExecutionRunId).result();
    expect((await refreshedAt()).getTime()).toBeGreaterThan(before.getTime());
    expect(new Date(result.refreshedAt).getTime()).toBe((await refreshedAt()).getTime());
    expect((await describe_()).info.numActionsTaken).toBe(1);

    // Triggered from the UI (or here), it runs the refresh again.
    const previous = await refreshedAt();
    await client.schedule.getHandle(STATISTICS_SCHEDULE_ID).trigger();
    await until('the triggered refresh', refreshedAt, (at) => at.getTime() > previous.getTime());
    expect((await describe_()).info.numActionsTaken).toBe(2);
  });

  it('follows STATS_REFRESH_SECONDS: a new period updates the schedule in place, 0 deletes it', async () => {
    const [a, b] = await Promise.all([
      ensureStatisticsSchedule(client, { taskQueue, everySeconds: 600 }),
      ensureStatisticsSchedule(client, { taskQueue, everySeconds: 600 }),
    ]);
    expect([a, b]).toEqual(['updated', 'updated']);
    expect((await describe_()).spec.intervals).toEqual([expect.objectContaining({ every: 600_000 })]);

    expect(await ensureStatisticsSchedule(client, { taskQueue, everySeconds: 0 })).toBe('deleted');
    await expect(describe_()).rejects.toBeInstanceOf(ScheduleNotFoundError);
    expect(await ensureStatisticsSchedule(client, { taskQueue, everySeconds: 0 })).toBe('absent');

    const created = await Promise.all([1, 2].map(() => ensureStatisticsSchedule(client, { taskQueue, everySeconds: 900 })));
    expect(created.sort()).toEqual(['created', 'updated']);
  });
});
