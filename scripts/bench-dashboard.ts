import 'reflect-metadata';
import { performance } from 'node:perf_hooks';
import { Client, Pool } from 'pg';
import type { Actor } from '../libs/domain/src';
import { MonitoringQueries, createDataSource } from '../libs/persistence/src';
import { loadSeeds } from '../seeds/loader';
import { startEmbeddedPostgres } from './embedded-postgres-process';
import { startReadOnlyApi } from './bench/read-only-api';

/**
 * `npm run bench:dashboard`: loads BENCH_CASES realistic cases (default one million) with their
 * events, clocks and tasks into a fresh PostgreSQL, then times the managers' calls through HTTP and
 * the very same SQL through `pg`, in the same run. Figures are printed as latencies and as the ratio
 * of the HTTP rate to the plain-SQL rate.
 */

const CASES = Number(process.env.BENCH_CASES ?? 1_000_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 200);

async function startPostgres(): Promise<{ url: string; stop: () => Promise<void> }> {
  if (process.env.BENCH_DATABASE_URL) return { url: process.env.BENCH_DATABASE_URL, stop: async () => {} };
  return startEmbeddedPostgres({ label: 'bench-pg', stderr: 'inherit' });
}

/** One million cases across every seeded pair, in SQL so that loading takes minutes, not hours. */
async function load(pg: Client): Promise<void> {
  const started = performance.now();
  await pg.query(`SET synchronous_commit = off`);
  await pg.query(`
    CREATE TEMP TABLE pairs AS
      SELECT row_number() OVER () - 1 AS n, a.code AS requesting, b.code AS requested,
             (SELECT id FROM authorities WHERE state_code = a.code AND kind IN ('PROSECUTION', 'INVESTIGATING_JUDGE') ORDER BY id LIMIT 1) AS authority,
             (SELECT id FROM users WHERE state_code = a.code AND 'PROSECUTOR' = ANY(roles) ORDER BY id LIMIT 1) AS creator
      FROM states a JOIN states b ON a.code <> b.code
      WHERE EXISTS (SELECT 1 FROM users WHERE state_code = a.code AND 'PROSECUTOR' = ANY(roles))`);
  const pairs = Number((await pg.query(`SELECT count(*) FROM pairs`)).rows[0].count);
  const states = `ARRAY['DRAFT','PENDING_CA_REVIEW','TRANSMITTED','RECEIVED','ADDITIONAL_INFO_REQUESTED','IN_EXECUTION','EXECUTED',
                       'CLOSED','CLOSED','CLOSED','REFUSED','WITHDRAWN']`;
  const batch = 100_000;
  for (let offset = 0; offset < CASES; offset += batch) {
    await pg.query(
      `WITH g AS (
         SELECT i, (hashint4(i) & 2147483647) AS h, p.* FROM generate_series($1::int, $2::int) i
         JOIN pairs p ON p.n = (hashint4(i * 7) & 2147483647) % $3
       ), c AS (
         SELECT i, h, requesting, requested, authority, creator,
                (${states})[1 + h % 12] AS state,
                now() - ((h % 1095) || ' days')::interval AS filed
         FROM g
       )
       INSERT INTO cases (id, kind, workflow_id, state, version, requesting_state, requesting_authority_id, requested_state, legal_basis, rule_pack_version,
         created_by, assistance_types, language, urgency, transmitted, filed_at, created_at, updated_at, last_party_event_at, transmitted_at, received_at,
         results_at, paused_ms, refusal_ground, requested_by_date, flags, detail, deadline_rules, breached_rules, escalations_raised,
         escalation_resolution_days)
       SELECT md5(i::text)::uuid, CASE WHEN h % 10 = 0 THEN 'EXTRADITION' ELSE 'MLA' END, 'bench-' || i, state, 5, requesting, authority, requested,
              'UNTOC-2000', 1,
              creator, '{BANK_RECORDS}', 'fr', 'NORMAL', state NOT IN ('DRAFT', 'PENDING_CA_REVIEW'), filed, filed, filed,
              filed + ((h % 200) || ' days')::interval,
              CASE WHEN state NOT IN ('DRAFT', 'PENDING_CA_REVIEW') THEN filed + ((h % 9) || ' days')::interval END,
              CASE WHEN state NOT IN ('DRAFT', 'PENDING_CA_REVIEW', 'TRANSMITTED') THEN filed + ((9 + h % 40) || ' days')::interval END,
              CASE WHEN state IN ('CLOSED', 'EXECUTED') THEN filed + ((60 + h % 180) || ' days')::interval END,
              CASE WHEN h % 5 = 0 THEN (h % 20) * 86400000::bigint ELSE 0 END,
              CASE WHEN state = 'REFUSED' THEN (ARRAY['ESSENTIAL_INTERESTS','NO_DUAL_CRIMINALITY','DOMESTIC_LAW_PROHIBITS'])[1 + h % 3] END,
              CASE WHEN h % 3 = 0 THEN (filed + ((30 + h % 300) || ' days')::interval)::date END,
              CASE WHEN h % 7 = 0 THEN '{STALLED}'::text[] ELSE '{}' END, '{}',
              -- the same figures the clocks and tasks inserted below hold, as the projection keeps them
              '{ACK,REQUESTED_REVIEW,REQUESTER_DEADLINE}',
              ARRAY(SELECT r FROM unnest(ARRAY['ACK','REQUESTED_REVIEW','REQUESTER_DEADLINE']) WITH ORDINALITY u(r, n)
                    WHERE (hashint4(i * n::int) & 2147483647) % 4 = 2),
              CASE WHEN i % 10 = 0 THEN 1 ELSE 0 END,
              CASE WHEN i % 10 = 0 AND i % 3 <> 0 THEN ARRAY[(((hashint4(i) & 2147483647) % 400) - ((hashint4(i) & 2147483647) % 300))::real] ELSE '{}' END
       FROM c`,
      [offset, Math.min(CASES, offset + batch) - 1, pairs],
    );
    await pg.query(
      `INSERT INTO case_events (case_id, seq, event, from_state, to_state, actor_id, actor_role, actor_state, actor_authority_id, at)
       SELECT md5(i::text)::uuid, s, (ARRAY['FILED','SUBMIT','APPROVE','TRANSMIT','ACKNOWLEDGE'])[s + 1], 'DRAFT', 'DRAFT',
              'u-sn-prosecutor', 'PROSECUTOR', 'SN', 'SN-PROS-DAKAR',
              now() - ((hashint4(i) & 2147483647) % 1095 || ' days')::interval + (s || ' days')::interval
       FROM generate_series($1::int, $2::int) i, generate_series(0, 4) s`,
      [offset, Math.min(CASES, offset + batch) - 1],
    );
    await pg.query(
      `INSERT INTO case_clocks (case_id, clock_id, rule_id, kind, status, started_at, due_at)
       SELECT md5(i::text)::uuid, 'clock-' || r, (ARRAY['ACK','REQUESTED_REVIEW','REQUESTER_DEADLINE'])[r],
              CASE WHEN r = 3 THEN 'REQUESTER_DEADLINE' ELSE 'SLA' END,
              (ARRAY['MET','MET','BREACHED','RUNNING'])[1 + (hashint4(i * r) & 2147483647) % 4], now(), now()
       FROM generate_series($1::int, $2::int) i, generate_series(1, 3) r`,
      [offset, Math.min(CASES, offset + batch) - 1],
    );
    await pg.query(
      `INSERT INTO case_tasks (case_id, task_id, kind, level, addressee, addressee_states, reason, created_at, status, resolved_at)
       SELECT md5(i::text)::uuid, 'task-1', 'ESCALATION', 1 + (hashint4(i) & 2147483647) % 4, 'FOCAL_POINTS', '{SN}', 'bench',
              now() - (((hashint4(i) & 2147483647) % 400) || ' days')::interval,
              CASE WHEN i % 3 = 0 THEN 'OPEN' ELSE 'RESOLVED' END,
              CASE WHEN i % 3 = 0 THEN NULL ELSE now() - (((hashint4(i) & 2147483647) % 300) || ' days')::interval END
       FROM generate_series($1::int, $2::int) i WHERE i % 10 = 0`,
      [offset, Math.min(CASES, offset + batch) - 1],
    );
    process.stdout.write(`\r  loaded ${Math.min(CASES, offset + batch).toLocaleString('en')} cases`);
  }
  await pg.query(`ANALYZE`);
  process.stdout.write(`\n  load took ${((performance.now() - started) / 1000).toFixed(0)} s\n`);
}

