import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import type { CaseEventsRecord } from '../libs/contracts/src';
import { createDataSource } from '../libs/persistence/src';
import { ChainTips, sanitizeRecord, writeBatch, writeBatchInOneStatement } from '../activities/case-projection.activities';
import { loadSeeds } from '../seeds/loader';
import { Running, startPostgres } from './support/servers';

const files = () =>
  readdirSync(join(__dirname, 'replay', 'histories'))
    .filter((f) => f.endsWith('.json'))
    .sort();

/** The projection batches of the committed histories, in order, as the workflows sent them. */
function batchesOf(file: string): CaseEventsRecord[] {
  const history = JSON.parse(readFileSync(join(__dirname, 'replay', 'histories', file), 'utf8'));
  const out: CaseEventsRecord[] = [];
  for (const e of history.events) {
    const a = e.activityTaskScheduledEventAttributes;
    if (a?.activityType?.name !== 'recordCaseEvents') continue;
    const payload = a.input.payloads[0];
    if (Buffer.from(payload.metadata.encoding, 'base64').toString() !== 'json/plain') continue;
    const record: CaseEventsRecord = JSON.parse(Buffer.from(payload.data, 'base64').toString('utf8'));
    // Histories reuse case ids: each file gets its own case.
    const n = files().indexOf(file) + 1;
    record.caseId = `00000000-0000-4000-a000-${String(n).padStart(12, '0')}`;
    record.workflowId = `mla-${record.caseId}`;
    out.push(record);
  }
  return out;
}

const TABLES = {
  cases: `SELECT * FROM cases ORDER BY id`,
  case_events: `SELECT case_id, seq, event, from_state, to_state, actor_id, actor_role, actor_state, actor_authority_id, at, legal_ref, comment, data, notify,
                       prev_hash, hash FROM case_events ORDER BY case_id, seq`,
  case_tasks: `SELECT * FROM case_tasks ORDER BY case_id, task_id`,
  case_clocks: `SELECT * FROM case_clocks ORDER BY case_id, clock_id`,
  case_assignments: `SELECT * FROM case_assignments ORDER BY case_id, authority_id`,
};

async function contents(db: DataSource): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const [table, sql] of Object.entries(TABLES)) out[table] = await db.query(sql);
  return out;
}

/**
 * The projection's one-statement write against the statement-by-statement transaction it replaces in
 * the common case: the same batches (every batch of the committed histories, twice, as retries would
 * send them) leave the same rows, hashes included; a stored row that differs fails the statement whole.
 */
