import { Body, Controller, Get, Headers, HttpCode, Inject, Param, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { Actor, MlaCommand } from '../../../../libs/domain/src';
import { decodeCursor } from '../../../../libs/persistence/src';
import { CurrentActor } from '../auth/auth.guard';
import { ProblemException } from '../common/problem';
import { CaseAccess } from './case-access';
import { presentCase, presentEvent } from './case-presenter';
import { OptionalCommentDto, RequiredCommentDto, WithdrawDto } from './dto/case-commands.dto';
import { FileMlaRequestDto } from './dto/file-mla-request.dto';
import { FileMlaRequest } from './usecases/file-mla-request.usecase';
import { RunCaseCommand } from './usecases/run-case-command.usecase';

@ApiTags('cases')
@ApiBearerAuth()
@Controller('cases')
export class CasesController {
  constructor(
    @Inject(FileMlaRequest) private readonly fileRequest: FileMlaRequest,
    @Inject(RunCaseCommand) private readonly runCommand: RunCaseCommand,
    @Inject(CaseAccess) private readonly access: CaseAccess,
  ) {}

  @Post()
  @ApiOperation({ summary: 'File an MLA request (DRAFT). A retried POST with the same Idempotency-Key returns the same case.' })
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  async file(
    @CurrentActor() actor: Actor,
    @Body() dto: FileMlaRequestDto,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const { caseId, created } = await this.fileRequest.execute(actor, dto, idempotencyKey);
    void reply.status(created ? 201 : 200).header('location', `/cases/${caseId}`);
    return this.read(actor, caseId);
  }

  @Get()
  @ApiOperation({ summary: "The actor's cases, newest first, keyset-paginated" })
  @ApiQuery({ name: 'limit', required: false, description: '1..100, default 20' })
  @ApiQuery({ name: 'cursor', required: false, description: 'nextCursor of the previous page' })
  async list(@CurrentActor() actor: Actor, @Query('limit') limitRaw?: string, @Query('cursor') cursor?: string) {
    const limit = limitRaw === undefined ? 20 : Number(limitRaw);
    if (!Number.isInteger(limit) || limit < 1 || limit > 100) {
      throw ProblemException.of(400, 'INVALID_QUERY', 'limit must be an integer from 1 to 100', {
        errors: [{ field: 'limit', rule: 'range', message: 'an integer from 1 to 100' }],
      });
    }
    const after = cursor ? decodeCursor(cursor) : null;
    if (cursor && !after) {
      throw ProblemException.of(400, 'INVALID_QUERY', 'cursor is not one this API issued', {
        errors: [{ field: 'cursor', rule: 'format', message: 'use nextCursor from the previous page' }],
      });
    }
    const page = await this.access.queries.list(actor, limit, after);
    // Each row is re-checked with the policy so that the list never shows more than a read would.
    return {
      items: page.items.map((row) => presentCase(row, this.visibilityOf(actor, row))),
      nextCursor: page.nextCursor,
    };
  }

  @Get(':id')
  @ApiOperation({ summary: 'One case with its audit history' })
  get(@CurrentActor() actor: Actor, @Param('id') id: string) {
    return this.read(actor, id);
  }

  @Post(':id/submit')
  @HttpCode(200)
  @ApiOperation({ summary: 'Prosecutor submits the draft to the central authority (DRAFT → PENDING_CA_REVIEW)' })
  submit(@CurrentActor() actor: Actor, @Param('id') id: string, @Body() body: OptionalCommentDto) {
    return this.command(actor, id, { type: 'SUBMIT', comment: body.comment });
  }

  @Post(':id/approve')
  @HttpCode(200)
  @ApiOperation({ summary: 'Requesting central authority approves (PENDING_CA_REVIEW → READY_TO_TRANSMIT)' })
  approve(@CurrentActor() actor: Actor, @Param('id') id: string, @Body() body: OptionalCommentDto) {
    return this.command(actor, id, { type: 'APPROVE', comment: body.comment });
  }

  @Post(':id/return-for-correction')
  @HttpCode(200)
  @ApiOperation({ summary: 'Requesting central authority returns the draft (PENDING_CA_REVIEW → RETURNED_FOR_CORRECTION)' })
  returnForCorrection(@CurrentActor() actor: Actor, @Param('id') id: string, @Body() body: RequiredCommentDto) {
    return this.command(actor, id, { type: 'RETURN_FOR_CORRECTION', comment: body.comment });
  }

  @Post(':id/resubmit')
  @HttpCode(200)
  @ApiOperation({ summary: 'Prosecutor resubmits after correction (RETURNED_FOR_CORRECTION → PENDING_CA_REVIEW)' })
  resubmit(@CurrentActor() actor: Actor, @Param('id') id: string, @Body() body: OptionalCommentDto) {
    return this.command(actor, id, { type: 'RESUBMIT', comment: body.comment });
  }

  @Post(':id/withdraw')
  @HttpCode(200)
  @ApiOperation({ summary: 'The requesting side withdraws the request (any open state → WITHDRAWN)' })
  withdraw(@CurrentActor() actor: Actor, @Param('id') id: string, @Body() body: WithdrawDto) {
    return this.command(actor, id, { type: 'WITHDRAW', reason: body.reason });
  }

  private async command(actor: Actor, id: string, command: MlaCommand) {
    await this.runCommand.execute(actor, id, command);
    return this.read(actor, id);
  }

  private async read(actor: Actor, id: string) {
    const { row, visibility } = await this.access.require(actor, id, { kind: 'VIEW' });
    const history = await this.access.queries.history(id);
    return { ...presentCase(row, visibility), history: history.map(presentEvent) };
  }

  private visibilityOf(actor: Actor, row: Parameters<typeof presentCase>[0]) {
    return this.access.visibility(actor, row);
  }
}
