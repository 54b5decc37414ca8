import 'reflect-metadata';
import { ConsoleLogger, Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { ConfigError, loadWorkerConfig, nestLogLevels } from '../../../libs/config/src';
import { workflowBundlePath } from '../../../libs/temporal/src';
import { WorkerModule } from './worker.module';
import { safeLogMeta } from '../../../libs/logging/src';

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
  // The SDK's own log lines in the same JSON shape as the rest; their metadata holds ids, never case content.
  const sdkLevel = ({ debug: 'DEBUG', info: 'INFO', warn: 'WARN', error: 'ERROR' } as const)[config.logLevel];
  // The worker's own metrics (workflow task and activity failures, latencies) for Prometheus.
  const metricsAddress = config.metrics.address;
  Runtime.install({
    telemetryOptions: metricsAddress === null ? undefined : { metrics: { prometheus: { bindAddress: metricsAddress } } },
    logger: new DefaultLogger(sdkLevel, (entry) => {
      const timestamp = new Date(Number(entry.timestampNanos / 1_000_000n)).toISOString();
      const line = { level: entry.level.toLowerCase(), context: 'temporal-sdk', timestamp, message: entry.message, ...safeLogMeta(entry.meta) };
      process.stdout.write(JSON.stringify(line) + '\n');
    }),
  });
  // An application context, so that activities get their services by injection; its only HTTP is the health port.
  const app = await NestFactory.createApplicationContext(
    WorkerModule.forConfig(config.database, {
      temporal: config.temporal,
      workflowBundlePath: bundle,
      personKeySecret: config.personKey.secret,
      statisticsRefreshSeconds: config.statistics.refreshSeconds,
      healthAddress: config.health.address,
      sizing: config.sizing,
      notifications: config.notifications,
    }),
    { logger: new ConsoleLogger('worker', { json: true, logLevels: nestLogLevels(config.logLevel) }) },
  );
  app.enableShutdownHooks();
  if (config.personKey.isLocalDefault) {
    new Logger('worker').warn('PERSON_KEY_SECRET is not set: person workflow ids use the published local key; set a secret of your own in any deployment');
  }
  if (!config.temporal.codecKeys) {
    new Logger('worker').warn(
      'TEMPORAL_CODEC_KEYS(_FILE) is not set: workflow inputs, commands and results rest in clear in Temporal; set a key ring in any deployment',
    );
  }
}

void main().catch((err) => {
  process.stderr.write(`worker failed to start: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
