import { Controller, Get, HttpCode, Inject, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Readable } from 'node:stream';
import { DataSource } from 'typeorm';
import { mayOperate, visibleFlagsInScope, type Actor } from '../../../../libs/domain/src';
import { MonitoringFilter, MonitoringQueries, STATISTICS_DEFINITIONS, toNetworkStatistics } from '../../../../libs/persistence/src';
import { CurrentActor } from '../auth/auth.guard';
import { FileResponses, Problems, ReadResponses } from '../common/openapi';
import { ProblemException } from '../common/problem';
import { AccessLog } from '../audit/access-log';
import {
  DEADLINES_KEY,
  DeadlinePageDto,
  DeadlinesQuery,
  ESCALATIONS_KEY,
  EscalationPageDto,
  EscalationsQuery,
  QUEUE_KEY,
  QueuePageDto,
  QueueQuery,
  RefreshedDto,
  STALLED_KEY,
  StalledPageDto,
  StalledQuery,
  StatisticsDto,
  StatisticsQuery,
} from './monitoring.dto';

const today = () => new Date().toISOString().slice(0, 10);

/**
 * The managers' view (domain brief §8). Everyone sees only their scope: managers their State's cases,
 * the network secretariat all of them, others their own cases.
 */
@ApiTags('monitoring')
@ApiBearerAuth()
@Controller('monitoring')
export class MonitoringController {
  private readonly queries: MonitoringQueries;
  private readonly accessLog: AccessLog;

  constructor(@Inject(DataSource) db: DataSource) {
    this.queries = new MonitoringQueries(db);
    this.accessLog = new AccessLog(db);
  }

  @Get('stalled')
  @ApiOperation({
    summary: "Stalled cases: open, with no act by the requesting or requested authorities' users for N days; network contacts' notes do not count",
  })
  @ReadResponses(StalledPageDto, 400)
  stalled(@CurrentActor() actor: Actor, @Query() q: StalledQuery) {
    const o = { days: q.days, sort: q.sort, direction: q.order, limit: q.limit, cursor: q.after(STALLED_KEY), now: new Date() };
    return withVisibleFlags(actor, this.queries.stalled(actor, q.filter(), o));
  }

  @Get('queue')
  @ApiOperation({
    summary:
      "The requested side's work queue: open requests received by the actor's State (every State for the secretariat), urgent first, then deadline breached, then at risk, then the longest received",
  })
  @ReadResponses(QueuePageDto, 400)
  queue(@CurrentActor() actor: Actor, @Query() q: QueueQuery) {
    return withVisibleFlags(actor, this.queries.queue(actor, q.filter(), { limit: q.limit, cursor: q.after(QUEUE_KEY) }));
  }

  @Get('deadlines')
  @ApiOperation({ summary: "Open cases whose requester's deadline has passed (breached) or falls within N days (at risk), soonest first" })
  @ReadResponses(DeadlinePageDto, 400)
  deadlines(@CurrentActor() actor: Actor, @Query() q: DeadlinesQuery) {
    const o = { status: q.status, withinDays: q.withinDays, direction: q.order, limit: q.limit, cursor: q.after(DEADLINES_KEY), today: today() };
    return withVisibleFlags(actor, this.queries.deadlines(actor, q.filter(), o));
  }

  @Get('escalations')
  @ApiOperation({ summary: 'Open escalations by level and age' })
  @ReadResponses(EscalationPageDto, 400)
  escalations(@CurrentActor() actor: Actor, @Query() q: EscalationsQuery) {
    const o = { level: q.level, direction: q.order, limit: q.limit, cursor: q.after(ESCALATIONS_KEY), now: new Date() };
    return this.queries.escalations(actor, q.filter(), o);
  }

  @Get('statistics')
  @ReadResponses(StatisticsDto, 400)
  @ApiOperation({
    summary: 'Figures per country pair and period',
    description:
      'Whole-month periods asked by central authorities, managers or the secretariat are answered from per pair and month pre-aggregates ' +
      '(`source: pre-aggregated`, as of `refreshedAt`); other periods and actors are computed live.\n\n' +
      Object.entries(STATISTICS_DEFINITIONS)
        .map(([k, v]) => `**${k}**: ${v}`)
        .join('\n\n'),
  })
  async statistics(@CurrentActor() actor: Actor, @Query() q: StatisticsQuery) {
    const { filter, period } = this.statisticsQuery(q);
    return { period, definitions: STATISTICS_DEFINITIONS, ...(await this.figures(actor, filter, period)) };
  }

  @Post('statistics/refresh')
  @HttpCode(200)
  @ApiOperation({ summary: 'Rebuild the per pair and month pre-aggregates now (the worker does it periodically); administrators and the secretariat' })
  @ApiResponse({ status: 200, description: 'Rebuilt', type: RefreshedDto })
  // A POST: the Idempotency-Key rules apply (400 malformed, 409 in flight, 422 reused).
  @Problems(400, 401, 403, 409, 422, 503)
  async refresh(@CurrentActor() actor: Actor) {
    const decision = mayOperate(actor);
    if (decision.outcome !== 'ALLOW') throw ProblemException.of(403, 'FORBIDDEN_ACTION', decision.outcome === 'FORBIDDEN' ? decision.reason : 'forbidden');
    return { refreshedAt: await this.queries.refreshStatistics() };
  }

