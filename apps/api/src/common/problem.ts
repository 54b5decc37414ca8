import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { ValidationError } from 'class-validator';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FieldProblem, RuleViolation } from '../../../../libs/domain/src';
import { describeError } from '../../../../libs/logging/src';

/** RFC 9457 problem details, with `errors` naming each field and the rule it breaks. */
export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  code?: string;
  legalRef?: string;
  errors?: FieldProblem[];
  /** On 503: the dependency that is away. */
  dependency?: Dependency;
}

export class ProblemException extends HttpException {
  /** Sent as `Retry-After` when the client should simply try again later. */
  retryAfterSeconds?: number;

  constructor(readonly problem: ProblemDetails) {
    super(problem, problem.status);
  }

  static of(status: number, code: string, detail: string, extra: Partial<ProblemDetails> = {}): ProblemException {
    return new ProblemException({
      type: `/problems/${code.toLowerCase().replace(/_/g, '-')}`,
      title: TITLES[status] ?? 'Error',
      status,
      code,
      detail,
      ...extra,
    });
  }

  static fromViolation(violation: RuleViolation): ProblemException {
    const status = violation.kind === 'CONFLICT' ? HttpStatus.CONFLICT : HttpStatus.UNPROCESSABLE_ENTITY;
    return ProblemException.of(status, violation.code, violation.message, {
      legalRef: violation.legalRef,
      errors: violation.errors,
    });
  }
}

const TITLES: Record<number, string> = {
  400: 'Bad request',
  401: 'Authentication required',
  403: 'Forbidden',
  404: 'Not found',
  409: 'Conflict with the state of the case',
  413: 'Content too large',
  415: 'Unsupported media type',
  422: 'The request breaks a rule',
  429: 'Too many requests',
  500: 'Internal error',
  503: 'Service unavailable',
};

/** Codes of the refusals that come from the HTTP layer itself rather than from a rule of the engine. */
const TRANSPORT_CODES: Record<number, string> = { 413: 'BODY_TOO_LARGE', 415: 'UNSUPPORTED_MEDIA_TYPE' };

/** Flattens class-validator errors into one entry per field and rule, for the body or the query. */
export function validationProblem(errors: ValidationError[], where: 'body' | 'query' = 'body'): ProblemException {
  const problems: FieldProblem[] = [];
  const walk = (error: ValidationError, path: string) => {
    const field = path ? `${path}.${error.property}` : error.property;
    for (const [rule, message] of Object.entries(error.constraints ?? {})) {
      problems.push({ field, rule: rule === 'whitelistValidation' ? 'unknown_property' : rule, message });
    }
    for (const child of error.children ?? []) walk(child, field);
  };
  errors.forEach((e) => walk(e, ''));
  if (where === 'query') {
    return ProblemException.of(HttpStatus.BAD_REQUEST, 'INVALID_QUERY', `${problems.length} problem(s) in the query`, { errors: problems });
  }
  return ProblemException.of(HttpStatus.BAD_REQUEST, 'INVALID_BODY', `${problems.length} problem(s) in the request`, {
    errors: problems,
  });
}

@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('http');

  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const reply = ctx.getResponse<FastifyReply>();
    const request = ctx.getRequest<FastifyRequest>();
    const problem = this.toProblem(exception);
    problem.instance = request.url.split('?')[0];
    const retryAfter =
      exception instanceof ProblemException && exception.retryAfterSeconds !== undefined
        ? exception.retryAfterSeconds
        : problem.dependency
          ? RETRY_AFTER_SECONDS[problem.dependency]
          : problem.status === 503
            ? DEFAULT_RETRY_AFTER_SECONDS
            : undefined;
    if (retryAfter !== undefined) void reply.header('retry-after', String(retryAfter));
    if (problem.dependency) {
      // The error's code only: driver messages can quote SQL parameters, and those carry personal data.
      this.logger.warn(`${request.method} ${problem.instance}: ${problem.dependency} unavailable (${errorCode(exception)})`);
    } else if (problem.status >= 500 && problem.status !== 503) {
      // Messages only: request bodies carry personal data and never reach the logs.
      // Name, code and SQLSTATE only: a QueryFailedError's message and parameters quote the statement's values.
      this.logger.error(`${request.method} ${request.routeOptions?.url ?? '(no route)'} failed: ${describeError(exception)}`);
    }
    void reply.status(problem.status).header('content-type', 'application/problem+json').send(problem);
  }

  private toProblem(exception: unknown): ProblemDetails {
    if (exception instanceof ProblemException) return { ...exception.problem };
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const body = exception.getResponse();
      const detail = typeof body === 'string' ? body : ((body as { message?: unknown }).message ?? exception.message);
      const code = TRANSPORT_CODES[status];
      return {
        type: code ? `/problems/${code.toLowerCase().replace(/_/g, '-')}` : 'about:blank',
        title: TITLES[status] ?? exception.name,
        status,
        ...(code ? { code } : {}),
        detail: Array.isArray(detail) ? detail.join('; ') : String(detail),
      };
    }
    if (isFastifyClientError(exception)) {
      const status = exception.statusCode;
      const code = TRANSPORT_CODES[status] ?? 'INVALID_BODY';
      return { type: `/problems/${code.toLowerCase().replace(/_/g, '-')}`, title: TITLES[status] ?? TITLES[400], status, code, detail: exception.message };
    }
    const dependency = unavailableDependency(exception);
    if (dependency) {
      return {
        type: '/problems/dependency-unavailable',
        title: TITLES[503],
        status: 503,
        code: 'DEPENDENCY_UNAVAILABLE',
        dependency,
        detail:
          `${dependency === 'temporal' ? 'the workflow service (Temporal)' : 'the database (PostgreSQL)'} cannot be reached; ` +
          'nothing was changed by this request, retry later',
      };
    }
    return { type: 'about:blank', title: TITLES[500], status: 500, detail: 'an internal error occurred; it has been logged' };
  }
}

