import { Controller, Get, Inject, Injectable, OnModuleInit, Res } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { DataSource } from 'typeorm';
import { mayOperate, type Actor } from '../../../../libs/domain/src';
import { CurrentActor } from '../auth/auth.guard';
import { FileResponses } from '../common/openapi';
import { ProblemException } from '../common/problem';

/**
 * Operators' metrics in Prometheus format. Case figures are read from Postgres at scrape time
 * (counts only, nothing personal); HTTP latency is observed on every request.
 */
@Injectable()
export class EngineMetrics implements OnModuleInit {
  readonly registry = new Registry();
  readonly httpDuration = new Histogram({
    name: 'mla_http_request_duration_seconds',
    help: 'HTTP request latency by method, route and status',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });
  readonly commandRefusals = new Counter({
    name: 'mla_case_command_refusals_total',
    help: 'Requests refused as a conflict with the case (409) or a broken rule (422)',
    labelNames: ['status'],
    registers: [this.registry],
  });

  constructor(
    @Inject(DataSource) private readonly db: DataSource,
    @Inject(HttpAdapterHost) private readonly adapter: HttpAdapterHost,
  ) {
    collectDefaultMetrics({ register: this.registry, prefix: 'mla_api_' });
    const sql = (text: string) => this.db.query(text);
    new Gauge({
      name: 'mla_cases',
      help: 'Cases by kind and state',
      labelNames: ['kind', 'state'],
      registers: [this.registry],
      async collect() {
        this.reset();
        for (const r of await sql(`SELECT kind, state, count(*)::int AS n FROM cases GROUP BY kind, state`)) this.set({ kind: r.kind, state: r.state }, r.n);
      },
    });
    new Gauge({
      name: 'mla_clocks_breached',
      help: 'Clocks breached, by rule',
      labelNames: ['rule_id'],
      registers: [this.registry],
      async collect() {
        this.reset();
        const rows = await sql(`SELECT rule_id, count(*)::int AS n FROM case_clocks WHERE status = 'BREACHED' GROUP BY rule_id`);
        for (const r of rows) this.set({ rule_id: r.rule_id }, r.n);
      },
    });
    new Gauge({
      name: 'mla_escalations_open',
      help: 'Open escalation tasks by ladder level',
      labelNames: ['level'],
      registers: [this.registry],
      async collect() {
        this.reset();
        const rows = await sql(`SELECT level, count(*)::int AS n FROM case_tasks WHERE kind = 'ESCALATION' AND status = 'OPEN' GROUP BY level`);
        for (const r of rows) this.set({ level: String(r.level) }, r.n);
      },
    });
    new Gauge({
      name: 'mla_projection_failures_open',
      help: 'Cases whose read model is behind because Postgres did not take a batch (operators re-drive them)',
      labelNames: ['reason'],
      registers: [this.registry],
      async collect() {
        this.reset();
        const rows = await sql(`SELECT reason, count(*)::int AS n FROM case_projection_failures WHERE resolved_at IS NULL GROUP BY reason`);
        for (const r of rows) this.set({ reason: r.reason }, r.n);
      },
    });
  }

  onModuleInit(): void {
    const fastify = this.adapter.httpAdapter?.getInstance?.() as FastifyInstance | undefined;
    if (!fastify?.addHook) return;
    fastify.addHook('onResponse', async (request, reply) => {
      const route = request.routeOptions?.url ?? 'unmatched';
      this.httpDuration.observe({ method: request.method, route, status: String(reply.statusCode) }, reply.elapsedTime / 1000);
      if (reply.statusCode === 409 || reply.statusCode === 422) this.commandRefusals.inc({ status: String(reply.statusCode) });
    });
  }
}

@ApiTags('operations')
@ApiBearerAuth()
@Controller('metrics')
export class MetricsController {
  constructor(@Inject(EngineMetrics) private readonly metrics: EngineMetrics) {}

  @Get()
  @ApiOperation({ summary: "Prometheus metrics (administrators and the network secretariat); the worker's Temporal SDK metrics are on its own exporter" })
  @FileResponses('text/plain', 'Prometheus text exposition format', 403)
  async scrape(@CurrentActor() actor: Actor, @Res() reply: FastifyReply) {
    const decision = mayOperate(actor);
    if (decision.outcome !== 'ALLOW') throw ProblemException.of(403, 'FORBIDDEN_ACTION', decision.outcome === 'FORBIDDEN' ? decision.reason : 'forbidden');
    void reply.header('content-type', this.metrics.registry.contentType).send(await this.metrics.registry.metrics());
  }
}
