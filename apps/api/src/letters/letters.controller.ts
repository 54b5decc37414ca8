import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DataSource } from 'typeorm';
import { documentScope, inDocumentScope, type Actor, type CaseRelation } from '../../../../libs/domain/src';
import {
  chooseLetterLanguage,
  draftRequestLetter,
  loadPdfFonts,
  renderCustodyReport,
  renderRequestLetter,
  type CustodyReportInput,
  type LetterTemplates,
} from '../../../../libs/pdf/src';
import { accessFactsOf } from '../../../../libs/persistence/src';
import { CurrentActor } from '../auth/auth.guard';
import { CaseAccess, notFound } from '../cases/case-access';
import { AcceptedCommandDto, Problems } from '../common/openapi';
import { ProblemException } from '../common/problem';
import { itemsOf, present } from '../documents/documents.controller';
import { DocumentsService } from '../documents/documents.service';
import { LetterFactsQueries } from './letter-facts';
import { CustodyReportQuery, RequestLetterBodyDto, RequestLetterDto } from './letters.dto';

export const LETTER_TEMPLATES = Symbol('LETTER_TEMPLATES');

/** Who drafts the letter: the requesting side, as it writes the request (domain brief §2). */
const DRAFTERS: readonly CaseRelation[] = ['REQUESTING_PROSECUTOR', 'REQUESTING_CA'];
/** The kinds of case whose documents have a chain of custody, by route prefix (as the documents routes serve them). */
const CUSTODY_PREFIXES = { cases: null, extraditions: 'EXTRADITION', 'domestic-prosecutions': 'DOMESTIC_PROSECUTION' } as const;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * The documents the engine writes itself: the letter of request drafted from the case (UNTOC art. 18(15),
 * ECOWAS art. 5(1)) and stored as the case's REQUEST_LETTER, and the court-ready custody report of a document.
 */
@ApiTags('documents')
@ApiBearerAuth()
@Controller()
export class LettersController {
  private readonly facts: LetterFactsQueries;

  constructor(
    @Inject(CaseAccess) private readonly access: CaseAccess,
    @Inject(DocumentsService) private readonly documents: DocumentsService,
    @Inject(LETTER_TEMPLATES) private readonly templates: LetterTemplates,
    @Inject(DataSource) db: DataSource,
  ) {
    this.facts = new LetterFactsQueries(db);
  }

