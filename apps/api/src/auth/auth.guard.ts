import { CanActivate, ExecutionContext, Inject, Injectable, SetMetadata, createParamDecorator } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import type { Actor } from '../../../../libs/domain/src';
import { ProblemException } from '../common/problem';
import { AUTH_THROTTLE, AuthThrottle } from './auth-throttle';
import { JwtVerifier } from './jwt-verifier';
import { UserDirectory } from './user-directory';

const PUBLIC = Symbol('public-endpoint');
/** Marks an endpoint that needs no token (health, docs). Everything else authenticates. */
export const Public = () => SetMetadata(PUBLIC, true);
/** Whether a handler (or its whole controller) was marked @Public(). */
export const isPublicEndpoint = (handler: object, controller: object): boolean =>
  Reflect.getMetadata(PUBLIC, handler) === true || Reflect.getMetadata(PUBLIC, controller) === true;

type AuthenticatedRequest = FastifyRequest & { actor?: Actor };

export const CurrentActor = createParamDecorator((_: unknown, ctx: ExecutionContext): Actor => {
  const actor = ctx.switchToHttp().getRequest<AuthenticatedRequest>().actor;
  if (!actor) throw new Error('CurrentActor used on a public endpoint');
  return actor;
});

function unauthorized(detail: string): ProblemException {
  return ProblemException.of(401, 'UNAUTHENTICATED', detail);
}

@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(JwtVerifier) private readonly verifier: JwtVerifier,
    @Inject(UserDirectory) private readonly users: UserDirectory,
    @Inject(AUTH_THROTTLE) private readonly throttle: AuthThrottle,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC, [context.getHandler(), context.getClass()])) return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const header = request.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer\s+(\S+)$/i.exec(header) : null;
    if (!match) throw unauthorized('a bearer token is required (Authorization: Bearer <JWT>)');
    await this.throttle.before(request);
    let subject: string;
    try {
      subject = await this.verifier.verify(match[1]);
    } catch {
      await this.throttle.failed(request, JwtVerifier.claimedSubject(match[1]));
      throw unauthorized('the bearer token is invalid or expired');
    }
    // Read on every request: a disabled user is refused from the next request on.
    const actor = await this.users.actorFor(subject);
    if (!actor || actor.roles.length === 0) {
      await this.throttle.failed(request, subject);
      throw unauthorized("the token's subject is not an enabled user of this engine");
    }
    request.actor = actor;
    return true;
  }
}
