import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { randomBytes } from 'node:crypto';
import { ENCRYPTED_ENCODING, EncryptionCodec, KEY_ID_METADATA, PayloadDecryptionError, StaticKeyProvider, engineDataConverter } from './payload-codec';

const k1 = randomBytes(32);
const k2 = randomBytes(32);
const codecOf = (current: string, keys: Record<string, Buffer>) => new EncryptionCodec(new StaticKeyProvider({ current, keys }));
const str = (b?: Uint8Array | null) => Buffer.from(b ?? []).toString('utf8');
const value = { name: 'Ana Planted-Person', birthDate: '1971-02-03', facts: 'the secret facts of the case' };
const plain = (v: unknown = value): Payload => defaultPayloadConverter.toPayload(v)!;

describe('EncryptionCodec', () => {
  it('seals every payload so that neither its content nor its type shows, and opens it again', async () => {
    const codec = codecOf('k1', { k1 });
    const [sealed] = await codec.encode([plain()]);
    expect(str(sealed.metadata!.encoding)).toBe(ENCRYPTED_ENCODING);
    expect(str(sealed.metadata![KEY_ID_METADATA])).toBe('k1');
    const raw = Buffer.from(sealed.data!).toString('latin1');
    for (const leak of ['Planted', '1971-02-03', 'secret', 'json/plain']) expect(raw).not.toContain(leak);
    const [opened] = await codec.decode([sealed]);
    expect(defaultPayloadConverter.fromPayload(opened)).toEqual(value);
    expect(str(opened.metadata!.encoding)).toBe('json/plain');
  });

  it('uses a fresh nonce for each payload: the same value never seals the same way twice', async () => {
    const codec = codecOf('k1', { k1 });
    const [a, b] = await codec.encode([plain(), plain()]);
    expect(Buffer.from(a.data!).equals(Buffer.from(b.data!))).toBe(false);
    expect(Buffer.from(a.data!).subarray(0, 12).equals(Buffer.from(b.data!).subarray(0, 12))).toBe(false);
  });

  it('opens payloads sealed with an older key after the current key changed (rotation)', async () => {
    const [old] = await codecOf('k1', { k1 }).encode([plain()]);
    const rotated = codecOf('k2', { k1, k2 });
    const [fresh] = await rotated.encode([plain('after rotation')]);
    expect(str(fresh.metadata![KEY_ID_METADATA])).toBe('k2');
    const [a, b] = await rotated.decode([old, fresh]);
    expect(defaultPayloadConverter.fromPayload(a)).toEqual(value);
    expect(defaultPayloadConverter.fromPayload(b)).toBe('after rotation');
  });

  it('refuses a payload whose ciphertext, tag or key id was altered', async () => {
    const codec = codecOf('k1', { k1, k2 });
    const [sealed] = await codec.encode([plain()]);
    const flip = (at: number) => {
      const data = Buffer.from(sealed.data!);
      data[at] ^= 0x01;
      return { ...sealed, data: new Uint8Array(data) };
    };
    await expect(codec.decode([flip(20)])).rejects.toThrow(/failed authentication/);
    await expect(codec.decode([flip(sealed.data!.length - 1)])).rejects.toThrow(/failed authentication/);
    await expect(codec.decode([flip(0)])).rejects.toThrow(/failed authentication/);
    const relabelled = { ...sealed, metadata: { ...sealed.metadata, [KEY_ID_METADATA]: new TextEncoder().encode('k2') } };
    await expect(codec.decode([relabelled])).rejects.toThrow(/failed authentication/);
  });

  it('refuses, naming it, a payload sealed with a key the ring does not hold', async () => {
    const [sealed] = await codecOf('k0', { k0: randomBytes(32) }).encode([plain()]);
    const err = await codecOf('k1', { k1 })
      .decode([sealed])
      .catch((e) => e);
    expect(err).toBeInstanceOf(PayloadDecryptionError);
    expect(err.message).toMatch(/key "k0", which the key ring does not hold \(it holds k1\)/);
  });

  it('lets payloads from before sealing through on decode, so old histories replay', async () => {
    const old = [plain(), defaultPayloadConverter.toPayload(undefined)!, defaultPayloadConverter.toPayload(new Uint8Array([1, 2]))!];
    expect(await codecOf('k1', { k1 }).decode(old)).toEqual(old);
  });

  it('configures no codec when no keys are configured', () => {
    expect(engineDataConverter(undefined)).toEqual({});
    expect(engineDataConverter({ current: 'k1', keys: { k1 } }).payloadCodecs).toHaveLength(1);
  });
});
