import type { Actor } from './roles';
import { relationsOf, type CaseAccessFacts, type CaseRelation } from './policy';
import { readerOf } from './visibility';

/**
 * What the engine knows of a case's documents, without their bytes: the kinds, who may add which, who
 * reads which (domain brief §2), and the chain of custody of evidence. Pure: the API applies it.
 */
export const DOCUMENT_KINDS = ['REQUEST_LETTER', 'ANNEX', 'TRANSLATION', 'TRANSMISSION_RECEIPT', 'EVIDENCE', 'CORRESPONDENCE'] as const;
export type DocumentKind = (typeof DOCUMENT_KINDS)[number];

/** The documents that make up the request sent to the requested State (sealed at transmission). */
export const REQUEST_PACKAGE_KINDS: ReadonlySet<DocumentKind> = new Set<DocumentKind>(['REQUEST_LETTER', 'ANNEX', 'TRANSLATION']);

const REQUESTING_SIDE: CaseRelation[] = ['REQUESTING_PROSECUTOR', 'REQUESTING_CA'];

/** Who may add each kind: the request is written by the requesting side, evidence comes from the requested side. */
export const DOCUMENT_UPLOADERS: Readonly<Record<DocumentKind, readonly CaseRelation[]>> = {
  REQUEST_LETTER: REQUESTING_SIDE,
  ANNEX: REQUESTING_SIDE,
  TRANSLATION: REQUESTING_SIDE,
  TRANSMISSION_RECEIPT: ['REQUESTING_CA', 'REQUESTED_CA'],
  EVIDENCE: ['EXECUTING_AUTHORITY', 'REQUESTED_CA', 'REQUESTED_PROSECUTOR'],
  CORRESPONDENCE: ['REQUESTING_PROSECUTOR', 'REQUESTING_CA', 'REQUESTED_CA', 'EXECUTING_AUTHORITY', 'REQUESTED_PROSECUTOR'],
};

/** The relation through which the actor may add a document of this kind, if any. */
export function uploaderRelation(actor: Actor, facts: CaseAccessFacts, kind: DocumentKind): CaseRelation | null {
  const relations = relationsOf(actor, facts);
  return relations.find((r) => DOCUMENT_UPLOADERS[kind].includes(r)) ?? null;
}

/**
 * The chain of custody of evidence: from the executing authority that gathered it, through both central
 * authorities, to the prosecutor who asked for it. Each step is a handover by the holder to the next.
 */
export const CUSTODY_CHAIN = ['EXECUTING_AUTHORITY', 'REQUESTED_CA', 'REQUESTING_CA', 'REQUESTING_PROSECUTOR'] as const;
export type CustodyHolder = (typeof CUSTODY_CHAIN)[number];

/** Who holds evidence first: the relation through which it was stored (a requested CA may store evidence itself). */
export function firstHolder(relation: CaseRelation): CustodyHolder | null {
  return (CUSTODY_CHAIN as readonly string[]).includes(relation) ? (relation as CustodyHolder) : null;
}

export function nextHolder(holder: CustodyHolder): CustodyHolder | null {
  const i = CUSTODY_CHAIN.indexOf(holder);
  return i >= 0 && i < CUSTODY_CHAIN.length - 1 ? CUSTODY_CHAIN[i + 1] : null;
}

/**
 * Which documents of a case an actor reads (domain brief §2):
 * - ALL: parties, the pair's liaison magistrate, an administrator of a party State (readers of the `documents` class);
 * - ITEMS: an executing authority, only the documents of the items forwarded to it (and those it stored);
 * - SUMMARY: focal points, managers, the secretariat: that documents exist (count, kinds), never which or what.
 * Null: the case does not exist for the actor.
 */
export type DocumentScope = { kind: 'ALL' } | { kind: 'ITEMS'; itemIds: ReadonlySet<string>; authorityId: string } | { kind: 'SUMMARY' };

export function documentScope(
  actor: Actor,
  facts: CaseAccessFacts,
  items: ReadonlyArray<{ id: string; executingAuthorityId?: string | null }>,
): DocumentScope | null {
  const reader = readerOf(actor, facts);
  if (!reader) return null;
  const relations = relationsOf(actor, facts);
  const whole = relations.some((r) => r !== 'EXECUTING_AUTHORITY' && r !== 'FOCAL_POINT' && r !== 'MANAGER');
  if (whole && reader.classes.has('documents')) return { kind: 'ALL' };
  if (relations.includes('EXECUTING_AUTHORITY')) {
    const itemIds = new Set(items.filter((i) => i.executingAuthorityId === actor.authorityId).map((i) => i.id));
    return { kind: 'ITEMS', itemIds, authorityId: actor.authorityId };
  }
  return { kind: 'SUMMARY' };
}

/** Whether a document is within a scope. */
export function inDocumentScope(scope: DocumentScope, doc: { itemId: string | null; uploadedAuthorityId: string | null }): boolean {
  if (scope.kind === 'ALL') return true;
  if (scope.kind === 'SUMMARY') return false;
  return (doc.itemId !== null && scope.itemIds.has(doc.itemId)) || doc.uploadedAuthorityId === scope.authorityId;
}

/**
 * From 1, a case's documents drive its life cycle (pinned at filing in `CaseContext.documents`): the
 * translation step takes a certified TRANSLATION document, transmission seals the request package in
 * the audit trail, the acknowledgment records that package's hash, and results are EVIDENCE documents
 * per item. Cases filed before keep their free-text references.
 */
export const DOCUMENTS_DRIVE_LIFE_CYCLE = 1;
/**
 * From 2 (DOCUMENT_RULES=strict), a translation referenced but not attached and results without an
 * EVIDENCE document per item are refused; at 1 they are accepted with a warning saying what is not on file.
 */
export const DOCUMENTS_STRICT = 2;

/** What the API tells a case about one of its documents (resolved from the documents table, never from the client). */
export interface DocumentFact {
  id: string;
  kind: DocumentKind;
  language: string;
  sha256: string;
  bytes: number;
  certified: boolean;
  certifiedBy?: string | null;
  itemId?: string | null;
}

/**
 * The request as sent: its current documents (REQUEST_LETTER, ANNEX, TRANSLATION versions not superseded)
 * with their hashes, and one SHA-256 over the manifest (libs/documents/src/request-package.ts).
 */
export interface RequestPackage {
  documents: Array<Pick<DocumentFact, 'id' | 'kind' | 'language' | 'sha256' | 'bytes'>>;
  sha256: string;
}
