import { setTimeout as sleep } from 'node:timers/promises';
import { Client, Connection } from '@temporalio/client';
import { Client as Pg } from 'pg';
import type { CaseRun, Op } from './load';
import { readCodecKeyRing } from '../../libs/config/src/codec-keys';
import { engineDataConverter } from '../../libs/temporal/src/payload-codec';

/**
 * What the run left behind, checked against Postgres (cases, case_events, case_clocks) and Temporal
 * (the `status` query of each case workflow):
 *  - lost: a request acknowledged with 2xx whose change is not in Postgres, or a hole in a case's
 *    audit sequence (an event the workflow produced that the audit trail does not hold);
 *  - duplicated: a request (one Idempotency-Key) applied more than once, whether acknowledged or not,
 *    or a clock that fired twice for the same due instant;
 *  - stuck: a case workflow whose `seq` does not reach its row's `version` within the settle time
 *    (or that has no row, failed, or cannot be queried), or a clock past due that never fired.
 */

export interface Finding {
  check: string;
  caseId?: string;
  key?: string;
  detail: string;
}

export interface Figures {
  acknowledged: number;
  lost: number;
  duplicated: number;
  stuck: number;
}

export interface CheckResult {
  figures: Figures;
  findings: { lost: Finding[]; duplicated: Finding[]; stuck: Finding[] };
  notes: string[];
  settleMs: number;
  casesChecked: number;
  workflowsChecked: number;
  byKind: Record<string, { sent: number; acked: number; acked202: number; observedApplied: number; lost: number; duplicated: number }>;
}

interface Row {
  id: string;
  workflow_id: string;
  version: number;
  state: string;
}

interface WorkflowSeen {
  workflowId: string;
  status: string;
}

