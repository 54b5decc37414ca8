import { Actor, Role } from './roles';
import { mayAdministerDirectory, mayGrantRoles } from './policy';

const actor = (roles: Role[], stateCode: string): Actor => ({
  userId: `u-${stateCode}`.toLowerCase(),
  roles,
  stateCode,
  authorityId: `${stateCode}-MIN`,
  liaisonPostings: [],
});

describe('directory administration policy', () => {
  const snAdmin = actor(['ADMIN'], 'SN');

  it('lets an administrator administer their own State only; another State does not exist for them', () => {
    expect(mayAdministerDirectory(snAdmin, 'SN')).toMatchObject({ outcome: 'ALLOW', role: 'ADMIN' });
    expect(mayAdministerDirectory(snAdmin, 'GH')).toEqual({ outcome: 'NOT_FOUND' });
  });

  it.each<[string, Role[]]>([
    ['a central authority head', ['CENTRAL_AUTHORITY', 'CENTRAL_AUTHORITY_HEAD']],
    ['a manager', ['MANAGER']],
    ['the network secretariat', ['SECRETARIAT']],
    ['a data-protection officer', ['DATA_PROTECTION_OFFICER']],
  ])('refuses %s, even in their own State', (_, roles) => {
    expect(mayAdministerDirectory(actor(roles, 'SN'), 'SN').outcome).toBe('FORBIDDEN');
    expect(mayGrantRoles(actor(roles, 'SN'), 'SN', ['PROSECUTOR']).outcome).toBe('FORBIDDEN');
  });

  it('lets an administrator grant the roles of their State, other administrators included', () => {
    expect(mayGrantRoles(snAdmin, 'SN', ['PROSECUTOR']).outcome).toBe('ALLOW');
    expect(mayGrantRoles(snAdmin, 'SN', ['CENTRAL_AUTHORITY', 'CENTRAL_AUTHORITY_HEAD', 'DATA_PROTECTION_OFFICER', 'ADMIN']).outcome).toBe('ALLOW');
  });

  it("never the network's roles, nor any role in another State", () => {
    expect(mayGrantRoles(snAdmin, 'SN', ['MANAGER', 'SECRETARIAT'])).toMatchObject({ outcome: 'FORBIDDEN', reason: expect.stringContaining('SECRETARIAT') });
    expect(mayGrantRoles(snAdmin, 'GH', ['ADMIN'])).toEqual({ outcome: 'NOT_FOUND' });
    expect(mayGrantRoles(snAdmin, 'GH', ['PROSECUTOR'])).toEqual({ outcome: 'NOT_FOUND' });
  });
});
