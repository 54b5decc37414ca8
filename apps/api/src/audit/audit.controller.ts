import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { mayOperate, type Actor, type FieldProblem } from '../../../../libs/domain/src';
import { AccessLogStore } from '../../../../libs/persistence/src/access-log';
import { checkReadModel, verifyAuditTrail } from '../../../../libs/persistence/src/audit-verification';
import { CurrentActor } from '../auth/auth.guard';
import { ProblemException } from '../common/problem';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const USER_ID = /^[A-Za-z0-9._:@-]{1,200}$/;
const INSTANT = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2}))?$/;

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
    summary: 'Recompute every case\'s audit hash chain (or one case\'s) and rebuild state and version from the trail',
    description:
      '`chain.broken` lists the first broken link per case (CONTENT_CHANGED, ROW_MISSING, REORDERED, LINK_BROKEN, UNHASHED) with its seq; ' +
      '`readModel.mismatches` the cases whose `cases` row disagrees with the last audit row. Administrators and the secretariat.',
  })
  @ApiQuery({ name: 'caseId', required: false })
  async verify(@CurrentActor() actor: Actor, @Query() q: Record<string, string | undefined>) {
    const decision = mayOperate(actor);
    if (decision.outcome !== 'ALLOW') throw ProblemException.of(403, 'FORBIDDEN_ACTION', decision.outcome === 'FORBIDDEN' ? decision.reason : 'forbidden');
    const problems: FieldProblem[] = [];
    if (q.caseId !== undefined && !UUID.test(q.caseId)) problems.push({ field: 'caseId', rule: 'uuid', message: 'caseId must be a case id (UUID)' });
    invalid(problems);
    const [chain, readModel] = [await verifyAuditTrail(this.db, { caseId: q.caseId }), await checkReadModel(this.db, { caseId: q.caseId })];
    return { intact: chain.broken.length === 0 && readModel.mismatches.length === 0, chain, readModel };
  }

  @Get('access-log')
  @ApiOperation({
    summary: 'Who read which case, in which view, when (newest first): data-protection officers only',
    description:
      'Rows of the officer\'s State\'s users and rows naming a case the State is a party to. One row per request: a list page or an export ' +
      'chunk names all its cases. Page with `before` = the last id of the previous page.',
  })
  @ApiQuery({ name: 'caseId', required: false })
  @ApiQuery({ name: 'userId', required: false })
  @ApiQuery({ name: 'from', required: false, description: 'ISO date or instant, inclusive' })
  @ApiQuery({ name: 'to', required: false, description: 'ISO date or instant, exclusive' })
  @ApiQuery({ name: 'limit', required: false, description: '1..500, default 100' })
  @ApiQuery({ name: 'before', required: false, description: 'id of the last row of the previous page' })
  async accessLogRows(@CurrentActor() actor: Actor, @Query() q: Record<string, string | undefined>) {
    if (!actor.roles.includes('DATA_PROTECTION_OFFICER')) {
      throw ProblemException.of(403, 'FORBIDDEN_ACTION', 'the access log is for data-protection officers');
    }
    const problems: FieldProblem[] = [];
    if (q.caseId !== undefined && !UUID.test(q.caseId)) problems.push({ field: 'caseId', rule: 'uuid', message: 'caseId must be a case id (UUID)' });
    if (q.userId !== undefined && !USER_ID.test(q.userId)) problems.push({ field: 'userId', rule: 'format', message: 'userId must be a user id' });
    const instant = (name: 'from' | 'to') => {
      const raw = q[name];
      if (raw === undefined) return undefined;
      const at = INSTANT.test(raw) ? new Date(raw) : undefined;
      if (!at || Number.isNaN(at.getTime())) problems.push({ field: name, rule: 'iso_instant', message: `${name} must be an ISO 8601 date or instant` });
      return at;
    };
    const from = instant('from');
    const to = instant('to');
    const limit = q.limit === undefined ? 100 : Number(q.limit);
    if (!/^\d{1,3}$/.test(q.limit ?? '100') || limit < 1 || limit > 500) problems.push({ field: 'limit', rule: 'range', message: 'limit must be an integer from 1 to 500' });
    if (q.before !== undefined && !/^\d{1,18}$/.test(q.before)) problems.push({ field: 'before', rule: 'format', message: 'before must be the id of a row' });
    invalid(problems);
    const items = await this.accessLog.list({ stateCode: actor.stateCode, caseId: q.caseId, userId: q.userId, from, to, limit, beforeId: q.before });
    return { items, nextBefore: items.length === limit ? items[items.length - 1].id : null };
  }
}

function invalid(problems: FieldProblem[]): void {
  if (problems.length) throw ProblemException.of(400, 'INVALID_QUERY', `${problems.length} problem(s) in the query`, { errors: problems });
}
