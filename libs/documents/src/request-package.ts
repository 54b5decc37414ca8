import { createHash } from 'node:crypto';
import { REQUEST_PACKAGE_KINDS, type DocumentFact, type RequestPackage } from '../../domain/src/documents';
import type { DocumentRecord } from './document-records';

/**
 * The request package as transmitted: the current version of each REQUEST_LETTER, ANNEX and TRANSLATION of
 * the case, in the order they were stored, and one SHA-256 over its manifest, a line per document in the
 * style of `sha256sum`: `<sha256>  <bytes>  <kind>  <language>  <id>\n`. Anyone holding the documents can
 * rebuild the manifest and check the hash sealed in the audit trail.
 */
export function requestPackage(docs: readonly DocumentRecord[]): RequestPackage {
  const documents = docs
    .filter((d) => REQUEST_PACKAGE_KINDS.has(d.kind) && !d.supersededBy)
    .map((d) => ({ id: d.id, kind: d.kind, language: d.language, sha256: d.sha256, bytes: Number(d.bytes) }));
  return { documents, sha256: createHash('sha256').update(packageManifest(documents), 'utf8').digest('hex') };
}

export function packageManifest(documents: RequestPackage['documents']): string {
  return documents.map((d) => `${d.sha256}  ${d.bytes}  ${d.kind}  ${d.language}  ${d.id}\n`).join('');
}

/** What the case is told of a document: facts from the documents table, never the client's word. */
export function documentFact(d: DocumentRecord): DocumentFact {
  return {
    id: d.id,
    kind: d.kind,
    language: d.language,
    sha256: d.sha256,
    bytes: Number(d.bytes),
    certified: d.certified,
    certifiedBy: d.certifiedBy,
    itemId: d.itemId,
  };
}

/** The current EVIDENCE documents of the case, by item. */
export function evidenceByItem(docs: readonly DocumentRecord[]): Record<string, DocumentFact[]> {
  const out: Record<string, DocumentFact[]> = {};
  for (const d of docs) if (d.kind === 'EVIDENCE' && d.itemId && !d.supersededBy) (out[d.itemId] ??= []).push(documentFact(d));
  return out;
}
