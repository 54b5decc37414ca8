import { DynamicModule, Inject, Injectable, MiddlewareConsumer, Module, NestMiddleware, NestModule } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { DEFAULT_CODEC_CORS_ORIGINS, type AppConfig } from '../../../../libs/config/src';
import { EncryptionCodec, StaticKeyProvider } from '../../../../libs/temporal/src';
import { CODEC_OPTIONS, CodecController } from './codec.controller';

const CODEC_ORIGINS = Symbol('CODEC_ORIGINS');

/**
 * The Temporal UI calls the codec endpoint from the operator's browser, on its own origin: only the
 * configured origins may, and only with the headers the protocol uses. It runs before the guard, so
 * that a refusal (401, 403) reaches the UI as such rather than as a CORS failure.
 */
@Injectable()
class CodecCors implements NestMiddleware {
  constructor(@Inject(CODEC_ORIGINS) private readonly origins: readonly string[]) {}

  use(req: IncomingMessage, res: ServerResponse, next: () => void): void {
    const origin = req.headers.origin;
    if (origin && this.origins.includes(origin)) {
      res.setHeader('Access-Control-Allow-Origin', origin);
      res.setHeader('Access-Control-Allow-Credentials', 'true');
      res.setHeader('Access-Control-Allow-Methods', 'POST, OPTIONS');
      res.setHeader('Access-Control-Allow-Headers', 'Authorization, Content-Type, X-Namespace');
      res.setHeader('Access-Control-Max-Age', '600');
    }
    res.setHeader('Vary', 'Origin');
    next();
  }
}

@Module({})
export class CodecModule implements NestModule {
  static forConfig(config: AppConfig): DynamicModule {
    const keys = config.temporal.codecKeys;
    return {
      module: CodecModule,
      controllers: [CodecController],
      providers: [
        {
          provide: CODEC_OPTIONS,
          useValue: { codec: keys ? new EncryptionCodec(new StaticKeyProvider(keys)) : undefined, namespace: config.temporal.namespace },
        },
        { provide: CODEC_ORIGINS, useValue: config.api.codecCorsOrigins ?? DEFAULT_CODEC_CORS_ORIGINS },
        CodecCors,
      ],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(CodecCors).forRoutes(CodecController);
  }
}
