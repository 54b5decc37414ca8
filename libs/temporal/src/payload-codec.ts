import type { DataConverter, Payload, PayloadCodec } from '@temporalio/common';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { CodecKeyRing } from '../../config/src';

/** `encoding` of a sealed payload; anything else is a payload from before sealing and passes through. */
export const ENCRYPTED_ENCODING = 'binary/encrypted';
/** Metadata naming the key a payload was sealed with. */
export const KEY_ID_METADATA = 'encryption-key-id';
export const CIPHER_METADATA = 'encryption-cipher';
const CIPHER = 'AES-256-GCM';
const NONCE_BYTES = 12;
const TAG_BYTES = 16;

/** Where the codec gets its keys: a file or the environment today, a KMS tomorrow. */
export interface KeyProvider {
  /** The key new payloads are sealed with. */
  encryptionKey(): Promise<{ id: string; key: Uint8Array }>;
  /** The key a payload names, or undefined when this provider does not hold it. */
  decryptionKey(id: string): Promise<Uint8Array | undefined>;
  /** Ids the provider holds, for error messages (never the keys). */
  keyIds(): Promise<string[]>;
}

/** Keys held in memory, read from TEMPORAL_CODEC_KEYS or TEMPORAL_CODEC_KEYS_FILE through the validated configuration. */
export class StaticKeyProvider implements KeyProvider {
  constructor(private readonly ring: CodecKeyRing) {}
  async encryptionKey() {
    return { id: this.ring.current, key: this.ring.keys[this.ring.current] };
  }
  async decryptionKey(id: string) {
    return Object.prototype.hasOwnProperty.call(this.ring.keys, id) ? this.ring.keys[id] : undefined;
  }
  async keyIds() {
    return Object.keys(this.ring.keys);
  }
}

export class PayloadDecryptionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PayloadDecryptionError';
  }
}

const utf8 = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array | null | undefined) => (b ? Buffer.from(b).toString('utf8') : undefined);

/** The whole payload (metadata and data) as plaintext, so that neither the content nor its type shows. */
function serialize(payload: Payload): Buffer {
  const metadata = Object.fromEntries(Object.entries(payload.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')]));
  return Buffer.from(JSON.stringify({ metadata, data: Buffer.from(payload.data ?? new Uint8Array()).toString('base64') }), 'utf8');
}

function deserialize(plain: Buffer): Payload {
  const { metadata, data } = JSON.parse(plain.toString('utf8')) as { metadata: Record<string, string>; data: string };
  return {
    metadata: Object.fromEntries(Object.entries(metadata).map(([k, v]) => [k, new Uint8Array(Buffer.from(v, 'base64'))])),
    data: new Uint8Array(Buffer.from(data, 'base64')),
  };
}

/**
 * Seals every payload with AES-256-GCM before it leaves the process: a fresh 96-bit nonce per
 * payload, the key id in the metadata (and bound to the ciphertext as associated data, so it cannot
 * be swapped). Decoding opens a sealed payload with the key it names and lets any other payload
 * through unchanged, so histories written before sealing still replay.
 */
export class EncryptionCodec implements PayloadCodec {
  constructor(private readonly keys: KeyProvider) {}

  async encode(payloads: Payload[]): Promise<Payload[]> {
    if (payloads.length === 0) return payloads;
    const { id, key } = await this.keys.encryptionKey();
    return payloads.map((payload) => {
      const nonce = randomBytes(NONCE_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG_BYTES });
      cipher.setAAD(utf8(id));
      const sealed = Buffer.concat([nonce, cipher.update(serialize(payload)), cipher.final(), cipher.getAuthTag()]);
      return {
        metadata: { encoding: utf8(ENCRYPTED_ENCODING), [KEY_ID_METADATA]: utf8(id), [CIPHER_METADATA]: utf8(CIPHER) },
        data: new Uint8Array(sealed),
      };
    });
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return Promise.all(payloads.map((payload) => this.open(payload)));
  }

  private async open(payload: Payload): Promise<Payload> {
    if (text(payload.metadata?.encoding) !== ENCRYPTED_ENCODING) return payload;
    const id = text(payload.metadata?.[KEY_ID_METADATA]);
    if (!id) throw new PayloadDecryptionError(`a sealed payload names no key (metadata "${KEY_ID_METADATA}" missing)`);
    const key = await this.keys.decryptionKey(id);
    if (!key) {
      throw new PayloadDecryptionError(
        `payload sealed with key "${id}", which the key ring does not hold (it holds ${(await this.keys.keyIds()).join(', ') || 'no key'}); add that key back to TEMPORAL_CODEC_KEYS`,
      );
    }
    const sealed = Buffer.from(payload.data ?? new Uint8Array());
    if (sealed.length < NONCE_BYTES + TAG_BYTES) throw new PayloadDecryptionError(`sealed payload (key "${id}") is truncated`);
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, NONCE_BYTES), { authTagLength: TAG_BYTES });
      decipher.setAAD(utf8(id));
      decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
      return deserialize(Buffer.concat([decipher.update(sealed.subarray(NONCE_BYTES, sealed.length - TAG_BYTES)), decipher.final()]));
    } catch {
      throw new PayloadDecryptionError(`sealed payload (key "${id}") failed authentication: altered, or sealed with another key of that id`);
    }
  }
}

/** The module exporting the engine's `failureConverter` (failure messages and stack traces as a payload). */
export const failureConverterModule = () => join(__dirname, 'failure-converter');

/**
 * The data converter of every client and worker of the engine: sealing when keys are configured, plain
 * otherwise. Sealing covers failures too: their messages and stack traces travel as a sealed payload.
 */
export function engineDataConverter(keys: CodecKeyRing | KeyProvider | undefined): DataConverter {
  if (!keys) return {};
  const provider = 'encryptionKey' in keys ? keys : new StaticKeyProvider(keys);
  return { payloadCodecs: [new EncryptionCodec(provider)], failureConverterPath: failureConverterModule() };
}
