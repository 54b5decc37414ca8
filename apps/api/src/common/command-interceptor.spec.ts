import { lastValueFrom, of, type Observable } from 'rxjs';
import type { CallHandler, ExecutionContext } from '@nestjs/common';
import type { IdempotencyStore } from '../../../../libs/persistence/src';
import { CommandInterceptor, isCaseRoute, type CaseViews } from './command-interceptor';

const CASE_ID = '0b5c8f9e-8d2a-4c1e-9f3b-2a7d6e5c4b3a';
const WEBHOOK_ID = '7e1d2c3b-4a59-4687-9a1b-0c2d3e4f5a6b';

/** Replays a request twice with the same key through the interceptor, with an in-memory key store. */
async function twice(route: string, url: string, answer: unknown) {
  const stored = new Map<string, { status: number; caseId: string | null }>();
  const keys = {
    claim: async (_u: string, key: string) => {
      const s = stored.get(key);
      return s ? { kind: 'REPLAY', status: s.status, caseId: s.caseId } : { kind: 'RUN' };
    },
    complete: async (_u: string, key: string, status: number, caseId: string | null) => void stored.set(key, { status, caseId }),
    release: async () => undefined,
  } as unknown as IdempotencyStore;
  const viewed: string[] = [];
  const cases: CaseViews = { view: async (_a, id) => (viewed.push(id), { id, state: 'DRAFT' }) };
  const interceptor = new CommandInterceptor(keys, cases);
  const run = async () => {
    const headers: Record<string, string> = {};
    const reply = { statusCode: 201, status: (c: number) => ((reply.statusCode = c), reply), header: (k: string, v: string) => ((headers[k] = v), reply) };
    const request = {
      method: 'POST',
      url,
      routeOptions: { url: route },
      params: {},
      body: { url: 'https://example.org/hook' },
      headers: { 'idempotency-key': 'k-1' },
      actor: { userId: 'u-1' },
    };
    const ctx = { switchToHttp: () => ({ getRequest: () => request, getResponse: () => reply }) } as unknown as ExecutionContext;
    const next: CallHandler = { handle: () => of(answer) };
    const body = await lastValueFrom(interceptor.intercept(ctx, next) as Observable<unknown>);
    return { body, status: reply.statusCode, headers };
  };
  return { first: await run(), again: await run(), viewed, stored };
}

describe('Idempotency-Key replays name a case only on case routes', () => {
  it('tells case routes from others', () => {
    expect(['/cases', '/cases/:id/approve', '/extraditions', '/domestic-prosecutions/:id/close'].every(isCaseRoute)).toBe(true);
    expect(['/authorities/:authorityId/webhooks', '/operations/users', '/casesx', '/me/notification-preferences'].some(isCaseRoute)).toBe(false);
  });

  it('replays a filing as the case it filed', async () => {
    const { again, viewed } = await twice('/cases', '/cases', { id: CASE_ID, state: 'DRAFT' });
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(viewed).toEqual([CASE_ID]);
    expect(again.body).toEqual({ id: CASE_ID, state: 'DRAFT' });
  });

  it('never reads a webhook subscription back as a case', async () => {
    const { again, viewed, stored } = await twice('/authorities/:authorityId/webhooks', '/authorities/SN-CA/webhooks', { id: WEBHOOK_ID, secret: 'whsec_x' });
    expect(stored.get('k-1')).toEqual({ status: 201, caseId: null });
    expect(viewed).toEqual([]);
    expect(again.status).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.headers.location).toBeUndefined();
  });
});
