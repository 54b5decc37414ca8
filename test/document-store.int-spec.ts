import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { DataSource } from 'typeorm';
import { DocumentsService } from '../apps/api/src/documents/documents.service';
import { BlobMissing, type BlobStore } from '../libs/documents/src/blob-store';
import { PostgresBlobStore } from '../libs/documents/src/postgres-blob-store';
import { S3BlobStore, type S3StoreConfig } from '../libs/documents/src/s3-blob-store';
import { createDataSource } from '../libs/persistence/src';
import { stopChild } from '../scripts/embedded-postgres-process';
import { motoServerPath } from '../scripts/tools.cjs';
import { freePort, startPostgres, type Running } from './support/servers';

// One contract, two document stores: PostgreSQL chunks and a real S3-compatible server (moto, installed
// into .tools/s3 from PyPI on first use). Then what the service adds on top, on both: the hash checked on
// every read, and a 50 MB document stored and read back in bounded memory (the figure is in README.md).

const MiB = 1024 * 1024;

// Garbage collection on demand, so that the samples measure what is held, not what V8 has yet to collect.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

async function startMoto(): Promise<Running & { endpoint: string }> {
  const port = await freePort();
  const child: ChildProcess = spawn(motoServerPath(), ['-H', '127.0.0.1', '-p', String(port)], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += String(d)));
  const endpoint = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`moto_server exited with ${child.exitCode}: ${stderr}`);
    try {
      if ((await fetch(`${endpoint}/moto-api/`)).status < 500) break;
    } catch {}
    if (Date.now() > deadline) throw new Error(`moto_server did not answer on ${endpoint}: ${stderr}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return { endpoint, stop: () => stopChild(child) };
}

async function* pieces(bytes: Buffer, size = 64 * 1024): AsyncIterable<Buffer> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

async function* failingAfter(bytes: Buffer): AsyncIterable<Buffer> {
  yield* pieces(bytes);
  throw new Error('the client went away');
}

async function readAll(source: AsyncIterable<Buffer>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const p of source) parts.push(p);
  return Buffer.concat(parts);
}

describe('document stores: one contract, PostgreSQL and S3-compatible', () => {
  let pg: Running & { url: string };
  let moto: Running & { endpoint: string };
  let db: DataSource;
  let s3: S3StoreConfig;
  let raw: S3Client;
  const stores: Record<string, () => BlobStore> = {};

  beforeAll(async () => {
    [pg, moto] = await Promise.all([startPostgres(), startMoto()]);
    db = await createDataSource(pg.url).initialize();
    await db.runMigrations({ transaction: 'each' });
    s3 = {
      endpoint: moto.endpoint,
      region: 'us-east-1',
      bucket: 'mla-documents',
      accessKeyId: 'test',
      secretAccessKey: 'test',
      forcePathStyle: true,
      prefix: 'docs/',
    };
    raw = new S3Client({ region: s3.region, endpoint: s3.endpoint, forcePathStyle: true, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
    await raw.send(new CreateBucketCommand({ Bucket: s3.bucket }));
    stores.postgres = () => new PostgresBlobStore(db);
    stores.s3 = () => new S3BlobStore(s3);
  }, 180000);

  afterAll(async () => {
    raw?.destroy();
    await db?.destroy();
    await Promise.all([pg?.stop(), moto?.stop()]);
  }, 60000);

  describe.each(['postgres', 's3'])('%s store', (name) => {
    const id = () => crypto.randomUUID();

    it('gives back exactly the bytes written, across chunk and part boundaries', async () => {
      const store = stores[name]();
      for (const size of [1, 256 * 1024, 256 * 1024 + 1, 11 * MiB + 7]) {
        const bytes = randomBytes(size);
        const key = id();
        expect(await store.write(key, pieces(bytes, 100_003))).toEqual({ bytes: size });
        expect((await readAll(store.read(key))).equals(bytes)).toBe(true);
      }
    });

    it('keeps nothing of a write whose source fails', async () => {
      const store = stores[name]();
      const key = id();
      await expect(store.write(key, failingAfter(randomBytes(6 * MiB)))).rejects.toThrow('the client went away');
      await expect(readAll(store.read(key))).rejects.toBeInstanceOf(BlobMissing);
    });

    it('answers BlobMissing for an id never written, and removes what it was asked to', async () => {
      const store = stores[name]();
      await expect(readAll(store.read(id()))).rejects.toBeInstanceOf(BlobMissing);
      const key = id();
      await store.write(key, pieces(Buffer.from('%PDF-1.4 to remove')));
      await store.remove(key);
      await expect(readAll(store.read(key))).rejects.toBeInstanceOf(BlobMissing);
    });

    it('through the service: stores with the hash, refuses to serve bytes changed in storage, and audits it', async () => {
      const service = new DocumentsService(db, { maxBytes: 60 * MiB, store: name as 'postgres' | 's3', s3 });
      const caseId = crypto.randomUUID();
      const bytes = Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(300_000)]);
      const actor = { userId: 'u-test', role: 'PROSECUTOR', stateCode: 'SN', authorityId: 'SN-PROS-DAKAR' };
      const doc = await service.store({ caseId, actor, kind: 'ANNEX', language: 'fr', filename: 'a.pdf', source: bytes });
      expect(doc).toMatchObject({ storage: name, sha256: createHash('sha256').update(bytes).digest('hex'), contentType: 'application/pdf' });
      expect((await readAll(await service.open(actor, doc))).equals(bytes)).toBe(true);

      const tampered = Buffer.from(bytes);
      tampered[5000] ^= 0xff;
      if (name === 'postgres')
        await db.query(`UPDATE document_chunks SET data = $2 WHERE document_id = $1 AND n = 0`, [doc.id, tampered.subarray(0, 256 * 1024)]);
      else await raw.send(new PutObjectCommand({ Bucket: s3.bucket, Key: `docs/${doc.id}`, Body: tampered }));
      await expect(service.open(actor, doc)).rejects.toMatchObject({ problem: expect.objectContaining({ code: 'DOCUMENT_INTEGRITY' }) });
      const events = await service.records.events(doc.id);
      expect(events.map((e) => e.event)).toEqual(['STORED', 'INTEGRITY_FAILURE']);
      service.onModuleDestroy();
    });

    it('stores and serves a 50 MB document without holding it in memory', async () => {
      const service = new DocumentsService(db, { maxBytes: 60 * MiB, store: name as 'postgres' | 's3', s3 });
      const size = 50 * 1000 * 1000;
      const block = randomBytes(64 * 1024);
      block.write('%PDF-1.7\n', 0);
      const hash = createHash('sha256');
      async function* generated(): AsyncIterable<Buffer> {
        for (let sent = 0; sent < size; sent += block.length) {
          const piece = block.subarray(0, Math.min(block.length, size - sent));
          hash.update(piece);
          yield Buffer.from(piece);
        }
      }
      // Live memory (the JS heap and the buffers outside it), measured after a collection at each sample:
      // what the process holds, unlike its RSS, which the allocator gives back to the system only lazily.
      const live = () => {
        gc();
        const m = process.memoryUsage();
        return { live: m.heapUsed + m.external, rss: m.rss };
      };
      const base = live();
      const peak = { ...base };
      const sampler = setInterval(() => {
        const now = live();
        peak.live = Math.max(peak.live, now.live);
        peak.rss = Math.max(peak.rss, now.rss);
      }, 100);
      const actor = { userId: 'u-test', role: 'EXECUTING_AUTHORITY', stateCode: 'GH', authorityId: 'GH-POL-AHTU' };
      const doc = await service.store({ caseId: crypto.randomUUID(), actor, kind: 'EVIDENCE', language: 'en', filename: 'big.pdf', source: generated() });
      const uploadPeak = peak.live - base.live;
      let read = 0;
      const back = createHash('sha256');
      for await (const chunk of await service.open(actor, doc)) {
        read += (chunk as Buffer).length;
        back.update(chunk as Buffer);
      }
      clearInterval(sampler);
      const growth = (peak.live - base.live) / MiB;
      process.stdout.write(
        `${name}: 50 MB stored and read back, peak live memory growth ${growth.toFixed(1)} MiB (upload ${(uploadPeak / MiB).toFixed(1)} MiB), peak RSS growth ${((peak.rss - base.rss) / MiB).toFixed(1)} MiB\n`,
      );
      expect(read).toBe(size);
      expect(back.digest('hex')).toBe(doc.sha256);
      expect(doc.sha256).toBe(hash.digest('hex'));
      // Holding the file whole would keep at least its 47.7 MiB alive; streaming keeps a chunk (256 KiB) or a
      // few S3 parts in flight (5 MiB each): measured here at 0–1 MiB and about 20 MiB.
      expect(growth).toBeLessThan(36);
      service.onModuleDestroy();
    }, 300000);
  });
});
