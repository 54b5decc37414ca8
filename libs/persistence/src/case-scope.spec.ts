import type { Actor } from '../../domain/src';
import { caseScope, caseScopeOver } from './case-queries';

const PAIR_COLUMNS = new Set(['requesting_state', 'requested_state', 'kind', 'legal_basis', 'transmitted']);
const actor = (roles: Actor['roles'], extra: Partial<Actor> = {}): Actor => ({
  userId: 'u-1',
  roles,
  stateCode: 'SN',
  authorityId: 'SN-CA',
  liaisonPostings: [],
  ...extra,
});

describe('case scope over rows that keep only some case columns', () => {
  it('is the very condition caseScope writes, with the same parameters after those already there', () => {
    for (const a of [actor(['CENTRAL_AUTHORITY']), actor(['MANAGER', 'CENTRAL_AUTHORITY_HEAD']), actor(['SECRETARIAT']), actor(['ADMIN'])]) {
      const full: unknown[] = ['2026-01-01'];
      const over: unknown[] = ['2026-01-01'];
      expect(caseScopeOver(PAIR_COLUMNS, a, over)).toBe(caseScope(a, full));
      expect(over).toEqual(full);
    }
    const liaison = actor(['LIAISON_MAGISTRATE'], { liaisonPostings: [{ homeState: 'FR', hostState: 'SN' }] as Actor['liaisonPostings'] });
    expect(caseScopeOver(PAIR_COLUMNS, liaison, [])).toBe(caseScope(liaison, []));
  });

  it('is null, leaving the parameters alone, when the scope reads an authority, an escalation or a state', () => {
    for (const roles of [
      ['PROSECUTOR'],
      ['EXECUTING_AUTHORITY'],
      ['FOCAL_POINT'],
      ['CENTRAL_AUTHORITY', 'PROSECUTOR'],
      ['ADMIN', 'PROSECUTOR'],
    ] as Actor['roles'][]) {
      const params: unknown[] = ['2026-01-01'];
      expect(caseScopeOver(PAIR_COLUMNS, actor(roles), params)).toBeNull();
      expect(params).toEqual(['2026-01-01']);
    }
  });

  it('names no case at all for an actor without a role', () => {
    expect(caseScopeOver(PAIR_COLUMNS, actor([]), [])).toBe('FALSE');
  });
});
