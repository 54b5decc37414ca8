import { applyDecorators, Body, Controller, Get, Headers, HttpCode, Inject, Param, Post, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiOperation, ApiResponse, ApiTags, getSchemaPath } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Multipart } from '@fastify/multipart';
import {
  DOCUMENT_KINDS,
  decide,
  documentScope,
  describeRelation,
  inDocumentScope,
  roleFor,
  uploaderRelation,
  DOCUMENT_UPLOADERS,
  nextHolder,
  type Actor,
  type CaseRelation,
  type CustodyHolder,
  type DocumentKind,
  type DocumentScope,
  type FieldProblem,
} from '../../../../libs/domain/src';
import { accessFactsOf, type CaseRow } from '../../../../libs/persistence/src';
import { CaseAccess, notFound } from '../cases/case-access';
import { textProblem } from '../common/input-rules';
import { AcceptedCommandDto, ProblemDetailsDto, Problems, ReadResponses } from '../common/openapi';
import { ProblemException } from '../common/problem';
import { CustodyDto, DocumentDto, DocumentListDto, HandoverDto, UPLOAD_BODY_SCHEMA } from './documents.dto';
import { DocumentsService, problemOf, type DocumentActor, type DocumentRecord } from './documents.service';

const PREFIXES = { cases: null, extraditions: 'EXTRADITION', 'domestic-prosecutions': 'DOMESTIC_PROSECUTION' } as const;
const paths = (suffix: string) => Object.keys(PREFIXES).map((p) => `${p}/:id/documents${suffix}`);

const FILE_PROBLEMS = [
  ApiResponse({ status: 413, description: 'The file is larger than DOCUMENT_MAX_BYTES: nothing stored', content: problem() }),
  ApiResponse({ status: 415, description: 'Not a multipart body, or the bytes are not an allowed type: nothing stored', content: problem() }),
];
const INTEGRITY = ApiResponse({
  status: 500,
  description: 'DOCUMENT_INTEGRITY: the stored bytes no longer hash to the recorded SHA-256; not served, and audited',
  content: problem(),
});

function problem() {
  return { 'application/problem+json': { schema: { $ref: getSchemaPath(ProblemDetailsDto) } } };
}

const FIELDS = new Set(['kind', 'language', 'certified', 'certifiedBy', 'itemId', 'supersedes']);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * Documents of MLA cases, extraditions and domestic prosecutions: upload (multipart, streamed), list,
 * download (hash checked, ETag = SHA-256, logged in access_log), and the custody chain of evidence.
 * Who reads which documents is `documentScope` (libs/domain/src/documents.ts, domain brief §2).
 */
@ApiTags('documents')
@ApiBearerAuth()
@Controller()
export class DocumentsController {
  constructor(
    @Inject(DocumentsService) private readonly documents: DocumentsService,
    @Inject(CaseAccess) private readonly access: CaseAccess,
  ) {}

