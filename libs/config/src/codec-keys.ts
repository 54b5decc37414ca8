import { readFileSync } from 'node:fs';

/**
 * The keys that seal Temporal payloads: new payloads are encrypted with `current`, old ones are
 * opened with whichever key their metadata names, so a key can be added and made current without
 * breaking the histories sealed with the previous one.
 */
export interface CodecKeyRing {
  current: string;
  /** AES-256 keys by id (32 bytes each). */
  keys: Record<string, Buffer>;
}

const KEY_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** Reads `{ "current": "k2", "keys": { "k1": "<base64 of 32 bytes>", "k2": "…" } }`; problems name the source and never a key. */
export function parseCodecKeyRing(text: string, source: string): { ring?: CodecKeyRing; problems: string[] } {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { problems: [`${source} is not JSON ({ "current": "<key id>", "keys": { "<key id>": "<base64 of 32 bytes>" } })`] };
  }
  const problems: string[] = [];
  const value = raw as { current?: unknown; keys?: unknown };
  if (!value || typeof value !== 'object' || typeof value.keys !== 'object' || value.keys === null || Array.isArray(value.keys)) {
    return { problems: [`${source} must hold an object "keys" of key id → base64 key`] };
  }
  const keys: Record<string, Buffer> = {};
  for (const [id, encoded] of Object.entries(value.keys as Record<string, unknown>)) {
    if (!KEY_ID.test(id)) problems.push(`${source}: key id "${id.slice(0, 64)}" must be 1-64 letters, digits, ".", "_" or "-"`);
    const key = typeof encoded === 'string' && /^[A-Za-z0-9+/]+={0,2}$/.test(encoded) ? Buffer.from(encoded, 'base64') : undefined;
    if (!key || key.length !== 32) problems.push(`${source}: key "${id}" must be the base64 of 32 random bytes (AES-256)`);
    else keys[id] = key;
  }
  if (typeof value.current !== 'string' || !(value.current in (value.keys as object))) {
    problems.push(`${source}: "current" must name one of its keys`);
  }
  return problems.length ? { problems } : { ring: { current: value.current as string, keys }, problems };
}

/** TEMPORAL_CODEC_KEYS (the JSON itself) or TEMPORAL_CODEC_KEYS_FILE (a file holding it), read once at start. */
export function readCodecKeyRing(env: Record<string, string | undefined>): { ring?: CodecKeyRing; problems: string[] } {
  const inline = env.TEMPORAL_CODEC_KEYS?.trim() || undefined;
  const file = env.TEMPORAL_CODEC_KEYS_FILE?.trim() || undefined;
  if (inline && file) return { problems: ['set one of TEMPORAL_CODEC_KEYS and TEMPORAL_CODEC_KEYS_FILE, not both'] };
  if (inline) return parseCodecKeyRing(inline, 'TEMPORAL_CODEC_KEYS');
  if (!file) return { problems: [] };
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    return { problems: [`TEMPORAL_CODEC_KEYS_FILE cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'}: ${file})`] };
  }
  return parseCodecKeyRing(text, `TEMPORAL_CODEC_KEYS_FILE ${file}`);
}
