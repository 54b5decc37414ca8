import { ConfigError, LOCAL_PERSON_KEY_SECRET, loadWorkerConfig, nestLogLevels } from './config';

describe('worker configuration', () => {
  const db = { DATABASE_URL: 'postgres://u@h:5432/db' };

  it('runs locally on the published person key and a five-minute statistics refresh, and says the key is the local one', () => {
    const config = loadWorkerConfig(db);
    expect(config.personKey).toEqual({ secret: LOCAL_PERSON_KEY_SECRET, isLocalDefault: true });
    expect(config.statistics.refreshSeconds).toBe(300);
  });

  it('takes a deployment secret and a refresh period, 0 meaning no schedule', () => {
    const secret = 'x'.repeat(32);
    const config = loadWorkerConfig({ ...db, PERSON_KEY_SECRET: secret, STATS_REFRESH_SECONDS: '0' });
    expect(config.personKey).toEqual({ secret, isLocalDefault: false });
    expect(config.statistics.refreshSeconds).toBe(0);
  });

  it('refuses a short secret and a period that is not a whole number of seconds, naming each variable', () => {
    for (const period of ['-5', '1.5', 'soon']) {
      try {
        loadWorkerConfig({ ...db, PERSON_KEY_SECRET: 'short', STATS_REFRESH_SECONDS: period });
        throw new Error('expected a ConfigError');
      } catch (err) {
        expect(err).toBeInstanceOf(ConfigError);
        const problems = (err as ConfigError).problems.join('\n');
        expect(problems).toContain('PERSON_KEY_SECRET');
        expect(problems).toContain('STATS_REFRESH_SECONDS');
      }
    }
  });

  it('serves its metrics on 127.0.0.1:9464 unless told another host:port, or off', () => {
    expect(loadWorkerConfig(db).metrics.address).toBe('127.0.0.1:9464');
    expect(loadWorkerConfig({ ...db, WORKER_METRICS_ADDRESS: '0.0.0.0:9100' }).metrics.address).toBe('0.0.0.0:9100');
    expect(loadWorkerConfig({ ...db, WORKER_METRICS_ADDRESS: '[::1]:9100' }).metrics.address).toBe('[::1]:9100');
    expect(loadWorkerConfig({ ...db, WORKER_METRICS_ADDRESS: 'off' }).metrics.address).toBeNull();
  });

  it('serves /health/live and /health/ready on 127.0.0.1:9465 unless told another host:port, or off', () => {
    expect(loadWorkerConfig(db).health.address).toBe('127.0.0.1:9465');
    expect(loadWorkerConfig({ ...db, WORKER_HEALTH_ADDRESS: '0.0.0.0:8081' }).health.address).toBe('0.0.0.0:8081');
    expect(loadWorkerConfig({ ...db, WORKER_HEALTH_ADDRESS: 'off' }).health.address).toBeNull();
    expect(() => loadWorkerConfig({ ...db, WORKER_HEALTH_ADDRESS: '8081' })).toThrow(/WORKER_HEALTH_ADDRESS must be host:port/);
  });

  it('refuses a metrics address that is neither host:port nor off, naming the variable', () => {
    for (const address of ['9464', 'localhost', 'http://127.0.0.1:9464', 'OFF', '127.0.0.1:port']) {
      expect(() => loadWorkerConfig({ ...db, WORKER_METRICS_ADDRESS: address })).toThrow(/WORKER_METRICS_ADDRESS must be host:port/);
    }
  });

  it('logs at LOG_LEVEL and every more severe level, so warn and error silence the routine lines', () => {
    expect(nestLogLevels(loadWorkerConfig({ ...db, LOG_LEVEL: 'debug' }).logLevel)).toEqual(['debug', 'log', 'warn', 'error', 'fatal']);
    expect(nestLogLevels(loadWorkerConfig(db).logLevel)).toEqual(['log', 'warn', 'error', 'fatal']);
    expect(nestLogLevels(loadWorkerConfig({ ...db, LOG_LEVEL: 'warn' }).logLevel)).toEqual(['warn', 'error', 'fatal']);
    expect(nestLogLevels(loadWorkerConfig({ ...db, LOG_LEVEL: 'error' }).logLevel)).toEqual(['error', 'fatal']);
    expect(() => loadWorkerConfig({ ...db, LOG_LEVEL: 'verbose' })).toThrow(/LOG_LEVEL must be one of debug, info, warn, error/);
  });

  it('sizes the workflow cache from the open cases it serves, and activities from the pool, unless told otherwise', () => {
    expect(loadWorkerConfig(db).sizing).toEqual({
      openCases: 10_000,
      maxCachedWorkflows: 11_000,
      maxConcurrentWorkflowTasks: 40,
      maxConcurrentActivities: 20,
      stickyQueueTimeoutSeconds: 10,
    });
    const sized = loadWorkerConfig({ ...db, WORKER_OPEN_CASES: '50000', DATABASE_POOL_SIZE: '25' });
    expect(sized.sizing.maxCachedWorkflows).toBe(55_000);
    expect(sized.sizing.maxConcurrentActivities).toBe(50);
    expect(sized.database.poolSize).toBe(25);
    expect(loadWorkerConfig({ ...db, WORKER_OPEN_CASES: '50000', WORKER_MAX_CACHED_WORKFLOWS: '3000' }).sizing.maxCachedWorkflows).toBe(3000);
    expect(() => loadWorkerConfig({ ...db, WORKER_WORKFLOW_TASKS: '1', DATABASE_POOL_SIZE: '0' })).toThrow(
      /WORKER_WORKFLOW_TASKS[\s\S]*DATABASE_POOL_SIZE|DATABASE_POOL_SIZE[\s\S]*WORKER_WORKFLOW_TASKS/,
    );
  });
});