/** Requests completed per second by `concurrency` loops over `seconds`: the rate under load. */
async function throughput(concurrency: number, seconds: number, fn: () => Promise<unknown>): Promise<number> {
  const until = performance.now() + seconds * 1000;
  let done = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < until) {
        await fn();
        done += 1;
      }
    }),
  );
  return done / seconds;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

async function time(runs: number, fn: () => Promise<unknown>): Promise<{ p50: number; p99: number }> {
  for (let i = 0; i < 5; i++) await fn();
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    samples.push(performance.now() - t);
  }
  samples.sort((a, b) => a - b);
  return { p50: percentile(samples, 0.5), p99: percentile(samples, 0.99) };
}

/** Every statement a call runs (the pre-aggregated statistics run two), replayed in order through `pg`. */
async function captureAll(
  call: (q: MonitoringQueries) => Promise<unknown>,
): Promise<{ sql: string; params: unknown[]; more: Array<{ sql: string; params: unknown[] }> }> {
  const all: Array<{ sql: string; params: unknown[] }> = [];
  const recorder = { query: async (sql: string, params: unknown[] = []) => (all.push({ sql, params }), [{ refreshed_at: new Date() }]) };
  await call(new MonitoringQueries(recorder as never));
  return { ...all[0], more: all.slice(1) };
}

