import { createHash } from 'node:crypto';

/**
 * The hash chain of the audit trail. Each `case_events` row carries `prev_hash` (the `hash` of the
 * case's row seq - 1, or GENESIS_HASH for seq 0) and
 *
 *     hash = SHA-256( canonicalAuditContent(row) || prev_hash )   (hex)
 *
 * The canonical content is a JSON array of the row's columns in a fixed order, with `at` as an ISO
 * instant (milliseconds) and `data`/`notify` serialized with their object keys sorted, so that the
 * value read back from jsonb hashes like the value the projection wrote. Defined here once: the
 * projection, the migration that backfilled old rows, `npm run audit:verify` and the API use it.
 */
export const GENESIS_HASH = '0'.repeat(64);

/** A `case_events` row as it is stored (nulls where the column is null). */
export interface AuditRowContent {
  caseId: string;
  seq: number;
  event: string;
  fromState: string | null;
  toState: string;
  actorId: string;
  actorRole: string;
  actorState: string | null;
  actorAuthorityId: string | null;
  at: Date | string;
  legalRef: string | null;
  comment: string | null;
  data: unknown;
  notify: unknown;
}

export function canonicalAuditContent(row: AuditRowContent): string {
  return JSON.stringify([
    row.caseId,
    row.seq,
    row.event,
    row.fromState ?? null,
    row.toState,
    row.actorId,
    row.actorRole,
    row.actorState ?? null,
    row.actorAuthorityId ?? null,
    new Date(row.at).toISOString(),
    row.legalRef ?? null,
    row.comment ?? null,
    canonicalJson(row.data),
    canonicalJson(row.notify),
  ]);
}

export function auditRowHash(row: AuditRowContent, prevHash: string): string {
  return createHash('sha256').update(canonicalAuditContent(row), 'utf8').update(prevHash, 'utf8').digest('hex');
}

/** A JSON value with object keys sorted at every depth, as jsonb would give it back (undefined members dropped). */
function canonicalJson(value: unknown): unknown {
  if (value === undefined || value === null) return null;
  return sortKeys(JSON.parse(JSON.stringify(value)));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) out[key] = sortKeys((value as Record<string, unknown>)[key]);
    return out;
  }
  return value;
}

/** The columns of a stored row the chain covers, aliased to AuditRowContent's names. */
export const AUDIT_ROW_COLUMNS = `case_id AS "caseId", seq, event, from_state AS "fromState", to_state AS "toState", actor_id AS "actorId",
  actor_role AS "actorRole", actor_state AS "actorState", actor_authority_id AS "actorAuthorityId", at, legal_ref AS "legalRef",
  comment, data, notify, prev_hash AS "prevHash", hash`;

export type StoredAuditRow = AuditRowContent & { prevHash: string | null; hash: string | null };

export type AuditBreak =
  /** The row's recomputed hash differs from the stored one: a column was changed after it was written. */
  | 'CONTENT_CHANGED'
  /** A sequence number is missing: a row was deleted (or never written). */
  | 'ROW_MISSING'
  /** The row links to a row of the case other than its predecessor: rows were renumbered or moved. */
  | 'REORDERED'
  /** The row links to no row of the case: its predecessor was replaced, or its prev_hash was changed. */
  | 'LINK_BROKEN'
  /** The row has no hash at all (written around the engine). */
  | 'UNHASHED';

export interface BrokenLink {
  caseId: string;
  seq: number;
  problem: AuditBreak;
  detail: string;
}

/**
 * Walks one case's rows in seq order and returns the first broken link, or null when the chain holds.
 * `expectedLastSeq` (the read model's version) also catches rows deleted at the end of the chain.
 */
export function firstBrokenLink(caseId: string, rows: readonly StoredAuditRow[], expectedLastSeq?: number): BrokenLink | null {
  const storedHashes = new Map<string, number>();
  for (const r of rows) if (r.hash) storedHashes.set(r.hash, r.seq);
  let prev = GENESIS_HASH;
  let expectedSeq = 0;
  for (const row of rows) {
    if (row.seq !== expectedSeq) {
      return { caseId, seq: expectedSeq, problem: 'ROW_MISSING', detail: `no row ${expectedSeq}; the next row is ${row.seq}` };
    }
    if (!row.hash || !row.prevHash) return { caseId, seq: row.seq, problem: 'UNHASHED', detail: 'the row carries no hash' };
    if (row.prevHash !== prev) {
      const linked = storedHashes.get(row.prevHash);
      if (linked !== undefined && linked !== row.seq - 1) {
        return { caseId, seq: row.seq, problem: 'REORDERED', detail: `the row links to the row now stored at seq ${linked}, not to seq ${row.seq - 1}` };
      }
      if (row.prevHash === GENESIS_HASH && row.seq !== 0) {
        return { caseId, seq: row.seq, problem: 'REORDERED', detail: `the row was the first of the case, it now stands at ${row.seq}` };
      }
      return { caseId, seq: row.seq, problem: 'LINK_BROKEN', detail: `prev_hash matches no row of the case (row ${row.seq - 1} was changed or replaced)` };
    }
    const recomputed = auditRowHash(row, prev);
    if (recomputed !== row.hash) {
      return { caseId, seq: row.seq, problem: 'CONTENT_CHANGED', detail: 'the row no longer hashes to its stored hash' };
    }
    prev = row.hash;
    expectedSeq += 1;
  }
  if (expectedLastSeq !== undefined && expectedLastSeq >= expectedSeq) {
    return { caseId, seq: expectedSeq, problem: 'ROW_MISSING', detail: `the case is at version ${expectedLastSeq}, the trail ends at ${expectedSeq - 1}` };
  }
  return null;
}
