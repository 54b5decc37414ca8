import { DynamicModule, Module } from '@nestjs/common';
import type { DatabaseConfig } from '../../../libs/config/src';
import { DatabaseModule } from '../../../libs/persistence/src';
import { WORKER_OPTIONS, WorkerOptions, WorkerService } from './worker.service';

@Module({})
export class WorkerModule {
  static forConfig(database: DatabaseConfig, options: WorkerOptions): DynamicModule {
    return {
      module: WorkerModule,
      imports: [DatabaseModule.forConfig(database)],
      providers: [{ provide: WORKER_OPTIONS, useValue: options }, WorkerService],
    };
  }
}
