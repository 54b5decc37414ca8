import { Engine, startEngine } from '../support/engine';
import { Scenario } from '../support/scenario';

// The general rules of the extradition life cycle (domain.md §5 and §10) that the public scenarios show
// only in part, through the HTTP API on the time-skipping server.

const person = (over: Record<string, unknown> = {}) => ({
  role: 'ACCUSED',
  name: 'Person R',
  nationality: 'NG',
  identifier: `PASS-${Math.random().toString(36).slice(2, 10)}`,
  ...over,
});

const extradition = (over: Record<string, unknown> = {}) => ({
  requestedState: 'BJ',
  legalBasis: 'ECOWAS-EXT-1994',
  person: person(),
  offence: 'Trafficking in persons (Protocol art. 5), organised criminal group',
  factsSummary: 'Recruitment in Lagos and exploitation in Cotonou in 2024.',
  purpose: 'PROSECUTION',
  language: 'en',
  urgency: 'URGENT',
  provisionalArrest: { channel: 'INTERPOL_URGENT', reference: 'INTERPOL-DIFF-2025-17' },
  ...over,
});

type Event = { event: string; data?: Record<string, unknown> };

describe('extradition rules through the API (time-skipping server)', () => {
  let engine: Engine;

  beforeAll(async () => {
    engine = await startEngine({ temporal: 'time-skipping' });
  }, 180000);

  afterAll(async () => {
    await engine?.stop();
  }, 60000);

  it('settle() waits for the projection of an extradition case, not only of MLA requests', async () => {
    const sc = await Scenario.begin(engine, { d0: '2025-02-03', timeZone: 'Africa/Porto-Novo' });
    await sc.day(0);
    const id = (await sc.call('u-ng-prosecutor', 'POST', '/extraditions', extradition())).id;
    await engine.settle(id);
    const [{ version }] = await engine.db.query(`SELECT version FROM cases WHERE id = $1`, [id]);
    // Postgres one event behind the workflow: settle() must wait for it, and give up when it never comes.
    await engine.db.query(`UPDATE cases SET version = version - 1 WHERE id = $1`, [id]);
    try {
      await expect(engine.settle(id)).rejects.toThrow(/did not settle/);
    } finally {
      await engine.db.query(`UPDATE cases SET version = $2 WHERE id = $1`, [id, version]);
    }
    await engine.settle(id);
  }, 60000);
});
