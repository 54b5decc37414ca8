import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_INTERCEPTOR, APP_PIPE } from '@nestjs/core';
import { DataSource } from 'typeorm';
import type { AppConfig } from '../../../libs/config/src';
import { DatabaseModule, IdempotencyStore } from '../../../libs/persistence/src';
import { CaseAccess } from './cases/case-access';
import { AuditController } from './audit/audit.controller';
import { CASE_VIEWS, CommandInterceptor, IDEMPOTENCY_STORE } from './common/command-interceptor';
import { OperationsController } from './operations/operations.controller';
import { UsersController } from './operations/users.controller';
import { DirectoryController } from './directory/directory.controller';
import { DirectoryAdministration } from './directory/directory-administration';
import { TemporalClientModule } from '../../../libs/temporal/src';
import { AuthGuard } from './auth/auth.guard';
import { DASHBOARD_SIGN_IN, DashboardSignInController } from './auth/dashboard-sign-in.controller';
import { AUTH_THROTTLE, AuthThrottle } from './auth/auth-throttle';
import { JwtVerifier } from './auth/jwt-verifier';
import { UserDirectory } from './auth/user-directory';
import { CasesModule } from './cases/cases.module';
import { DocumentsModule } from './documents/documents.module';
import { LettersModule } from './letters/letters.module';
import { CodecModule } from './codec/codec.module';
import { ProblemDetailsFilter } from './common/problem';
import { InputValidationPipe } from './common/validation-pipe';
import { HealthController } from './health/health.controller';
import { ReferenceController } from './reference.controller';
import { MonitoringController } from './monitoring/monitoring.controller';
import { EngineMetrics, MetricsController } from './metrics/metrics';
import { NotificationPreferencesController } from './notifications/notification-preferences.controller';
import { WEBHOOK_HTTP_HOSTS, WebhookAdministration } from './notifications/webhook-administration';
import { WebhooksController } from './notifications/webhooks.controller';

@Module({})
export class AppModule {
  static forConfig(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        DatabaseModule.forConfig(config.database),
        TemporalClientModule.forConfig(config.temporal, config.api.commandWaitMs),
        CasesModule,
        DocumentsModule.forConfig(config.documents),
        LettersModule,
        CodecModule.forConfig(config),
      ],
      controllers: [
        HealthController,
        ReferenceController,
        MonitoringController,
        MetricsController,
        OperationsController,
        UsersController,
        DirectoryController,
        AuditController,
        DashboardSignInController,
        WebhooksController,
        NotificationPreferencesController,
      ],
      providers: [
        { provide: JwtVerifier, useValue: new JwtVerifier(config.auth) },
        UserDirectory,
        DirectoryAdministration,
        WebhookAdministration,
        { provide: WEBHOOK_HTTP_HOSTS, useValue: config.api.webhookHttpHosts ?? [] },
        { provide: DASHBOARD_SIGN_IN, useValue: config.auth },
        { provide: AUTH_THROTTLE, useValue: new AuthThrottle(config.api.rateLimit) },
        EngineMetrics,
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_FILTER, useClass: ProblemDetailsFilter },
        {
          provide: IDEMPOTENCY_STORE,
          inject: [DataSource],
          // A request holds its key a little longer than it may wait on Temporal; a retry after a crash then
          // takes the key over quickly, safely, since the workflow answers an update id it has seen once.
          useFactory: (db: DataSource) =>
            new IdempotencyStore(db, {
              retentionHours: config.api.idempotencyRetentionHours ?? 720,
              leaseSeconds: Math.ceil((config.api.commandWaitMs ?? 10_000) / 1000) + 5,
            }),
        },
        { provide: CASE_VIEWS, useExisting: CaseAccess },
        { provide: APP_INTERCEPTOR, useClass: CommandInterceptor },
        { provide: APP_PIPE, useClass: InputValidationPipe },
      ],
    };
  }
}
