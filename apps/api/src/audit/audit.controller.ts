import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { mayOperate, type Actor } from '../../../../libs/domain/src';
import { AccessLogStore } from '../../../../libs/persistence/src/access-log';
import { checkReadModel, verifyAuditTrail } from '../../../../libs/persistence/src/audit-verification';
import { CurrentActor } from '../auth/auth.guard';
import { ReadResponses } from '../common/openapi';
import { ProblemException } from '../common/problem';
import { AccessLogPageDto, AccessLogQuery, AuditVerificationDto, AuditVerifyQuery } from './audit.dto';

/**
 * Whether the audit trail still proves itself, and who read which case. Answers name case ids,
 * sequence numbers and users, never case content.
 */
@ApiTags('operations')
@ApiBearerAuth()
@Controller('operations')
export class AuditController {
  private readonly accessLog: AccessLogStore;

  constructor(@Inject(DataSource) private readonly db: DataSource) {
    this.accessLog = new AccessLogStore(db);
  }

  @Get('audit/verify')
  @ApiOperation({
    summary: "Recompute every case's audit hash chain (or one case's) and rebuild state and version from the trail",
    description:
      '`chain.broken` lists the first broken link per case (CONTENT_CHANGED, ROW_MISSING, REORDERED, LINK_BROKEN, UNHASHED) with its seq; ' +
      '`readModel.mismatches` the cases whose `cases` row disagrees with the last audit row. Administrators and the secretariat.',
  })
  @ReadResponses(AuditVerificationDto, 400, 403)
  async verify(@CurrentActor() actor: Actor, @Query() q: AuditVerifyQuery) {
    const decision = mayOperate(actor);
    if (decision.outcome !== 'ALLOW') throw ProblemException.of(403, 'FORBIDDEN_ACTION', decision.outcome === 'FORBIDDEN' ? decision.reason : 'forbidden');
    const chain = await verifyAuditTrail(this.db, { caseId: q.caseId });
    const readModel = await checkReadModel(this.db, { caseId: q.caseId });
    return { intact: chain.broken.length === 0 && readModel.mismatches.length === 0, chain, readModel };
  }

  @Get('access-log')
  @ApiOperation({
    summary: 'Who read which case, in which view, when (newest first): data-protection officers only',
    description:
      "Rows of the officer's State's users and rows naming a case the State is a party to. One row per request: a list page or an export " +
      "chunk names all its cases. Page with `before` = the previous page's `nextBefore`.",
  })
  @ReadResponses(AccessLogPageDto, 400, 403)
  async accessLogRows(@CurrentActor() actor: Actor, @Query() q: AccessLogQuery) {
    if (!actor.roles.includes('DATA_PROTECTION_OFFICER')) {
      throw ProblemException.of(403, 'FORBIDDEN_ACTION', 'the access log is for data-protection officers');
    }
    const items = await this.accessLog.list({
      stateCode: actor.stateCode,
      caseId: q.caseId,
      userId: q.userId,
      from: q.from ? new Date(q.from) : undefined,
      to: q.to ? new Date(q.to) : undefined,
      limit: q.limit,
      beforeId: q.before,
    });
    return { items, nextBefore: items.length === q.limit ? items[items.length - 1].id : null };
  }
}
