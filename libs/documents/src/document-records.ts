import { createHash } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import type { DocumentKind } from '../../domain/src/documents';
import type { StorageName } from './blob-store';

/** A stored document version as the engine knows it (never its bytes). */
export interface DocumentRecord {
  id: string;
  caseId: string;
  kind: DocumentKind;
  language: string;
  filename: string;
  contentType: string;
  bytes: number;
  sha256: string;
  storage: StorageName;
  certified: boolean;
  certifiedBy: string | null;
  itemId: string | null;
  supersedes: string | null;
  /** The newer version that supersedes this one, if any (derived: documents are immutable). */
  supersededBy: string | null;
  uploadedBy: string;
  uploadedRole: string;
  uploadedState: string | null;
  uploadedAuthorityId: string | null;
  uploadedAt: Date;
}

export interface DocumentActor {
  userId: string;
  role: string;
  stateCode: string | null;
  authorityId: string | null;
}

export type DocumentEventName = 'STORED' | 'HANDOVER' | 'INTEGRITY_FAILURE';

export interface DocumentEvent {
  documentId: string;
  caseId: string;
  seq: number;
  event: DocumentEventName;
  actor: DocumentActor;
  at: Date;
  /** The hash of the bytes at that moment: recomputed from storage for a handover, the expected one for a failure. */
  sha256: string;
  data: Record<string, unknown> | null;
  prevHash: string;
  hash: string;
}

const GENESIS = '0'.repeat(64);

/** hash = SHA-256(canonical row || prev_hash): the document's events form a chain, as the case's audit rows do. */
export function documentEventHash(e: Omit<DocumentEvent, 'hash' | 'prevHash'>, prevHash: string): string {
  const canonical = JSON.stringify([
    e.documentId,
    e.caseId,
    e.seq,
    e.event,
    e.actor.userId,
    e.actor.role,
    e.actor.stateCode,
    e.actor.authorityId,
    e.at.toISOString(),
    e.sha256,
    sortKeys(e.data ?? null),
  ]);
  return createHash('sha256').update(canonical, 'utf8').update(prevHash, 'utf8').digest('hex');
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}

const COLUMNS = `d.id, d.case_id AS "caseId", d.kind, d.language, d.filename, d.content_type AS "contentType", d.bytes::float8 AS bytes, d.sha256,
  d.storage, d.certified, d.certified_by AS "certifiedBy", d.item_id AS "itemId", d.supersedes,
  (SELECT n.id FROM documents n WHERE n.supersedes = d.id) AS "supersededBy",
  d.uploaded_by AS "uploadedBy", d.uploaded_role AS "uploadedRole", d.uploaded_state AS "uploadedState",
  d.uploaded_authority_id AS "uploadedAuthorityId", d.uploaded_at AS "uploadedAt"`;

/** SQL over `documents` and `document_events`. */
export class DocumentRecords {
  constructor(private readonly db: DataSource) {}

  async find(caseId: string, id: string): Promise<DocumentRecord | null> {
    const rows: DocumentRecord[] = await this.db.query(`SELECT ${COLUMNS} FROM documents d WHERE d.case_id = $1 AND d.id = $2`, [caseId, id]);
    return rows[0] ?? null;
  }

  async list(caseId: string): Promise<DocumentRecord[]> {
    return this.db.query(`SELECT ${COLUMNS} FROM documents d WHERE d.case_id = $1 ORDER BY d.uploaded_at, d.id`, [caseId]);
  }

