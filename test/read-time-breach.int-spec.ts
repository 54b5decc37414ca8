import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { presentCase, presentTimeline } from '../apps/api/src/cases/case-presenter';
import { Actor, readerOf } from '../libs/domain/src';
import { CaseQueries, MonitoringQueries, accessFactsOf, createDataSource } from '../libs/persistence/src';
import { loadSeeds } from '../seeds/loader';
import { Running, startPostgres } from './support/servers';

// A clock that is past its due instant reads as breached before its workflow wakes to record it (a
// storm of wakes must not hold back what users see): the case view, the case list and its work-queue
// order, the managers' lists and the timeline, on rows written directly, as a projection left them
// before the wake. Also: the case view's single statement records the read only when it is shown.

const actor = (userId: string, roles: string[], stateCode: string, authorityId: string): Actor =>
  ({ userId, roles, stateCode, authorityId, liaisonPostings: [] }) as Actor;
const prosecutor = actor('u-sn-prosecutor', ['PROSECUTOR'], 'SN', 'SN-PROS-DAKAR');
const ghCa = actor('u-gh-ca', ['CENTRAL_AUTHORITY'], 'GH', 'GH-CA-MOJ');
const ghManager = actor('u-gh-manager', ['MANAGER'], 'GH', 'GH-CA-MOJ');
const ngProsecutor = actor('u-ng-prosecutor', ['PROSECUTOR'], 'NG', 'NG-PROS-ABUJA');

