import { randomUUID } from 'node:crypto';
import { LogController, type FastifyInstance, type FastifyRequest, type FastifyServerOptions } from 'fastify';
import type { LogLevel } from '../../../../libs/config/src';
import { errorFacts } from '../../../../libs/logging/src';

/**
 * Fastify's logger (pino) for the request log: JSON, one line per request, with the request id, the
 * actor's id once authenticated, the route pattern (`/cases/:id`, never the URL with its query), the
 * status and the duration. Never bodies, never headers: bodies and some query strings carry personal
 * data, headers carry tokens. Errors are logged by name, code and SQLSTATE, never by message.
 */
export function requestLoggerOptions(level: LogLevel, stream?: NodeJS.WritableStream): FastifyServerOptions['logger'] {
  return {
    level: level === 'debug' ? 'debug' : level,
    base: { context: 'http' },
    messageKey: 'message',
    // Nothing the client sends is logged as it came: should a line ever carry a request or an error, these apply.
    serializers: {
      req: (req: FastifyRequest) => ({ method: req.method, route: routeOf(req) }) as never,
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      err: (err: unknown) => errorFacts(err) as never,
    },
    redact: { paths: ['req.headers', 'headers', 'authorization', '*.authorization', 'body', '*.body', 'query', '*.query', 'params', '*.params'], remove: true },
    stream: stream ?? process.stdout,
  } as FastifyServerOptions['logger'];
}

/** Fastify's own per-request logging is off: the single line below replaces its two, which log the URL. */
export function requestLoggingAdapterOptions() {
  return {
    logController: new LogController({ disableRequestLogging: true, requestIdLogLabel: 'requestId' }),
    genReqId: () => randomUUID(),
  };
}

export function routeOf(req: FastifyRequest): string {
  return req.routeOptions?.url ?? '(no route)';
}

type Logged = FastifyRequest & { actor?: { userId: string } };

export function installRequestLog(fastify: FastifyInstance): void {
  fastify.addHook('onRequest', async (req, reply) => {
    void reply.header('x-request-id', req.id);
  });
  fastify.addHook('onResponse', async (req: Logged, reply) => {
    req.log.info(
      {
        actorId: req.actor?.userId ?? null,
        method: req.method,
        route: routeOf(req),
        status: reply.statusCode,
        durationMs: Math.round(reply.elapsedTime * 10) / 10,
      },
      'request',
    );
  });
}
