import { ApplicationFailure } from '@temporalio/common';
import { randomUUID } from 'node:crypto';
import { createCaseProjectionActivities } from '../activities';
import { PROJECTION_CONFLICT_FAILURE, type MlaCaseWorkflowInput } from '../libs/contracts/src';
import type { CommandEnvelope, MlaCommand } from '../libs/domain/src';
import { caseCommandUpdate } from '../libs/contracts/src';
import { Engine, startEngine } from './support/engine';
import { testBasis, testContent, testContext } from './support/mla-fixtures';

const filing = (over: Record<string, unknown> = {}) => ({
  requestedState: 'GH',
  legalBasis: 'ECOWAS-MLA-1992',
  assistanceTypes: ['BANK_RECORDS'],
  subjectOfProceedings: 'Smuggling of migrants, organised criminal group',
  factsSummary: 'Payments for crossings were routed through accounts held in Accra.',
  purpose: 'Trace the proceeds of the smuggling network',
  persons: [{ role: 'SUSPECT', name: 'Person A', nationality: 'SN' }],
  language: 'fr',
  ...over,
});

const PROSECUTOR = { userId: 'u-sn-prosecutor', role: 'PROSECUTOR', stateCode: 'SN', authorityId: 'SN-PROS-DAKAR' } as const;

/**
 * The engine's guarantees through HTTP, on a real Temporal dev server and a real Postgres: a retried
 * command is applied once, a command that outlives its deadline answers 202 and its client can read
 * its own write, and a value Postgres refuses (injected past the API, which no longer admits it)
 * never freezes a case.
 */