describe('breached at read time (real Postgres)', () => {
  let pg: Running & { url: string };
  let db: DataSource;
  const overdue = randomUUID();
  const onTime = randomUUID();
  const MINUTE = 60_000;

  async function insertCase(id: string, dueAt: number, createdAt: Date): Promise<void> {
    const clocks = [
      {
        id: 'requester-deadline',
        ruleId: 'REQUESTER_DEADLINE',
        kind: 'REQUESTER_DEADLINE',
        side: 'REQUESTED',
        legalRef: 'UNTOC art. 18(24)',
        verified: true,
        startedAt: dueAt - 30 * 86_400_000,
        breachAt: dueAt,
        lastDay: '2026-01-01',
        status: 'RUNNING',
        pausedMs: 0,
        firings: 0,
      },
      {
        id: 'ack',
        ruleId: 'ACK',
        kind: 'SLA',
        side: 'REQUESTED',
        legalRef: 'x',
        verified: true,
        startedAt: dueAt - 86_400_000,
        breachAt: Date.now() + 86_400_000,
        status: 'RUNNING',
        pausedMs: 0,
        firings: 0,
      },
    ];
    await db.query(
      `INSERT INTO cases (id, kind, workflow_id, state, version, requesting_state, requesting_authority_id, requested_state, legal_basis, rule_pack_version,
         created_by, assistance_types, language, urgency, transmitted, transmitted_at, flags, detail, created_at, updated_at, filed_at, last_party_event_at,
         requested_by_date)
       VALUES ($1::uuid, 'MLA', 'mla-' || $1::text, 'TRANSMITTED', 3, 'SN', 'SN-PROS-DAKAR', 'GH', 'ECOWAS-MLA-1992', 1, 'u-sn-prosecutor', '{BANK_RECORDS}', 'fr',
               'NORMAL', true, $2, '{DEADLINE_AT_RISK}', $3::jsonb, $2, $2, $2, now(), current_date + 5)`,
      [id, createdAt, JSON.stringify({ clocks, items: [{ id: 'i1', assistanceType: 'BANK_RECORDS', status: 'PENDING', note: 'n' }] })],
    );
    await db.query(
      `INSERT INTO case_events (case_id, seq, event, from_state, to_state, actor_id, actor_role, actor_state, actor_authority_id, at)
       VALUES ($1, 0, 'FILED', NULL, 'DRAFT', 'u-sn-prosecutor', 'PROSECUTOR', 'SN', 'SN-PROS-DAKAR', $2)`,
      [id, createdAt],
    );
    for (const k of clocks) {
      await db.query(`INSERT INTO case_clocks (case_id, clock_id, rule_id, kind, status, started_at, due_at) VALUES ($1, $2, $3, $4, 'RUNNING', $5, $6)`, [
        id,
        k.id,
        k.ruleId,
        k.kind,
        new Date(k.startedAt),
        new Date(k.breachAt),
      ]);
    }
  }

  const shownFlags = async (a: Actor, id: string) => {
    const row = (await new CaseQueries(db).read(a, id))!;
    return presentCase(row, readerOf(a, accessFactsOf(row))!).flags;
  };
  const accessLogRows = async (id: string) =>
    Number((await db.query(`SELECT count(*)::int AS n FROM access_log WHERE case_ids @> ARRAY[$1::uuid]`, [id]))[0].n);

  beforeAll(async () => {
    pg = await startPostgres();
    db = await createDataSource(pg.url).initialize();
    await db.runMigrations({ transaction: 'each' });
    await loadSeeds(db, undefined, { demoUsers: true });
    // The overdue case is the older one: ordered by age alone, it would come second in the work queue.
    await insertCase(onTime, Date.now() + 5 * 86_400_000, new Date(Date.now() - 10 * MINUTE));
    await insertCase(overdue, Date.now() - MINUTE, new Date(Date.now() - 5 * MINUTE));
  }, 120000);

  afterAll(async () => {
    await db?.destroy();
    await pg?.stop();
  });

  it('shows the case view with DEADLINE_BREACHED (and no longer at risk) from the due instant, before the workflow records it', async () => {
    expect(await shownFlags(prosecutor, overdue)).toEqual(['DEADLINE_BREACHED']);
    expect(await shownFlags(prosecutor, onTime)).toEqual(['DEADLINE_AT_RISK']);
  });

  it('orders the central authority list and the managers’ queue by the breach at read time, with the same flags', async () => {
    const page = await new CaseQueries(db).list(ghCa, 10, null);
    expect(page.items.map((r) => r.id)).toEqual([overdue, onTime]);
    expect(page.items.map((r) => presentCase(r, readerOf(ghCa, accessFactsOf(r))!).flags)).toEqual([['DEADLINE_BREACHED'], ['DEADLINE_AT_RISK']]);
    const monitoring = new MonitoringQueries(db);
    const queue = await monitoring.queue(ghManager, {}, { limit: 10, cursor: null });
    expect(queue.items.map((r) => [r.id, r.rank, r.flags])).toEqual([
      [overdue, 1, ['DEADLINE_BREACHED']],
      [onTime, 2, ['DEADLINE_AT_RISK']],
    ]);
    const deadlines = await monitoring.deadlines(
      ghManager,
      {},
      { status: 'all', withinDays: 30, today: new Date().toISOString().slice(0, 10), direction: 'asc', limit: 10, cursor: null },
    );
    expect(new Map(deadlines.items.map((r) => [r.id, r.flags])).get(overdue)).toEqual(['DEADLINE_BREACHED']);
  });

  it('shows the overdue clock as breached on the timeline, the others as they are', async () => {
    const row = (await new CaseQueries(db).findCase(overdue))!;
    const timeline = presentTimeline(row, [], [], readerOf(prosecutor, accessFactsOf(row))!);
    expect(timeline.clocks.map((k: { id: string; status: string }) => [k.id, k.status])).toEqual([
      ['requester-deadline', 'breached'],
      ['ack', 'running'],
    ]);
    expect(timeline.flags).toEqual(['DEADLINE_BREACHED']);
  });

  it('reads the same once the workflow has recorded the breach', async () => {
    await db.query(`UPDATE case_clocks SET status = 'BREACHED', stopped_at = due_at WHERE case_id = $1 AND clock_id = 'requester-deadline'`, [overdue]);
    await db.query(`UPDATE cases SET flags = '{DEADLINE_BREACHED}' WHERE id = $1`, [overdue]);
    expect(await shownFlags(prosecutor, overdue)).toEqual(['DEADLINE_BREACHED']);
    const page = await new CaseQueries(db).list(ghCa, 10, null);
    expect(page.items.map((r) => r.id)).toEqual([overdue, onTime]);
  });

  it('records a case read in the access log when, and only when, the case is shown', async () => {
    const queries = new CaseQueries(db);
    const before = await accessLogRows(onTime);
    const shown = (await queries.read(prosecutor, onTime))!;
    expect(shown.inScope).toBe(true);
    expect(shown.history!.map((e) => [e.seq, e.event])).toEqual([[0, 'FILED']]);
    expect(await accessLogRows(onTime)).toBe(before + 1);
    // Someone else's case: no history read, nothing logged (the API answers 404).
    const other = (await queries.read(ngProsecutor, onTime))!;
    expect([other.inScope, other.history]).toEqual([false, null]);
    // A version not shown yet (a client reading its own write): nothing logged, the API answers 503.
    await queries.read(prosecutor, onTime, 99);
    expect(await accessLogRows(onTime)).toBe(before + 1);
  });
});
