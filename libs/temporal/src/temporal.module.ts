import { Global, Inject, Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import { Client, Connection } from '@temporalio/client';
import type { TemporalConfig } from '../../config/src';
import { CaseGateway } from './case-gateway';
import { engineDataConverter } from './payload-codec';

export const TEMPORAL_CONFIG = Symbol('TEMPORAL_CONFIG');
export const TEMPORAL_CONNECTION = Symbol('TEMPORAL_CONNECTION');

@Injectable()
class ConnectionCloser implements OnApplicationShutdown {
  constructor(@Inject(TEMPORAL_CONNECTION) private readonly connection: Connection) {}
  async onApplicationShutdown(): Promise<void> {
    await this.connection.close();
  }
}

/** Client side of Temporal for the API: one connection, one client, one gateway. */
@Global()
@Module({})
export class TemporalClientModule {
  static forConfig(config: TemporalConfig, commandWaitMs?: number) {
    return {
      module: TemporalClientModule,
      providers: [
        { provide: TEMPORAL_CONFIG, useValue: config },
        {
          provide: TEMPORAL_CONNECTION,
          // connect() is lazy: the API starts while Temporal is away and reports it in /health.
          useFactory: () => Connection.lazy({ address: config.address }),
        },
        {
          provide: CaseGateway,
          inject: [TEMPORAL_CONNECTION],
          useFactory: (connection: Connection) =>
            // Every payload the API sends (filings, commands) is sealed before it reaches the server.
            new CaseGateway(
              new Client({ connection, namespace: config.namespace, dataConverter: engineDataConverter(config.codecKeys) }),
              config.taskQueue,
              commandWaitMs,
              config.searchAttributes,
            ),
        },
        ConnectionCloser,
      ],
      exports: [CaseGateway, TEMPORAL_CONNECTION],
    };
  }
}
