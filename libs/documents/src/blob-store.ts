/**
 * Where the bytes of documents live. Two adapters: PostgreSQL (the default, the same database, chunked)
 * and S3-compatible object storage. Neither ever holds a whole file: writes consume a stream, reads yield
 * one. The metadata and the hash are the service's (documents table); a store only keeps bytes by id.
 */
export type StorageName = 'postgres' | 's3';

export interface BlobStore {
  readonly name: StorageName;
  /** Stores the bytes under `id`, all or nothing: a source that throws leaves nothing behind, and the error is rethrown. */
  write(id: string, source: AsyncIterable<Buffer>): Promise<{ bytes: number }>;
  /** The bytes stored under `id`, in order; throws BlobMissing when there are none. */
  read(id: string): AsyncIterable<Buffer>;
  /** Removes bytes written for a document that was not registered after all (its row could not be written). */
  remove(id: string): Promise<void>;
}

export class BlobMissing extends Error {
  constructor(readonly id: string) {
    super(`no stored bytes for document ${id}`);
    this.name = 'BlobMissing';
  }
}

/** Re-cuts a stream of buffers of any size into buffers of exactly `size` bytes (the last one shorter). */
export async function* rechunk(source: AsyncIterable<Buffer>, size: number): AsyncIterable<Buffer> {
  let parts: Buffer[] = [];
  let held = 0;
  for await (const piece of source) {
    let rest = piece;
    while (held + rest.length >= size) {
      const take = size - held;
      parts.push(rest.subarray(0, take));
      yield Buffer.concat(parts, size);
      rest = rest.subarray(take);
      parts = [];
      held = 0;
    }
    if (rest.length) {
      parts.push(rest);
      held += rest.length;
    }
  }
  if (held) yield Buffer.concat(parts, held);
}
