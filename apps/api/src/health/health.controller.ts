import { BeforeApplicationShutdown, Controller, Get, Inject, Res } from '@nestjs/common';
import { ApiOperation, ApiProperty, ApiPropertyOptional, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { DataSource } from 'typeorm';
import { probe, readiness } from '../../../../libs/health/src';
import { CaseGateway } from '../../../../libs/temporal/src';
import { Public } from '../auth/auth.guard';

class CheckDto {
  @ApiProperty({ enum: ['up', 'down'] })
  status!: 'up' | 'down';

  @ApiProperty()
  latencyMs!: number;

  @ApiPropertyOptional({ description: 'why the dependency is down' })
  error?: string;
}

class ChecksDto {
  @ApiProperty({ type: CheckDto })
  postgres!: CheckDto;

  @ApiProperty({ type: CheckDto })
  temporal!: CheckDto;
}

class HealthDto {
  @ApiProperty({ enum: ['ok', 'degraded'] })
  status!: 'ok' | 'degraded';

  @ApiProperty({ type: ChecksDto })
  checks!: ChecksDto;
}

class LivenessDto {
  @ApiProperty({ enum: ['live', 'stopping'] })
  status!: 'live' | 'stopping';
}

class ReadinessDto {
  @ApiProperty({ enum: ['ready', 'not-ready'] })
  status!: 'ready' | 'not-ready';

  @ApiProperty({ description: 'the process has been asked to stop: it finishes what it serves and takes nothing new' })
  stopping!: boolean;

  @ApiProperty({ type: ChecksDto })
  checks!: ChecksDto;
}

@ApiTags('operations')
@Controller('health')
export class HealthController implements BeforeApplicationShutdown {
  private stopping = false;

  constructor(
    @Inject(DataSource) private readonly db: DataSource,
    @Inject(CaseGateway) private readonly gateway: CaseGateway,
  ) {}

  /** From the stop signal on, readiness answers 503 so that a load balancer sends nothing new. */
  beforeApplicationShutdown(): void {
    this.stopping = true;
  }

  private async checks(): Promise<ChecksDto> {
    const [postgres, temporal] = await Promise.all([probe(() => this.db.query('SELECT 1')), probe(() => this.gateway.ping())]);
    return { postgres, temporal };
  }

  @Public()
  @Get()
  @ApiOperation({ summary: 'Reachability of Postgres and Temporal; 503 when either is down (kept for existing monitors: use /health/ready)' })
  @ApiResponse({ status: 200, description: 'Both dependencies answer', type: HealthDto })
  @ApiResponse({ status: 503, description: 'Postgres or Temporal is down: the same body says which', type: HealthDto })
  async health(@Res({ passthrough: true }) reply: FastifyReply): Promise<HealthDto> {
    const checks = await this.checks();
    const up = checks.postgres.status === 'up' && checks.temporal.status === 'up';
    void reply.status(up ? 200 : 503);
    return { status: up ? 'ok' : 'degraded', checks };
  }

  @Public()
  @Get('live')
  @ApiOperation({ summary: 'Liveness: the process serves HTTP; no dependency is consulted, so an outage of Postgres or Temporal never restarts it' })
  @ApiResponse({ status: 200, description: 'The process is up', type: LivenessDto })
  @ApiResponse({ status: 503, description: 'The process is stopping', type: LivenessDto })
  live(@Res({ passthrough: true }) reply: FastifyReply): LivenessDto {
    void reply.status(this.stopping ? 503 : 200);
    return { status: this.stopping ? 'stopping' : 'live' };
  }

  @Public()
  @Get('ready')
  @ApiOperation({ summary: 'Readiness: Postgres and Temporal answer and the process is not stopping; 503 otherwise' })
  @ApiResponse({ status: 200, description: 'Ready to serve requests', type: ReadinessDto })
  @ApiResponse({ status: 503, description: 'A dependency is down, or the process is stopping: the body says which', type: ReadinessDto })
  async ready(@Res({ passthrough: true }) reply: FastifyReply): Promise<ReadinessDto> {
    const body = readiness(await this.checks(), this.stopping);
    void reply.status(body.status === 'ready' ? 200 : 503);
    return body;
  }
}
