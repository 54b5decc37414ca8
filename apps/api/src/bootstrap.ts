import { ConsoleLogger, LoggerService } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { join } from 'node:path';
import { projectRoot, type AppConfig } from '../../../libs/config/src';
import { AppModule } from './app.module';
import { BODY_LIMIT, installInputRules } from './common/input-rules';
import { installHttpHardening } from './common/http-hardening';
import { requestLoggerOptions, requestLoggingAdapterOptions } from './common/request-log';
import { ProblemDetailsDto } from './common/openapi';
import { installDocumentUploads } from './documents/uploads';
import { DEFAULT_DOCUMENT_MAX_BYTES } from '../../../libs/config/src';

export function jsonLogger(context: string, level: AppConfig['logLevel']): LoggerService {
  const levels = {
    debug: ['debug', 'log', 'warn', 'error', 'fatal'],
    info: ['log', 'warn', 'error', 'fatal'],
    warn: ['warn', 'error', 'fatal'],
    error: ['error', 'fatal'],
  } as const;
  return new ConsoleLogger(context, { json: true, logLevels: [...levels[level]] });
}

/** Builds the HTTP application; `main.ts` listens, tests call this with their own configuration. */
export async function createApi(config: AppConfig, logger: LoggerService | false = jsonLogger('api', config.logLevel)): Promise<NestFastifyApplication> {
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.forConfig(config),
    new FastifyAdapter({
      bodyLimit: BODY_LIMIT,
      trustProxy: false,
      // The request log (pino): one JSON line per request, ids and route only; off when the caller silences logging.
      logger: logger === false ? false : requestLoggerOptions(config.logLevel),
      ...requestLoggingAdapterOptions(),
    }),
    { logger, bufferLogs: false },
  );
  // Before any route exists: every body, query and path parameter passes the input rules first.
  installInputRules(app, { bodyLimit: BODY_LIMIT });
  // Document uploads, and only they, stream multipart bodies, up to DOCUMENT_MAX_BYTES.
  await installDocumentUploads(app, config.documents?.maxBytes ?? DEFAULT_DOCUMENT_MAX_BYTES);
  // Security headers, no-store on data, the request log and the store of the authentication-failure limits.
  // The dashboard's sign-in exchanges its code at the OpenID provider: that origin, and no other, may be called.
  await installHttpHardening(app, { connectOrigins: config.auth.dashboardClientId ? [new URL(config.auth.issuer).origin] : [] });
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('MLA and extradition case-workflow engine')
      .setDescription('Requests for mutual legal assistance and extradition, carried by durable workflows. Errors are RFC 9457 problem details.')
      .setVersion('0.1.0')
      .addBearerAuth()
      .build(),
    { extraModels: [ProblemDetailsDto] },
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs/openapi.json' });
  // The managers' dashboard: static files, no data of their own; every figure comes from the API with the user's token.
  app.useStaticAssets({ root: join(projectRoot(), 'apps', 'api', 'dashboard'), prefix: '/dashboard/', decorateReply: false });
  app.enableShutdownHooks();
  return app;
}
