import 'reflect-metadata';
import { Agent, request } from 'node:http';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Client, Pool } from 'pg';
import { projectRoot } from '../libs/config/src/project-root';
import type { Actor } from '../libs/domain/src';
import { MonitoringQueries, createDataSource, listStatement, statementName, viewStatement } from '../libs/persistence/src';
import { loadSeeds } from '../seeds/loader';
import { startEmbeddedPostgres } from './embedded-postgres-process';
import { startReadOnlyApi, type ReadOnlyApi } from './bench/read-only-api';

/**
 * `npm run bench:reads`: the case reads (GET /cases/:id, GET /cases) and the managers' lists through
 * HTTP, beside the very same statements through a pool of `pg` connections, in the same run, at
 * BENCH_CLIENTS concurrent clients (16). Loads BENCH_CASES cases (100,000) into a fresh embedded
 * PostgreSQL (or BENCH_DATABASE_URL; BENCH_REUSE=1 to measure a database already loaded), runs the API
 * from dist/ in its own process (BENCH_API_DIST=<folder> runs another build, e.g. one made before a
 * change), prints each rate and their ratio, and writes the figures to bench-results/reads-<time>.json.
 */

const CASES = Number(process.env.BENCH_CASES ?? 100_000);
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 16);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);

/** Cases across every seeded pair, with events, clocks (running ones due in the future, as in life) and a realistic `detail`. */
async function load(pg: Client): Promise<void> {
  const started = performance.now();
  await pg.query(`SET synchronous_commit = off`);
  await pg.query(`
    CREATE TEMP TABLE pairs AS
      SELECT row_number() OVER () - 1 AS n, a.code AS requesting, b.code AS requested,
             u.authority_id AS authority, u.id AS creator
      FROM states a JOIN states b ON a.code <> b.code
      JOIN LATERAL (SELECT id, authority_id FROM users WHERE state_code = a.code AND 'PROSECUTOR' = ANY(roles) ORDER BY id LIMIT 1) u ON TRUE`);
  const pairs = Number((await pg.query(`SELECT count(*) FROM pairs`)).rows[0].count);
  const states = `ARRAY['DRAFT','PENDING_CA_REVIEW','TRANSMITTED','RECEIVED','ADDITIONAL_INFO_REQUESTED','IN_EXECUTION','EXECUTED',
                       'CLOSED','CLOSED','CLOSED','REFUSED','WITHDRAWN']`;
  const batch = 50_000;
  for (let offset = 0; offset < CASES; offset += batch) {
    const range = [offset, Math.min(CASES, offset + batch) - 1];
    await pg.query(
      `WITH g AS (
         SELECT i, (hashint4(i) & 2147483647) AS h, p.* FROM generate_series($1::int, $2::int) i
         JOIN pairs p ON p.n = (hashint4(i * 7) & 2147483647) % $3
       ), c AS (
         SELECT i, h, requesting, requested, authority, creator, (${states})[1 + h % 12] AS state,
                now() - ((h % 1095) || ' days')::interval AS filed
         FROM g
       )
       INSERT INTO cases (id, kind, workflow_id, state, version, requesting_state, requesting_authority_id, requested_state, legal_basis, rule_pack_version,
         created_by, assistance_types, subject_of_proceedings, facts_summary, purpose, persons, language, urgency, transmitted, filed_at, created_at,
         updated_at, last_party_event_at, transmitted_at, requested_by_date, flags, detail)
       SELECT md5(i::text)::uuid, 'MLA', 'bench-' || i, state, 5, requesting, authority, requested, 'UNTOC-2000', 1,
              creator, '{BANK_RECORDS,SERVICE_OF_DOCUMENTS}', 'Fraud and laundering of the proceeds through shell companies',
              repeat('Facts of the case as the prosecutor summarised them. ', 8), 'Evidence for the trial of the persons concerned',
              jsonb_build_array(jsonb_build_object('role', 'SUSPECT', 'name', 'Person ' || i, 'nationality', requesting)),
              'fr', CASE WHEN h % 17 = 0 THEN 'URGENT' ELSE 'NORMAL' END, state NOT IN ('DRAFT', 'PENDING_CA_REVIEW'), filed, filed, filed,
              filed + ((h % 200) || ' days')::interval,
              CASE WHEN state NOT IN ('DRAFT', 'PENDING_CA_REVIEW') THEN filed + ((h % 9) || ' days')::interval END,
              CASE WHEN h % 3 = 0 THEN (filed + ((30 + h % 300) || ' days')::interval)::date END,
              CASE WHEN h % 7 = 0 THEN '{STALLED}'::text[] WHEN h % 11 = 0 THEN '{DEADLINE_AT_RISK}' ELSE '{}' END,
              jsonb_build_object(
                'items', jsonb_build_array(
                  jsonb_build_object('id', 'item-1', 'assistanceType', 'BANK_RECORDS', 'status', 'PENDING', 'note', 'bank of the region'),
                  jsonb_build_object('id', 'item-2', 'assistanceType', 'SERVICE_OF_DOCUMENTS', 'status', 'FORWARDED', 'executingAuthorityId', 'X')),
                'clocks', (SELECT jsonb_agg(jsonb_build_object('id', 'clock-' || r, 'ruleId', 'RULE-' || r, 'kind', 'SLA', 'side', 'REQUESTED',
                           'legalRef', 'UNTOC art. 18', 'verified', true, 'startedAt', 1700000000000, 'breachAt', 1900000000000, 'status', 'RUNNING',
                           'pausedMs', 0, 'firings', 0)) FROM generate_series(1, 6) r),
                'tasks', (SELECT jsonb_agg(jsonb_build_object('id', 'task-' || r, 'kind', 'REMINDER', 'level', 0, 'addressee', 'REQUESTED_CA',
                           'reason', repeat('a reminder of what is late ', 3), 'status', 'RESOLVED')) FROM generate_series(1, 4) r),
                'metrics', jsonb_build_object('daysToTransmit', h % 9, 'daysToAcknowledge', h % 13),
                'transmission', jsonb_build_object('channel', 'DIPLOMATIC', 'reference', 'REF-' || i, 'at', 1700000000000))
       FROM c`,
      [...range, pairs],
    );
    await pg.query(
      `INSERT INTO case_events (case_id, seq, event, from_state, to_state, actor_id, actor_role, actor_state, actor_authority_id, at, legal_ref, comment, data)
       SELECT md5(i::text)::uuid, s, (ARRAY['FILED','SUBMIT','APPROVE','TRANSMIT','ACKNOWLEDGE','NOTE'])[s + 1], 'DRAFT', 'DRAFT',
              'u-sn-prosecutor', 'PROSECUTOR', 'SN', 'SN-PROS-DAKAR',
              now() - ((hashint4(i) & 2147483647) % 1095 || ' days')::interval + (s || ' days')::interval,
              'UNTOC art. 18', CASE WHEN s % 2 = 1 THEN 'a comment on the step' END, jsonb_build_object('step', s)
       FROM generate_series($1::int, $2::int) i, generate_series(0, 5) s`,
      range,
    );
    await pg.query(
      `INSERT INTO case_clocks (case_id, clock_id, rule_id, kind, status, started_at, due_at)
       SELECT md5(i::text)::uuid, 'clock-' || r, (ARRAY['ACK','STALL','REQUESTER_DEADLINE'])[r], (ARRAY['SLA','STALL','REQUESTER_DEADLINE'])[r],
              (ARRAY['MET','RUNNING','BREACHED','RUNNING'])[1 + (hashint4(i * r) & 2147483647) % 4], now() - interval '30 days',
              -- running clocks fall due in the future, but for a few that are past due and not recorded yet (a wake on its way)
              CASE WHEN i % 500 = 0 THEN now() - interval '1 minute' ELSE now() + ((1 + (hashint4(i * r) & 2147483647) % 90) || ' days')::interval END
       FROM generate_series($1::int, $2::int) i, generate_series(1, 3) r`,
      range,
    );
    process.stdout.write(`\r  loaded ${range[1] + 1} cases`);
  }
  await pg.query(`ANALYZE`);
  process.stdout.write(`\n  load took ${((performance.now() - started) / 1000).toFixed(0)} s\n`);
}

