import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ROOT } from '../scripts/tools.cjs';

// docker compose cannot run on every machine that runs these tests: check what can be checked
// without an engine, so that the file stays in step with the code it starts.
describe('docker-compose.yml', () => {
  const compose = parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8'), { merge: true });
  // Every variable is read by the validated configuration, whichever of its files reads it.
  const configDir = join(ROOT, 'libs/config/src');
  const configSource = readdirSync(configDir)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.spec.ts'))
    .map((f) => readFileSync(join(configDir, f), 'utf8'))
    .join('\n');

  it('starts every engine process from a file the build produces', () => {
    for (const name of ['migrate', 'worker', 'api']) {
      const [node, script] = compose.services[name].command;
      expect(node).toBe('node');
      const source = script.replace(/^dist\//, '').replace(/\.js$/, '.ts');
      expect({ name, exists: existsSync(join(ROOT, source)) }).toEqual({ name, exists: true });
    }
  });

  it('only sets variables the configuration reads, and gives each process what it requires', () => {
    for (const name of ['migrate', 'worker', 'api']) {
      const env = compose.services[name].environment;
      for (const key of Object.keys(env)) {
        const read = new RegExp(`(['"]|env\\.)${key}\\b`).test(configSource);
        expect({ name, key, read }).toEqual({ name, key, read: true });
      }
      expect(env.DATABASE_URL).toMatch(/^postgres:\/\/.+@postgres:5432\//);
    }
    expect(compose.services.worker.environment.TEMPORAL_ADDRESS).toBe('temporal:7233');
    expect(compose.services.api.environment.AUTH_PUBLIC_KEY_FILE).toBeDefined();
  });

  it('runs migrations and seeds before the worker and the API', () => {
    for (const name of ['worker', 'api']) {
      expect(compose.services[name].depends_on.migrate.condition).toBe('service_completed_successfully');
    }
  });
});
