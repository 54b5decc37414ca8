/**
 * Documents of a case: storing a version, reading it back with its hash checked, listing, custody.
 *
 * Other parts of the API (the letter of request generator) store through this service:
 *
 *   const doc = await documents.store({ caseId, actor, kind: 'REQUEST_LETTER', language: 'fr', filename: 'letter.pdf',
 *                                       source: pdfBuffer | readable, certifiedBy?, itemId?, supersedes? });
 *   // → DocumentRecord { id, sha256, bytes, contentType (sniffed), … }; a STORED event starts its chain
 *   await documents.custody(caseId, docId)   // → { document, holder, chain: [...] } (evidence)
 *   documents.open(actor, caseId, doc)       // → verified byte stream (never served when the hash differs)
 *
 * `store` checks the bytes (type sniffed from the first bytes against the allow-list, size limit, UTF-8 text),
 * not the actor's right to the case: callers run the policy first (DocumentAccess / CaseAccess). Refusals are
 * ProblemExceptions (400/413/415/422) and leave nothing stored.
 */
import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { createHash, randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { DataSource } from 'typeorm';
import { DEFAULT_DOCUMENT_MAX_BYTES, type DocumentsConfig } from '../../../../libs/config/src';
import {
  DOCUMENT_KINDS,
  firstHolder,
  nextHolder,
  type CaseRelation,
  type CustodyHolder,
  type DocumentKind,
  type FieldProblem,
} from '../../../../libs/domain/src';
import { BlobMissing, type BlobStore, type StorageName } from '../../../../libs/documents/src/blob-store';
import { DocumentRecords, type DocumentActor, type DocumentEvent, type DocumentRecord } from '../../../../libs/documents/src/document-records';
import { PostgresBlobStore } from '../../../../libs/documents/src/postgres-blob-store';
import { S3BlobStore } from '../../../../libs/documents/src/s3-blob-store';
import { ALLOWED_FAMILIES, SNIFF_BYTES, TEXT_TYPE, TextChecker, sniffType } from '../../../../libs/documents/src/sniff';
import { ProblemException } from '../common/problem';

export const DOCUMENTS_CONFIG = Symbol('DOCUMENTS_CONFIG');

export type { DocumentRecord, DocumentEvent, DocumentActor };

export interface StoreDocumentInput {
  caseId: string;
  /** Who stores it, and through which relation (their role on the audit rows). */
  actor: DocumentActor;
  kind: DocumentKind;
  language: string;
  filename: string;
  /** The client's word for the type: ignored, the bytes decide (kept only for the log of a refusal). */
  contentType?: string;
  source: Buffer | Readable | AsyncIterable<Buffer>;
  certified?: boolean;
  certifiedBy?: string;
  itemId?: string;
  supersedes?: string;
  /** The relation the actor stores through: evidence stored by its first holder starts its custody chain there. */
  relation?: CaseRelation;
  /** Runs once the bytes are stored and before the document is registered: throwing there removes the bytes. */
  beforeRegister?: () => Promise<void>;
}

export interface CustodyLink {
  seq: number;
  event: 'STORED' | 'HANDOVER';
  from: CustodyHolder | null;
  to: CustodyHolder;
  actor: DocumentActor;
  at: string;
  sha256: string;
  /** The document's hash when it was stored, which every link must repeat. */
  unchanged: boolean;
  comment?: string;
}

export interface Custody {
  document: DocumentRecord;
  holder: CustodyHolder | null;
  next: CustodyHolder | null;
  chain: CustodyLink[];
  /** Every event of the document still chains (hash of each row over its predecessor). */
  chainIntact: boolean;
}

export const problemOf = (status: number, code: string, field: string, rule: string, message: string) =>
  ProblemException.of(status, code, message, { errors: [{ field, rule, message } satisfies FieldProblem] });

@Injectable()
export class DocumentsService implements OnModuleDestroy {
  readonly records: DocumentRecords;
  readonly maxBytes: number;
  private readonly stores = new Map<StorageName, BlobStore>();
  private readonly current: StorageName;
  private readonly logger = new Logger('documents');

  constructor(@Inject(DataSource) db: DataSource, @Inject(DOCUMENTS_CONFIG) config: DocumentsConfig | undefined) {
    this.records = new DocumentRecords(db);
    this.maxBytes = config?.maxBytes ?? DEFAULT_DOCUMENT_MAX_BYTES;
    this.stores.set('postgres', new PostgresBlobStore(db));
    if (config?.s3) this.stores.set('s3', new S3BlobStore(config.s3));
    this.current = config?.store ?? 'postgres';
  }

  onModuleDestroy(): void {
    (this.stores.get('s3') as S3BlobStore | undefined)?.destroy();
  }

  /** Stores one version: checks the previous version it supersedes, sniffs, hashes and counts while streaming. */
  async store(input: StoreDocumentInput): Promise<DocumentRecord> {
    if (!(DOCUMENT_KINDS as readonly string[]).includes(input.kind)) {
      throw problemOf(400, 'INVALID_BODY', 'kind', 'document_kind', `kind must be one of ${DOCUMENT_KINDS.join(', ')}`);
    }
    if (input.supersedes) await this.checkSupersedes(input.caseId, input.supersedes, input.kind);
    const store = this.stores.get(this.current)!;
    const id = randomUUID();
    const measured = await this.measure(toIterable(input.source));
    let stored: { bytes: number };
    try {
      stored = await store.write(id, measured.stream);
    } catch (err) {
      throw err instanceof ProblemException ? err : new Error(`the ${store.name} document store refused the bytes: ${(err as Error).message}`);
    }
    const sha256 = measured.sha256();
    if (input.beforeRegister) {
      try {
        await input.beforeRegister();
      } catch (err) {
        await store.remove(id).catch(() => undefined);
        throw err;
      }
    }
    const first = input.kind === 'EVIDENCE' && input.relation ? firstHolder(input.relation) : null;
    try {
      return await this.records.insert(
        {
          id,
          caseId: input.caseId,
          kind: input.kind,
          language: input.language,
          filename: input.filename,
          contentType: measured.contentType,
          bytes: stored.bytes,
          sha256,
          storage: store.name,
          certified: input.certified ?? false,
          certifiedBy: input.certifiedBy ?? null,
          itemId: input.itemId ?? null,
          supersedes: input.supersedes ?? null,
          uploadedBy: input.actor.userId,
          uploadedRole: input.actor.role,
          uploadedState: input.actor.stateCode,
          uploadedAuthorityId: input.actor.authorityId,
        },
        { kind: input.kind, bytes: stored.bytes, supersedes: input.supersedes ?? null, ...(first ? { holder: first } : {}) },
      );
    } catch (err) {
      await store.remove(id).catch(() => undefined);
      if ((err as { code?: string }).code === '23505' && input.supersedes) {
        throw problemOf(409, 'ALREADY_SUPERSEDED', 'supersedes', 'latest_version', `document ${input.supersedes} already has a newer version`);
      }
      throw err;
    }
  }

  private async checkSupersedes(caseId: string, previousId: string, kind: DocumentKind): Promise<void> {
    const previous = UUID.test(previousId) ? await this.records.find(caseId, previousId) : null;
    if (!previous) throw problemOf(422, 'UNKNOWN_DOCUMENT', 'supersedes', 'document_of_case', `no document ${previousId} on this case`);
    if (previous.kind !== kind) {
      throw problemOf(422, 'KIND_MISMATCH', 'supersedes', 'same_kind', `a new version of a ${previous.kind} document is a ${previous.kind} document`);
    }
    if (previous.supersededBy) {
      throw problemOf(
        409,
        'ALREADY_SUPERSEDED',
        'supersedes',
        'latest_version',
        `document ${previousId} already has a newer version (${previous.supersededBy})`,
      );
    }
  }

  /** Reads the head to sniff the type, then passes every byte through the hash, the size limit and (text) the UTF-8 check. */
  private async measure(source: AsyncIterable<Buffer>) {
    const iterator = source[Symbol.asyncIterator]();
    const headParts: Buffer[] = [];
    let headBytes = 0;
    let ended = false;
    while (headBytes < SNIFF_BYTES) {
      const next = await iterator.next();
      if (next.done) {
        ended = true;
        break;
      }
      const piece = Buffer.isBuffer(next.value) ? next.value : Buffer.from(next.value);
      headParts.push(piece);
      headBytes += piece.length;
      if (headBytes > this.maxBytes) throw this.tooLarge();
    }
    const head = Buffer.concat(headParts);
    if (head.length === 0) throw problemOf(400, 'INVALID_BODY', 'file', 'non_empty', 'the file is empty');
    const contentType = sniffType(head.subarray(0, SNIFF_BYTES), ended && head.length <= SNIFF_BYTES);
    if (!contentType) {
      throw problemOf(415, 'UNSUPPORTED_MEDIA_TYPE', 'file', 'allowed_type', `the file's bytes are not an allowed type: ${ALLOWED_FAMILIES}`);
    }
    const hash = createHash('sha256');
    const text = contentType === TEXT_TYPE ? new TextChecker() : null;
    const maxBytes = this.maxBytes;
    const tooLarge = () => this.tooLarge();
    let total = 0;
    const pass = (piece: Buffer, last: boolean) => {
      total += piece.length;
      if (total > maxBytes) throw tooLarge();
      if (text && !text.accepts(piece, last)) {
        throw problemOf(415, 'UNSUPPORTED_MEDIA_TYPE', 'file', 'allowed_type', 'the file is neither well-formed UTF-8 text nor another allowed type');
      }
      hash.update(piece);
    };
    async function* stream(): AsyncIterable<Buffer> {
      pass(head, ended);
      yield head;
      if (ended) return;
      for (;;) {
        const next = await iterator.next();
        if (next.done) {
          if (text) pass(Buffer.alloc(0), true);
          return;
        }
        const piece = Buffer.isBuffer(next.value) ? next.value : Buffer.from(next.value);
        pass(piece, false);
        yield piece;
      }
    }
    return { contentType, stream: stream(), sha256: () => hash.digest('hex') };
  }

  private tooLarge(): ProblemException {
    return problemOf(413, 'PAYLOAD_TOO_LARGE', 'file', 'max_bytes', `a document may have at most ${this.maxBytes} bytes (DOCUMENT_MAX_BYTES)`);
  }

  /**
   * The bytes of a document, served only once they hash to the recorded SHA-256: a first pass reads and
   * hashes them (bounded memory), a mismatch records an INTEGRITY_FAILURE event and answers 500
   * DOCUMENT_INTEGRITY; the stream served re-hashes and is cut short should the bytes change between passes.
   */
  async open(reader: DocumentActor, doc: DocumentRecord): Promise<Readable> {
    await this.verify(reader, doc);
    const store = this.storeOf(doc);
    const expected = doc.sha256;
    const records = this.records;
    async function* verified(): AsyncIterable<Buffer> {
      const hash = createHash('sha256');
      for await (const chunk of store.read(doc.id)) {
        hash.update(chunk);
        yield chunk;
      }
      const actual = hash.digest('hex');
      if (actual !== expected) {
        await records.append({
          documentId: doc.id,
          caseId: doc.caseId,
          event: 'INTEGRITY_FAILURE',
          actor: reader,
          sha256: expected,
          data: { actual, during: 'download' },
        });
        throw new Error(`document ${doc.id} changed while it was served`);
      }
    }
    return Readable.from(verified(), { objectMode: false });
  }

  /** Recomputes the hash of the stored bytes; a mismatch (or missing bytes) is audited and refused. */
  async verify(actor: DocumentActor, doc: DocumentRecord): Promise<void> {
    const hash = createHash('sha256');
    let bytes = 0;
    try {
      for await (const chunk of this.storeOf(doc).read(doc.id)) {
        hash.update(chunk);
        bytes += chunk.length;
      }
    } catch (err) {
      if (!(err instanceof BlobMissing)) throw err;
    }
    const actual = hash.digest('hex');
    if (actual === doc.sha256 && bytes === doc.bytes) return;
    await this.records.append({ documentId: doc.id, caseId: doc.caseId, event: 'INTEGRITY_FAILURE', actor, sha256: doc.sha256, data: { actual, bytes } });
    this.logger.error(`document ${doc.id} of case ${doc.caseId} does not match its recorded hash: not served`);
    throw ProblemException.of(
      500,
      'DOCUMENT_INTEGRITY',
      `the stored bytes of document ${doc.id} no longer match the SHA-256 recorded when it was stored; it is not served, and the failure is on its audit trail`,
    );
  }

  private storeOf(doc: DocumentRecord): BlobStore {
    const store = this.stores.get(doc.storage);
    if (!store) throw ProblemException.of(503, 'DEPENDENCY_UNAVAILABLE', `document ${doc.id} is kept in ${doc.storage} storage, which is not configured`);
    return store;
  }

  /** The custody chain of an evidence document: its STORED event, then each handover, each with the hash it was verified at. */
  async custody(caseId: string, docId: string): Promise<Custody | null> {
    const document = UUID.test(docId) ? await this.records.find(caseId, docId) : null;
    if (!document) return null;
    const events = await this.records.events(docId);
    const chain: CustodyLink[] = [];
    let holder: CustodyHolder | null = null;
    for (const e of events) {
      const data = (e.data ?? {}) as { holder?: CustodyHolder; from?: CustodyHolder; to?: CustodyHolder; comment?: string };
      if (e.event === 'STORED' && data.holder) {
        holder = data.holder;
        chain.push({
          seq: e.seq,
          event: 'STORED',
          from: null,
          to: data.holder,
          actor: e.actor,
          at: e.at.toISOString(),
          sha256: e.sha256,
          unchanged: e.sha256 === document.sha256,
        });
      } else if (e.event === 'HANDOVER' && data.to) {
        holder = data.to;
        chain.push({
          seq: e.seq,
          event: 'HANDOVER',
          from: data.from ?? null,
          to: data.to,
          actor: e.actor,
          at: e.at.toISOString(),
          sha256: e.sha256,
          unchanged: e.sha256 === document.sha256,
          ...(data.comment ? { comment: data.comment } : {}),
        });
      }
    }
    return { document, holder, next: holder ? nextHolder(holder) : null, chain, chainIntact: DocumentRecords.chainIntact(events) };
  }

  /** Records a handover of evidence from its holder to the next in the chain, after checking the bytes are unchanged. */
  async handover(actor: DocumentActor, doc: DocumentRecord, from: CustodyHolder, to: CustodyHolder, comment?: string): Promise<DocumentEvent> {
    await this.verify(actor, doc);
    return this.records.append({
      documentId: doc.id,
      caseId: doc.caseId,
      event: 'HANDOVER',
      actor,
      sha256: doc.sha256,
      data: { from, to, ...(comment ? { comment } : {}) },
    });
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function toIterable(source: StoreDocumentInput['source']): AsyncIterable<Buffer> {
  if (Buffer.isBuffer(source)) {
    return (async function* () {
      for (let i = 0; i < source.length; i += 64 * 1024) yield source.subarray(i, i + 64 * 1024);
    })();
  }
  return source;
}