  /** The row of a new version and its STORED event, in one transaction. */
  async insert(doc: Omit<DocumentRecord, 'supersededBy' | 'uploadedAt'>, data: Record<string, unknown> | null): Promise<DocumentRecord> {
    await this.db.transaction(async (tx) => {
      await tx.query(
        `INSERT INTO documents (id, case_id, kind, language, filename, content_type, bytes, sha256, storage, certified, certified_by, item_id, supersedes,
                                uploaded_by, uploaded_role, uploaded_state, uploaded_authority_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)`,
        [
          doc.id,
          doc.caseId,
          doc.kind,
          doc.language,
          doc.filename,
          doc.contentType,
          doc.bytes,
          doc.sha256,
          doc.storage,
          doc.certified,
          doc.certifiedBy,
          doc.itemId,
          doc.supersedes,
          doc.uploadedBy,
          doc.uploadedRole,
          doc.uploadedState,
          doc.uploadedAuthorityId,
        ],
      );
      await this.appendIn(tx, {
        documentId: doc.id,
        caseId: doc.caseId,
        event: 'STORED',
        actor: { userId: doc.uploadedBy, role: doc.uploadedRole, stateCode: doc.uploadedState, authorityId: doc.uploadedAuthorityId },
        sha256: doc.sha256,
        data,
      });
    });
    return (await this.find(doc.caseId, doc.id))!;
  }

  /** Appends an event to the document's chain (serialized per document). */
  append(e: Pick<DocumentEvent, 'documentId' | 'caseId' | 'event' | 'actor' | 'sha256' | 'data'>): Promise<DocumentEvent> {
    return this.db.transaction((tx) => this.appendIn(tx, e));
  }

  private async appendIn(tx: EntityManager, e: Pick<DocumentEvent, 'documentId' | 'caseId' | 'event' | 'actor' | 'sha256' | 'data'>): Promise<DocumentEvent> {
    await tx.query(`SELECT pg_advisory_xact_lock(hashtext('document:' || $1))`, [e.documentId]);
    const [last]: Array<{ seq: number; hash: string }> = await tx.query(
      `SELECT seq, hash FROM document_events WHERE document_id = $1 ORDER BY seq DESC LIMIT 1`,
      [e.documentId],
    );
    const [{ now }]: Array<{ now: Date }> = await tx.query(`SELECT date_trunc('milliseconds', clock_timestamp()) AS now`);
    const event = { ...e, seq: last ? last.seq + 1 : 0, at: now };
    const prevHash = last?.hash ?? GENESIS;
    const hash = documentEventHash(event, prevHash);
    await tx.query(
      `INSERT INTO document_events (document_id, case_id, seq, event, actor_id, actor_role, actor_state, actor_authority_id, at, sha256, data, prev_hash, hash)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11::jsonb, $12, $13)`,
      [
        e.documentId,
        e.caseId,
        event.seq,
        e.event,
        e.actor.userId,
        e.actor.role,
        e.actor.stateCode,
        e.actor.authorityId,
        now,
        e.sha256,
        e.data === null ? null : JSON.stringify(e.data),
        prevHash,
        hash,
      ],
    );
    return { ...event, prevHash, hash };
  }

  async events(documentId: string): Promise<DocumentEvent[]> {
    const rows: Array<Record<string, any>> = await this.db.query(
      `SELECT document_id, case_id, seq, event, actor_id, actor_role, actor_state, actor_authority_id, at, sha256, data, prev_hash, hash
         FROM document_events WHERE document_id = $1 ORDER BY seq`,
      [documentId],
    );
    return rows.map((r) => ({
      documentId: r.document_id,
      caseId: r.case_id,
      seq: r.seq,
      event: r.event,
      actor: { userId: r.actor_id, role: r.actor_role, stateCode: r.actor_state, authorityId: r.actor_authority_id },
      at: r.at,
      sha256: r.sha256,
      data: r.data,
      prevHash: r.prev_hash,
      hash: r.hash,
    }));
  }

  /** Whether the document's events still chain: each row's hash recomputed and linked to its predecessor. */
  static chainIntact(events: readonly DocumentEvent[]): boolean {
    let prev = GENESIS;
    return events.every((e, i) => {
      const ok = e.seq === i && e.prevHash === prev && documentEventHash(e, prev) === e.hash;
      prev = e.hash;
      return ok;
    });
  }
}
