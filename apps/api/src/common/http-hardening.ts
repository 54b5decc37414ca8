import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance } from 'fastify';
import { installRequestLog } from './request-log';

/**
 * The dashboard and the API: scripts, styles, images and calls from the engine's own origin only;
 * never framed. The one other origin the dashboard may call is the OpenID provider's, to exchange a
 * sign-in code for a token (`connectOrigins`).
 */
const directives = (connectOrigins: string[]) => ({
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'"],
  imgSrc: ["'self'", 'data:'],
  connectSrc: ["'self'", ...connectOrigins],
  fontSrc: ["'self'"],
  objectSrc: ["'none'"],
  baseUri: ["'self'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
  upgradeInsecureRequests: null,
});

/** Swagger UI at /docs writes its own inline <style> blocks; it gets that, and nothing else more. */
export const DOCS_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; font-src 'self' data:; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

/**
 * Security headers on every response (`@fastify/helmet`: CSP, frame-ancestors none, nosniff, a strict
 * referrer policy), `Cache-Control: no-store` on everything but the dashboard's and the docs' static
 * files (API responses carry case data and personal data), the request log, and the store behind the
 * throttling of authentication failures (`@fastify/rate-limit`, counted by the AuthGuard).
 */
export async function installHttpHardening(app: NestFastifyApplication, options: { connectOrigins?: string[] } = {}): Promise<void> {
  const fastify = app.getHttpAdapter().getInstance() as unknown as FastifyInstance;
  await app.register(
    helmet as never,
    {
      contentSecurityPolicy: { useDefaults: false, directives: directives(options.connectOrigins ?? []) },
      frameguard: { action: 'deny' },
      referrerPolicy: { policy: 'no-referrer' },
      crossOriginEmbedderPolicy: false,
      hsts: { maxAge: 31536000, includeSubDomains: true },
    } as never,
  );
  // No limit of its own on every route (global: false): the AuthGuard counts failed authentications only.
  await app.register(rateLimit as never, { global: false } as never);
  installRequestLog(fastify);
  fastify.addHook('onSend', async (req, reply, payload) => {
    const path = req.url.split('?')[0];
    if (path === '/docs' || path.startsWith('/docs/')) void reply.header('content-security-policy', DOCS_CSP);
    const staticFile = path.startsWith('/dashboard/') || (path.startsWith('/docs/') && !path.endsWith('.json'));
    if (!staticFile) void reply.header('cache-control', 'no-store');
    return payload;
  });
}
