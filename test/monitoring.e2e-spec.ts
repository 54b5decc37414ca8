import { randomUUID } from 'node:crypto';
import { Engine, startEngine } from './support/engine';

// The managers' view against a seeded set of cases whose figures are computed by hand below.

const DAY = 86_400_000;
const now = Date.now();
const ago = (days: number) => new Date(now - days * DAY);
const at = (iso: string) => new Date(`${iso}T10:00:00Z`);
const dateIn = (days: number) => new Date(now + days * DAY).toISOString().slice(0, 10);

interface Seed {
  pair: [string, string];
  authority: string;
  createdBy: string;
  kind?: string;
  legalBasis?: string;
  state: string;
  filed: string;
  transmitted?: string;
  received?: string;
  results?: string;
  pausedDays?: number;
  refusal?: string;
  custodyDays?: number;
  lastPartyEventAt?: Date;
  requestedByDate?: string;
  clocks?: Array<[string, string]>;
  tasks?: Array<{ level: number; created: Date; resolved?: Date }>;
}

async function seed(db: Engine['db'], s: Seed): Promise<string> {
  const id = randomUUID();
  await db.query(
    `INSERT INTO cases (id, kind, workflow_id, state, version, requesting_state, requesting_authority_id, requested_state, legal_basis, rule_pack_version,
       created_by, assistance_types, language, urgency, transmitted, filed_at, created_at, updated_at, last_party_event_at, transmitted_at, received_at,
       results_at, paused_ms, refusal_ground, custody_days, requested_by_date)
     VALUES ($1::uuid, $2, 'seed-' || $1::text, $3, 1, $4, $5, $6, $7, 1, $8, '{OTHER}', 'fr', 'NORMAL', $9, $10, $10, $10, $11, $12, $13, $14, $15, $16, $17, $18)`,
    [
      id,
      s.kind ?? 'MLA',
      s.state,
      s.pair[0],
      s.authority,
      s.pair[1],
      s.legalBasis ?? 'UNTOC-2000',
      s.createdBy,
      s.transmitted !== undefined,
      at(s.filed),
      s.lastPartyEventAt ?? at(s.results ?? s.received ?? s.transmitted ?? s.filed),
      s.transmitted ? at(s.transmitted) : null,
      s.received ? at(s.received) : null,
      s.results ? at(s.results) : null,
      (s.pausedDays ?? 0) * DAY,
      s.refusal ?? null,
      s.custodyDays ?? null,
      s.requestedByDate ?? null,
    ],
  );
  for (const [i, [ruleId, status]] of (s.clocks ?? []).entries()) {
    // The STALLED clock is a flag, not a deadline: the statistics leave it out.
    const kind = ruleId === 'STALLED_AFTER' ? 'STALL' : ruleId === 'REQUESTER_DEADLINE' ? 'REQUESTER_DEADLINE' : 'SLA';
    await db.query(`INSERT INTO case_clocks (case_id, clock_id, rule_id, kind, status, started_at, due_at) VALUES ($1, $2, $3, $4, $5, now(), now())`, [
      id,
      `clock-${i}`,
      ruleId,
      kind,
      status,
    ]);
  }
  for (const [i, t] of (s.tasks ?? []).entries()) {
    await db.query(
      `INSERT INTO case_tasks (case_id, task_id, kind, level, addressee, addressee_states, reason, created_at, status, resolved_at)
       VALUES ($1, $2, 'ESCALATION', $3, 'FOCAL_POINTS', $4, 'test', $5, $6, $7)`,
      [id, `task-${i}`, t.level, s.pair, t.created, t.resolved ? 'RESOLVED' : 'OPEN', t.resolved ?? null],
    );
  }
  // What the projection keeps on the case row for the statistics.
  await db.query(
    `UPDATE cases c SET
       deadline_rules = coalesce((SELECT array_agg(rule_id ORDER BY clock_id) FROM case_clocks k WHERE k.case_id = c.id AND k.kind NOT IN ('STALL', 'CUSTODY_REMINDER') AND k.status <> 'CANCELLED'), '{}'),
       breached_rules = coalesce((SELECT array_agg(rule_id ORDER BY clock_id) FROM case_clocks k WHERE k.case_id = c.id AND k.kind NOT IN ('STALL', 'CUSTODY_REMINDER') AND k.status = 'BREACHED'), '{}'),
       escalations_raised = (SELECT count(*) FROM case_tasks t WHERE t.case_id = c.id AND t.kind = 'ESCALATION'),
       escalation_resolution_days = coalesce((SELECT array_agg(extract(epoch FROM t.resolved_at - t.created_at) / 86400) FROM case_tasks t
                                              WHERE t.case_id = c.id AND t.kind = 'ESCALATION' AND t.status = 'RESOLVED'), '{}')
     WHERE c.id = $1`,
    [id],
  );
  return id;
}