/** CPU seconds used so far by these processes and all their descendants (Linux /proc; 0 elsewhere). */
function cpuSeconds(roots: number[]): number {
  try {
    const stats = readdirSync('/proc')
      .filter((d) => /^\d+$/.test(d))
      .map((pid) => {
        try {
          const f = readFileSync(`/proc/${pid}/stat`, 'utf8');
          const rest = f.slice(f.lastIndexOf(')') + 2).split(' ');
          return { pid: Number(pid), ppid: Number(rest[1]), ticks: Number(rest[11]) + Number(rest[12]) };
        } catch {
          return null;
        }
      })
      .filter((x): x is { pid: number; ppid: number; ticks: number } => x !== null);
    const wanted = new Set(roots);
    for (let grew = true; grew;) {
      grew = false;
      for (const p of stats) {
        if (!wanted.has(p.pid) && wanted.has(p.ppid)) {
          wanted.add(p.pid);
          grew = true;
        }
      }
    }
    return stats.filter((p) => wanted.has(p.pid)).reduce((sum, p) => sum + p.ticks, 0) / 100;
  } catch {
    return 0;
  }
}

/** A GET on a keep-alive connection (lighter than fetch, so that the load generator is not what limits the rate). */
const agent = new Agent({ keepAlive: true, maxSockets: 64 });
function get(url: string, authorization: string): Promise<{ status: number; body: string }> {
  return new Promise((resolvePromise, reject) => {
    const req = request(url, { agent, headers: { authorization } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolvePromise({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/** Requests completed per second by `clients` loops over `seconds`. */
async function throughput(clients: number, seconds: number, fn: (i: number) => Promise<unknown>): Promise<{ rate: number; done: number }> {
  const until = performance.now() + seconds * 1000;
  let done = 0;
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (performance.now() < until) {
        await fn(done);
        done += 1;
      }
    }),
  );
  return { rate: done / seconds, done };
}

/** The statements a monitoring call runs, captured by running it against a recording stand-in for the DataSource. */
async function capture(call: (q: MonitoringQueries) => Promise<unknown>): Promise<{ text: string; values: unknown[] }> {
  let captured: { text: string; values: unknown[] } | undefined;
  const recorder = { query: async (text: string, values: unknown[]) => ((captured ??= { text, values }), []) };
  await call(new MonitoringQueries(recorder as never));
  return captured!;
}

async function actorOf(pg: Client, userId: string): Promise<Actor> {
  const u = (await pg.query(`SELECT id, roles, state_code, authority_id FROM users WHERE id = $1`, [userId])).rows[0];
  return { userId: u.id, roles: u.roles, stateCode: u.state_code, authorityId: u.authority_id, liaisonPostings: [] };
}

async function main(): Promise<void> {
  const server: { url: string; stop: () => Promise<void>; child?: { pid?: number } } = process.env.BENCH_DATABASE_URL
    ? { url: process.env.BENCH_DATABASE_URL, stop: async () => {} }
    : await startEmbeddedPostgres({ label: 'bench-reads-pg', stderr: 'inherit' });
  const pg = new Client({ connectionString: server.url });
  await pg.connect();
  const dataSource = await createDataSource(server.url).initialize();
  let api: ReadOnlyApi | undefined;
  try {
    await dataSource.runMigrations({ transaction: 'each' });
    if (process.env.BENCH_REUSE === '1' && process.env.BENCH_DATABASE_URL) {
      console.log(`reusing ${(await pg.query('SELECT count(*) FROM cases')).rows[0].count} cases already loaded`);
    } else {
      await loadSeeds(dataSource);
      console.log(`loading ${CASES.toLocaleString('en')} cases (6 events, 3 clocks each)`);
      await load(pg);
    }

    const dist = resolve(process.env.BENCH_API_DIST ?? join(projectRoot(), 'dist'));
    const app = await startReadOnlyApi(server.url, {
      label: 'bench-reads',
      dist,
      profileDir: process.env.BENCH_API_PROFILE ? resolve(process.env.BENCH_API_PROFILE) : undefined,
    });
    api = app;
    const { base, token } = app;

    // The prosecutor who filed Senegal's cases in the generated data.
    const filer = (await pg.query(`SELECT created_by FROM cases WHERE requesting_state = 'SN' LIMIT 1`)).rows[0].created_by;
    const prosecutor = await actorOf(pg, filer);
    const ca = await actorOf(pg, 'u-sn-ca');
    const manager = await actorOf(pg, 'u-sn-manager');
    const ids: string[] = (
      await pg.query(`SELECT id FROM cases WHERE requesting_state = $1 AND requesting_authority_id = $2 ORDER BY id LIMIT 200`, [
        prosecutor.stateCode,
        prosecutor.authorityId,
      ])
    ).rows.map((r) => r.id);
    if (ids.length === 0) throw new Error(`no case of ${prosecutor.authorityId} was loaded`);
    const now = new Date();

    type Call = { name: string; user: string; path: (i: number) => string; sql: (i: number) => Promise<{ text: string; values: unknown[] }> };
    const calls: Call[] = [
      {
        name: 'GET /cases/:id (prosecutor)',
        user: prosecutor.userId,
        path: (i) => `/cases/${ids[i % ids.length]}`,
        sql: async (i) => viewStatement(prosecutor, ids[i % ids.length]),
      },
      { name: 'GET /cases?limit=50 (central authority)', user: ca.userId, path: () => '/cases?limit=50', sql: async () => listStatement(ca, 50, null) },
      {
        name: 'GET /monitoring/stalled?limit=50 (manager)',
        user: manager.userId,
        path: () => '/monitoring/stalled?limit=50',
        sql: () => capture((q) => q.stalled(manager, {}, { days: 30, now, sort: 'idle', direction: 'desc', limit: 50, cursor: null })),
      },
      {
        name: 'GET /monitoring/queue?limit=50 (manager)',
        user: manager.userId,
        path: () => '/monitoring/queue?limit=50',
        sql: () => capture((q) => q.queue(manager, {}, { limit: 50, cursor: null })),
      },
    ];
    // The statements are those of this checkout; BENCH_API_DIST may run an API built from another.
    const pool = new Pool({ connectionString: server.url, max: CLIENTS });
    const results: Array<{
      call: string;
      httpPerSecond: number;
      sqlPerSecond: number;
      ratio: number;
      cpuMsPerHttp: number;
      cpuMsPerSql: number;
      cpuRatio: number;
    }> = [];
    // Postgres's processes: the embedded server's, or those under BENCH_PG_PID for a server started apart.
    const pgRoots = server.child?.pid ? [server.child.pid] : process.env.BENCH_PG_PID ? [Number(process.env.BENCH_PG_PID)] : [];
    console.log(`\n${CLIENTS} concurrent clients, ${SECONDS} s each, best of ${ROUNDS} rounds; the API from ${dist}`);
    console.log('CPU per operation: the API process and Postgres for HTTP, Postgres for SQL (what the ratio is where CPU is not shared)\n');
    console.log('call'.padEnd(46), '  HTTP/s', '   SQL/s', ' ratio', ' CPU ms/HTTP', ' CPU ms/SQL', ' CPU ratio');
    for (const c of calls.filter((x) => !process.env.BENCH_ONLY || x.name.includes(process.env.BENCH_ONLY))) {
      const bearer = `Bearer ${await token(c.user)}`;
      const first = await get(`${base}${c.path(0)}`, bearer);
      if (first.status !== 200) throw new Error(`${c.path(0)}: ${first.status} ${first.body}`);
      const statements = await Promise.all(Array.from({ length: Math.min(ids.length, 200) }, (_, i) => c.sql(i)));
      let [http, sql, cpuHttp, cpuSql] = [0, 0, Infinity, Infinity];
      for (let round = 0; round < ROUNDS; round++) {
        let cpu = cpuSeconds([api.process.pid!, ...pgRoots]);
        const h = await throughput(CLIENTS, SECONDS, async (i) => {
          const res = await get(`${base}${c.path(i)}`, bearer);
          if (res.status !== 200) throw new Error(`${c.path(i)}: ${res.status}`);
        });
        cpuHttp = Math.min(cpuHttp, ((cpuSeconds([api.process.pid!, ...pgRoots]) - cpu) * 1000) / h.done);
        cpu = cpuSeconds(pgRoots);
        const q = await throughput(CLIENTS, SECONDS, async (i) => {
          const st = statements[i % statements.length];
          await pool.query({ name: statementName(st.text), text: st.text, values: st.values });
        });
        cpuSql = Math.min(cpuSql, ((cpuSeconds(pgRoots) - cpu) * 1000) / q.done);
        [http, sql] = [Math.max(http, h.rate), Math.max(sql, q.rate)];
      }
      const ratio = http / sql;
      const cpuRatio = cpuHttp > 0 ? cpuSql / cpuHttp : 0;
      console.log(
        c.name.padEnd(46),
        http.toFixed(0).padStart(8),
        sql.toFixed(0).padStart(8),
        `${ratio.toFixed(2)}x`.padStart(6),
        cpuHttp.toFixed(2).padStart(12),
        cpuSql.toFixed(2).padStart(11),
        `${cpuRatio.toFixed(2)}x`.padStart(10),
      );
      const r2 = (x: number) => Math.round(x * 100) / 100;
      results.push({
        call: c.name,
        httpPerSecond: Math.round(http),
        sqlPerSecond: Math.round(sql),
        ratio: r2(ratio),
        cpuMsPerHttp: r2(cpuHttp),
        cpuMsPerSql: r2(cpuSql),
        cpuRatio: r2(cpuRatio),
      });
    }
    await pool.end();
    agent.destroy();
    const out = join(projectRoot(), 'bench-results');
    mkdirSync(out, { recursive: true });
    const file = join(out, `reads-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
    const machine = { cpus: (await import('node:os')).cpus().length, loadAverage: (await import('node:os')).loadavg() };
    writeFileSync(
      file,
      JSON.stringify({ at: new Date().toISOString(), cases: CASES, clients: CLIENTS, seconds: SECONDS, apiDist: dist, machine, results }, null, 2),
    );
    console.log(`load average at the end: ${machine.loadAverage.map((x) => x.toFixed(1)).join(' ')} on ${machine.cpus} cores`);
    console.log(`\nwritten to ${file}`);
  } finally {
    if (api) await api.stop();
    await dataSource.destroy();
    await pg.end();
    await server.stop();
  }
}

void main().catch((err) => {
  console.error(err);
  process.exit(1);
});
