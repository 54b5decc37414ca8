import { Controller, Get, Inject, Res } from '@nestjs/common';
import { ApiOperation, ApiProperty, ApiPropertyOptional, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { DataSource } from 'typeorm';
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
type Check = CheckDto;

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

async function probe(fn: () => Promise<unknown>, timeoutMs = 2000): Promise<Check> {
  const started = Date.now();
  try {
    await Promise.race([fn(), new Promise((_, reject) => setTimeout(() => reject(new Error(`no answer in ${timeoutMs} ms`)), timeoutMs).unref())]);
    return { status: 'up', latencyMs: Date.now() - started };
  } catch (err) {
    return { status: 'down', latencyMs: Date.now() - started, error: err instanceof Error ? err.message : String(err) };
  }
}

@ApiTags('operations')
@Controller('health')
export class HealthController {
  constructor(
    @Inject(DataSource) private readonly db: DataSource,
    @Inject(CaseGateway) private readonly gateway: CaseGateway,
  ) {}

  @Public()
  @Get()
  @ApiOperation({ summary: 'Reachability of Postgres and Temporal; 503 when either is down' })
  @ApiResponse({ status: 200, description: 'Both dependencies answer', type: HealthDto })
  @ApiResponse({ status: 503, description: 'Postgres or Temporal is down: the same body says which', type: HealthDto })
  async health(@Res({ passthrough: true }) reply: FastifyReply): Promise<HealthDto> {
    const [postgres, temporal] = await Promise.all([probe(() => this.db.query('SELECT 1')), probe(() => this.gateway.ping())]);
    const up = postgres.status === 'up' && temporal.status === 'up';
    void reply.status(up ? 200 : 503);
    return { status: up ? 'ok' : 'degraded', checks: { postgres, temporal } };
  }
}