  @Post(paths(''))
  @HttpCode(201)
  @ApiOperation({
    summary: 'Store a document of the case (multipart: fields, then the file); a new version names the one it supersedes',
    description:
      'The type comes from the bytes (PDF, PNG, JPEG, TIFF, office documents, UTF-8 text), the SHA-256 is computed while the file streams to storage. ' +
      'REQUEST_LETTER, ANNEX, TRANSLATION: the requesting side; EVIDENCE: the executing authority of the item (or the requested CA); ' +
      'TRANSMISSION_RECEIPT: either central authority; CORRESPONDENCE: any party. Refused uploads store nothing.',
  })
  @ApiConsumes('multipart/form-data')
  @ApiBody({ schema: UPLOAD_BODY_SCHEMA as never })
  @ApiResponse({ status: 201, description: 'Stored (Location: where to download it)', type: DocumentDto })
  @ApiResponse({ status: 202, description: 'Not answered by this route (an upload answers once stored); listed with every command', type: AcceptedCommandDto })
  @Problems(400, 401, 403, 404, 409, 422, 503)
  @applyDecorators(...FILE_PROBLEMS)
  async upload(@Req() request: FastifyRequest, @Param('id') id: string, @Res({ passthrough: true }) reply: FastifyReply) {
    const actor = (request as FastifyRequest & { actor: Actor }).actor;
    const row = await this.caseOf(actor, id, request);
    if (!request.isMultipart()) {
      throw ProblemException.of(415, 'UNSUPPORTED_MEDIA_TYPE', 'a document is uploaded as multipart/form-data: the fields, then the file');
    }
    const fields: Record<string, string> = {};
    let stored: DocumentRecord | null = null;
    const parts = request.parts()[Symbol.asyncIterator]();
    try {
      for (;;) {
        const next = await parts.next();
        if (next.done) break;
        const part: Multipart = next.value;
        if (part.type === 'field') {
          if (!FIELDS.has(part.fieldname))
            throw fieldProblem(part.fieldname.slice(0, 100), 'unknown_field', `${part.fieldname.slice(0, 100)} is not a field of an upload`);
          if (typeof part.value !== 'string') throw fieldProblem(part.fieldname, 'text', `${part.fieldname} must be text`);
          if (part.fieldname in fields) throw fieldProblem(part.fieldname, 'single_value', `${part.fieldname} may be given once`);
          fields[part.fieldname] = part.value;
          continue;
        }
        if (part.fieldname !== 'file') throw fieldProblem(part.fieldname.slice(0, 100), 'unknown_field', 'the file part is named "file"');
        const plan = this.plan(actor, row, fields, part.filename);
        stored = await this.documents.store({
          ...plan,
          caseId: row.id,
          source: part.file,
          contentType: part.mimetype,
          // The file is the last part: anything after it is refused, and the bytes with it.
          beforeRegister: async () => {
            const after = await parts.next();
            if (!after.done) throw fieldProblem('file', 'file_last', 'the file is the last part of the body: send the fields before it, and one file');
          },
        });
        break;
      }
    } catch (err) {
      throw mapMultipartError(err, this.documents.maxBytes);
    }
    if (!stored) {
      this.plan(actor, row, fields, 'file'); // names the missing or wrong fields first, when there are
      throw fieldProblem('file', 'required', 'the body has no file part (named "file")');
    }
    void reply.header('location', hrefOf(stored));
    return present(stored);
  }

