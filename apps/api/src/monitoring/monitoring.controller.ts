import { Controller, Get, HttpCode, Inject, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProduces, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Readable } from 'node:stream';
import { DataSource } from 'typeorm';
import { mayOperate, type Actor, type FieldProblem } from '../../../../libs/domain/src';
import { Direction, MonitoringFilter, MonitoringQueries, STATISTICS_DEFINITIONS, decodeKey, type KeyPart } from '../../../../libs/persistence/src';
import { isCalendarDate } from '../../../../libs/persistence/src/typed-values';
import { CurrentActor } from '../auth/auth.guard';
import { ProblemException } from '../common/problem';

const STATE = /^[A-Z]{2}$/;
const KINDS = ['MLA', 'EXTRADITION', 'DOMESTIC_PROSECUTION'];

class QueryReader {
  readonly problems: FieldProblem[] = [];
  constructor(private readonly q: Record<string, string | undefined>) {}
  state(name: string): string | undefined {
    const v = this.q[name];
    if (v !== undefined && !STATE.test(v)) this.problems.push({ field: name, rule: 'state_code', message: `${name} must be an ISO 3166-1 alpha-2 code` });
    return v;
  }
  oneOf<T extends string>(name: string, allowed: readonly T[], fallback?: T): T | undefined {
    const v = this.q[name];
    if (v === undefined) return fallback;
    if (!allowed.includes(v as T)) this.problems.push({ field: name, rule: 'isIn', message: `${name} must be one of ${allowed.join(', ')}` });
    return v as T;
  }
  int(name: string, fallback: number, min: number, max: number): number {
    const raw = this.q[name];
    if (raw === undefined) return fallback;
    const v = Number(raw);
    if (!Number.isInteger(v) || v < min || v > max) this.problems.push({ field: name, rule: 'range', message: `${name} must be an integer from ${min} to ${max}` });
    return v;
  }
  date(name: string, fallback: string): string {
    const v = this.q[name] ?? fallback;
    if (!isCalendarDate(v)) this.problems.push({ field: name, rule: 'calendar_date', message: `${name} must be a calendar date (YYYY-MM-DD, a day that exists, years 0001 to 9999)` });
    return v;
  }
  /** The list's keyset cursor, typed part by part as the list's key is. */
  cursor(parts: readonly KeyPart[]): string[] | null {
    const raw = this.q.cursor;
    if (raw === undefined) return null;
    const v = decodeKey(raw, parts);
    if (!v) this.problems.push({ field: 'cursor', rule: 'format', message: 'use nextCursor from the previous page' });
    return v;
  }
  filter(): MonitoringFilter {
    return {
      requestingState: this.state('requesting'),
      requestedState: this.state('requested'),
      kind: this.oneOf('kind', KINDS),
      legalBasis: this.q.legalBasis,
    };
  }
  done(): void {
    if (this.problems.length) throw ProblemException.of(400, 'INVALID_QUERY', `${this.problems.length} problem(s) in the query`, { errors: this.problems });
  }
}

const FILTER_DOCS = [
  ApiQuery({ name: 'requesting', required: false, description: 'requesting State (ISO code)' }),
  ApiQuery({ name: 'requested', required: false, description: 'requested State (ISO code)' }),
  ApiQuery({ name: 'kind', required: false, enum: KINDS }),
  ApiQuery({ name: 'legalBasis', required: false, description: 'instrument id' }),
  ApiQuery({ name: 'limit', required: false, description: '1..200, default 50' }),
  ApiQuery({ name: 'cursor', required: false, description: 'nextCursor of the previous page' }),
];
const Filters = (): MethodDecorator => (target, key, descriptor) => {
  for (const d of FILTER_DOCS) d(target, key, descriptor);
};

const today = () => new Date().toISOString().slice(0, 10);
/** Default period: the last twelve calendar months, this one included (whole months use the pre-aggregates). */
const monthStart = (monthsFromNow: number) => {
  const d = new Date();
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + monthsFromNow, 1)).toISOString().slice(0, 10);
};
const yearAgo = () => monthStart(-11);
const tomorrow = () => monthStart(1);

/**
 * The managers' view (domain brief §8). Everyone sees only their scope: managers their State's cases,
 * the network secretariat all of them, others their own cases.
 */
@ApiTags('monitoring')
@ApiBearerAuth()
@Controller('monitoring')
export class MonitoringController {
  private readonly queries: MonitoringQueries;

