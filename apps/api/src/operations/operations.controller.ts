import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsBoolean, IsOptional } from 'class-validator';
import { mayOperate, type Actor } from '../../../../libs/domain/src';
import { CASE_KINDS, type CaseKind } from '../../../../libs/contracts/src';
import { CaseGateway, CommandNotAcceptedError } from '../../../../libs/temporal/src';
import { CurrentActor } from '../auth/auth.guard';
import { CommandResponses, ReadResponses } from '../common/openapi';
import { ProblemException } from '../common/problem';
import { QueryInteger } from '../common/validators';
import { AcceptedCommand } from '../common/command-interceptor';
import { CaseAccess, notFound } from '../cases/case-access';
import { commandError } from '../cases/usecases/file-mla-request.usecase';

export class RedriveDto {
  @ApiProperty({
    required: false,
    description: 'Store text Postgres refuses in a storable form (NUL removed, lone surrogates replaced), from now on for this case',
  })
  @IsOptional()
  @IsBoolean()
  sanitize?: boolean;
}

export class FailuresQuery {
  @ApiPropertyOptional({ type: Number, minimum: 1, maximum: 500, default: 100, description: '1..500, default 100' })
  @QueryInteger({ min: 1, max: 500, digitsOnly: true, message: 'an integer from 1 to 500' })
  limit: number = 100;
}

export class ProjectionFailureDto {
  @ApiProperty({ format: 'uuid' })
  caseId!: string;

  @ApiProperty()
  workflowId!: string;

  @ApiProperty({ type: String, nullable: true, enum: CASE_KINDS })
  kind!: string | null;

  @ApiProperty({ type: String, nullable: true })
  requestingState!: string | null;

  @ApiProperty({ type: String, nullable: true })
  requestingAuthorityId!: string | null;

  @ApiProperty({ type: String, nullable: true })
  requestedState!: string | null;

  @ApiProperty({ type: String, nullable: true })
  createdBy!: string | null;

  @ApiProperty({ description: 'first event sequence number Postgres did not take' })
  fromSeq!: number;

  @ApiProperty()
  toSeq!: number;

  @ApiProperty({ description: 'why, never the content' })
  reason!: string;

  @ApiProperty({ type: String, nullable: true, description: 'SQLSTATE of the refusal' })
  sqlState!: string | null;

  @ApiProperty()
  attempts!: number;

  @ApiProperty({ format: 'date-time' })
  firstFailedAt!: string;

  @ApiProperty({ format: 'date-time' })
  lastFailedAt!: string;
}

export class ProjectionFailurePageDto {
  @ApiProperty({ type: [ProjectionFailureDto] })
  items!: ProjectionFailureDto[];
}

export class RedrivenDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ description: 'the version Postgres now shows' })
  version!: number;

  @ApiProperty({ enum: ['CURRENT'] })
  readModel!: string;
}

/** The operators' queue: cases whose read model is behind, and the command that writes them. */
@ApiTags('operations')
@ApiBearerAuth()
@Controller('operations')
export class OperationsController {
  constructor(
    @Inject(CaseAccess) private readonly access: CaseAccess,
    @Inject(CaseGateway) private readonly gateway: CaseGateway,
  ) {}

  @Get('projection-failures')
  @ApiOperation({ summary: 'Cases Postgres did not take a batch of (PROJECTION_FAILED): sequence range, reason and SQLSTATE, never content' })
  @ReadResponses(ProjectionFailurePageDto, 400, 403)
  async failures(@CurrentActor() actor: Actor, @Query() q: FailuresQuery) {
    operator(actor);
    return { items: await this.access.failures.list(q.limit) };
  }

  @Post('cases/:id/projection/redrive')
  @HttpCode(200)
  @ApiOperation({ summary: 'Write again what Postgres did not take for this case (optionally sanitizing text); the case keeps every event' })
  @CommandResponses(RedrivenDto)
  async redrive(@CurrentActor() actor: Actor, @Param('id') id: string, @Body() body: RedriveDto) {
    operator(actor);
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(id);
    // The failure names the kind when the case row itself is missing; otherwise the row does.
    const known = uuid ? ((await this.access.queries.findCase(id))?.kind ?? (await this.access.failures.open(id))?.kind) : undefined;
    const kind = known as CaseKind | undefined;
    if (!kind || !CASE_KINDS.includes(kind)) throw notFound(id);
    try {
      const outcome = await this.gateway.redriveProjection(id, kind, body.sanitize === true);
      if (!outcome.completed || outcome.status.readModel !== 'CURRENT') return new AcceptedCommand(id, outcome.status);
      return { id, version: outcome.status.seq, readModel: outcome.status.readModel };
    } catch (err) {
      if (err instanceof CommandNotAcceptedError) throw commandError(err);
      throw err;
    }
  }
}

function operator(actor: Actor): void {
  const decision = mayOperate(actor);
  if (decision.outcome !== 'ALLOW') throw ProblemException.of(403, 'FORBIDDEN_ACTION', decision.outcome === 'FORBIDDEN' ? decision.reason : 'forbidden');
}
