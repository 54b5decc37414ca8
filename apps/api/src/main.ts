import 'reflect-metadata';
import { ConfigError, loadApiConfig } from '../../../libs/config/src';
import { createApi } from './bootstrap';

async function main(): Promise<void> {
  let config;
  try {
    config = loadApiConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(78);
    }
    throw err;
  }
  const app = await createApi(config);
  await app.listen({ host: config.api.host, port: config.api.port });
  const url = await app.getUrl();
  process.stdout.write(JSON.stringify({ level: 'log', context: 'api', message: `listening on ${url}` }) + '\n');
}

void main().catch((err) => {
  process.stderr.write(`api failed to start: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
