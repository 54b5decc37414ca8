import { ConfigError, loadApiConfig, loadWorkerConfig } from './config';

describe('configuration', () => {
  const valid = { DATABASE_URL: 'postgres://u@h:5432/db', AUTH_PUBLIC_KEY_FILE: '/k.pem' };

  it('applies defaults', () => {
    const config = loadApiConfig(valid);
    expect(config.temporal).toEqual({ address: '127.0.0.1:7233', namespace: 'default', taskQueue: 'mla-cases-v1', searchAttributes: false });
    expect(loadApiConfig({ ...valid, TEMPORAL_SEARCH_ATTRIBUTES: 'on' }).temporal.searchAttributes).toBe(true);
    expect(() => loadApiConfig({ ...valid, TEMPORAL_SEARCH_ATTRIBUTES: 'yes' })).toThrow(/TEMPORAL_SEARCH_ATTRIBUTES must be one of on, off/);
    expect(config.api.port).toBe(3000);
    expect(config.auth).toMatchObject({ issuer: 'mla-engine-local', audience: 'mla-engine', algorithms: ['ES256', 'RS256'] });
  });

  it('reports every problem at once, naming each variable', () => {
    try {
      loadApiConfig({ DATABASE_URL: 'mysql://x', API_PORT: '99999', TEMPORAL_ADDRESS: 'nohost', LOG_LEVEL: 'loud' });
      throw new Error('expected a ConfigError');
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      const problems = (err as ConfigError).problems.join('\n');
      for (const name of ['DATABASE_URL', 'API_PORT', 'TEMPORAL_ADDRESS', 'LOG_LEVEL', 'AUTH_JWKS_URL']) expect(problems).toContain(name);
    }
  });

  it('signs the dashboard in through the issuer only when a client id names it, and then wants the issuer as a URL', () => {
    expect(loadApiConfig(valid).auth.dashboardClientId).toBeUndefined();
    const oidc = loadApiConfig({ ...valid, AUTH_ISSUER: 'https://id.example.gov', AUTH_DASHBOARD_CLIENT_ID: 'mla-dashboard' });
    expect(oidc.auth).toMatchObject({ dashboardClientId: 'mla-dashboard', dashboardScopes: 'openid' });
    expect(() => loadApiConfig({ ...valid, AUTH_DASHBOARD_CLIENT_ID: 'mla-dashboard' })).toThrow(/AUTH_ISSUER must be the OpenID provider's URL/);
  });

  it('lets the worker run without auth settings but not without a database', () => {
    expect(() => loadWorkerConfig({ DATABASE_URL: valid.DATABASE_URL })).not.toThrow();
    expect(() => loadWorkerConfig({})).toThrow(/DATABASE_URL is required/);
  });
});