  /** Validates the fields and the actor's right to add this kind; a refusal names each field and rule. */
  private plan(actor: Actor, row: CaseRow, fields: Record<string, string>, filename: string | undefined) {
    const problems: FieldProblem[] = [];
    for (const [name, value] of Object.entries(fields)) {
      const p = textProblem(value, name);
      if (p) problems.push(p);
    }
    if (problems.length) throw bodyProblems(problems);
    const kind = fields.kind as DocumentKind;
    if (!kind) problems.push({ field: 'kind', rule: 'required', message: 'kind is required, before the file part' });
    else if (!(DOCUMENT_KINDS as readonly string[]).includes(kind))
      problems.push({ field: 'kind', rule: 'document_kind', message: `kind must be one of ${DOCUMENT_KINDS.join(', ')}` });
    if (!fields.language) problems.push({ field: 'language', rule: 'required', message: 'language is required, before the file part' });
    else if (!/^[a-z]{2}$/.test(fields.language)) problems.push({ field: 'language', rule: 'language_code', message: 'language must be an ISO 639-1 code' });
    if (kind === 'TRANSLATION') {
      if (fields.certified !== 'true' && fields.certified !== 'false') {
        problems.push({
          field: 'certified',
          rule: 'required_boolean',
          message: 'a translation says whether it is certified: certified=true or certified=false',
        });
      } else if (fields.certified === 'true' && !fields.certifiedBy?.trim()) {
        problems.push({ field: 'certifiedBy', rule: 'required', message: 'a certified translation names who certified it' });
      } else if (fields.certified === 'false' && fields.certifiedBy !== undefined) {
        problems.push({ field: 'certifiedBy', rule: 'certified_only', message: 'certifiedBy is given only with certified=true' });
      }
    } else {
      for (const f of ['certified', 'certifiedBy'] as const) {
        if (fields[f] !== undefined) problems.push({ field: f, rule: 'translation_only', message: `${f} applies to a TRANSLATION only` });
      }
    }
    if ((fields.certifiedBy ?? '').length > 200) problems.push({ field: 'certifiedBy', rule: 'max_length', message: 'certifiedBy has at most 200 characters' });
    if (kind === 'EVIDENCE' && !fields.itemId)
      problems.push({ field: 'itemId', rule: 'required', message: 'evidence answers an item of the request: give its itemId' });
    if (kind && kind !== 'EVIDENCE' && fields.itemId !== undefined)
      problems.push({ field: 'itemId', rule: 'evidence_only', message: 'itemId applies to EVIDENCE only' });
    if (fields.supersedes !== undefined && !UUID.test(fields.supersedes))
      problems.push({ field: 'supersedes', rule: 'uuid', message: 'supersedes is the id of a document' });
    const name = cleanFilename(filename);
    if (!name) problems.push({ field: 'file', rule: 'filename', message: 'the file part has a file name (at most 200 characters, no path)' });
    if (problems.length) throw bodyProblems(problems);

    const facts = accessFactsOf(row);
    const relation = uploaderRelation(actor, facts, kind);
    if (!relation) {
      throw ProblemException.of(403, 'FORBIDDEN_ACTION', `a ${kind} document is added by ${DOCUMENT_UPLOADERS[kind].map(describeRelation).join(' or ')}`);
    }
    if (kind === 'EVIDENCE') {
      const items = itemsOf(row);
      const item = items.find((i) => i.id === fields.itemId);
      if (!item)
        throw ProblemException.of(422, 'UNKNOWN_ITEM', `the case has no item ${fields.itemId}`, {
          errors: [{ field: 'itemId', rule: 'item_of_case', message: `no item ${fields.itemId}` }],
        });
      if (relation === 'EXECUTING_AUTHORITY' && item.executingAuthorityId !== actor.authorityId) {
        throw ProblemException.of(403, 'FORBIDDEN_ACTION', `item ${item.id} was not forwarded to your authority`);
      }
    }
    return {
      actor: actorOf(actor, relation),
      relation,
      kind,
      language: fields.language,
      filename: name!,
      certified: fields.certified === 'true',
      certifiedBy: fields.certified === 'true' ? fields.certifiedBy.trim() : undefined,
      itemId: fields.itemId,
      supersedes: fields.supersedes,
    };
  }

  @Get(paths(''))
  @ApiOperation({
    summary:
      "The case's documents the reader may see: all for parties and the pair's liaison magistrate, an executing authority's items, or only their count and kinds",
  })
  @ReadResponses(DocumentListDto, 403, 404)
  async list(@Req() request: FastifyRequest, @Param('id') id: string) {
    const actor = (request as FastifyRequest & { actor: Actor }).actor;
    const row = await this.caseOf(actor, id, request);
    const scope = this.scopeOf(actor, row);
    const all = await this.documents.records.list(row.id);
    const kinds = (docs: DocumentRecord[]) => docs.reduce<Record<string, number>>((acc, d) => ({ ...acc, [d.kind]: (acc[d.kind] ?? 0) + 1 }), {});
    if (scope.kind === 'SUMMARY') return { scope: scope.kind, count: all.length, kinds: kinds(all), documents: [] };
    const visible = all.filter((d) => inDocumentScope(scope, d));
    if (visible.length) await this.access.logRead(actor, 'DOCUMENTS', [row.id]);
    return { scope: scope.kind, count: visible.length, kinds: kinds(visible), documents: visible.map(present) };
  }