async function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([p, new Promise<never>((_, r) => (timer = setTimeout(() => r(new Error(`no answer in ${ms} ms`)), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

async function pool<T>(items: T[], concurrency: number, fn: (item: T) => Promise<void>): Promise<void> {
  let i = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (i < items.length) await fn(items[i++]);
    }),
  );
}

/** Every MLA case workflow Temporal knows of, open or closed, latest run per workflow id. */
async function listWorkflows(client: Client): Promise<Map<string, WorkflowSeen>> {
  const seen = new Map<string, WorkflowSeen & { start: number }>();
  for await (const w of client.workflow.list({ query: `WorkflowType = 'mlaCaseWorkflow'`, pageSize: 1000 })) {
    const start = w.startTime.getTime();
    const prev = seen.get(w.workflowId);
    const status = w.status.name;
    if (!prev || (prev.status !== 'RUNNING' && (status === 'RUNNING' || start > prev.start)))
      seen.set(w.workflowId, { workflowId: w.workflowId, status, start });
  }
  return new Map([...seen].map(([k, v]) => [k, { workflowId: v.workflowId, status: v.status }]));
}

export async function checkRun(opts: {
  databaseUrl: string;
  temporalAddress: string;
  runs: CaseRun[];
  settleMs: number;
  runStartedAt: Date;
  say: (m: string) => void;
}): Promise<CheckResult> {
  const { runs, say } = opts;
  const notes: string[] = [];
  const lost: Finding[] = [];
  const duplicated: Finding[] = [];
  const stuck: Finding[] = [];
  const pg = new Pg({ connectionString: opts.databaseUrl });
  await pg.connect();
  const connection = await Connection.connect({ address: opts.temporalAddress });
  // The engine's processes seal payloads when the environment gives them a key ring: the checks read them with the same.
  const client = new Client({ connection, dataConverter: engineDataConverter(readCodecKeyRing(process.env).ring) });
  const started = Date.now();
  let casesChecked: number;
  let workflowsChecked: number;
  try {
    // 1. Quiescence: every case workflow's seq reaches its row's version, within the settle time.
    const unsettled = new Map<string, Finding>();
    const settled = new Set<string>();
    let workflows = new Map<string, WorkflowSeen>();
    for (let round = 0; ; round++) {
      const rows = new Map<string, Row>(
        (await pg.query<Row>(`SELECT id, workflow_id, version, state FROM cases WHERE kind = 'MLA'`)).rows.map((r) => [r.workflow_id, r]),
      );
      try {
        workflows = await listWorkflows(client);
      } catch (err) {
        notes.push(`listing workflows failed: ${String(err)}`);
      }
      const ids = [...new Set([...rows.keys(), ...workflows.keys()])].filter((id) => !settled.has(id));
      unsettled.clear();
      await pool(ids, 8, async (workflowId) => {
        const row = rows.get(workflowId);
        const wf = workflows.get(workflowId);
        const caseId = row?.id ?? workflowId.replace(/^mla-/, '');
        const status = wf?.status ?? 'UNKNOWN';
        if (status === 'COMPLETED' && row) return void settled.add(workflowId);
        if (status !== 'RUNNING' && status !== 'UNKNOWN') {
          unsettled.set(workflowId, {
            check: 'workflow-closed-abnormally',
            caseId,
            detail: `workflow ${workflowId} is ${status}${row ? ` (row version ${row.version}, state ${row.state})` : ', no case row'}`,
          });
          return;
        }
        try {
          const s = await withTimeout(
            client.withDeadline(Date.now() + 15_000, () => client.workflow.getHandle(workflowId).query<{ seq: number; state: string }>('status')),
            20_000,
          );
          if (row && s.seq === row.version) return void settled.add(workflowId);
          unsettled.set(workflowId, {
            check: 'workflow-seq-equals-row-version',
            caseId,
            detail: row
              ? `workflow seq ${s.seq} (state ${s.state}) but row version ${row.version} (state ${row.state})`
              : `workflow at seq ${s.seq} (state ${s.state}) but no case row in Postgres`,
          });
        } catch (err) {
          const msg = err instanceof Error ? err.message : String(err);
          // A workflow that ended between the listing and the query is looked at again in the next round.
          if (/completed|not found/i.test(msg) && row) {
            unsettled.set(workflowId, { check: 'workflow-seq-equals-row-version', caseId, detail: `query failed: ${msg}` });
            return;
          }
          unsettled.set(workflowId, {
            check: 'workflow-queryable',
            caseId,
            detail: `status query failed: ${msg.slice(0, 300)}${row ? ` (row version ${row.version})` : ', no case row'}`,
          });
        }
      });
      casesChecked = rows.size;
      workflowsChecked = workflows.size;
      if (unsettled.size === 0) break;
      if (Date.now() - started > opts.settleMs) break;
      if (round % 5 === 0) say(`settling: ${unsettled.size} case(s) not caught up yet`);
      await sleep(2000);
    }
    stuck.push(...unsettled.values());
    const settleMs = Date.now() - started;

    // 2. Audit trails: seq contiguous from 0, and the last seq is the row's version.
    const events = (
      await pg.query<{ case_id: string; seq: number; event: string; comment: string | null; at: Date; clock_id: string | null; actor_id: string }>(
        `SELECT case_id, seq, event, comment, at, data->>'clockId' AS clock_id, actor_id FROM case_events ORDER BY case_id, seq`,
      )
    ).rows;
    const versions = new Map((await pg.query<{ id: string; version: number }>(`SELECT id, version FROM cases`)).rows.map((r) => [r.id, r.version]));
    const byCase = new Map<string, typeof events>();
    for (const e of events) {
      const list = byCase.get(e.case_id) ?? [];
      list.push(e);
      byCase.set(e.case_id, list);
    }
    for (const [caseId, version] of versions) {
      const seqs = (byCase.get(caseId) ?? []).map((e) => e.seq);
      const holes: number[] = [];
      const expected = Math.max(version, seqs.at(-1) ?? -1);
      const have = new Set(seqs);
      for (let s = 0; s <= expected; s++) if (!have.has(s)) holes.push(s);
      if (holes.length)
        lost.push({
          check: 'audit-seq-contiguous-from-0',
          caseId,
          detail: `missing seq ${holes.slice(0, 10).join(', ')}${holes.length > 10 ? '…' : ''} of 0..${expected} (row version ${version})`,
        });
      if (seqs.length && seqs.at(-1) !== version)
        lost.push({ check: 'audit-last-seq-equals-version', caseId, detail: `last audit seq ${seqs.at(-1)} but row version ${version}` });
    }

    // 3. Each request in Postgres exactly once.
    const markers = new Map<string, string[]>();
    for (const r of (await pg.query<{ purpose: string; id: string }>(`SELECT purpose, id FROM cases WHERE purpose LIKE 'chaos %'`)).rows) {
      markers.set(r.purpose, [...(markers.get(r.purpose) ?? []), r.id]);
    }
    const byKind: CheckResult['byKind'] = {};
    let acknowledged = 0;
    for (const run of runs) {
      const ids = markers.get(run.marker) ?? [];
      const caseId = run.caseId ?? (ids.length === 1 ? ids[0] : undefined);
      for (const op of run.ops) {
        const k = (byKind[op.kind] ??= { sent: 0, acked: 0, acked202: 0, observedApplied: 0, lost: 0, duplicated: 0 });
        k.sent += 1;
        if (op.acked) {
          k.acked += 1;
          acknowledged += 1;
          if (op.status === 202) k.acked202 += 1;
        }
        if (op.observedApplied) k.observedApplied += 1;
        const applied = timesApplied(op, ids, caseId ? (byCase.get(caseId) ?? []) : []);
        const where = { caseId, key: op.key };
        if (op.acked && applied === 0) {
          k.lost += 1;
          lost.push({
            check: `${op.kind.toLowerCase()}-acknowledged-is-in-postgres`,
            ...where,
            detail: `answered ${op.status} (attempts: ${op.trail}) but ${op.kind === 'FILE' ? 'no case carries its marker' : `no ${op.event} event${op.text ? ` with text "${op.text}"` : ''}`}`,
          });
        }
        if (applied > 1) {
          k.duplicated += 1;
          duplicated.push({
            check: `${op.kind.toLowerCase()}-applied-once`,
            ...where,
            detail: `${op.kind === 'FILE' ? (ids.length > 1 ? `${ids.length} cases (${ids.join(', ')})` : `${applied} FILED events`) : `${applied} ${op.event} events`} for one Idempotency-Key (${op.acked ? `acknowledged ${op.status}` : `not acknowledged: ${op.outcome}`}; attempts: ${op.trail})`,
          });
        }
      }
    }

    // 4. Clocks: none fired twice for the same due instant; none past due still running.
    const firings = new Map<string, number>();
    for (const e of events) {
      if (e.actor_id !== 'system' || !e.clock_id) continue;
      const k = `${e.case_id}|${e.event}|${e.clock_id}|${e.at.toISOString()}`;
      firings.set(k, (firings.get(k) ?? 0) + 1);
    }
    let clockEvents = 0;
    for (const [k, n] of firings) {
      clockEvents += n;
      if (n > 1) {
        const [caseId, event, clockId, at] = k.split('|');
        duplicated.push({ check: 'clock-fired-once', caseId, detail: `${event} of clock ${clockId} due ${at} recorded ${n} times` });
      }
    }
    const overdue = (
      await pg.query<{ case_id: string; clock_id: string; rule_id: string; due_at: Date }>(
        `SELECT c.case_id, c.clock_id, c.rule_id, c.due_at FROM case_clocks c JOIN cases k ON k.id = c.case_id
         WHERE c.status = 'RUNNING' AND c.due_at < now() - interval '1 minute' AND k.state NOT IN ('WITHDRAWN', 'CLOSED', 'REFUSED')`,
      )
    ).rows;
    for (const c of overdue)
      stuck.push({ check: 'clock-due-fired', caseId: c.case_id, detail: `clock ${c.clock_id} (${c.rule_id}) due ${c.due_at.toISOString()} still RUNNING` });
    const dueDuringRun = Number(
      (await pg.query(`SELECT count(*)::int AS n FROM case_clocks WHERE due_at BETWEEN $1 AND now()`, [opts.runStartedAt])).rows[0].n,
    );
    notes.push(
      `${clockEvents} clock event(s) recorded; ${dueDuringRun} clock(s) fell due during the run (the shortest rule of the seeded packs is 48 hours, so a run of minutes checks double firings, not firings on time)`,
    );

    return {
      figures: { acknowledged, lost: lost.length, duplicated: duplicated.length, stuck: stuck.length },
      findings: { lost, duplicated, stuck },
      notes,
      settleMs,
      casesChecked,
      workflowsChecked,
      byKind,
    };
  } finally {
    await pg.end().catch(() => {});
    await connection.close().catch(() => {});
  }
}

/** How many times the change of `op` shows in Postgres. */
function timesApplied(op: Op, caseIds: string[], events: Array<{ event: string; comment: string | null }>): number {
  if (op.kind === 'FILE') {
    if (caseIds.length !== 1) return caseIds.length;
    return events.filter((e) => e.event === 'FILED').length || 1;
  }
  if (op.text) return events.filter((e) => e.event === op.event && e.comment === op.text).length;
  return events.filter((e) => e.event === op.event).length;
}
