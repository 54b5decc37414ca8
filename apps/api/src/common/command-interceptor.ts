import { CallHandler, ExecutionContext, Inject, Injectable, NestInterceptor } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AsyncLocalStorage } from 'node:async_hooks';
import { createHash } from 'node:crypto';
import { Observable, from, lastValueFrom } from 'rxjs';
import type { Actor } from '../../../../libs/domain/src';
import type { CaseStatus } from '../../../../libs/contracts/src';
import { IdempotencyStore } from '../../../../libs/persistence/src';
import { isUuid } from '../../../../libs/persistence/src/typed-values';
import { ProblemException } from './problem';

/** What a command's handling needs from its request, without threading it through every controller method. */
export interface CommandContext {
  /** Temporal update id for the command: derived from the actor and their Idempotency-Key, when one was sent. */
  updateId?: string;
}
const context = new AsyncLocalStorage<CommandContext>();
export const commandContext = (): CommandContext => context.getStore() ?? {};

/**
 * A command or filing Temporal has taken (it is durable in the case's history) whose result Postgres
 * does not show yet: answered 202 with where to read it once it does.
 */
export class AcceptedCommand {
  constructor(
    readonly caseId: string,
    readonly status?: CaseStatus,
  ) {}

  get location(): string {
    return this.status ? `/cases/${this.caseId}?minVersion=${this.status.seq}` : `/cases/${this.caseId}`;
  }

  toJSON() {
    const failed = this.status?.readModel === 'FAILED';
    return {
      id: this.caseId,
      state: this.status?.state,
      version: this.status?.seq,
      readModel: this.status?.readModel ?? 'BEHIND',
      location: this.location,
      detail: failed
        ? 'the command took effect; the case record could not be updated yet and operators have been told: read it again later'
        : 'the command was accepted and is being recorded: read the case at `location` until it shows this version',
    };
  }
}

export const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,200}$/;
export const IDEMPOTENCY_STORE = Symbol('IDEMPOTENCY_STORE');
export const CASE_VIEWS = Symbol('CASE_VIEWS');
/** How a replayed request reads its case (CaseAccess.view). */
export interface CaseViews {
  view(actor: Actor, caseId: string): Promise<unknown>;
}

type Request = FastifyRequest & { actor?: Actor };

/**
 * Every POST and PATCH command: `Idempotency-Key` (IETF draft semantics) — the same key and body
 * replays the first answer, the same key with another body is 422, a key still in flight is 409 —
 * and 202 with a Location when Temporal took the command but Postgres does not show it yet.
 */
@Injectable()
export class CommandInterceptor implements NestInterceptor {
  constructor(
    @Inject(IDEMPOTENCY_STORE) private readonly keys: IdempotencyStore,
    @Inject(CASE_VIEWS) private readonly cases: CaseViews,
  ) {}

  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = ctx.switchToHttp().getRequest<Request>();
    const reply = ctx.switchToHttp().getResponse<FastifyReply>();
    if (request.method !== 'POST' && request.method !== 'PATCH') return next.handle();
    return from(this.handle(request, reply, next));
  }

  private async handle(request: Request, reply: FastifyReply, next: CallHandler): Promise<unknown> {
    const actor = request.actor;
    const raw = request.headers['idempotency-key'];
    // Documents answer with what they stored, not with a case: a retried upload stores another version (listed), a retried handover is refused by the chain.
    const documents = /\/documents(\/|$)/.test(request.routeOptions?.url ?? '');
    if (raw === undefined || !actor || documents) return this.answer(reply, await this.run({}, next));
    const key = Array.isArray(raw) ? raw[0] : raw;
    if (!IDEMPOTENCY_KEY.test(key)) {
      throw ProblemException.of(400, 'INVALID_IDEMPOTENCY_KEY', 'Idempotency-Key must be 1 to 200 printable ASCII characters', {
        errors: [{ field: 'Idempotency-Key', rule: 'format', message: '1 to 200 printable ASCII characters' }],
      });
    }
    const route = request.routeOptions?.url ?? request.url.split('?')[0];
    const filing = request.method === 'POST' && (route === '/cases' || route === '/extraditions');
    const params = (request.params ?? {}) as Record<string, string>;
    const digest = sha256(canonical({ method: request.method, path: request.url.split('?')[0], body: request.body ?? null }));
    const claim = await this.keys.claim(actor.userId, key, filing ? 'FILE' : `${request.method} ${route}`, digest, filing ? null : (params.id ?? null));
    switch (claim.kind) {
      case 'MISMATCH':
        throw ProblemException.of(422, 'IDEMPOTENCY_KEY_REUSED', 'this Idempotency-Key was already used for a different request', {
          errors: [{ field: 'Idempotency-Key', rule: 'same_body', message: 'a retried request must repeat the same method, path and body' }],
        });
      case 'IN_FLIGHT':
        void reply.header('retry-after', '1');
        throw ProblemException.of(409, 'IDEMPOTENCY_KEY_IN_FLIGHT', 'a request with this Idempotency-Key is still being processed; retry shortly', {
          errors: [{ field: 'Idempotency-Key', rule: 'in_flight', message: 'wait for the first request to finish' }],
        });
      case 'REPLAY':
      case 'RUN':
        break;
    }
    if (claim.kind === 'REPLAY') {
      // The first answer again: its status, and the case as it now reads (the command is not run twice).
      void reply.header('idempotent-replayed', 'true');
      const view = claim.caseId ? await this.cases.view(actor, claim.caseId).catch(() => new AcceptedCommand(claim.caseId!)) : null;
      if (view instanceof AcceptedCommand) return this.answer(reply, view);
      void reply.status(claim.status);
      if (claim.caseId) void reply.header('location', `/cases/${claim.caseId}`);
      return view;
    }
    const updateId = `key-${sha256(`${actor.userId}\n${key}`).slice(0, 40)}`;
    let result: unknown;
    try {
      result = await this.run({ updateId }, next);
    } catch (err) {
      // Nothing changed (refused, or a dependency was away): a retry with the key runs afresh.
      await this.keys.release(actor.userId, key).catch(() => undefined);
      throw err;
    }
    const answered = this.answer(reply, result);
    const body = result as { id?: string; version?: number };
    // Only a case's id names a case: directory, user and webhook routes answer other ids, which the key does not keep.
    const caseId = result instanceof AcceptedCommand ? result.caseId : isCaseRoute(route) && isUuid(body?.id) ? body.id! : null;
    const version = result instanceof AcceptedCommand ? (result.status?.seq ?? null) : (body?.version ?? null);
    await this.keys.complete(actor.userId, key, reply.statusCode, caseId, version);
    return answered;
  }

  private run(ctx: CommandContext, next: CallHandler): Promise<unknown> {
    return context.run(ctx, () => lastValueFrom(next.handle(), { defaultValue: undefined }));
  }

  private answer(reply: FastifyReply, result: unknown): unknown {
    if (result instanceof AcceptedCommand) {
      void reply.status(202).header('location', result.location);
      return result.toJSON();
    }
    return result;
  }
}

/** Routes whose answer is a case: the filings and every route under a case. */
export const isCaseRoute = (route: string): boolean => /^\/(cases|extraditions|domestic-prosecutions)(\/|$)/.test(route);

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** JSON with keys sorted, so that key order does not make a retry look different. */
export function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