  @Get(paths('/:docId'))
  @ApiOperation({
    summary: 'Download a document: its bytes, checked against their SHA-256 first (ETag), as an attachment; every download is in the access log',
  })
  @ApiResponse({
    status: 200,
    description: 'The bytes (Content-Type as recognised at upload, ETag the SHA-256, Content-Disposition with the file name)',
    content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } },
  })
  @ApiResponse({ status: 304, description: 'If-None-Match named this SHA-256: the client has these bytes' })
  @Problems(401, 403, 404, 503)
  @applyDecorators(INTEGRITY)
  async download(
    @Req() request: FastifyRequest,
    @Param('id') id: string,
    @Param('docId') docId: string,
    @Headers('if-none-match') ifNoneMatch: string | undefined,
    @Res() reply: FastifyReply,
  ) {
    const actor = (request as FastifyRequest & { actor: Actor }).actor;
    const { row, doc } = await this.visibleDocument(actor, id, docId, request);
    const etag = `"${doc.sha256}"`;
    await this.access.logRead(actor, 'DOCUMENTS', [row.id]);
    if (ifNoneMatch && ifNoneMatch.split(',').some((t) => t.trim() === etag)) return reply.status(304).header('etag', etag).send();
    const stream = await this.documents.open(actorOf(actor, null), doc);
    return reply
      .status(200)
      .header('content-type', doc.contentType)
      .header('content-length', String(doc.bytes))
      .header('etag', etag)
      .header('content-disposition', contentDisposition(doc.filename))
      .header('x-content-type-options', 'nosniff')
      .send(stream);
  }

  @Get(paths('/:docId/custody'))
  @ApiOperation({ summary: 'The chain of custody of an evidence document: who held it, who handed it to whom and when, with the hash checked at each step' })
  @ReadResponses(CustodyDto, 403, 404)
  async custody(@Req() request: FastifyRequest, @Param('id') id: string, @Param('docId') docId: string) {
    const actor = (request as FastifyRequest & { actor: Actor }).actor;
    const { row, doc } = await this.visibleDocument(actor, id, docId, request);
    const custody = await this.documents.custody(row.id, doc.id);
    if (!custody) throw documentNotFound(docId);
    await this.access.logRead(actor, 'DOCUMENTS', [row.id]);
    return { ...custody, document: present(custody.document) };
  }

  @Post(paths('/:docId/handover'))
  @HttpCode(200)
  @ApiOperation({
    summary:
      'The holder of evidence hands it to the next in the chain (executing authority → requested CA → requesting CA → prosecutor); the hash is checked and recorded',
  })
  @ApiResponse({ status: 200, description: 'The custody chain with the new link', type: CustodyDto })
  @ApiResponse({
    status: 202,
    description: 'Not answered by this route (a handover answers once recorded); listed with every command',
    type: AcceptedCommandDto,
  })
  @Problems(400, 401, 403, 404, 409, 422, 503)
  @applyDecorators(INTEGRITY)
  async handover(@Req() request: FastifyRequest, @Param('id') id: string, @Param('docId') docId: string, @Body() body: HandoverDto) {
    const actor = (request as FastifyRequest & { actor: Actor }).actor;
    const { row, doc } = await this.visibleDocument(actor, id, docId, request);
    if (doc.kind !== 'EVIDENCE') throw ProblemException.of(409, 'NOT_EVIDENCE', `document ${doc.id} is ${doc.kind}: only evidence has a chain of custody`);
    const custody = (await this.documents.custody(row.id, doc.id))!;
    if (!custody.holder) throw ProblemException.of(409, 'NO_CUSTODY', `document ${doc.id} was not stored by a holder of the chain of custody`);
    const next = nextHolder(custody.holder);
    if (!next) throw ProblemException.of(409, 'CUSTODY_COMPLETE', `the evidence has reached the end of its chain (${describeRelation(custody.holder)})`);
    if (body.to !== next) {
      throw ProblemException.of(422, 'CUSTODY_ORDER', `the evidence goes from ${describeRelation(custody.holder)} to ${describeRelation(next)}`, {
        errors: [{ field: 'to', rule: 'next_holder', message: `the next holder is ${next}` }],
      });
    }
    const decision = decide(actor, { kind: 'COMMAND', name: 'HANDOVER', allowedRelations: [custody.holder as CaseRelation] }, accessFactsOf(row));
    if (decision.outcome !== 'ALLOW') {
      throw ProblemException.of(403, 'FORBIDDEN_ACTION', `the evidence is handed over by its holder, the ${describeRelation(custody.holder)}`);
    }
    await this.documents.handover(actorOf(actor, decision.relation), doc, custody.holder, next as CustodyHolder, body.comment);
    const after = (await this.documents.custody(row.id, doc.id))!;
    return { ...after, document: present(after.document) };
  }

  /** The case behind a route: 404 when the actor has no relation, or when the prefix names another kind of case. */
  private async caseOf(actor: Actor, id: string, request: FastifyRequest): Promise<CaseRow> {
    const { row } = await this.access.require(actor, id, { kind: 'VIEW' });
    const prefix = (request.routeOptions?.url ?? '').split('/')[1] as keyof typeof PREFIXES;
    const kind = PREFIXES[prefix];
    if (kind && row.kind !== kind) throw notFound(id);
    return row;
  }

  private scopeOf(actor: Actor, row: CaseRow): DocumentScope {
    return documentScope(actor, accessFactsOf(row), itemsOf(row)) ?? { kind: 'SUMMARY' };
  }

  private async visibleDocument(actor: Actor, id: string, docId: string, request: FastifyRequest) {
    const row = await this.caseOf(actor, id, request);
    const doc = UUID.test(docId) ? await this.documents.records.find(row.id, docId) : null;
    if (!doc || !inDocumentScope(this.scopeOf(actor, row), doc)) throw documentNotFound(docId);
    return { row, doc };
  }
}