describe("managers' view: stalled cases, deadlines, escalations, statistics and CSV", () => {
  let engine: Engine;
  const ids: Record<string, string> = {};
  const get = async (user: string, path: string) => engine.request('GET', path, { token: await engine.token(user) });

  beforeAll(async () => {
    engine = await startEngine();
    const sn = { authority: 'SN-PROS-DAKAR', createdBy: 'u-sn-prosecutor', pair: ['SN', 'ML'] as [string, string] };
    // A: acknowledged in 2 days, executed in 48 days of which 7 paused → 41 net.
    ids.A = await seed(engine.db, {
      ...sn,
      state: 'CLOSED',
      filed: '2026-01-05',
      transmitted: '2026-01-10',
      received: '2026-01-12',
      results: '2026-03-01',
      pausedDays: 7,
      clocks: [
        ['ACK', 'MET'],
        ['REQUESTED_REVIEW', 'MET'],
        ['REQUESTER_DEADLINE', 'MET'],
      ],
    });
    // B: acknowledged in 10 days (ACK breached), executed in 49, its deadline breached; one L3 escalation resolved in 10 days.
    ids.B = await seed(engine.db, {
      ...sn,
      state: 'CLOSED',
      filed: '2026-01-20',
      transmitted: '2026-02-01',
      received: '2026-02-11',
      results: '2026-04-01',
      clocks: [
        ['ACK', 'BREACHED'],
        ['REQUESTED_REVIEW', 'MET'],
        ['REQUESTER_DEADLINE', 'BREACHED'],
      ],
      tasks: [{ level: 3, created: at('2026-03-01'), resolved: at('2026-03-11') }],
    });
    // C: acknowledged in 4 days, refused.
    ids.C = await seed(engine.db, {
      ...sn,
      state: 'REFUSED',
      filed: '2026-02-01',
      transmitted: '2026-02-10',
      received: '2026-02-14',
      refusal: 'ESSENTIAL_INTERESTS',
      clocks: [
        ['ACK', 'MET'],
        ['STALLED_AFTER', 'BREACHED'],
      ],
    });
    // D: open, acknowledged in 4 days, no party act for 60 days, deadline passed 5 days ago, an L1 escalation open for 20 days.
    ids.D = await seed(engine.db, {
      ...sn,
      authority: 'SN-CA-DACG',
      createdBy: 'u-sn-ca',
      state: 'IN_EXECUTION',
      filed: '2026-03-01',
      transmitted: '2026-03-02',
      received: '2026-03-06',
      lastPartyEventAt: ago(60),
      requestedByDate: dateIn(-5),
      tasks: [{ level: 1, created: ago(20) }],
    });
    // E (NG→NE): transmitted, never acknowledged, idle 40 days, deadline in 3 days.
    ids.E = await seed(engine.db, {
      pair: ['NG', 'NE'],
      authority: 'NG-PROS-DPP',
      createdBy: 'u-ng-prosecutor',
      state: 'TRANSMITTED',
      filed: '2026-05-01',
      transmitted: '2026-05-02',
      lastPartyEventAt: ago(40),
      requestedByDate: dateIn(3),
    });
    // F (NG→BJ extradition): 18 days in custody.
    ids.F = await seed(engine.db, {
      pair: ['NG', 'BJ'],
      authority: 'NG-PROS-DPP',
      createdBy: 'u-ng-prosecutor',
      kind: 'EXTRADITION',
      legalBasis: 'ECOWAS-EXT-1994',
      state: 'JUDICIAL_PHASE',
      filed: '2026-06-01',
      transmitted: '2026-06-02',
      received: '2026-06-20',
      custodyDays: 18,
      lastPartyEventAt: ago(1),
    });
  }, 180000);

  afterAll(async () => {
    await engine?.stop();
  }, 60000);

  it('computes the pair statistics by hand: counts, median and p90 net of pauses, deadline shares, escalations, refusals', async () => {
    const res = await get('u-sn-manager', '/monitoring/statistics?from=2026-01-01&to=2026-12-31');
    expect(res.status).toBe(200);
    expect(res.body.pairs).toHaveLength(1);
    const p = res.body.pairs[0];
    expect(p).toMatchObject({ requestingState: 'SN', requestedState: 'ML', open: 1, terminal: 3 });
    // ack days 2, 4, 4, 10 → median 4; p90 = 4 + 0.7 × (10 − 4) = 8.2
    expect(p.ackDays).toEqual({ median: 4, p90: 8.2, cases: 4 });
    // execution days net of pauses: 41 (48 − 7) and 49 → median 45; p90 = 41 + 0.9 × 8 = 48.2
    expect(p.executionDays).toEqual({ median: 45, p90: 48.2, cases: 2 });
    expect(p.deadlines).toEqual([
      { ruleId: 'ACK', total: 3, breached: 1, shareBreached: 0.333 },
      { ruleId: 'REQUESTED_REVIEW', total: 2, breached: 0, shareBreached: 0 },
      { ruleId: 'REQUESTER_DEADLINE', total: 2, breached: 1, shareBreached: 0.5 },
    ]);
    expect(p.escalations).toEqual({ raised: 2, resolved: 1, medianResolutionDays: 10 });
    expect(p.refusalsByGround).toEqual({ ESSENTIAL_INTERESTS: 1 });
    expect(res.body.definitions.executionDays).toContain('net of time paused');

    expect(res.body.source).toBe('live');

    // Whole months come from the pre-aggregates once refreshed, with the very same figures.
    expect((await engine.request('POST', '/monitoring/statistics/refresh', { token: await engine.token('u-sn-manager') })).status).toBe(403);
    expect((await engine.request('POST', '/monitoring/statistics/refresh', { token: await engine.token('u-admin') })).status).toBe(200);
    const pre = await get('u-sn-manager', '/monitoring/statistics?from=2026-01-01&to=2027-01-01');
    expect(pre.body.source).toBe('pre-aggregated');
    expect(pre.body.pairs).toEqual(res.body.pairs);
    const prosecutor = await get('u-sn-prosecutor', '/monitoring/statistics?from=2026-01-01&to=2027-01-01');
    expect(prosecutor.body.source).toBe('live');
    expect(prosecutor.body.pairs[0]).toMatchObject({ open: 0, terminal: 3 });

    const network = await get('u-wacap-secretariat', '/monitoring/statistics?from=2026-01-01&to=2026-12-31');
    const networkPre = await get('u-wacap-secretariat', '/monitoring/statistics?from=2026-01-01&to=2027-01-01');
    expect(networkPre.body.pairs).toEqual(network.body.pairs);
    expect(network.body.pairs.map((x: { requestingState: string; requestedState: string }) => `${x.requestingState}>${x.requestedState}`)).toEqual([
      'NG>BJ',
      'NG>NE',
      'SN>ML',
    ]);
    expect(network.body.pairs[0].custody).toEqual({ cases: 1, totalDays: 18, maxDays: 18 });
    const onlyFirstQuarter = await get('u-wacap-secretariat', '/monitoring/statistics?from=2026-01-01&to=2026-02-01');
    expect(onlyFirstQuarter.body.pairs[0]).toMatchObject({ open: 0, terminal: 2 });
  });

  it("lists stalled cases (no party act for N days) within each actor's scope, longest idle first", async () => {
    const manager = await get('u-sn-manager', '/monitoring/stalled');
    expect(manager.body.items.map((c: { id: string }) => c.id)).toEqual([ids.D]);
    expect(manager.body.items[0]).toMatchObject({ idleDays: 60, state: 'IN_EXECUTION' });
    const network = await get('u-wacap-secretariat', '/monitoring/stalled');
    expect(network.body.items.map((c: { id: string }) => c.id)).toEqual([ids.D, ids.E]);
    expect((await get('u-wacap-secretariat', '/monitoring/stalled?days=50')).body.items.map((c: { id: string }) => c.id)).toEqual([ids.D]);
    expect((await get('u-wacap-secretariat', '/monitoring/stalled?requesting=NG')).body.items.map((c: { id: string }) => c.id)).toEqual([ids.E]);
    const page1 = await get('u-wacap-secretariat', '/monitoring/stalled?limit=1');
    const page2 = await get('u-wacap-secretariat', `/monitoring/stalled?limit=1&cursor=${page1.body.nextCursor}`);
    expect([...page1.body.items, ...page2.body.items].map((c: { id: string }) => c.id)).toEqual([ids.D, ids.E]);
    expect(page2.body.nextCursor).toBeNull();
    // A prosecutor sees only the cases of their own office; a third State's central authority none.
    expect((await get('u-sn-prosecutor', '/monitoring/stalled')).body.items).toEqual([]);
    expect((await get('u-gh-ca', '/monitoring/stalled')).body.items).toEqual([]);
    expect((await get('u-ng-manager', '/monitoring/stalled')).body.items.map((c: { id: string }) => c.id)).toEqual([ids.E]);
  });

  it('lists deadlines breached and at risk, and open escalations by level and age', async () => {
    const breached = await get('u-wacap-secretariat', '/monitoring/deadlines?status=breached');
    expect(breached.body.items.map((c: { id: string; daysLeft: number }) => [c.id, c.daysLeft])).toEqual([[ids.D, -5]]);
    const atRisk = await get('u-wacap-secretariat', '/monitoring/deadlines?status=at-risk&withinDays=7');
    expect(atRisk.body.items.map((c: { id: string; daysLeft: number }) => [c.id, c.daysLeft])).toEqual([[ids.E, 3]]);
    expect((await get('u-sn-manager', '/monitoring/deadlines?status=at-risk')).body.items).toEqual([]);
    const escalations = await get('u-sn-manager', '/monitoring/escalations');
    expect(escalations.body.items).toEqual([expect.objectContaining({ caseId: ids.D, level: 1, ageDays: 20 })]);
    expect((await get('u-sn-manager', '/monitoring/escalations?level=3')).body.items).toEqual([]);
  });

  it('exports cases and statistics as CSV with the same scope and filters', async () => {
    const cases = await get('u-sn-manager', '/monitoring/cases.csv?from=2026-01-01&to=2026-12-31');
    expect(cases.status).toBe(200);
    expect(cases.headers.get('content-type')).toContain('text/csv');
    const lines = String(cases.body).trim().split('\n');
    expect(lines[0]).toContain('id,kind,state,requesting_state,requested_state');
    expect(
      lines
        .slice(1)
        .map((l) => l.split(',')[0])
        .sort(),
    ).toEqual([ids.A, ids.B, ids.C, ids.D].sort());
    const rowA = lines.find((l) => l.startsWith(ids.A))!.split(',');
    const header = lines[0].split(',');
    expect(rowA[header.indexOf('ack_days')]).toBe('2.0');
    expect(rowA[header.indexOf('execution_days_net')]).toBe('41.0');
    const stats = await get('u-sn-manager', '/monitoring/statistics.csv?from=2026-01-01&to=2026-12-31');
    const rows = String(stats.body).trim().split('\n');
    expect(rows).toHaveLength(1 + 3);
    expect(rows[1]).toMatch(/^SN,ML,1,3,4,8.2,45,48.2,2,1,10,ESSENTIAL_INTERESTS:1,0,0,ACK,3,1,0.333$/);
  });

  it('rejects bad filters with 400 naming the field', async () => {
    const bad = await get('u-sn-manager', '/monitoring/stalled?requesting=Senegal&days=0&kind=X');
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['days', 'kind', 'requesting']);
    expect((await get('u-sn-manager', '/monitoring/statistics?from=2026-05-01&to=2026-01-01')).status).toBe(400);
    expect((await engine.request('GET', '/monitoring/stalled')).status).toBe(401);
  });
});

