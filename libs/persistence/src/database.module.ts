import { Global, Inject, Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { DatabaseConfig } from '../../config/src';
import { createDataSource } from './data-source';

@Injectable()
class DataSourceCloser implements OnApplicationShutdown {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}
  async onApplicationShutdown(): Promise<void> {
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}

/** Provides the one DataSource of a process. The schema comes from migrations, run before the app starts. */
@Global()
@Module({})
export class DatabaseModule {
  static forConfig(config: DatabaseConfig) {
    return {
      module: DatabaseModule,
      providers: [
        {
          provide: DataSource,
          useFactory: async () => createDataSource(config.url, config.poolSize ? { extra: { max: config.poolSize } } : {}).initialize(),
        },
        DataSourceCloser,
      ],
      exports: [DataSource],
    };
  }
}
