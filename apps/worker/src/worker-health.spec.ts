import type { DataSource } from 'typeorm';
import { WorkerService, type WorkerOptions } from './worker.service';

/** The worker's liveness and readiness as states: the e2e suite sees them over HTTP, too briefly to pin them. */
describe('worker health', () => {
  const options: WorkerOptions = {
    temporal: { address: '127.0.0.1:1', namespace: 'default', taskQueue: 'q' },
    workflowBundlePath: 'unused',
    personKeySecret: 'x'.repeat(32),
    statisticsRefreshSeconds: 0,
  };
  const db = (ok: boolean) => ({ query: async () => (ok ? [{ '?column?': 1 }] : Promise.reject(new Error('connection refused'))) }) as unknown as DataSource;
  const connected = (service: WorkerService, status: { runState: string; workflowPollerState: string; activityPollerState: string }, temporalUp = true) => {
    Object.assign(service as object, {
      connection: { workflowService: { describeNamespace: async () => (temporalUp ? {} : Promise.reject(new Error('UNAVAILABLE'))) } },
      worker: { getStatus: () => status },
    });
    return service;
  };
  const polling = { runState: 'RUNNING', workflowPollerState: 'POLLING', activityPollerState: 'POLLING' };

  it('is ready when Postgres and the namespace answer and both pollers poll', async () => {
    const service = connected(new WorkerService(options, db(true)), polling);
    expect(service.live()).toEqual({ status: 'live' });
    expect(await service.ready()).toMatchObject({
      status: 'ready',
      stopping: false,
      checks: { postgres: { status: 'up' }, temporal: { status: 'up' }, polling: { status: 'up' } },
    });
  });

  it('is not ready before it is connected, when a dependency is down, or when a poller stopped', async () => {
    expect(await new WorkerService(options, db(true)).ready()).toMatchObject({
      status: 'not-ready',
      checks: { temporal: { status: 'down', error: 'not connected yet' } },
    });
    expect(await connected(new WorkerService(options, db(false)), polling).ready()).toMatchObject({
      status: 'not-ready',
      checks: { postgres: { status: 'down' } },
    });
    expect(await connected(new WorkerService(options, db(true)), polling, false).ready()).toMatchObject({
      status: 'not-ready',
      checks: { temporal: { status: 'down' } },
    });
    const failed = connected(new WorkerService(options, db(true)), { ...polling, workflowPollerState: 'FAILED' });
    expect(await failed.ready()).toMatchObject({
      status: 'not-ready',
      checks: { polling: { status: 'down', error: expect.stringContaining('workflow poller FAILED') } },
    });
  });

  it('is not ready, and says it is stopping, from the stop signal on', async () => {
    const service = connected(new WorkerService(options, db(true)), polling);
    service.beforeApplicationShutdown();
    expect(service.live()).toEqual({ status: 'stopping' });
    expect(await service.ready()).toMatchObject({ status: 'not-ready', stopping: true, checks: { polling: { status: 'up' } } });
  });
});
