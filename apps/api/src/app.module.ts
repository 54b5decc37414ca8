import { DynamicModule, Module, ValidationPipe } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_PIPE } from '@nestjs/core';
import type { AppConfig } from '../../../libs/config/src';
import { DatabaseModule } from '../../../libs/persistence/src';
import { TemporalClientModule } from '../../../libs/temporal/src';
import { AuthGuard } from './auth/auth.guard';
import { JwtVerifier } from './auth/jwt-verifier';
import { UserDirectory } from './auth/user-directory';
import { CasesModule } from './cases/cases.module';
import { ProblemDetailsFilter, validationProblem } from './common/problem';
import { HealthController } from './health/health.controller';
import { ReferenceController } from './reference.controller';
import { MonitoringController } from './monitoring/monitoring.controller';
import { EngineMetrics, MetricsController } from './metrics/metrics';

@Module({})
export class AppModule {
  static forConfig(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [DatabaseModule.forConfig(config.database), TemporalClientModule.forConfig(config.temporal), CasesModule],
      controllers: [HealthController, ReferenceController, MonitoringController, MetricsController],
      providers: [
        { provide: JwtVerifier, useValue: new JwtVerifier(config.auth) },
        UserDirectory,
        EngineMetrics,
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_FILTER, useClass: ProblemDetailsFilter },
        {
          provide: APP_PIPE,
          useValue: new ValidationPipe({
            whitelist: true,
            forbidNonWhitelisted: true,
            forbidUnknownValues: true,
            transform: true,
            exceptionFactory: validationProblem,
          }),
        },
      ],
    };
  }
}
