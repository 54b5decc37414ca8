import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadApiConfig, loadWorkerConfig } from './config';
import { parseCodecKeyRing } from './codec-keys';

const key = (byte: number) => Buffer.alloc(32, byte).toString('base64');
const ring = { current: 'k2', keys: { k1: key(1), k2: key(2) } };
const db = { DATABASE_URL: 'postgres://u@h:5432/db' };

describe('codec key ring configuration', () => {
  it('reads the ring from TEMPORAL_CODEC_KEYS or from TEMPORAL_CODEC_KEYS_FILE', () => {
    const fromEnv = loadWorkerConfig({ ...db, TEMPORAL_CODEC_KEYS: JSON.stringify(ring) }).temporal.codecKeys!;
    expect(fromEnv.current).toBe('k2');
    expect(fromEnv.keys.k1).toEqual(Buffer.alloc(32, 1));
    const dir = mkdtempSync(join(tmpdir(), 'codec-keys-'));
    try {
      writeFileSync(join(dir, 'keys.json'), JSON.stringify(ring));
      const fromFile = loadApiConfig({ ...db, AUTH_PUBLIC_KEY_FILE: '/k.pem', TEMPORAL_CODEC_KEYS_FILE: join(dir, 'keys.json') }).temporal.codecKeys!;
      expect(fromFile.keys.k2).toEqual(Buffer.alloc(32, 2));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('runs without sealing when neither is set', () => {
    expect(loadWorkerConfig(db).temporal.codecKeys).toBeUndefined();
  });

  it.each([
    ['not JSON', 'nope', /not JSON/],
    ['a short key', JSON.stringify({ current: 'k1', keys: { k1: Buffer.alloc(16).toString('base64') } }), /key "k1" must be the base64 of 32 random bytes/],
    ['a current key it does not hold', JSON.stringify({ current: 'k9', keys: { k1: key(1) } }), /"current" must name one of its keys/],
    ['no keys', JSON.stringify({ current: 'k1' }), /object "keys"/],
    ['a bad key id', JSON.stringify({ current: 'a b', keys: { 'a b': key(1) } }), /key id "a b"/],
  ])('refuses %s, naming the variable and never a key', (_, text, rule) => {
    const err = (() => {
      try {
        loadWorkerConfig({ ...db, TEMPORAL_CODEC_KEYS: text });
      } catch (e) {
        return e as ConfigError;
      }
    })();
    expect(err).toBeInstanceOf(ConfigError);
    expect(err!.message).toMatch(rule);
    expect(err!.message).toContain('TEMPORAL_CODEC_KEYS');
    expect(err!.message).not.toContain(key(1));
  });

  it('refuses both sources at once and an unreadable file', () => {
    expect(() => loadWorkerConfig({ ...db, TEMPORAL_CODEC_KEYS: JSON.stringify(ring), TEMPORAL_CODEC_KEYS_FILE: '/x' })).toThrow(/not both/);
    expect(() => loadWorkerConfig({ ...db, TEMPORAL_CODEC_KEYS_FILE: '/nonexistent/keys.json' })).toThrow(/TEMPORAL_CODEC_KEYS_FILE cannot be read \(ENOENT/);
  });

  it('checks the UI origins allowed to call the codec endpoint', () => {
    const base = { ...db, AUTH_PUBLIC_KEY_FILE: '/k.pem' };
    expect(loadApiConfig(base).api.codecCorsOrigins).toEqual(['http://127.0.0.1:8233', 'http://localhost:8233']);
    expect(loadApiConfig({ ...base, CODEC_CORS_ORIGINS: 'https://ui.example.org' }).api.codecCorsOrigins).toEqual(['https://ui.example.org']);
    expect(() => loadApiConfig({ ...base, CODEC_CORS_ORIGINS: 'https://ui.example.org/path' })).toThrow(/CODEC_CORS_ORIGINS/);
  });

  it('parses a ring without the environment', () => {
    expect(parseCodecKeyRing(JSON.stringify(ring), 'x').ring!.current).toBe('k2');
  });
});
