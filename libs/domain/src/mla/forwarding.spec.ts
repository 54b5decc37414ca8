import { as, testBasis, testContent, testContext } from '../../../../test/support/mla-fixtures';
import { MlaCaseState, Outcome, advanceTime, fileCase, handleCommand, type AuthorityDirectory, type CommandEnvelope } from '../index';
import { CaseDriver } from '../../../../test/support/case-driver';
import { DAY_MS } from '../time/calendar';

const T0 = Date.parse('2024-09-02T09:00:00Z');
const day = (n: number) => T0 + n * DAY_MS;

class Case extends CaseDriver<MlaCaseState, CommandEnvelope, Outcome<MlaCaseState>> {
  constructor() {
    const f = fileCase({
      ctx: testContext(),
      content: testContent(),
      basis: testBasis(),
      filedBy: as('REQUESTING_PROSECUTOR', { type: 'SUBMIT' }).actor,
      at: T0,
    });
    super(f.state, f.events, advanceTime, handleCommand);
  }
}

const received = () => {
  const c = new Case()
    .do(as('REQUESTING_PROSECUTOR', { type: 'SUBMIT' }), day(0))
    .do(as('REQUESTING_CA', { type: 'APPROVE' }), day(0))
    .do(as('REQUESTING_CA', { type: 'TRANSMIT', channel: 'CA_DIRECT', reference: 'DACG/2024/117' }), day(0))
    .do(as('REQUESTED_CA', { type: 'ACKNOWLEDGE' }), day(1));
  return c;
};

describe('MLA items are forwarded only to executing authorities of the requested State the directory knows', () => {
  const requested = testContext().requestedState;
  const directory: AuthorityDirectory = {
    'OWN-IJ': { stateCode: requested, kind: 'INVESTIGATING_JUDGE' },
    'OWN-CA': { stateCode: requested, kind: 'CENTRAL_AUTHORITY' },
    'THIRD-POL': { stateCode: 'ZZ', kind: 'POLICE' },
    NOWHERE: null,
  };
  const refusal = (authority: string, type: 'ACCEPT' | 'FORWARD_ITEMS') => {
    const c = received();
    if (type === 'FORWARD_ITEMS') c.do(as('REQUESTED_CA', { type: 'ACCEPT' }), day(2));
    const out = c.try(as('REQUESTED_CA', { type, forward: [{ itemIds: ['item-1'], executingAuthorityId: authority }], directory }), day(2));
    return out.ok ? undefined : out.violation;
  };

  it.each([
    ['NOWHERE', 'known_authority'],
    ['THIRD-POL', 'requested_state_authority'],
    ['OWN-CA', 'executing_authority'],
  ])('refuses %s with a problem naming the field (%s), on acceptance and on forwarding', (authority, rule) => {
    for (const type of ['ACCEPT', 'FORWARD_ITEMS'] as const) {
      expect(refusal(authority, type)).toMatchObject({ kind: 'INVALID', errors: [{ field: 'forward[0].executingAuthorityId', rule }] });
    }
  });

  it("forwards to the requested State's own executing authority", () => {
    const c = received().do(as('REQUESTED_CA', { type: 'ACCEPT', forward: [{ itemIds: ['item-1'], executingAuthorityId: 'OWN-IJ' }], directory }), day(2));
    expect(c.state.items[0]).toMatchObject({ status: 'FORWARDED', executingAuthorityId: 'OWN-IJ' });
    expect(c.events.at(-1)?.data).toEqual({ forward: [{ itemIds: ['item-1'], executingAuthorityId: 'OWN-IJ' }] });
  });
});