describe("operators' metrics", () => {
  let engine: Engine;
  beforeAll(async () => {
    engine = await startEngine();
  }, 180000);
  afterAll(async () => {
    await engine?.stop();
  }, 60000);

  it('exposes cases by state, clocks breached, open escalations and HTTP latency in Prometheus format, to operators only', async () => {
    const prosecutor = await engine.token('u-sn-prosecutor');
    await engine.request('POST', '/cases', {
      token: prosecutor,
      body: { requestedState: 'GH', legalBasis: 'UNTOC-2000', assistanceTypes: ['OTHER'], persons: [], language: 'en' },
    });
    expect((await engine.request('GET', '/metrics', { token: prosecutor })).status).toBe(403);
    expect((await engine.request('GET', '/metrics')).status).toBe(401);
    const res = await engine.request('GET', '/metrics', { token: await engine.token('u-admin') });
    expect(res.status).toBe(200);
    const text = String(res.body);
    expect(text).toMatch(/^mla_cases\{kind="MLA",state="DRAFT"\} 1$/m);
    expect(text).toContain('# TYPE mla_clocks_breached gauge');
    expect(text).toContain('# TYPE mla_escalations_open gauge');
    expect(text).toMatch(/mla_http_request_duration_seconds_count\{method="POST",route="\/cases",status="201"\} 1/);
  });
});
