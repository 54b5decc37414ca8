import type { DataSource } from 'typeorm';
import { BlobMissing, rechunk, type BlobStore } from './blob-store';

/** 256 KiB: a 50 MB file is 200 rows, and an upload or a download holds one chunk at a time. */
export const PG_CHUNK_BYTES = 256 * 1024;

/**
 * Bytes in `document_chunks` of the engine's own database, one row per chunk. A write is one transaction
 * (a failed upload leaves no chunk); a read fetches chunk after chunk by key.
 */
export class PostgresBlobStore implements BlobStore {
  readonly name = 'postgres' as const;

  constructor(
    private readonly db: DataSource,
    private readonly chunkBytes = PG_CHUNK_BYTES,
  ) {}

  async write(id: string, source: AsyncIterable<Buffer>): Promise<{ bytes: number }> {
    const runner = this.db.createQueryRunner();
    await runner.connect();
    let bytes = 0;
    try {
      await runner.startTransaction();
      let n = 0;
      for await (const chunk of rechunk(source, this.chunkBytes)) {
        await runner.query(`INSERT INTO document_chunks (document_id, n, data) VALUES ($1, $2, $3)`, [id, n++, chunk]);
        bytes += chunk.length;
      }
      await runner.commitTransaction();
      return { bytes };
    } catch (err) {
      if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
      throw err;
    } finally {
      await runner.release();
    }
  }

  async *read(id: string): AsyncIterable<Buffer> {
    for (let n = 0; ; n++) {
      const rows: Array<{ data: Buffer }> = await this.db.query(`SELECT data FROM document_chunks WHERE document_id = $1 AND n = $2`, [id, n]);
      if (!rows.length) {
        if (n === 0) throw new BlobMissing(id);
        return;
      }
      yield rows[0].data;
    }
  }

  async remove(id: string): Promise<void> {
    await this.db.query(`DELETE FROM document_chunks WHERE document_id = $1`, [id]);
  }
}