  constructor(@Inject(DataSource) db: DataSource) {
    this.queries = new MonitoringQueries(db);
  }

  @Get('stalled')
  @Filters()
  @ApiQuery({ name: 'days', required: false, description: 'no act by either party for this many days (default 30)' })
  @ApiQuery({ name: 'sort', required: false, enum: ['idle', 'filed'] })
  @ApiQuery({ name: 'order', required: false, enum: ['desc', 'asc'] })
  @ApiOperation({ summary: "Stalled cases: open, with no act by the requesting or requested authorities' users for N days; network contacts' notes do not count" })
  stalled(@CurrentActor() actor: Actor, @Query() q: Record<string, string>) {
    const r = new QueryReader(q);
    const filter = r.filter();
    const o = {
      days: r.int('days', 30, 1, 3650),
      sort: r.oneOf('sort', ['idle', 'filed'] as const, 'idle')!,
      direction: r.oneOf('order', ['desc', 'asc'] as const, 'desc')! as Direction,
      limit: r.int('limit', 50, 1, 200),
      cursor: r.cursor(['instant', 'uuid']),
      now: new Date(),
    };
    r.done();
    return this.queries.stalled(actor, filter, o);
  }

  @Get('deadlines')
  @Filters()
  @ApiQuery({ name: 'status', required: false, enum: ['at-risk', 'breached', 'all'] })
  @ApiQuery({ name: 'withinDays', required: false, description: 'at risk when due within this many days (default 7)' })
  @ApiQuery({ name: 'order', required: false, enum: ['asc', 'desc'] })
  @ApiOperation({ summary: "Open cases whose requester's deadline has passed (breached) or falls within N days (at risk), soonest first" })
  deadlines(@CurrentActor() actor: Actor, @Query() q: Record<string, string>) {
    const r = new QueryReader(q);
    const filter = r.filter();
    const o = {
      status: r.oneOf('status', ['at-risk', 'breached', 'all'] as const, 'all')!,
      withinDays: r.int('withinDays', 7, 0, 365),
      direction: r.oneOf('order', ['asc', 'desc'] as const, 'asc')! as Direction,
      limit: r.int('limit', 50, 1, 200),
      cursor: r.cursor(['date', 'uuid']),
      today: today(),
    };
    r.done();
    return this.queries.deadlines(actor, filter, o);
  }

  @Get('escalations')
  @Filters()
  @ApiQuery({ name: 'level', required: false, description: 'ladder level 1..4' })
  @ApiQuery({ name: 'order', required: false, enum: ['desc', 'asc'], description: 'by age; oldest first by default' })
  @ApiOperation({ summary: 'Open escalations by level and age' })
  escalations(@CurrentActor() actor: Actor, @Query() q: Record<string, string>) {
    const r = new QueryReader(q);
    const filter = r.filter();
    const o = {
      level: q.level === undefined ? undefined : r.int('level', 1, 1, 4),
      direction: r.oneOf('order', ['desc', 'asc'] as const, 'desc')! as Direction,
      limit: r.int('limit', 50, 1, 200),
      cursor: r.cursor(['instant', 'uuid', 'text']),
      now: new Date(),
    };
    r.done();
    return this.queries.escalations(actor, filter, o);
  }

  @Get('statistics')
  @ApiQuery({ name: 'from', required: false, description: 'filing date from (inclusive), default a year ago' })
  @ApiQuery({ name: 'to', required: false, description: 'filing date to (exclusive), default tomorrow' })
  @ApiQuery({ name: 'requesting', required: false })
  @ApiQuery({ name: 'requested', required: false })
  @ApiQuery({ name: 'kind', required: false, enum: KINDS })
  @ApiQuery({ name: 'legalBasis', required: false })
  @ApiOperation({
    summary: 'Figures per country pair and period',
    description:
      'Whole-month periods asked by central authorities, managers or the secretariat are answered from per pair and month pre-aggregates ' +
      '(`source: pre-aggregated`, as of `refreshedAt`); other periods and actors are computed live.\n\n' +
      Object.entries(STATISTICS_DEFINITIONS).map(([k, v]) => `**${k}**: ${v}`).join('\n\n'),
  })
  async statistics(@CurrentActor() actor: Actor, @Query() q: Record<string, string>) {
    const { filter, period } = this.statisticsQuery(q);
    return { period, definitions: STATISTICS_DEFINITIONS, ...(await this.figures(actor, filter, period)) };
  }