export function itemsOf(row: CaseRow): Array<{ id: string; executingAuthorityId?: string | null }> {
  const items = (row.detail as { items?: Array<{ id: string; executingAuthorityId?: string | null }> }).items;
  return Array.isArray(items) ? items : [];
}

function actorOf(actor: Actor, relation: CaseRelation | null): DocumentActor {
  return {
    userId: actor.userId,
    role: relation ? roleFor(actor, relation) : actor.roles.join(','),
    stateCode: actor.stateCode || null,
    authorityId: actor.authorityId || null,
  };
}

export function hrefOf(doc: Pick<DocumentRecord, 'id' | 'caseId'>): string {
  return `/cases/${doc.caseId}/documents/${doc.id}`;
}

export function present(doc: DocumentRecord) {
  return { ...doc, uploadedAt: new Date(doc.uploadedAt).toISOString(), href: hrefOf(doc) };
}

function documentNotFound(docId: string): ProblemException {
  return ProblemException.of(404, 'DOCUMENT_NOT_FOUND', `no document ${String(docId).slice(0, 60)} visible to you on this case`);
}

function fieldProblem(field: string, rule: string, message: string): ProblemException {
  return problemOf(400, 'INVALID_BODY', field, rule, message);
}

function bodyProblems(problems: FieldProblem[]): ProblemException {
  return ProblemException.of(400, 'INVALID_BODY', `${problems.length} problem(s) in the upload`, { errors: problems });
}

/** The client's file name without a path, control characters or quotes; null when nothing usable is left. */
export function cleanFilename(raw: string | undefined): string | null {
  if (!raw) return null;
  const base = raw.split(/[\\/]/).pop()!.normalize('NFC');
  if (textProblem(base, 'file')) return null;
  const name = base.replace(/["\u0000-\u001f\u007f]/g, '').trim();
  return name && name !== '.' && name !== '..' && name.length <= 200 ? name : null;
}

/** RFC 6266: an ASCII fallback and the UTF-8 name. */
function contentDisposition(filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]/g, '_').replace(/[\\"]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)}`;
}

/** Multipart's own refusals (a part too large, too many parts or fields) as problems naming the rule. */
function mapMultipartError(err: unknown, maxBytes: number): unknown {
  if (err instanceof ProblemException) return err;
  const code = (err as { code?: string }).code;
  switch (code) {
    case 'FST_REQ_FILE_TOO_LARGE':
      return problemOf(413, 'PAYLOAD_TOO_LARGE', 'file', 'max_bytes', `a document may have at most ${maxBytes} bytes (DOCUMENT_MAX_BYTES)`);
    case 'FST_PARTS_LIMIT':
    case 'FST_FILES_LIMIT':
    case 'FST_FIELDS_LIMIT':
      return fieldProblem('', 'parts_limit', 'an upload has at most six fields and one file');
    case 'FST_PROTO_VIOLATION':
    case 'FST_INVALID_MULTIPART_CONTENT_TYPE':
      return fieldProblem('', 'multipart', 'the body is not well-formed multipart/form-data');
  }
  if (err instanceof Error && /Multipart|boundary|Unexpected end of form|Malformed/i.test(err.message)) {
    return fieldProblem('', 'multipart', `the body is not well-formed multipart/form-data (${err.message.slice(0, 100)})`);
  }
  return err;
}
