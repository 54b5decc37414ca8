import { createServer, type Server } from 'node:http';
import { once } from 'node:events';
import type { Check, Liveness, Readiness } from '../../../libs/health/src';

/** What the worker reports: liveness without dependencies, readiness with them. */
export interface WorkerHealthSource {
  live(): Liveness;
  ready(): Promise<Readiness<Record<string, Check>>>;
}

/**
 * The worker's own small HTTP port for orchestrators (WORKER_HEALTH_ADDRESS): `GET /health/live` and
 * `GET /health/ready`, 200 or 503 with a JSON body; nothing else, no case data, no token.
 */
export async function startHealthServer(address: string, source: WorkerHealthSource): Promise<{ server: Server; port: number; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      res.end(JSON.stringify(body));
    };
    const path = (req.url ?? '').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, { status: 405, title: 'only GET' });
    if (path === '/health/live') {
      const live = source.live();
      return send(live.status === 'live' ? 200 : 503, live);
    }
    if (path === '/health/ready') {
      source.ready().then(
        (ready) => send(ready.status === 'ready' ? 200 : 503, ready),
        (err: unknown) => send(503, { status: 'not-ready', error: err instanceof Error ? err.message : String(err) }),
      );
      return;
    }
    send(404, { status: 404, title: 'not found: /health/live or /health/ready' });
  });
  const at = address.lastIndexOf(':');
  const host = address.slice(0, at).replace(/^\[|\]$/g, '');
  server.listen(Number(address.slice(at + 1)), host);
  await once(server, 'listening');
  const bound = server.address();
  const port = typeof bound === 'object' && bound ? bound.port : 0;
  return {
    server,
    port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
