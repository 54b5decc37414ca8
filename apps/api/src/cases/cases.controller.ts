import { Body, Controller, Get, Headers, HttpCode, Inject, Param, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { Actor, MlaCommand } from '../../../../libs/domain/src';
import { decodeCursor } from '../../../../libs/persistence/src';
import { CurrentActor } from '../auth/auth.guard';
import { CommandResponses, FilingResponses, ReadResponses } from '../common/openapi';
import { CaseAccess } from './case-access';
import { CaseReference } from './case-reference';
import { ProblemException } from '../common/problem';
import { presentCase, presentTimeline } from './case-presenter';
import {
  AcceptDto,
  AcknowledgeDto,
  AmendDto,
  AssignDto,
  CommandDto,
  DetailsDto,
  ExecutionDto,
  ForwardDto,
  OptionalCommentDto,
  OverrideBasisDto,
  PostponeDto,
  RecognitionExtensionDto,
  ProposalDto,
  ReferenceDto,
  RefuseDto,
  RequiredCommentDto,
  ResultsDto,
  TextDto,
  TranslationDto,
  TransmitDto,
  WithdrawDto,
} from './dto/case-commands.dto';
import { CaseListQuery, CaseReadQuery } from './dto/case-queries.dto';
import { CasePageDto, CaseViewDto, TimelineDto } from './dto/case-view.dto';
import { FileMlaRequestDto } from './dto/file-mla-request.dto';
import { FileMlaRequest } from './usecases/file-mla-request.usecase';
import { RunCaseCommand } from './usecases/run-case-command.usecase';
import { CaseDocuments } from '../documents/case-documents';

@ApiTags('cases')
@ApiBearerAuth()
@Controller('cases')
export class CasesController {
  constructor(
    @Inject(FileMlaRequest) private readonly fileRequest: FileMlaRequest,
    @Inject(RunCaseCommand) private readonly runCommand: RunCaseCommand,
    @Inject(CaseAccess) private readonly access: CaseAccess,
    @Inject(CaseReference) private readonly reference: CaseReference,
    @Inject(CaseDocuments) private readonly documents: CaseDocuments,
  ) {}

  @Post()
  @ApiOperation({ summary: 'File an MLA request (DRAFT). A retried POST with the same Idempotency-Key returns the same case.' })
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  @FilingResponses(CaseViewDto)
  async file(
    @CurrentActor() actor: Actor,
    @Body() dto: FileMlaRequestDto,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const { caseId, created, accepted } = await this.fileRequest.execute(actor, dto, idempotencyKey);
    if (accepted) return accepted;
    void reply.status(created ? 201 : 200).header('location', `/cases/${caseId}`);
    const view = await this.access.view(actor, caseId);
    // What the filing did not block but the filer must know (a basis not in force for a State of the pair).
    const filing = view.history?.find((e: { event: string }) => e.event === 'FILED') as { data?: { warnings?: unknown[] } } | undefined;
    const warnings = filing?.data?.warnings;
    return Array.isArray(warnings) && warnings.length ? { ...view, warnings } : view;
  }

  @Get()
  @ApiOperation({
    summary:
      "The actor's cases, keyset-paginated: for a central authority its requested-side work queue first (urgent, then deadline breached, then at risk, then oldest), then the rest newest first; for others newest first",
  })
  @ReadResponses(CasePageDto, 400)
  async list(@CurrentActor() actor: Actor, @Query() q: CaseListQuery) {
    // One statement reads the page and records its read in the access log.
    const page = await this.access.queries.list(actor, q.limit, q.cursor ? decodeCursor(q.cursor) : null);
    return { items: page.items.map((row) => presentCase(row, this.access.reader(actor, row))), nextCursor: page.nextCursor };
  }

  @Get(':id')
  @ApiOperation({
    summary: 'One case with its audit history',
    description: 'With minVersion, 503 READ_MODEL_BEHIND (Retry-After) until the case shows that version: read your own write after a 202.',
  })
  @ReadResponses(CaseViewDto, 400, 403, 404)
  get(@CurrentActor() actor: Actor, @Param('id') id: string, @Query() q: CaseReadQuery) {
    return this.access.view(actor, id, q.minVersion);
  }

  @Get(':id/timeline')
  @ApiOperation({
    summary: 'Where the request is and what is late: events, state, flags, every clock (rule, due instant, status, legal reference), tasks and figures',
  })
  @ReadResponses(TimelineDto, 403, 404)
  async timeline(@CurrentActor() actor: Actor, @Param('id') id: string) {
    const { row, reader } = await this.access.require(actor, id, { kind: 'VIEW' });
    const [history, tasks] = await Promise.all([this.access.queries.history(id), this.access.queries.tasks(id)]);
    await this.access.logRead(actor, 'TIMELINE', [id]);
    return presentTimeline(row, history, tasks, reader);
  }

  @Patch(':id')
  @CommandResponses(CaseViewDto)
  @ApiOperation({ summary: 'Prosecutor amends the draft (DRAFT or RETURNED_FOR_CORRECTION); a new legalBasis re-pins its rule pack' })
  amend(@CurrentActor() actor: Actor, @Param('id') id: string, @Body() body: AmendDto) {
    const { occurredAt, ...changes } = body;
    return this.command(actor, id, { type: 'AMEND', changes }, occurredAt);
  }

  @Post(':id/submit')
  @HttpCode(200)
  @CommandResponses(CaseViewDto)
  @ApiOperation({ summary: 'Prosecutor submits (DRAFT → PENDING_CA_REVIEW); 422 lists every missing element (UNTOC 18(15), ECOWAS 5(1))' })
  submit(@CurrentActor() a: Actor, @Param('id') id: string, @Body() b: OptionalCommentDto) {
    return this.command(a, id, { type: 'SUBMIT', comment: b.comment }, b.occurredAt);
  }

  @Post(':id/resubmit')
  @HttpCode(200)
  @CommandResponses(CaseViewDto)
  @ApiOperation({ summary: 'Prosecutor resubmits after correction (RETURNED_FOR_CORRECTION → PENDING_CA_REVIEW)' })
  resubmit(@CurrentActor() a: Actor, @Param('id') id: string, @Body() b: OptionalCommentDto) {
    return this.command(a, id, { type: 'RESUBMIT', comment: b.comment }, b.occurredAt);
  }

  @Post(':id/approve')
  @HttpCode(200)
  @CommandResponses(CaseViewDto)
  @ApiOperation({ summary: 'Requesting CA approves (→ READY_TO_TRANSMIT, or TRANSLATION_PENDING when the language is not accepted)' })
  approve(@CurrentActor() a: Actor, @Param('id') id: string, @Body() b: OptionalCommentDto) {
    return this.command(a, id, { type: 'APPROVE', comment: b.comment }, b.occurredAt);
  }

  @Post(':id/return-for-correction')
  @HttpCode(200)
  @CommandResponses(CaseViewDto)
  @ApiOperation({ summary: 'Requesting CA returns the draft (PENDING_CA_REVIEW → RETURNED_FOR_CORRECTION)' })
  returnForCorrection(@CurrentActor() a: Actor, @Param('id') id: string, @Body() b: RequiredCommentDto) {
    return this.command(a, id, { type: 'RETURN_FOR_CORRECTION', comment: b.comment }, b.occurredAt);
  }

  @Post(':id/basis-override')
  @HttpCode(200)
  @CommandResponses(CaseViewDto)
  @ApiOperation({ summary: 'Admin lets a case proceed on a basis not in force for both States on the filing date (audited)' })
  overrideBasis(@CurrentActor() a: Actor, @Param('id') id: string, @Body() b: OverrideBasisDto) {
    return this.command(a, id, { type: 'OVERRIDE_BASIS', justification: b.justification }, b.occurredAt);
  }

  @Post(':id/rule-pack')
  @HttpCode(200)
  @CommandResponses(CaseViewDto)
  @ApiOperation({ summary: "Admin re-pins the case on the newest version of its instrument's rule pack (audited); running clocks move to the new values" })
  repin(@CurrentActor() a: Actor, @Param('id') id: string, @Body() b: OverrideBasisDto) {
    return this.command(a, id, { type: 'REPIN_RULE_PACK', justification: b.justification }, b.occurredAt);
  }

  @Post(':id/translation')
  @HttpCode(200)
  @CommandResponses(CaseViewDto)
  @ApiOperation({ summary: 'Requesting CA attaches the certified translation (TRANSLATION_PENDING → READY_TO_TRANSMIT)' })
  async translation(@CurrentActor() a: Actor, @Param('id') id: string, @Body() b: TranslationDto) {
    await this.access.require(a, id, { kind: 'VIEW' });
    const document = b.documentId ? await this.documents.fact(id, b.documentId) : undefined;
    const command: MlaCommand = {
      type: 'ATTACH_TRANSLATION',
      language: b.language,
      documentRef: b.documentRef,
      certified: b.certified,
      comment: b.comment,
      ...(document ? { document } : {}),
    };
    return this.command(a, id, command, b.occurredAt);
  }

  @Post(':id/transmit')
  @HttpCode(200)
  @CommandResponses(CaseViewDto)
  @ApiOperation({ summary: 'Requesting CA transmits on a channel with evidence (READY_TO_TRANSMIT → TRANSMITTED)' })
  async transmit(@CurrentActor() a: Actor, @Param('id') id: string, @Body() b: TransmitDto) {
    // The request package as it stands: sealed into the audit trail by cases filed with documents.
    await this.access.require(a, id, { kind: 'VIEW' });
    const sealed = await this.documents.package(id);
    return this.command(
      a,
      id,
      { type: 'TRANSMIT', channel: b.channel, reference: b.reference, oral: b.oral, comment: b.comment, package: sealed },
      b.occurredAt,
    );
  }

  @Post(':id/written-confirmation')
  @HttpCode(200)
  @CommandResponses(CaseViewDto)
  @ApiOperation({ summary: 'Requesting CA confirms an oral urgent request in writing (UNTOC 18(14))' })
  confirmInWriting(@CurrentActor() a: Actor, @Param('id') id: string, @Body() b: ReferenceDto) {
    return this.command(a, id, { type: 'CONFIRM_IN_WRITING', reference: b.reference, comment: b.comment }, b.occurredAt);
  }

  @Post(':id/acknowledge')
  @HttpCode(200)
  @CommandResponses(CaseViewDto)
  @ApiOperation({ summary: 'Requested CA acknowledges receipt (TRANSMITTED → RECEIVED)' })
  acknowledge(@CurrentActor() a: Actor, @Param('id') id: string, @Body() b: AcknowledgeDto) {
    return this.command(a, id, { type: 'ACKNOWLEDGE', reference: b.reference, comment: b.comment, packageSha256: b.packageSha256 }, b.occurredAt);
  }

  @Post(':id/information-requests')
  @HttpCode(200)
  @CommandResponses(CaseViewDto)
  @ApiOperation({ summary: "Requested CA asks for more information (UNTOC 18(16)); the requested side's clocks pause" })
  requestInfo(@CurrentActor() a: Actor, @Param('id') id: string, @Body() b: DetailsDto) {
    return this.command(a, id, { type: 'REQUEST_INFO', details: b.details }, b.occurredAt);
  }

  @Post(':id/information')
  @HttpCode(200)
  @CommandResponses(CaseViewDto)
  @ApiOperation({ summary: 'Requesting side provides the information (ADDITIONAL_INFO_REQUESTED → previous state)' })
  provideInfo(@CurrentActor() a: Actor, @Param('id') id: string, @Body() b: DetailsDto) {
    return this.command(a, id, { type: 'PROVIDE_INFO', details: b.details }, b.occurredAt);
  }

  @Post(':id/consultation')
  @HttpCode(200)
  @CommandResponses(CaseViewDto)
  @ApiOperation({ summary: 'Requested CA opens consultation (UNTOC 18(26)): required before refusal or postponement' })
  consult(@CurrentActor() a: Actor, @Param('id') id: string, @Body() b: ProposalDto) {
    return this.command(a, id, { type: 'OPEN_CONSULTATION', proposal: b.proposal }, b.occurredAt);
  }

  @Post(':id/consultation/replies')
  @HttpCode(200)
  @CommandResponses(CaseViewDto)
  @ApiOperation({ summary: 'Requesting side answers the consultation' })
  consultationReply(@CurrentActor() a: Actor, @Param('id') id: string, @Body() b: TextDto) {
    return this.command(a, id, { type: 'CONSULTATION_REPLY', text: b.text }, b.occurredAt);
  }

  @Post(':id/refuse')
  @HttpCode(200)
  @CommandResponses(CaseViewDto)
  @ApiOperation({ summary: 'Requested CA refuses, only from CONSULTATION, with a ground (UNTOC 18(21)) and reasons (18(23))' })
  refuse(@CurrentActor() a: Actor, @Param('id') id: string, @Body() b: RefuseDto) {
    return this.command(a, id, { type: 'REFUSE', ground: b.ground, reasons: b.reasons }, b.occurredAt);
  }

  @Post(':id/postpone')
  @HttpCode(200)
  @CommandResponses(CaseViewDto)
  @ApiOperation({ summary: "Requested CA postpones, only from CONSULTATION, with a review date (UNTOC 18(25)); the requester's deadline keeps running" })
  postpone(@CurrentActor() a: Actor, @Param('id') id: string, @Body() b: PostponeDto) {
    return this.command(a, id, { type: 'POSTPONE', reviewDate: b.reviewDate, reasons: b.reasons }, b.occurredAt);
  }

  @Post(':id/recognition-extension')
  @HttpCode(200)
  @CommandResponses(CaseViewDto)
  @ApiOperation({
    summary:
      "Requested CA notifies, once, that it cannot decide on an EIO's recognition in time, with reasons and an estimate: the 30 days become 60 (EIO art. 12(5))",
  })
  extendRecognition(@CurrentActor() a: Actor, @Param('id') id: string, @Body() b: RecognitionExtensionDto) {
    return this.command(a, id, { type: 'EXTEND_RECOGNITION', reasons: b.reasons, estimatedDecisionDate: b.estimatedDecisionDate }, b.occurredAt);
  }

  @Post(':id/resume')
  @HttpCode(200)
  @CommandResponses(CaseViewDto)
  @ApiOperation({ summary: 'Requested CA resumes a postponed request (POSTPONED → IN_EXECUTION)' })
  resume(@CurrentActor() a: Actor, @Param('id') id: string, @Body() b: OptionalCommentDto) {
    return this.command(a, id, { type: 'RESUME', comment: b.comment }, b.occurredAt);
  }

  @Post(':id/accept')
  @HttpCode(200)
  @CommandResponses(CaseViewDto)
  @ApiOperation({ summary: 'Requested CA accepts for execution, optionally forwarding items (→ IN_EXECUTION)' })
  accept(@CurrentActor() a: Actor, @Param('id') id: string, @Body() b: AcceptDto) {
    return this.command(a, id, { type: 'ACCEPT', forward: b.forward, comment: b.comment }, b.occurredAt);
  }

  @Post(':id/forward')
  @HttpCode(200)
  @CommandResponses(CaseViewDto)
  @ApiOperation({ summary: 'Requested CA forwards items to executing authorities' })
  forward(@CurrentActor() a: Actor, @Param('id') id: string, @Body() b: ForwardDto) {
    return this.command(a, id, { type: 'FORWARD_ITEMS', forward: b.forward, comment: b.comment }, b.occurredAt);
  }

  @Post(':id/items/:itemId/executed')
  @HttpCode(200)
  @CommandResponses(CaseViewDto)
  @ApiOperation({ summary: 'Executing authority records an item executed (→ PARTIALLY_EXECUTED / EXECUTED)' })
  executed(@CurrentActor() a: Actor, @Param('id') id: string, @Param('itemId') itemId: string, @Body() b: ExecutionDto) {
    return this.command(a, id, { type: 'RECORD_EXECUTION', itemId, note: b.note }, b.occurredAt);
  }

  @Post(':id/results')
  @HttpCode(200)
  @CommandResponses(CaseViewDto)
  @ApiOperation({ summary: 'Requested CA transmits results (→ RESULTS_TRANSMITTED once every item is returned)' })
  async results(@CurrentActor() a: Actor, @Param('id') id: string, @Body() b: ResultsDto) {
    // The evidence returned for each item: cases filed with documents return results as EVIDENCE documents.
    await this.access.require(a, id, { kind: 'VIEW' });
    const evidence = await this.documents.evidence(id);
    return this.command(a, id, { type: 'TRANSMIT_RESULTS', itemIds: b.itemIds, reference: b.reference, comment: b.comment, evidence }, b.occurredAt);
  }

  @Post(':id/confirm-receipt')
  @HttpCode(200)
  @CommandResponses(CaseViewDto)
  @ApiOperation({ summary: 'Requesting CA confirms receipt of the results (RESULTS_TRANSMITTED → CLOSED)' })
  confirmReceipt(@CurrentActor() a: Actor, @Param('id') id: string, @Body() b: OptionalCommentDto) {
    return this.command(a, id, { type: 'CONFIRM_RECEIPT', comment: b.comment }, b.occurredAt);
  }

  @Post(':id/withdraw')
  @HttpCode(200)
  @CommandResponses(CaseViewDto)
  @ApiOperation({ summary: 'The requesting side withdraws (any open state → WITHDRAWN); every timer and task ends' })
  withdraw(@CurrentActor() a: Actor, @Param('id') id: string, @Body() b: WithdrawDto) {
    return this.command(a, id, { type: 'WITHDRAW', reason: b.reason }, b.occurredAt);
  }

  @Post(':id/notes')
  @HttpCode(200)
  @CommandResponses(CaseViewDto)
  @ApiOperation({ summary: "A note on the case: parties, the pair's liaison magistrate, escalated focal points. Network notes do not reset STALLED." })
  note(@CurrentActor() a: Actor, @Param('id') id: string, @Body() b: TextDto) {
    return this.command(a, id, { type: 'NOTE', text: b.text }, b.occurredAt);
  }

  @Post(':id/assignee')
  @HttpCode(200)
  @CommandResponses(CaseViewDto)
  @ApiOperation({
    summary:
      "A central authority assigns the case's present step, which its authority owes, to one of its officers (422 if the user is not one): level-0 reminders go to them, level-1 escalations to the head; every reassignment is audited",
  })
  async assign(@CurrentActor() a: Actor, @Param('id') id: string, @Body() b: AssignDto) {
    const { row } = await this.access.require(a, id, { kind: 'VIEW' });
    if (row.kind !== 'MLA' && row.kind !== 'EXTRADITION') {
      throw ProblemException.of(409, 'NOT_ASSIGNABLE', 'a domestic prosecution is conducted by the requested State’s prosecutors: it is not assigned here');
    }
    const assignee = await this.reference.assigneeFacts(b.userId);
    const command = { type: 'ASSIGN' as const, assigneeId: b.userId, authorityId: a.authorityId, assignee, comment: b.comment };
    const { warnings, accepted } = await this.runCommand.execute(a, id, command, b.occurredAt, row.kind);
    if (accepted) return accepted;
    const view = await this.access.view(a, id);
    return warnings.length ? { ...view, warnings } : view;
  }

  private async command(actor: Actor, id: string, command: MlaCommand, occurredAt?: CommandDto['occurredAt']) {
    const { warnings, accepted } = await this.runCommand.execute(actor, id, command, occurredAt);
    if (accepted) return accepted;
    const view = await this.access.view(actor, id);
    return warnings.length ? { ...view, warnings } : view;
  }
}