  /** Whole-month periods for pair-scoped actors come from the pre-aggregates; anything else is computed live. */
  private async figures(actor: Actor, filter: MonitoringFilter, period: { from: string; to: string }) {
    // The pairs and the network from the same pre-aggregates, read side by side: their figures agree as of
    // the same refresh. Either both readings can be answered from them or neither can (same actor, same period).
    const [pre, network] = await Promise.all([
      this.queries.statisticsPreAggregated(actor, filter, period),
      this.queries.statisticsPreAggregated(actor, filter, period, true),
    ]);
    if (pre && network) {
      return { source: 'pre-aggregated', refreshedAt: pre.refreshedAt, pairs: pre.pairs, network: toNetworkStatistics(network.pairs, pre.pairs.length) };
    }
    const [pairs, all] = await Promise.all([this.queries.statistics(actor, filter, period), this.queries.statistics(actor, filter, period, true)]);
    return { source: 'live', pairs, network: toNetworkStatistics(all, pairs.length) };
  }

  @Get('statistics.csv')
  @ApiProduces('text/csv')
  @ApiOperation({ summary: 'The statistics as CSV, one row per pair and deadline rule, for network plenaries' })
  @FileResponses('text/csv', 'One row per pair and deadline rule', 400)
  async statisticsCsv(@CurrentActor() actor: Actor, @Query() q: StatisticsQuery, @Res() reply: FastifyReply) {
    const { filter, period } = this.statisticsQuery(q);
    const { pairs } = await this.figures(actor, filter, period);
    const header = [
      'requesting_state',
      'requested_state',
      'open',
      'terminal',
      'ack_days_median',
      'ack_days_p90',
      'execution_days_median',
      'execution_days_p90',
      'escalations_raised',
      'escalations_resolved',
      'escalation_resolution_days_median',
      'refusals_by_ground',
      'custody_cases',
      'custody_days_total',
      'deadline_rule',
      'deadline_total',
      'deadline_breached',
      'deadline_share_breached',
    ];
    const lines = [header.join(',')];
    for (const p of pairs) {
      const common = [
        p.requestingState,
        p.requestedState,
        p.open,
        p.terminal,
        p.ackDays.median,
        p.ackDays.p90,
        p.executionDays.median,
        p.executionDays.p90,
        p.escalations.raised,
        p.escalations.resolved,
        p.escalations.medianResolutionDays,
        Object.entries(p.refusalsByGround)
          .map(([g, n]) => `${g}:${n}`)
          .join(' '),
        p.custody.cases,
        p.custody.totalDays,
      ];
      const rules = p.deadlines.length ? p.deadlines : [{ ruleId: '', total: '', breached: '', shareBreached: '' }];
      for (const d of rules) lines.push([...common, d.ruleId, d.total, d.breached, d.shareBreached].map(csv).join(','));
    }
    void reply
      .header('content-type', 'text/csv; charset=utf-8')
      .header('content-disposition', 'attachment; filename="statistics.csv"')
      .send(lines.join('\n') + '\n');
  }

  @Get('cases.csv')
  @ApiProduces('text/csv')
  @ApiOperation({ summary: 'Every case in scope filed in the period, as CSV (streamed); same filters as the statistics' })
  @FileResponses('text/csv', 'One row per case, streamed', 400)
  async casesCsv(@CurrentActor() actor: Actor, @Query() q: StatisticsQuery, @Res() reply: FastifyReply) {
    const { filter, period } = this.statisticsQuery(q);
    const queries = this.queries;
    const accessLog = this.accessLog;
    async function* lines() {
      let header = false;
      for await (const rows of queries.caseRows(actor, filter, period)) {
        await accessLog.record(
          actor,
          'EXPORT',
          rows.map((row) => String(row.id)),
        );
        const columns = Object.keys(rows[0]);
        let chunk = header ? '' : `${columns.join(',')}\n`;
        header = true;
        for (const row of rows) {
          const flags = visibleFlagsInScope(actor, {
            requestingState: String(row.requesting_state),
            requestedState: String(row.requested_state),
            flags: String(row.flags ?? '')
              .split(' ')
              .filter(Boolean),
          });
          chunk += columns.map((c) => csv(c === 'flags' ? flags.join(' ') : row[c])).join(',') + '\n';
        }
        yield chunk;
      }
      if (!header) yield 'id\n';
    }
    void reply.header('content-type', 'text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="cases.csv"').send(Readable.from(lines()));
  }

  /** The period is checked as a whole once each date is valid: `from` must come before `to`. */
  private statisticsQuery(q: StatisticsQuery) {
    const period = { from: q.from, to: q.to };
    if (period.from >= period.to) {
      const errors = [{ field: 'from', rule: 'before_to', message: 'from must be before to' }];
      throw ProblemException.of(400, 'INVALID_QUERY', 'from must be before to', { errors });
    }
    return { filter: q.filter(), period };
  }
}

/** A list page with each row's flags as the actor may see them (the conflict only for the requested central authority). */
async function withVisibleFlags<T extends { requestingState: string; requestedState: string; flags: string[] }>(
  actor: Actor,
  page: Promise<{ items: T[]; nextCursor: string | null }>,
) {
  const { items, nextCursor } = await page;
  return { items: items.map((row) => ({ ...row, flags: visibleFlagsInScope(actor, row) })), nextCursor };
}

function csv(value: unknown): string {
  if (value === null || value === undefined) return '';
  const s = value instanceof Date ? value.toISOString() : String(value);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