  @Post('cases/:id/documents/request-letter')
  @HttpCode(201)
  @ApiOperation({
    summary:
      'Draft the letter of request as a PDF from the case, in a language the requested State accepts under the basis, and store it as the REQUEST_LETTER (superseding the previous one); elements the case lacks are listed, never invented',
  })
  @ApiResponse({ status: 201, description: 'The stored letter (Location: its download) and the missing elements', type: RequestLetterDto })
  @ApiResponse({
    status: 202,
    description: 'Not answered by this route (the letter is stored before the answer); listed with every command',
    type: AcceptedCommandDto,
  })
  @Problems(400, 401, 403, 404, 409, 422, 503)
  async requestLetter(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Body() body: RequestLetterBodyDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<RequestLetterDto> {
    const { row, relation, role } = await this.access.require(actor, id, { kind: 'COMMAND', name: 'DRAFT_REQUEST_LETTER', allowedRelations: DRAFTERS });
    if (row.kind !== 'MLA')
      throw ProblemException.of(409, 'NOT_AN_MLA_REQUEST', `case ${row.id} is ${row.kind}: the letter of request is drafted for MLA requests`);
    if (row.transmitted) {
      throw ProblemException.of(409, 'REQUEST_TRANSMITTED', `the request has been transmitted (${row.state}): the letter sent is sealed in its package`);
    }
    if (row.state === 'WITHDRAWN') throw ProblemException.of(409, 'REQUEST_WITHDRAWN', 'the request has been withdrawn');
    const now = new Date();
    const facts = await this.facts.factsOf(row, now);
    const choice = chooseLetterLanguage(facts, this.templates.keys(), body.language);
    if ('problem' in choice) {
      throw ProblemException.of(422, 'LETTER_LANGUAGE', choice.problem.message, { legalRef: choice.problem.legalRef, errors: [choice.problem] });
    }
    const draft = draftRequestLetter(facts, this.templates, choice.language);
    const pdf = await renderRequestLetter(draft, loadPdfFonts(), now);
    const current = (await this.documents.records.list(row.id)).filter((d) => d.kind === 'REQUEST_LETTER' && !d.supersededBy);
    const doc = await this.documents.store({
      caseId: row.id,
      actor: { userId: actor.userId, role, stateCode: actor.stateCode || null, authorityId: actor.authorityId || null },
      relation,
      kind: 'REQUEST_LETTER',
      language: choice.language,
      filename: `request-letter-${choice.language}.pdf`,
      source: pdf,
      supersedes: current.at(-1)?.id,
    });
    // The answer names persons of the case (missing elements): a read, logged as every read of documents is.
    await this.access.logRead(actor, 'DOCUMENTS', [row.id]);
    const presented = present(doc);
    void reply.header('location', presented.href);
    return {
      document: presented as unknown as RequestLetterDto['document'],
      language: draft.language,
      caseLanguage: draft.caseLanguage,
      translationNeeded: draft.translationNeeded,
      missingElements: draft.missingElements,
    };
  }

  @Get(Object.keys(CUSTODY_PREFIXES).map((p) => `${p}/:id/documents/:docId/custody/report`))
  @ApiOperation({
    summary:
      'The court-ready chain of custody of a document as a PDF: the document (kind, SHA-256, size) and every handover with actor, role, authority, time and hash, and whether it is unchanged; its bytes are re-hashed first',
  })
  @ApiResponse({
    status: 200,
    description: 'The report (application/pdf, as an attachment)',
    content: { 'application/pdf': { schema: { type: 'string', format: 'binary' } } },
  })
  @Problems(400, 401, 403, 404, 503)
  async custodyReport(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Param('docId') docId: string,
    @Query() query: CustodyReportQuery,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    const { row, role } = await this.access.require(actor, id, { kind: 'VIEW' });
    // Under /extraditions or /domestic-prosecutions, a case of another kind does not exist.
    const prefix = (request.routeOptions?.url ?? '').split('/')[1] as keyof typeof CUSTODY_PREFIXES;
    const kind = CUSTODY_PREFIXES[prefix];
    if (kind && row.kind !== kind) throw notFound(id);
    const scope = documentScope(actor, accessFactsOf(row), itemsOf(row)) ?? { kind: 'SUMMARY' as const };
    const doc = UUID.test(docId) ? await this.documents.records.find(row.id, docId) : null;
    if (!doc || !inDocumentScope(scope, doc)) throw documentNotFound(docId);
    const custody = await this.documents.custody(row.id, doc.id);
    if (!custody) throw documentNotFound(docId);
    const language = query.language ?? (await this.reportLanguage(row.requestingState));
    const template = this.templates.get(language);
    if (!template) {
      const message = `no report template in ${language} (templates: ${[...this.templates.keys()].sort().join(', ')})`;
      throw ProblemException.of(400, 'INVALID_QUERY', message, { errors: [{ field: 'language', rule: 'template_available', message }] });
    }
    // A court is shown a chain only for bytes that still hash to it: a mismatch is refused and audited.
    await this.documents.verify({ userId: actor.userId, role, stateCode: actor.stateCode || null, authorityId: actor.authorityId || null }, doc);
    const names = await this.facts.authorityNames(custody.chain.map((l) => l.actor.authorityId ?? ''));
    const input: CustodyReportInput = {
      caseReference: row.id,
      document: {
        id: doc.id,
        kind: doc.kind,
        fileName: doc.filename,
        mediaType: doc.contentType,
        sha256: doc.sha256,
        size: doc.bytes,
        recordedAt: doc.uploadedAt,
      },
      chain: custody.chain.map((l) => ({
        actor: l.actor.userId,
        role: l.actor.role,
        authority: l.actor.authorityId ? `${names.get(l.actor.authorityId) ?? l.actor.authorityId} [${l.actor.authorityId}]` : '—',
        stateCode: l.actor.stateCode ?? undefined,
        event: l.from ? `${l.event}: ${l.from} → ${l.to}` : `${l.event}: ${l.to}`,
        at: l.at,
        sha256: l.sha256,
      })),
      chainIntact: custody.chainIntact,
      generatedAt: new Date(),
      generatedBy: `${actor.userId} (${role}, ${actor.authorityId})`,
    };
    const pdf = await renderCustodyReport(input, template, loadPdfFonts());
    await this.access.logRead(actor, 'DOCUMENTS', [row.id]);
    return reply
      .status(200)
      .header('content-type', 'application/pdf')
      .header('content-length', String(pdf.length))
      .header('content-disposition', `attachment; filename="custody-report-${doc.id}.pdf"`)
      .header('cache-control', 'no-store')
      .send(pdf);
  }

  /** The requesting State's first language with a template (its courts read the report), else English. */
  private async reportLanguage(stateCode: string): Promise<string> {
    return (await this.facts.stateLanguages(stateCode)).find((l) => this.templates.has(l)) ?? 'en';
  }
}

function documentNotFound(docId: string): ProblemException {
  return ProblemException.of(404, 'DOCUMENT_NOT_FOUND', `no document ${String(docId).slice(0, 60)} visible to you on this case`);
}
