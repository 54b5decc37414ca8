import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  NoSuchKey,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import type { Readable } from 'node:stream';
import { BlobMissing, rechunk, type BlobStore } from './blob-store';

export interface S3StoreConfig {
  /** An S3-compatible endpoint (MinIO, Ceph, moto, a cloud region); absent: AWS's own for `region`. */
  endpoint?: string;
  region: string;
  bucket: string;
  accessKeyId?: string;
  secretAccessKey?: string;
  /** Path-style addressing (bucket in the path), what most S3-compatible servers want. */
  forcePathStyle: boolean;
  /** Prepended to every object key, to share a bucket. */
  prefix?: string;
}

/** 5 MiB, the smallest part S3 takes: an upload holds one part at a time. */
export const S3_PART_BYTES = 5 * 1024 * 1024;

/**
 * Bytes as objects of an S3-compatible bucket, one per document. A write is a multipart upload of 5 MiB
 * parts, aborted when the source fails (nothing stored); a read streams the object's body.
 */
export class S3BlobStore implements BlobStore {
  readonly name = 's3' as const;
  private readonly client: S3Client;

  constructor(
    private readonly config: S3StoreConfig,
    client?: S3Client,
  ) {
    this.client =
      client ??
      new S3Client({
        region: config.region,
        endpoint: config.endpoint,
        forcePathStyle: config.forcePathStyle,
        credentials: config.accessKeyId && config.secretAccessKey ? { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey } : undefined,
      });
  }

  private key(id: string): string {
    return `${this.config.prefix ?? ''}${id}`;
  }

  async write(id: string, source: AsyncIterable<Buffer>): Promise<{ bytes: number }> {
    const Bucket = this.config.bucket;
    const Key = this.key(id);
    const { UploadId } = await this.client.send(new CreateMultipartUploadCommand({ Bucket, Key, ContentType: 'application/octet-stream' }));
    let bytes = 0;
    try {
      const parts: Array<{ ETag: string; PartNumber: number }> = [];
      for await (const part of rechunk(source, S3_PART_BYTES)) {
        const PartNumber = parts.length + 1;
        const { ETag } = await this.client.send(new UploadPartCommand({ Bucket, Key, UploadId, PartNumber, Body: part, ContentLength: part.length }));
        parts.push({ ETag: ETag!, PartNumber });
        bytes += part.length;
      }
      if (!parts.length) throw new Error('an empty document is not stored');
      await this.client.send(new CompleteMultipartUploadCommand({ Bucket, Key, UploadId, MultipartUpload: { Parts: parts } }));
      return { bytes };
    } catch (err) {
      await this.client.send(new AbortMultipartUploadCommand({ Bucket, Key, UploadId })).catch(() => undefined);
      throw err;
    }
  }

  async *read(id: string): AsyncIterable<Buffer> {
    let body: Readable;
    try {
      const out = await this.client.send(new GetObjectCommand({ Bucket: this.config.bucket, Key: this.key(id) }));
      body = out.Body as Readable;
    } catch (err) {
      if (err instanceof NoSuchKey || (err as { name?: string }).name === 'NoSuchKey') throw new BlobMissing(id);
      throw err;
    }
    for await (const chunk of body) yield chunk as Buffer;
  }

  async remove(id: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.config.bucket, Key: this.key(id) }));
  }

  destroy(): void {
    this.client.destroy();
  }
}