/** The SQL a monitoring call runs, captured by running it against a recording stand-in for the DataSource. */
async function capture(call: (q: MonitoringQueries) => Promise<unknown> | AsyncGenerator<unknown>): Promise<{ sql: string; params: unknown[] }> {
  let captured: { sql: string; params: unknown[] } | undefined;
  const recorder = { query: async (sql: string, params: unknown[]) => ((captured ??= { sql, params }), []) };
  const result = call(new MonitoringQueries(recorder as never));
  if (Symbol.asyncIterator in (result as object)) for await (const _ of result as AsyncGenerator<unknown>) break;
  else await result;
  return captured!;
}

async function main(): Promise<void> {
  const pgServer = await startPostgres();
  const pg = new Client({ connectionString: pgServer.url });
  await pg.connect();
  const dataSource = await createDataSource(pgServer.url).initialize();
  try {
    await dataSource.runMigrations({ transaction: 'each' });
    // BENCH_REUSE=1 with BENCH_DATABASE_URL measures again a database an earlier run loaded.
    if (process.env.BENCH_REUSE === '1' && process.env.BENCH_DATABASE_URL) {
      console.log(`reusing ${(await pg.query('SELECT count(*) FROM cases')).rows[0].count} cases already loaded`);
    } else {
      await loadSeeds(dataSource);
      console.log(`loading ${CASES.toLocaleString('en')} cases with 5 events, 3 clocks each and escalations on one in ten`);
      await load(pg);
    }

    const refreshStarted = performance.now();
    await new MonitoringQueries(dataSource).refreshStatistics();
    const refreshSeconds = ((performance.now() - refreshStarted) / 1000).toFixed(1);
    console.log(`  statistics pre-aggregates refreshed in ${refreshSeconds} s (the worker does it every STATS_REFRESH_SECONDS)`);

    const app = await startReadOnlyApi(pgServer.url, { label: 'bench-dashboard' });
    const { base, token } = app;

    const manager: Actor = { userId: 'u-sn-manager', roles: ['MANAGER'], stateCode: 'SN', authorityId: 'SN-CA-DACG', liaisonPostings: [] };
    const secretariat: Actor = {
      userId: 'u-wacap-secretariat',
      roles: ['SECRETARIAT'],
      stateCode: 'SN',
      authorityId: 'INT-WACAP-SECRETARIAT',
      liaisonPostings: [],
    };
    const now = new Date();
    const monthAgo = new Date(Date.now() - 30 * 86_400_000).toISOString().slice(0, 10);
    const yearAgo = new Date(Date.now() - 365 * 86_400_000).toISOString().slice(0, 10);
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    const d = new Date();
    const monthStart = (m: number) => new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + m, 1)).toISOString().slice(0, 10);
    const [twelveMonths, nextMonth] = [monthStart(-11), monthStart(1)];
    const cases: Array<{ name: string; actor: Actor; user: string; path: string; sql: () => Promise<{ sql: string; params: unknown[] }>; goal: string }> = [
      {
        name: 'stalled list (manager, 50 rows)',
        actor: manager,
        user: 'u-sn-manager',
        path: '/monitoring/stalled?limit=50',
        goal: 'p99 < 50 ms, >= 0.8x SQL',
        sql: () => capture((q) => q.stalled(manager, {}, { days: 30, now, sort: 'idle', direction: 'desc', limit: 50, cursor: null })),
      },
      {
        name: 'stalled list (network, 50 rows)',
        actor: secretariat,
        user: 'u-wacap-secretariat',
        path: '/monitoring/stalled?limit=50',
        goal: 'p99 < 50 ms, >= 0.8x SQL',
        sql: () => capture((q) => q.stalled(secretariat, {}, { days: 30, now, sort: 'idle', direction: 'desc', limit: 50, cursor: null })),
      },
      {
        name: 'statistics (manager, 12 months, pre-aggregated)',
        actor: manager,
        user: 'u-sn-manager',
        path: `/monitoring/statistics?from=${twelveMonths}&to=${nextMonth}`,
        goal: '< 150 ms',
        sql: () => captureAll((q) => q.statisticsPreAggregated(manager, {}, { from: twelveMonths, to: nextMonth })),
      },
      {
        name: 'statistics (network, 12 months, pre-aggregated)',
        actor: secretariat,
        user: 'u-wacap-secretariat',
        path: `/monitoring/statistics?from=${twelveMonths}&to=${nextMonth}`,
        goal: '< 150 ms',
        sql: () => captureAll((q) => q.statisticsPreAggregated(secretariat, {}, { from: twelveMonths, to: nextMonth })),
      },
      {
        name: 'statistics (manager, 365 days, live)',
        actor: manager,
        user: 'u-sn-manager',
        path: `/monitoring/statistics?from=${yearAgo}&to=${tomorrow}`,
        goal: 'reported',
        sql: () => capture((q) => q.statistics(manager, {}, { from: yearAgo, to: tomorrow })),
      },
      {
        name: 'statistics (network, one pair, one year)',
        actor: secretariat,
        user: 'u-wacap-secretariat',
        path: `/monitoring/statistics?from=${yearAgo}&to=${tomorrow}&requesting=NG&requested=IT`,
        goal: '< 150 ms',
        sql: () => capture((q) => q.statistics(secretariat, { requestingState: 'NG', requestedState: 'IT' }, { from: yearAgo, to: tomorrow })),
      },
      {
        name: 'CSV export (manager, one month)',
        actor: manager,
        user: 'u-sn-manager',
        path: `/monitoring/cases.csv?from=${monthAgo}&to=${tomorrow}`,
        goal: 'reported',
        sql: () => capture((q) => q.caseRows(manager, {}, { from: monthAgo, to: tomorrow })),
      },
    ];

    const rates: Array<{ name: string; bearer: string; path: string; sql: string; params: unknown[]; more: Array<{ sql: string; params: unknown[] }> }> = [];
    console.log(`\n${RUNS} runs each; ratio = HTTP rate / plain SQL rate (p50)\n`);
    console.log('call'.padEnd(44), 'HTTP p50', '  p99  ', ' SQL p50', '  p99  ', ' ratio', '  goal');
    for (const c of cases) {
      const bearer = `Bearer ${await token(c.user)}`;
      const { sql, params, more = [] } = (await c.sql()) as { sql: string; params: unknown[]; more?: Array<{ sql: string; params: unknown[] }> };
      const http = await time(RUNS, async () => {
        const res = await fetch(`${base}${c.path}`, { headers: { authorization: bearer } });
        if (!res.ok) throw new Error(`${c.path}: ${res.status} ${await res.text()}`);
        await res.text();
      });
      const plain = await time(RUNS, async () => {
        await pg.query(sql, params);
        for (const m of more) await pg.query(m.sql, m.params);
      });
      const ms = (x: number) => `${x.toFixed(1).padStart(6)}ms`;
      const ratio = `${(plain.p50 / http.p50).toFixed(2)}x`.padStart(6);
      console.log(c.name.padEnd(44), ms(http.p50), ms(http.p99), ms(plain.p50), ms(plain.p99), ratio, ` ${c.goal}`);
      rates.push({ name: c.name, bearer, path: c.path, sql, params, more });
    }

    // The same calls under load: 16 concurrent clients for 3 s each, through HTTP and through a pool of 16 pg connections.
    const pool = new Pool({ connectionString: pgServer.url, max: 16 });
    console.log(`\nthroughput, 16 concurrent clients, 3 s each\n`);
    console.log('call'.padEnd(44), '  HTTP/s', '   SQL/s', ' ratio');
    for (const r of rates.filter((x) => x.name.startsWith('stalled'))) {
      const httpRate = await throughput(16, 3, async () => (await fetch(`${base}${r.path}`, { headers: { authorization: r.bearer } })).text());
      const sqlRate = await throughput(16, 3, async () => {
        await pool.query(r.sql, r.params);
        for (const m of r.more) await pool.query(m.sql, m.params);
      });
      console.log(r.name.padEnd(44), httpRate.toFixed(0).padStart(8), sqlRate.toFixed(0).padStart(8), `${(httpRate / sqlRate).toFixed(2)}x`.padStart(6));
    }
    await pool.end();
    await app.stop();
  } finally {
    await dataSource.destroy();
    await pg.end();
    await pgServer.stop();
  }
}

void main().catch((err) => {
  console.error(err);
  process.exit(1);
});
