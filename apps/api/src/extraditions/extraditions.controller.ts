import { Body, Controller, Headers, HttpCode, Inject, Param, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { Actor, DomesticCommand, ExtraditionCommand } from '../../../../libs/domain/src';
import type { CaseKind } from '../../../../libs/contracts/src';
import { CurrentActor } from '../auth/auth.guard';
import { CaseAccess } from '../cases/case-access';
import { CaseViewDto } from '../cases/dto/case-view.dto';
import { CommandResponses, FilingResponses } from '../common/openapi';
import {
  CommandDto,
  DetailsDto,
  OptionalCommentDto,
  ProposalDto,
  RequiredCommentDto,
  TextDto,
  TransmitDto,
  WithdrawDto,
  OverrideBasisDto,
} from '../cases/dto/case-commands.dto';
import { RunCaseCommand } from '../cases/usecases/run-case-command.usecase';
import {
  AmendBasisDto,
  ConflictChoiceDto,
  CourtDecisionDto,
  CourtInfoDto,
  DomesticProgressDto,
  ExtraditionRefuseDto,
  FileExtraditionDto,
  ForceMajeureDto,
  ReleaseDecisionDto,
  SurrenderDateDto,
} from './extradition.dto';
import { FileExtradition } from './file-extradition.usecase';

/** Extradition (domain brief §5). Reads go through GET /cases/:id and /cases/:id/timeline like any case. */
@ApiTags('extraditions')
@ApiBearerAuth()
@Controller()
export class ExtraditionsController {
  constructor(
    @Inject(FileExtradition) private readonly fileExtradition: FileExtradition,
    @Inject(RunCaseCommand) private readonly runCommand: RunCaseCommand,
    @Inject(CaseAccess) private readonly access: CaseAccess,
  ) {}

  @Post('extraditions')
  @ApiOperation({ summary: 'File an extradition request, with a provisional-arrest request when `provisionalArrest` is given' })
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  @FilingResponses(CaseViewDto)
  async file(
    @CurrentActor() actor: Actor,
    @Body() dto: FileExtraditionDto,
    @Headers('idempotency-key') key: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const { caseId, created, accepted } = await this.fileExtradition.execute(actor, dto, key);
    if (accepted) return accepted;
    void reply.status(created ? 201 : 200).header('location', `/cases/${caseId}`);
    return this.access.view(actor, caseId);
  }

  @Post('extraditions/:id/arrest')
  @HttpCode(200)
  @CommandResponses(CaseViewDto)
  @ApiOperation({ summary: 'Requested CA records the arrest (day 0 of custody; occurredAt = time of arrest)' })
  arrest(@CurrentActor() a: Actor, @Param('id') id: string, @Body() b: OptionalCommentDto) {
    return this.ext(a, id, { type: 'RECORD_ARREST', comment: b.comment }, b.occurredAt);
  }

  @Post('extraditions/:id/formal-request/submit')
  @HttpCode(200)
  @CommandResponses(CaseViewDto)
  @ApiOperation({ summary: 'Prosecutor submits the formal request for central-authority review' })
  submit(@CurrentActor() a: Actor, @Param('id') id: string, @Body() b: OptionalCommentDto) {
    return this.ext(a, id, { type: 'SUBMIT', comment: b.comment }, b.occurredAt);
  }

  @Post('extraditions/:id/formal-request/return-for-correction')
  @HttpCode(200)
  @CommandResponses(CaseViewDto)
  @ApiOperation({ summary: 'Requesting CA returns the formal request to the prosecutor for correction' })
  returnForCorrection(@CurrentActor() a: Actor, @Param('id') id: string, @Body() b: RequiredCommentDto) {
    return this.ext(a, id, { type: 'RETURN_FOR_CORRECTION', comment: b.comment }, b.occurredAt);
  }

  @Post('extraditions/:id/formal-request/resubmit')
  @HttpCode(200)
  @CommandResponses(CaseViewDto)
  @ApiOperation({ summary: 'Prosecutor resubmits the corrected formal request for central-authority review' })
  resubmit(@CurrentActor() a: Actor, @Param('id') id: string, @Body() b: OptionalCommentDto) {
    return this.ext(a, id, { type: 'RESUBMIT', comment: b.comment }, b.occurredAt);
  }

  @Post('extraditions/:id/formal-request/basis-override')
  @HttpCode(200)
  @CommandResponses(CaseViewDto)
  @ApiOperation({ summary: 'Admin lets the formal request proceed on a basis not in force for both States on the filing date (audited)' })
  overrideBasis(@CurrentActor() a: Actor, @Param('id') id: string, @Body() b: OverrideBasisDto) {
    return this.ext(a, id, { type: 'OVERRIDE_BASIS', justification: b.justification }, b.occurredAt);
  }

  @Post('extraditions/:id/formal-request/basis-amendment')
  @HttpCode(200)
  @CommandResponses(CaseViewDto)
  @ApiOperation({ summary: 'Requesting side amends the legal basis of the formal request before transmission: the case pins the new rule pack' })
  amendBasis(@CurrentActor() a: Actor, @Param('id') id: string, @Body() b: AmendBasisDto) {
    return this.ext(a, id, { type: 'AMEND_BASIS', legalBasis: b.legalBasis, comment: b.comment }, b.occurredAt);
  }

  @Post('extraditions/:id/formal-request/approve')
  @HttpCode(200)
  @CommandResponses(CaseViewDto)
  @ApiOperation({ summary: 'Requesting CA approves the formal request for transmission' })
  approve(@CurrentActor() a: Actor, @Param('id') id: string, @Body() b: OptionalCommentDto) {
    return this.ext(a, id, { type: 'APPROVE', comment: b.comment }, b.occurredAt);
  }

  @Post('extraditions/:id/formal-request/transmit')
  @HttpCode(200)
  @CommandResponses(CaseViewDto)
  @ApiOperation({ summary: 'Requesting CA transmits the formal request on a channel with evidence' })
  transmit(@CurrentActor() a: Actor, @Param('id') id: string, @Body() b: TransmitDto) {
    return this.ext(a, id, { type: 'TRANSMIT', channel: b.channel, reference: b.reference, comment: b.comment }, b.occurredAt);
  }

  @Post('extraditions/:id/formal-request/receipt')
  @HttpCode(200)
  @CommandResponses(CaseViewDto)
  @ApiOperation({ summary: 'Requested CA records receipt of the formal request: custody clocks stop (→ FORMAL_REQUEST_RECEIVED)' })
  receive(@CurrentActor() a: Actor, @Param('id') id: string, @Body() b: OptionalCommentDto) {
    return this.ext(a, id, { type: 'RECEIVE_FORMAL_REQUEST', comment: b.comment }, b.occurredAt);
  }

  @Post('extraditions/:id/rearrest-request')
  @HttpCode(200)
  @CommandResponses(CaseViewDto)
  @ApiOperation({ summary: 'Requesting CA asks that a person released when a custody limit passed be arrested again' })
  rearrest(@CurrentActor() a: Actor, @Param('id') id: string, @Body() b: OptionalCommentDto) {
    return this.ext(a, id, { type: 'REQUEST_REARREST', comment: b.comment }, b.occurredAt);
  }

  @Post('extraditions/:id/judicial-phase')
  @HttpCode(200)
  @CommandResponses(CaseViewDto)
  @ApiOperation({ summary: 'Requested CA records that the case is before the court (judicial phase opens)' })
  judicial(@CurrentActor() a: Actor, @Param('id') id: string, @Body() b: OptionalCommentDto) {
    return this.ext(a, id, { type: 'OPEN_JUDICIAL_PHASE', comment: b.comment }, b.occurredAt);
  }

  @Post('extraditions/:id/court-information-requests')
  @HttpCode(200)
  @CommandResponses(CaseViewDto)
  @ApiOperation({ summary: 'The court asks for additional information within a time limit' })
  courtInfo(@CurrentActor() a: Actor, @Param('id') id: string, @Body() b: CourtInfoDto) {
    return this.ext(a, id, { type: 'COURT_REQUEST_INFO', details: b.details, timeLimitDays: b.timeLimitDays }, b.occurredAt);
  }

  @Post('extraditions/:id/information')
  @HttpCode(200)
  @CommandResponses(CaseViewDto)
  @ApiOperation({ summary: 'Requesting side provides the information the court asked for' })
  provideInfo(@CurrentActor() a: Actor, @Param('id') id: string, @Body() b: DetailsDto) {
    return this.ext(a, id, { type: 'PROVIDE_INFO', details: b.details }, b.occurredAt);
  }

  @Post('extraditions/:id/consent')
  @HttpCode(200)
  @CommandResponses(CaseViewDto)
  @ApiOperation({ summary: 'The person consents: simplified extradition (→ EXECUTIVE_DECISION)' })
  consent(@CurrentActor() a: Actor, @Param('id') id: string, @Body() b: OptionalCommentDto) {
    return this.ext(a, id, { type: 'RECORD_CONSENT', comment: b.comment }, b.occurredAt);
  }

  @Post('extraditions/:id/court-decision')
  @HttpCode(200)
  @CommandResponses(CaseViewDto)
  @ApiOperation({ summary: "Requested CA records the court's decision, favourable or unfavourable" })
  courtDecision(@CurrentActor() a: Actor, @Param('id') id: string, @Body() b: CourtDecisionDto) {
    return this.ext(a, id, { type: 'COURT_DECISION', outcome: b.outcome, comment: b.comment }, b.occurredAt);
  }

  @Post('extraditions/:id/appeal')
  @HttpCode(200)
  @CommandResponses(CaseViewDto)
  @ApiOperation({ summary: "Requested CA records an appeal against the court's decision" })
  appeal(@CurrentActor() a: Actor, @Param('id') id: string, @Body() b: OptionalCommentDto) {
    return this.ext(a, id, { type: 'APPEAL', comment: b.comment }, b.occurredAt);
  }

  @Post('extraditions/:id/executive-phase')
  @HttpCode(200)
  @CommandResponses(CaseViewDto)
  @ApiOperation({ summary: 'Requested CA refers a favourable court decision to the executive (→ EXECUTIVE_DECISION)' })
  executive(@CurrentActor() a: Actor, @Param('id') id: string, @Body() b: OptionalCommentDto) {
    return this.ext(a, id, { type: 'REFER_TO_EXECUTIVE', comment: b.comment }, b.occurredAt);
  }

  @Post('extraditions/:id/consultation')
  @HttpCode(200)
  @CommandResponses(CaseViewDto)
  @ApiOperation({ summary: 'Requested CA opens consultation with the requesting State: required before refusal' })
  consult(@CurrentActor() a: Actor, @Param('id') id: string, @Body() b: ProposalDto) {
    return this.ext(a, id, { type: 'OPEN_CONSULTATION', proposal: b.proposal }, b.occurredAt);
  }

  @Post('extraditions/:id/consultation/replies')
  @HttpCode(200)
  @CommandResponses(CaseViewDto)
  @ApiOperation({ summary: 'Requesting side answers the consultation' })
  reply(@CurrentActor() a: Actor, @Param('id') id: string, @Body() b: TextDto) {
    return this.ext(a, id, { type: 'CONSULTATION_REPLY', text: b.text }, b.occurredAt);
  }

  @Post('extraditions/:id/domestic-prosecution-request')
  @HttpCode(200)
  @CommandResponses(CaseViewDto)
  @ApiOperation({ summary: 'Requesting CA asks that a national be prosecuted at home if extradition is refused (UNTOC 16(10))' })
  domesticRequest(@CurrentActor() a: Actor, @Param('id') id: string, @Body() b: OptionalCommentDto) {
    return this.ext(a, id, { type: 'REQUEST_DOMESTIC_PROSECUTION', comment: b.comment }, b.occurredAt);
  }

  @Post('extraditions/:id/conflict-choice')
  @HttpCode(200)
  @CommandResponses(CaseViewDto)
  @ApiOperation({ summary: 'Requested CA records its choice between conflicting requests, with the factors (ECE art. 17)' })
  choice(@CurrentActor() a: Actor, @Param('id') id: string, @Body() b: ConflictChoiceDto) {
    return this.ext(a, id, { type: 'RECORD_CONFLICT_CHOICE', preferredCaseId: b.preferredCaseId, factors: { ...b.factors } }, b.occurredAt);
  }

  @Post('extraditions/:id/grant')
  @HttpCode(200)
  @CommandResponses(CaseViewDto)
  @ApiOperation({ summary: 'Requested CA grants extradition (executive decision)' })
  grant(@CurrentActor() a: Actor, @Param('id') id: string, @Body() b: OptionalCommentDto) {
    return this.ext(a, id, { type: 'GRANT', comment: b.comment }, b.occurredAt);
  }

  @Post('extraditions/:id/refuse')
  @HttpCode(200)
  @CommandResponses(CaseViewDto)
  @ApiOperation({ summary: 'Requested CA refuses, only after consultation, with a ground and reasons' })
  refuse(@CurrentActor() a: Actor, @Param('id') id: string, @Body() b: ExtraditionRefuseDto) {
    return this.ext(a, id, { type: 'REFUSE', ground: b.ground, reasons: b.reasons }, b.occurredAt);
  }

  @Post('extraditions/:id/surrender-date')
  @HttpCode(200)
  @CommandResponses(CaseViewDto)
  @ApiOperation({ summary: 'Surrender date agreed (day 0 of the surrender release limits)' })
  surrenderDate(@CurrentActor() a: Actor, @Param('id') id: string, @Body() b: SurrenderDateDto) {
    return this.ext(a, id, { type: 'SCHEDULE_SURRENDER', agreedDate: b.agreedDate, comment: b.comment }, b.occurredAt);
  }

  @Post('extraditions/:id/release-decision')
  @HttpCode(200)
  @CommandResponses(CaseViewDto)
  @ApiOperation({ summary: 'Requested CA records the decision a release-possible task calls for: release the person, or maintain custody' })
  releaseDecision(@CurrentActor() a: Actor, @Param('id') id: string, @Body() b: ReleaseDecisionDto) {
    return this.ext(a, id, { type: 'DECIDE_ON_RELEASE', decision: b.decision, reasons: b.reasons }, b.occurredAt);
  }

  @Post('extraditions/:id/force-majeure')
  @HttpCode(200)
  @CommandResponses(CaseViewDto)
  @ApiOperation({ summary: 'Force majeure: a new surrender date restarts the release limits' })
  forceMajeure(@CurrentActor() a: Actor, @Param('id') id: string, @Body() b: ForceMajeureDto) {
    return this.ext(a, id, { type: 'FORCE_MAJEURE', newDate: b.newDate, reason: b.reason }, b.occurredAt);
  }

  @Post('extraditions/:id/surrendered')
  @HttpCode(200)
  @CommandResponses(CaseViewDto)
  @ApiOperation({ summary: 'Requested CA records the surrender of the person: the custody and surrender clocks stop' })
  surrendered(@CurrentActor() a: Actor, @Param('id') id: string, @Body() b: OptionalCommentDto) {
    return this.ext(a, id, { type: 'RECORD_SURRENDER', comment: b.comment }, b.occurredAt);
  }

  @Post('extraditions/:id/withdraw')
  @HttpCode(200)
  @CommandResponses(CaseViewDto)
  @ApiOperation({ summary: 'The requesting side withdraws the request; every timer and task ends' })
  withdraw(@CurrentActor() a: Actor, @Param('id') id: string, @Body() b: WithdrawDto) {
    return this.ext(a, id, { type: 'WITHDRAW', reason: b.reason }, b.occurredAt);
  }

  @Post('extraditions/:id/notes')
  @HttpCode(200)
  @CommandResponses(CaseViewDto)
  @ApiOperation({ summary: 'A note on the case by a party or a network contact; network notes do not reset STALLED' })
  note(@CurrentActor() a: Actor, @Param('id') id: string, @Body() b: TextDto) {
    return this.ext(a, id, { type: 'NOTE', text: b.text }, b.occurredAt);
  }

  @Post('domestic-prosecutions/:id/progress')
  @HttpCode(200)
  @CommandResponses(CaseViewDto)
  @ApiOperation({ summary: "The requested State's prosecutor reports progress of a domestic prosecution (UNTOC 16(10))" })
  progress(@CurrentActor() a: Actor, @Param('id') id: string, @Body() b: DomesticProgressDto) {
    return this.run(a, id, { type: 'RECORD_PROGRESS', status: b.status, note: b.note }, b.occurredAt, 'DOMESTIC_PROSECUTION');
  }

  @Post('domestic-prosecutions/:id/notes')
  @HttpCode(200)
  @CommandResponses(CaseViewDto)
  @ApiOperation({ summary: 'A note on a domestic prosecution case' })
  domesticNote(@CurrentActor() a: Actor, @Param('id') id: string, @Body() b: TextDto) {
    return this.run(a, id, { type: 'NOTE', text: b.text }, b.occurredAt, 'DOMESTIC_PROSECUTION');
  }

  private ext(actor: Actor, id: string, command: ExtraditionCommand, occurredAt?: CommandDto['occurredAt']) {
    return this.run(actor, id, command, occurredAt, 'EXTRADITION');
  }

  private async run(actor: Actor, id: string, command: ExtraditionCommand | DomesticCommand, occurredAt: string | undefined, kind: CaseKind) {
    const { accepted } = await this.runCommand.execute(actor, id, command, occurredAt, kind);
    return accepted ?? this.access.view(actor, id);
  }
}
