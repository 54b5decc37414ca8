import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { RateLimitConfig } from '../../../../libs/config/src';
import { ProblemException } from '../common/problem';

export const AUTH_THROTTLE = Symbol('AUTH_THROTTLE');
export const DEFAULT_AUTH_FAILURE_LIMIT: RateLimitConfig = { authFailures: 60, windowSeconds: 60 };

type Limiter = (
  req: FastifyRequest,
  options?: { increment?: boolean },
) => Promise<{ isAllowed: boolean; remaining?: number; isExceeded?: boolean; ttlInSeconds?: number }>;
const CLAIMED_SUBJECT = Symbol('claimed-subject');
type Counted = FastifyRequest & { [CLAIMED_SUBJECT]?: string };

/**
 * Throttles failed authentications with `@fastify/rate-limit`: per client address and per subject a
 * refused token claims. A client address over its limit is answered 429 before its token is even
 * checked; a claimed subject over its limit turns further failures into 429s without locking the
 * real user out (their valid tokens still work). Successful requests are never counted.
 */
export class AuthThrottle {
  private limiters?: { ip: Limiter; subject: Limiter } | null;

  constructor(private readonly config: RateLimitConfig = DEFAULT_AUTH_FAILURE_LIMIT) {}

  private limitersFor(server: FastifyInstance): { ip: Limiter; subject: Limiter } | null {
    if (this.limiters !== undefined) return this.limiters;
    const create = (server as unknown as { createRateLimit?: (o: object) => Limiter }).createRateLimit;
    if (!create || this.config.authFailures === 0) return (this.limiters = null);
    const common = { max: this.config.authFailures, timeWindow: this.config.windowSeconds * 1000 };
    this.limiters = {
      ip: create({ ...common, keyGenerator: (req: FastifyRequest) => `auth-fail-ip:${req.ip}` }),
      subject: create({ ...common, keyGenerator: (req: Counted) => `auth-fail-sub:${req[CLAIMED_SUBJECT] ?? ''}` }),
    };
    return this.limiters;
  }

  /** Before a token is checked: refuses a client address that has failed too often. */
  async before(req: FastifyRequest): Promise<void> {
    const limiters = this.limitersFor(req.server);
    if (!limiters) return;
    const seen = await limiters.ip(req, { increment: false });
    if (!seen.isAllowed && seen.remaining === 0) throw tooMany(seen.ttlInSeconds);
  }

  /** After a refused token: counts it, and answers 429 instead of 401 once a limit is passed. */
  async failed(req: FastifyRequest, claimedSubject: string | undefined): Promise<void> {
    const limiters = this.limitersFor(req.server);
    if (!limiters) return;
    const byIp = await limiters.ip(req);
    if (byIp.isExceeded) throw tooMany(byIp.ttlInSeconds);
    if (claimedSubject) {
      (req as Counted)[CLAIMED_SUBJECT] = claimedSubject;
      const bySubject = await limiters.subject(req);
      if (bySubject.isExceeded) throw tooMany(bySubject.ttlInSeconds);
    }
  }
}

function tooMany(ttlInSeconds: number | undefined): ProblemException {
  const problem = ProblemException.of(
    429,
    'TOO_MANY_AUTHENTICATION_FAILURES',
    'too many requests with refused credentials from this client or for this user; retry later',
  );
  problem.retryAfterSeconds = Math.max(1, ttlInSeconds ?? 1);
  return problem;
}
