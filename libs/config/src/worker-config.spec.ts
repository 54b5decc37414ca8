import { ConfigError, LOCAL_PERSON_KEY_SECRET, loadWorkerConfig } from './config';

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
});