describe('reliability: idempotent, bounded commands and cases that never freeze', () => {
  let engine: Engine;
  let prosecutor: string;
  let admin: string;
  let requestedCa: string;

  beforeAll(async () => {
    engine = await startEngine({ commandWaitMs: 2000 });
    [prosecutor, admin, requestedCa] = await Promise.all(['u-sn-prosecutor', 'u-admin', 'u-gh-ca'].map((u) => engine.token(u)));
  }, 180000);

  afterAll(async () => {
    await engine?.stop();
  }, 60000);

  const file = async () => {
    const res = await engine.request('POST', '/cases', { token: prosecutor, body: filing() });
    expect(res.status).toBe(201);
    return res.body.id as string;
  };
  const events = async (caseId: string) =>
    (await engine.db.query(`SELECT seq, event FROM case_events WHERE case_id = $1 ORDER BY seq`, [caseId])) as Array<{ seq: number; event: string }>;
  const expectContiguous = async (caseId: string) => {
    const seqs = (await events(caseId)).map((e) => e.seq);
    expect(seqs).toEqual(seqs.map((_, i) => i));
    return seqs.length - 1;
  };
  /** A command sent straight to the workflow, as if the API had let bad input through. */
  const inject = (caseId: string, command: MlaCommand) =>
    engine.temporal.client.workflow
      .getHandle(`mla-${caseId}`)
      .executeUpdate(caseCommandUpdate, { args: [{ command, relation: 'REQUESTING_PROSECUTOR', actor: PROSECUTOR } satisfies CommandEnvelope] });

  it('applies a retried command once: same key and body replays, another body is 422, a key in flight is 409', async () => {
    const id = await file();
    const note = (text: string, key: string) =>
      engine.request('POST', `/cases/${id}/notes`, { token: prosecutor, body: { text }, headers: { 'idempotency-key': key } });
    const first = await note('called the requested CA', 'note-1');
    const again = await note('called the requested CA', 'note-1');
    expect(first.status).toBe(200);
    expect(again.status).toBe(200);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect((await events(id)).filter((e) => e.event === 'NOTE')).toHaveLength(1);

    const other = await note('something else', 'note-1');
    expect(other.status).toBe(422);
    expect(other.body.code).toBe('IDEMPOTENCY_KEY_REUSED');

    // A first request still holding its key (another API process, say): the retry is told to wait.
    await engine.db.query(
      `INSERT INTO idempotency_keys (actor_id, key, operation, case_id, request_digest, status, locked_until) VALUES ('u-sn-prosecutor', 'held', 'x', $1, 'd', 'IN_FLIGHT', now() + interval '1 minute')`,
      [id],
    );
    const held = await note('called the requested CA', 'held');
    expect(held.status).toBe(409);
    expect(held.body.code).toBe('IDEMPOTENCY_KEY_IN_FLIGHT');
    expect(held.headers.get('retry-after')).toBe('1');

    // A refused command changes nothing and frees its key: the retry is judged afresh.
    const refused = await engine.request('POST', `/cases/${id}/approve`, { token: prosecutor, body: {}, headers: { 'idempotency-key': 'approve-1' } });
    expect(refused.status).toBe(403);
    expect((await engine.db.query(`SELECT count(*)::int AS n FROM idempotency_keys WHERE key = 'approve-1'`))[0].n).toBe(0);
    await expectContiguous(id);
  });

  it('uses the key as the Temporal update id: a retry that reaches the workflow again is not applied twice', async () => {
    const id = await file();
    const first = await engine.request('POST', `/cases/${id}/notes`, {
      token: prosecutor,
      body: { text: 'once' },
      headers: { 'idempotency-key': 'wf-dedupe' },
    });
    expect(first.status).toBe(200);
    // The API lost its record (crash before it was written): the workflow still answers the update id once.
    await engine.db.query(`DELETE FROM idempotency_keys WHERE key = 'wf-dedupe'`);
    const retried = await engine.request('POST', `/cases/${id}/notes`, {
      token: prosecutor,
      body: { text: 'once' },
      headers: { 'idempotency-key': 'wf-dedupe' },
    });
    expect(retried.status).toBe(200);
    expect((await events(id)).filter((e) => e.event === 'NOTE')).toHaveLength(1);
  });

  it('answers 202 with a Location when a command outlives its deadline, and lets the client read its own write', async () => {
    const id = await file();
    // Postgres is slow for this case: its row is locked, so the projection waits.
    const lock = engine.db.createQueryRunner();
    await lock.connect();
    await lock.startTransaction();
    await lock.query(`SELECT 1 FROM cases WHERE id = $1 FOR UPDATE`, [id]);
    let accepted;
    try {
      accepted = await engine.request('POST', `/cases/${id}/submit`, { token: prosecutor, body: {}, headers: { 'idempotency-key': 'slow-submit' } });
      expect(accepted.status).toBe(202);
      expect(accepted.body).toMatchObject({ id, state: 'PENDING_CA_REVIEW', version: 1 });
      expect(accepted.headers.get('location')).toBe(`/cases/${id}?minVersion=1`);
      const early = await engine.request('GET', `/cases/${id}?minVersion=1`, { token: prosecutor });
      expect(early.status).toBe(503);
      expect(early.body.code).toBe('READ_MODEL_BEHIND');
      expect(early.headers.get('retry-after')).toBe('1');
    } finally {
      await lock.rollbackTransaction();
      await lock.release();
    }
    let read;
    for (let i = 0; i < 100; i++) {
      read = await engine.request('GET', accepted!.headers.get('location')!, { token: prosecutor });
      if (read.status === 200) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(read!.status).toBe(200);
    expect(read!.body).toMatchObject({ state: 'PENDING_CA_REVIEW', version: 1 });
    // The retry of the 202'd command is answered with its outcome, not applied again.
    const retried = await engine.request('POST', `/cases/${id}/submit`, { token: prosecutor, body: {}, headers: { 'idempotency-key': 'slow-submit' } });
    expect(retried.status).toBe(200);
    expect((await events(id)).map((e) => e.event)).toEqual(['FILED', 'SUBMIT']);
    expect(await engine.request('GET', `/cases/${id}?minVersion=x`, { token: prosecutor })).toMatchObject({ status: 400 });
  });

  const poisonedCommands: Array<[string, MlaCommand]> = [
    ['a NUL byte in a note', { type: 'NOTE', text: 'informal contact\u0000made' }],
    ['an impossible calendar date in an amendment', { type: 'AMEND', changes: { requestedByDate: '2031-02-30', deadlineReason: 'custody' } }],
    ['a lone surrogate in persons', { type: 'AMEND', changes: { persons: [{ role: 'SUSPECT', name: 'Person \ud800' }] } }],
  ];

  it.each(poisonedCommands)('keeps a case moving after %s reaches the workflow, and writes it once re-driven', async (_, command) => {
    const id = await file();
    const answer = await inject(id, command);
    expect(answer.readModel).toBe('FAILED');
    // The operators' queue is told on its own, shortly after.
    let failure;
    for (let i = 0; i < 100 && !failure; i++) {
      [failure] = await engine.db.query(`SELECT reason, sql_state, from_seq, to_seq FROM case_projection_failures WHERE case_id = $1 AND resolved_at IS NULL`, [
        id,
      ]);
      if (!failure) await new Promise((r) => setTimeout(r, 50));
    }
    expect(failure).toMatchObject({ reason: 'DATA', from_seq: 1, to_seq: 1 });
    expect(failure.sql_state).toMatch(/^22/);

    const read = await engine.request('GET', `/cases/${id}`, { token: prosecutor });
    expect(read.status).toBe(503);
    expect(read.body.code).toBe('READ_MODEL_BEHIND');
    // The next valid command is taken and answered at once (202: the record is behind).
    const next = await engine.request('POST', `/cases/${id}/notes`, { token: prosecutor, body: { text: 'next step' } });
    expect(next.status).toBe(202);
    expect(next.body).toMatchObject({ id, readModel: 'FAILED', version: 2 });

    const queue = await engine.request('GET', '/operations/projection-failures', { token: admin });
    expect(queue.status).toBe(200);
    expect(queue.body.items.find((f: { caseId: string }) => f.caseId === id)).toMatchObject({ reason: 'DATA', fromSeq: 1 });
    expect((await engine.request('GET', '/operations/projection-failures', { token: prosecutor })).status).toBe(403);

    const redriven = await engine.request('POST', `/operations/cases/${id}/projection/redrive`, { token: admin, body: { sanitize: true } });
    expect(redriven.status).toBe(200);
    expect(redriven.body).toMatchObject({ version: 2, readModel: 'CURRENT' });
    expect(await expectContiguous(id)).toBe(2);
    const resolved = await engine.db.query(`SELECT resolution FROM case_projection_failures WHERE case_id = $1`, [id]);
    expect(resolved).toEqual([{ resolution: 'SANITIZED' }]);
    const after = await engine.request('POST', `/cases/${id}/submit`, { token: prosecutor, body: {} });
    expect(after.status).toBe(200);
    expect(after.body).toMatchObject({ state: 'PENDING_CA_REVIEW', version: 3 });
    expect(after.body.flags).not.toContain('PROJECTION_FAILED');
  });

  it('keeps a case whose filing Postgres refuses reachable: commands are taken, reads say the record is behind', async () => {
    const caseId = randomUUID();
    const input: MlaCaseWorkflowInput = {
      caseId,
      ctx: testContext({ caseId, requestedState: 'GH' }),
      content: testContent({ factsSummary: 'facts\u0000with a NUL byte', language: 'fr' }),
      basis: testBasis(),
      requestingAuthorityId: PROSECUTOR.authorityId,
      filedBy: PROSECUTOR,
      filingDigest: 'injected',
    };
    const handle = await engine.temporal.client.workflow.start('mlaCaseWorkflow', {
      workflowId: `mla-${caseId}`,
      taskQueue: engine.temporal.taskQueue,
      args: [input],
    });
    const filed = await handle.executeUpdate('awaitFiled');
    expect(filed).toMatchObject({ readModel: 'FAILED', projectedSeq: -1 });
    let read;
    for (let i = 0; i < 50; i++) {
      read = await engine.request('GET', `/cases/${caseId}`, { token: prosecutor });
      if (read.status === 503) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(read!.status).toBe(503);
    // Someone with no relation to the case still gets 404, not a hint that it exists.
    expect((await engine.request('GET', `/cases/${caseId}`, { token: requestedCa })).status).toBe(404);
    const submitted = await engine.request('POST', `/cases/${caseId}/submit`, { token: prosecutor, body: {} });
    expect(submitted.status).toBe(202);
    const redriven = await engine.request('POST', `/operations/cases/${caseId}/projection/redrive`, { token: admin, body: { sanitize: true } });
    expect(redriven.status).toBe(200);
    const shown = await engine.request('GET', `/cases/${caseId}`, { token: prosecutor });
    expect(shown.status).toBe(200);
    expect(shown.body).toMatchObject({ state: 'PENDING_CA_REVIEW', version: 1, factsSummary: 'factswith a NUL byte' });
    await handle.terminate();
  });

  it('refuses to overwrite a stored audit row with a different event (a replay that shifted sequence numbers)', async () => {
    const id = await file();
    const [row] = await engine.db.query(`SELECT seq, at FROM case_events WHERE case_id = $1 AND seq = 0`, [id]);
    const projection = createCaseProjectionActivities({ dataSource: engine.db });
    const record = {
      caseId: id,
      workflowId: `mla-${id}`,
      events: [{ seq: 0, type: 'NOTE', from: 'DRAFT', to: 'DRAFT', actor: PROSECUTOR, at: new Date(row.at).toISOString() }],
      tasks: [],
      snapshot: {
        state: 'DRAFT',
        version: 0,
        flags: [],
        transmitted: false,
        executingAuthorityIds: [],
        escalatedToFocalPointsOf: [],
        columns: testContent(),
        legalBasis: 'ECOWAS-MLA-1992',
        rulePackVersion: 1,
        lastPartyEventAt: new Date(row.at).toISOString(),
        detail: {},
      },
    };
    const err = await projection.recordCaseEvents(record as never).catch((e) => e);
    expect(err).toBeInstanceOf(ApplicationFailure);
    expect(err.type).toBe(PROJECTION_CONFLICT_FAILURE);
    expect(err.nonRetryable).toBe(true);
    // The same event again is a retried batch, and is accepted.
    const stored = (await engine.db.query(`SELECT event, to_state, actor_id, at FROM case_events WHERE case_id = $1 AND seq = 0`, [id]))[0];
    const same = { ...record, events: [{ ...record.events[0], type: stored.event, to: stored.to_state }] };
    await expect(projection.recordCaseEvents(same as never)).resolves.toBeUndefined();
  });
});