  @Post('statistics/refresh')
  @HttpCode(200)
  @ApiOperation({ summary: 'Rebuild the per pair and month pre-aggregates now (the worker does it periodically); administrators and the secretariat' })
  async refresh(@CurrentActor() actor: Actor) {
    const decision = mayOperate(actor);
    if (decision.outcome !== 'ALLOW') throw ProblemException.of(403, 'FORBIDDEN_ACTION', decision.outcome === 'FORBIDDEN' ? decision.reason : 'forbidden');
    return { refreshedAt: await this.queries.refreshStatistics() };
  }

  /** Whole-month periods for pair-scoped actors come from the pre-aggregates; anything else is computed live. */
  private async figures(actor: Actor, filter: MonitoringFilter, period: { from: string; to: string }) {
    const pre = await this.queries.statisticsPreAggregated(actor, filter, period);
    if (pre) return { source: 'pre-aggregated', refreshedAt: pre.refreshedAt, pairs: pre.pairs };
    return { source: 'live', pairs: await this.queries.statistics(actor, filter, period) };
  }

  @Get('statistics.csv')
  @ApiProduces('text/csv')
  @ApiOperation({ summary: 'The statistics as CSV, one row per pair and deadline rule, for network plenaries' })
  async statisticsCsv(@CurrentActor() actor: Actor, @Query() q: Record<string, string>, @Res() reply: FastifyReply) {
    const { filter, period } = this.statisticsQuery(q);
    const { pairs } = await this.figures(actor, filter, period);
    const header = ['requesting_state', 'requested_state', 'open', 'terminal', 'ack_days_median', 'ack_days_p90', 'execution_days_median', 'execution_days_p90',
      'escalations_raised', 'escalations_resolved', 'escalation_resolution_days_median', 'refusals_by_ground', 'custody_cases', 'custody_days_total', 'deadline_rule', 'deadline_total', 'deadline_breached', 'deadline_share_breached'];
    const lines = [header.join(',')];
    for (const p of pairs) {
      const common = [p.requestingState, p.requestedState, p.open, p.terminal, p.ackDays.median, p.ackDays.p90, p.executionDays.median, p.executionDays.p90,
        p.escalations.raised, p.escalations.resolved, p.escalations.medianResolutionDays, Object.entries(p.refusalsByGround).map(([g, n]) => `${g}:${n}`).join(' '), p.custody.cases, p.custody.totalDays];
      const rules = p.deadlines.length ? p.deadlines : [{ ruleId: '', total: '', breached: '', shareBreached: '' }];
      for (const d of rules) lines.push([...common, d.ruleId, d.total, d.breached, d.shareBreached].map(csv).join(','));
    }
    void reply.header('content-type', 'text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="statistics.csv"').send(lines.join('\n') + '\n');
  }

  @Get('cases.csv')
  @ApiProduces('text/csv')
  @ApiQuery({ name: 'from', required: false })
  @ApiQuery({ name: 'to', required: false })
  @ApiOperation({ summary: 'Every case in scope filed in the period, as CSV (streamed); same filters as the statistics' })
  async casesCsv(@CurrentActor() actor: Actor, @Query() q: Record<string, string>, @Res() reply: FastifyReply) {
    const { filter, period } = this.statisticsQuery(q);
    const queries = this.queries;
    async function* lines() {
      let header = false;
      for await (const rows of queries.caseRows(actor, filter, period)) {
        const columns = Object.keys(rows[0]);
        let chunk = header ? '' : `${columns.join(',')}\n`;
        header = true;
        for (const row of rows) chunk += columns.map((c) => csv(row[c])).join(',') + '\n';
        yield chunk;
      }
      if (!header) yield 'id\n';
    }
    void reply.header('content-type', 'text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="cases.csv"').send(Readable.from(lines()));
  }

  private statisticsQuery(q: Record<string, string>) {
    const r = new QueryReader(q);
    const filter = r.filter();
    const period = { from: r.date('from', yearAgo()), to: r.date('to', tomorrow()) };
    r.done();
    if (period.from >= period.to) throw ProblemException.of(400, 'INVALID_QUERY', 'from must be before to', { errors: [{ field: 'from', rule: 'before_to', message: 'from must be before to' }] });
    return { filter, period };
  }
}

function csv(value: unknown): string {
  if (value === null || value === undefined) return '';
  const s = value instanceof Date ? value.toISOString() : String(value);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