function isFastifyClientError(e: unknown): e is { statusCode: number; message: string } {
  const code = (e as { statusCode?: unknown })?.statusCode;
  return typeof code === 'number' && code >= 400 && code < 500;
}

export type Dependency = 'temporal' | 'postgres';
const RETRY_AFTER_SECONDS: Record<Dependency, number> = { temporal: 5, postgres: 5 };
const DEFAULT_RETRY_AFTER_SECONDS = 5;

// gRPC status codes of a Temporal frontend that is away or did not answer in time.
const GRPC_UNAVAILABLE = 14;
const GRPC_DEADLINE_EXCEEDED = 4;
const TEMPORAL_ERRORS = new Set(['ServiceError', 'ConnectionError', 'TransportError', 'WorkflowUpdateRPCTimeoutOrCancelledError']);
// Socket errors of the Postgres driver (Temporal's client is native code and reports gRPC statuses instead).
const SOCKET_ERRORS = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
// SQLSTATE 57P01 admin_shutdown, 57P02 crash_shutdown, 57P03 cannot_connect_now; class 08 is connection exceptions.
const POSTGRES_AWAY = /^(08[0-9A-Z]{3}|57P0[123])$/;
const POOL_MESSAGES =
  /^(Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Connection terminated due to connection timeout)/i;

/**
 * Which dependency an error says is unreachable, looking through its causes (SDK errors wrap the
 * gRPC status in `cause`, TypeORM wraps the driver's error in `driverError`, Node in AggregateError).
 * Any other failure, a refused statement included, is not a dependency being away.
 */
export function unavailableDependency(error: unknown, seen = new Set<unknown>()): Dependency | null {
  if (!error || typeof error !== 'object' || seen.has(error) || seen.size > 10) return null;
  seen.add(error);
  const e = error as {
    name?: unknown;
    code?: unknown;
    message?: unknown;
    cause?: unknown;
    driverError?: unknown;
    errors?: unknown;
    details?: unknown;
    metadata?: unknown;
  };
  const code = e.code;
  const grpc =
    typeof code === 'number' &&
    (code === GRPC_UNAVAILABLE || code === GRPC_DEADLINE_EXCEEDED) &&
    ('details' in e || 'metadata' in e || TEMPORAL_ERRORS.has(String(e.name)));
  if (grpc) return 'temporal';
  if (typeof code === 'string' && (SOCKET_ERRORS.has(code) || POSTGRES_AWAY.test(code))) return 'postgres';
  if (typeof e.message === 'string' && POOL_MESSAGES.test(e.message)) return 'postgres';
  for (const inner of [e.cause, e.driverError, ...(Array.isArray(e.errors) ? e.errors : [])]) {
    const found = unavailableDependency(inner, seen);
    if (found) return found;
  }
  // A Temporal client error whose cause did not survive (e.g. a connection that never opened).
  if (e.name === 'ConnectionError' || e.name === 'TransportError') return 'temporal';
  return null;
}

function errorCode(e: unknown): string {
  const seen = new Set<unknown>();
  for (let cur = e as { code?: unknown; cause?: unknown; driverError?: unknown } | undefined; cur && typeof cur === 'object' && !seen.has(cur);) {
    seen.add(cur);
    if (cur.code !== undefined) return String(cur.code);
    cur = (cur.cause ?? cur.driverError) as typeof cur;
  }
  return e instanceof Error ? e.name : 'unknown';
}