describe('projection batch in one statement', () => {
  let pg: Running & { url: string };
  let fast: DataSource;
  let slow: DataSource;

  beforeAll(async () => {
    pg = await startPostgres();
    fast = await createDataSource(pg.url).initialize();
    await fast.query(`CREATE DATABASE slow_path`);
    slow = await createDataSource(pg.url.replace(/\/[^/]+$/, '/slow_path')).initialize();
    for (const db of [fast, slow]) {
      await db.runMigrations({ transaction: 'each' });
      await loadSeeds(db, undefined, { demoUsers: true });
      // The histories' filing authorities are fixtures of their own.
      for (const file of files())
        for (const b of batchesOf(file))
          if (b.filing) {
            const f = b.filing;
            await db.query(`INSERT INTO authorities (id, state_code, name, kind) VALUES ($1, $2, $1, 'PROSECUTION') ON CONFLICT (id) DO NOTHING`, [
              f.requestingAuthorityId,
              f.requestingState,
            ]);
            await db.query(
              `INSERT INTO users (id, subject, display_name, state_code, authority_id, roles) VALUES ($1, $1, $1, $2, $3, '{PROSECUTOR}') ON CONFLICT (id) DO NOTHING`,
              [f.createdBy, f.requestingState, f.requestingAuthorityId],
            );
          }
    }
  }, 120000);

  afterAll(async () => {
    await fast?.destroy();
    await slow?.destroy();
    await pg?.stop();
  });

  it('leaves exactly the rows the statement-by-statement transaction leaves, for every committed history, retries included', async () => {
    const tips = new ChainTips();
    let written = 0;
    for (const round of [1, 2]) {
      for (const file of files()) {
        for (const input of batchesOf(file)) {
          const record = input.sanitize ? sanitizeRecord(input) : input;
          let slowError: unknown;
          try {
            await slow.transaction((tx) => writeBatch(tx, record));
          } catch (err) {
            slowError = err;
          }
          if (slowError) {
            // What Postgres refuses one way it refuses the other, and the statement keeps nothing of it.
            await expect(writeBatchInOneStatement(fast, record, new ChainTips())).rejects.toBeDefined();
          } else {
            // A tip from the first round must not be needed: the second round starts from a fresh memory.
            await writeBatchInOneStatement(fast, record, round === 1 ? tips : new ChainTips());
            written += 1;
          }
        }
      }
    }
    expect(written).toBeGreaterThan(20);
    const [a, b] = [await contents(fast), await contents(slow)];
    expect(a.case_events.length).toBeGreaterThan(20);
    for (const table of Object.keys(TABLES)) expect({ table, rows: a[table] }).toEqual({ table, rows: b[table] });
  }, 120000);

  it('records assignments (the latest per authority) alike both ways, and a retried older batch never moves one back', async () => {
    const last = batchesOf(files()[0]).pop()!;
    const assign = (seq: number, assigneeId: string): CaseEventsRecord => ({
      ...last,
      filing: undefined,
      tasks: [],
      events: [
        {
          seq,
          type: 'ASSIGN',
          from: last.snapshot.state,
          to: last.snapshot.state,
          actor: { userId: 'u-sn-ca-head', role: 'CENTRAL_AUTHORITY_HEAD', stateCode: 'SN', authorityId: 'SN-CA-DACG' },
          at: new Date(Date.parse(last.events[last.events.length - 1].at) + seq * 1000).toISOString(),
          legalRef: 'UNTOC art. 18(13)',
          data: { assigneeId, authorityId: 'SN-CA-DACG' },
        },
      ],
      snapshot: { ...last.snapshot, version: seq, columns: undefined },
    });
    const v = last.snapshot.version;
    const batches = [assign(v + 1, 'u-sn-ca'), assign(v + 2, 'u-sn-ca-head'), assign(v + 1, 'u-sn-ca')];
    for (const b of batches) {
      await slow.transaction((tx) => writeBatch(tx, b));
      await writeBatchInOneStatement(fast, b, new ChainTips());
    }
    const [a, b] = [await contents(fast), await contents(slow)];
    expect(a.case_assignments).toEqual([expect.objectContaining({ authority_id: 'SN-CA-DACG', assignee_id: 'u-sn-ca-head', seq: v + 2 })]);
    for (const table of Object.keys(TABLES)) expect({ table, rows: a[table] }).toEqual({ table, rows: b[table] });
  }, 60000);

  it('fails whole when a stored audit row under the batch differs from the one it computes', async () => {
    const [first, second] = batchesOf('extradition-arrest-to-surrender.json');
    const before = await contents(fast);
    const altered: CaseEventsRecord = structuredClone(second);
    altered.events[0] = { ...altered.events[0], comment: `${altered.events[0].comment ?? ''} (altered)` };
    altered.snapshot = { ...altered.snapshot, version: altered.snapshot.version + 100 };
    await expect(writeBatchInOneStatement(fast, altered, new ChainTips())).rejects.toThrow(/audit-row-differs/);
    expect(await contents(fast)).toEqual(before);
    // The same batch as stored is accepted again and changes nothing.
    await writeBatchInOneStatement(fast, first, new ChainTips());
    expect((await contents(fast)).case_events).toEqual(before.case_events);
  });
});
