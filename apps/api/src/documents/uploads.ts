import multipart from '@fastify/multipart';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyRequest } from 'fastify';
import { ProblemException } from '../common/problem';

/** The routes that take a multipart body: document uploads. Every other route stays JSON only (input-rules.ts). */
export const UPLOAD_ROUTE = /^\/(cases|extraditions|domestic-prosecutions)\/:id\/documents$/;

/**
 * Multipart bodies for document uploads only, with their limits: one file of at most `maxBytes` (one byte
 * more is refused by the upload, 413), at most six short fields. A multipart body sent to any other route
 * is refused (415) before it is read.
 */
export async function installDocumentUploads(app: NestFastifyApplication, maxBytes: number): Promise<void> {
  await app.register(multipart as never, {
    limits: { fileSize: maxBytes + 1, files: 1, fields: 6, parts: 7, fieldSize: 1000, fieldNameSize: 100, headerPairs: 100 },
    throwFileSizeLimit: true,
  });
  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onRequest', async (request: FastifyRequest) => {
    const type = request.headers['content-type'];
    if (typeof type !== 'string' || !/^multipart\//i.test(type)) return;
    if (request.method === 'POST' && UPLOAD_ROUTE.test(request.routeOptions?.url ?? '')) return;
    throw ProblemException.of(415, 'UNSUPPORTED_MEDIA_TYPE', 'request bodies are JSON (content-type: application/json); multipart only uploads documents');
  });
}
