import 'reflect-metadata';
import { ConsoleLogger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ConfigError, loadWorkerConfig } from '../../../libs/config/src';
import { workflowBundlePath } from '../../../libs/temporal/src';
import { WorkerModule } from './worker.module';

async function main(): Promise<void> {
  let config;
  let bundle;
  try {
    config = loadWorkerConfig(process.env);
    bundle = workflowBundlePath(process.env);
  } catch (err) {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(err instanceof ConfigError ? 78 : 1);
  }
  // No HTTP: an application context only, so that activities get their services by injection.
  const app = await NestFactory.createApplicationContext(
    WorkerModule.forConfig(config.database, { temporal: config.temporal, workflowBundlePath: bundle }),
    { logger: new ConsoleLogger('worker', { json: true }) },
  );
  app.enableShutdownHooks();
}

void main().catch((err) => {
  process.stderr.write(`worker failed to start: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
