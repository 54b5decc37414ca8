import type { DataSource } from 'typeorm';
import { AUDIT_ROW_COLUMNS, firstBrokenLink, type BrokenLink, type StoredAuditRow } from './audit-chain';

export interface AuditVerification {
  casesChecked: number;
  rowsChecked: number;
  /** The first broken link of each case whose chain does not hold; empty when every chain holds. */
  broken: BrokenLink[];
}

export interface ReadModelMismatch {
  caseId: string;
  /** What the `cases` row says. */
  readModel: { state: string; version: number } | null;
  /** What the audit trail says: the last event's to_state and seq. */
  auditTrail: { state: string; version: number } | null;
}

export interface ReadModelCheck {
  casesChecked: number;
  mismatches: ReadModelMismatch[];
}

const PAGE = 500;

/** Case ids known to the read model or the trail, in pages. */
async function* caseIdPages(db: DataSource, caseId?: string): AsyncGenerator<string[]> {
  if (caseId) {
    yield [caseId];
    return;
  }
  let after = '00000000-0000-0000-0000-000000000000';
  for (;;) {
    const rows: Array<{ id: string }> = await db.query(
      `SELECT id FROM (SELECT id FROM cases UNION SELECT DISTINCT case_id FROM case_events) ids WHERE id > $1 ORDER BY id LIMIT ${PAGE}`,
      [after],
    );
    if (rows.length === 0) return;
    yield rows.map((r) => r.id);
    after = rows[rows.length - 1].id;
    if (rows.length < PAGE) return;
  }
}

/** Recomputes every chain (or one case's) and reports the first broken link per case. */
export async function verifyAuditTrail(db: DataSource, options: { caseId?: string } = {}): Promise<AuditVerification> {
  const result: AuditVerification = { casesChecked: 0, rowsChecked: 0, broken: [] };
  for await (const ids of caseIdPages(db, options.caseId)) {
    const rows: StoredAuditRow[] = await db.query(`SELECT ${AUDIT_ROW_COLUMNS} FROM case_events WHERE case_id = ANY($1::uuid[]) ORDER BY case_id, seq`, [ids]);
    const versions: Array<{ id: string; version: number }> = await db.query(`SELECT id, version FROM cases WHERE id = ANY($1::uuid[])`, [ids]);
    const versionOf = new Map(versions.map((v) => [v.id, v.version]));
    const byCase = new Map<string, StoredAuditRow[]>(ids.map((id) => [id, []]));
    for (const row of rows) byCase.get(row.caseId)?.push(row);
    for (const [id, caseRows] of byCase) {
      if (caseRows.length === 0 && !versionOf.has(id)) continue;
      result.casesChecked += 1;
      result.rowsChecked += caseRows.length;
      const broken = firstBrokenLink(id, caseRows, versionOf.get(id));
      if (broken) result.broken.push(broken);
    }
  }
  return result;
}

/**
 * Rebuilds each case's state and version from its audit trail (the last event's to_state and seq)
 * and reports the cases whose `cases` row says otherwise.
 */
export async function checkReadModel(db: DataSource, options: { caseId?: string } = {}): Promise<ReadModelCheck> {
  const result: ReadModelCheck = { casesChecked: 0, mismatches: [] };
  for await (const ids of caseIdPages(db, options.caseId)) {
    const rows: Array<{ id: string; state: string | null; version: number | null; trail_state: string | null; trail_seq: number | null }> = await db.query(
      `SELECT ids.id, c.state, c.version, e.to_state AS trail_state, e.seq AS trail_seq
       FROM unnest($1::uuid[]) AS ids(id)
       LEFT JOIN cases c ON c.id = ids.id
       LEFT JOIN LATERAL (SELECT to_state, seq FROM case_events WHERE case_id = ids.id ORDER BY seq DESC LIMIT 1) e ON true
       WHERE c.id IS NOT NULL OR e.seq IS NOT NULL`,
      [ids],
    );
    for (const r of rows) {
      result.casesChecked += 1;
      if (r.state === r.trail_state && r.version === r.trail_seq) continue;
      result.mismatches.push({
        caseId: r.id,
        readModel: r.state === null ? null : { state: r.state, version: r.version! },
        auditTrail: r.trail_state === null ? null : { state: r.trail_state, version: r.trail_seq! },
      });
    }
  }
  return result;
}
