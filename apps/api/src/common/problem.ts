import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { ValidationError } from 'class-validator';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FieldProblem, RuleViolation } from '../../../../libs/domain/src';

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
}

export class ProblemException extends HttpException {
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
  422: 'The request breaks a rule',
  500: 'Internal error',
  503: 'Service unavailable',
};

/** Flattens class-validator errors into one entry per field and rule. */
export function validationProblem(errors: ValidationError[]): ProblemException {
  const problems: FieldProblem[] = [];
  const walk = (error: ValidationError, path: string) => {
    const field = path ? `${path}.${error.property}` : error.property;
    for (const [rule, message] of Object.entries(error.constraints ?? {})) {
      problems.push({ field, rule: rule === 'whitelistValidation' ? 'unknown_property' : rule, message });
    }
    for (const child of error.children ?? []) walk(child, field);
  };
  errors.forEach((e) => walk(e, ''));
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
    if (problem.status >= 500) {
      // Messages only: request bodies carry personal data and never reach the logs.
      this.logger.error(`${request.method} ${problem.instance} failed: ${describe(exception)}`);
    }
    void reply.status(problem.status).header('content-type', 'application/problem+json').send(problem);
  }

  private toProblem(exception: unknown): ProblemDetails {
    if (exception instanceof ProblemException) return { ...exception.problem };
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const body = exception.getResponse();
      const detail = typeof body === 'string' ? body : ((body as { message?: unknown }).message ?? exception.message);
      return {
        type: 'about:blank',
        title: TITLES[status] ?? exception.name,
        status,
        detail: Array.isArray(detail) ? detail.join('; ') : String(detail),
      };
    }
    if (isFastifyClientError(exception)) {
      return { type: '/problems/invalid-body', title: TITLES[400], status: 400, code: 'INVALID_BODY', detail: exception.message };
    }
    return { type: 'about:blank', title: TITLES[500], status: 500, detail: 'an internal error occurred; it has been logged' };
  }
}

function isFastifyClientError(e: unknown): e is { statusCode: number; message: string } {
  const code = (e as { statusCode?: unknown })?.statusCode;
  return typeof code === 'number' && code >= 400 && code < 500;
}

function describe(e: unknown): string {
  return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
}
