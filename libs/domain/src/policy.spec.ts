import { Actor, Role } from './roles';
import { CaseAccessFacts, CaseRelation, decide, mayFile, mayOperate, relationsOf } from './policy';

const facts = (over: Partial<CaseAccessFacts> = {}): CaseAccessFacts => ({
  requestingState: 'NG',
  requestedState: 'IT',
  requestingAuthorityId: 'NG-PROS-LAGOS',
  createdBy: 'u-ng-prosecutor',
  transmitted: true,
  terminal: false,
  executingAuthorityIds: ['IT-PROS-CATANIA'],
  escalatedToFocalPointsOf: [],
  ...over,
});

const actor = (roles: Role[], stateCode: string, authorityId: string, over: Partial<Actor> = {}): Actor => ({
  userId: `u-${stateCode}-${roles[0]}`.toLowerCase(),
  roles,
  stateCode,
  authorityId,
  liaisonPostings: [],
  ...over,
});

const APPROVE = { kind: 'COMMAND' as const, name: 'APPROVE', allowedRelations: ['REQUESTING_CA'] as CaseRelation[] };
const ACKNOWLEDGE = { kind: 'COMMAND' as const, name: 'ACKNOWLEDGE', allowedRelations: ['REQUESTED_CA'] as CaseRelation[] };
const SUBMIT = { kind: 'COMMAND' as const, name: 'SUBMIT', allowedRelations: ['REQUESTING_PROSECUTOR'] as CaseRelation[] };

describe('access policy: roles × relations to the case', () => {
  const prosecutor = actor(['PROSECUTOR'], 'NG', 'NG-PROS-LAGOS');
  const colleagueElsewhere = actor(['PROSECUTOR'], 'NG', 'NG-PROS-ABUJA');
  const requestingCa = actor(['CENTRAL_AUTHORITY'], 'NG', 'NG-CA');
  const requestedCa = actor(['CENTRAL_AUTHORITY'], 'IT', 'IT-CA');
  const executing = actor(['EXECUTING_AUTHORITY'], 'IT', 'IT-PROS-CATANIA');
  const otherExecuting = actor(['EXECUTING_AUTHORITY'], 'IT', 'IT-PROS-ROMA');
  const lm = actor(['LIAISON_MAGISTRATE'], 'NG', 'NG-MOJ', { liaisonPostings: [{ homeState: 'NG', hostState: 'IT' }] });
  const lmElsewhere = actor(['LIAISON_MAGISTRATE'], 'NG', 'NG-MOJ', { liaisonPostings: [{ homeState: 'NG', hostState: 'ES' }] });
  const fp = actor(['FOCAL_POINT'], 'NG', 'NG-CA');
  const manager = actor(['MANAGER'], 'NG', 'NG-CA');
  const foreignManager = actor(['MANAGER'], 'SN', 'SN-CA');
  const secretariat = actor(['SECRETARIAT'], 'SN', 'INT-WACAP');
  const admin = actor(['ADMIN'], 'NG', 'NG-MOJ');
  const requestedAdmin = actor(['ADMIN'], 'IT', 'IT-MOJ');
  const foreignAdmin = actor(['ADMIN'], 'SN', 'SN-MOJ');
  const unrelated = actor(['CENTRAL_AUTHORITY'], 'GH', 'GH-CA');

  it.each([
    ['filing prosecutor', prosecutor, ['REQUESTING_PROSECUTOR']],
    ['prosecutor of another office', colleagueElsewhere, []],
    ['requesting CA', requestingCa, ['REQUESTING_CA']],
    ['requested CA after transmission', requestedCa, ['REQUESTED_CA']],
    ['assigned executing authority', executing, ['EXECUTING_AUTHORITY']],
    ['executing authority not assigned', otherExecuting, []],
    ["the pair's liaison magistrate", lm, ['LIAISON_MAGISTRATE']],
    ['a liaison magistrate of another pair', lmElsewhere, []],
    ['focal point before escalation', fp, []],
    ['manager of a party State', manager, ['MANAGER']],
    ['manager of a third State', foreignManager, []],
    ['network secretariat', secretariat, ['MANAGER']],
    ['an administrator of the requesting State', admin, ['ADMIN']],
    ['an administrator of the requested State after transmission', requestedAdmin, ['ADMIN']],
    ['an administrator of a third State', foreignAdmin, []],
    ['unrelated central authority', unrelated, []],
  ])('%s', (_label, who, expected) => {
    expect(relationsOf(who, facts())).toEqual(expected);
  });

  it('hides the case from the requested side until it is transmitted', () => {
    expect(decide(requestedCa, { kind: 'VIEW' }, facts({ transmitted: false })).outcome).toBe('NOT_FOUND');
    expect(decide(foreignManager, { kind: 'VIEW' }, facts({ transmitted: false })).outcome).toBe('NOT_FOUND');
    expect(decide(actor(['MANAGER'], 'IT', 'IT-CA'), { kind: 'VIEW' }, facts({ transmitted: false })).outcome).toBe('NOT_FOUND');
    expect(decide(actor(['MANAGER'], 'IT', 'IT-CA'), { kind: 'VIEW' }, facts()).outcome).toBe('ALLOW');
  });

  it('shows focal points a summary of escalated cases only, until the case ends', () => {
    const escalated = facts({ escalatedToFocalPointsOf: ['NG', 'IT'] });
    expect(decide(fp, { kind: 'VIEW' }, escalated)).toMatchObject({ outcome: 'ALLOW', relation: 'FOCAL_POINT', visibility: 'SUMMARY' });
    expect(decide(fp, { kind: 'VIEW' }, { ...escalated, terminal: true }).outcome).toBe('NOT_FOUND');
    expect(decide(actor(['FOCAL_POINT'], 'SN', 'SN-CA'), { kind: 'VIEW' }, escalated).outcome).toBe('NOT_FOUND');
  });

  it('gives full visibility to parties and the liaison magistrate, a summary to managers', () => {
    expect(decide(prosecutor, { kind: 'VIEW' }, facts())).toMatchObject({ visibility: 'FULL' });
    expect(decide(lm, { kind: 'VIEW' }, facts())).toMatchObject({ visibility: 'FULL' });
    expect(decide(manager, { kind: 'VIEW' }, facts())).toMatchObject({ visibility: 'SUMMARY' });
  });

  it("lets an administrator read their own State's cases in full and no other State's", () => {
    expect(decide(admin, { kind: 'VIEW' }, facts())).toMatchObject({ outcome: 'ALLOW', relation: 'ADMIN', visibility: 'FULL' });
    expect(decide(foreignAdmin, { kind: 'VIEW' }, facts()).outcome).toBe('NOT_FOUND');
    expect(decide(foreignAdmin, { kind: 'COMMAND', name: 'OVERRIDE_BASIS', allowedRelations: ['ADMIN'] }, facts()).outcome).toBe('NOT_FOUND');
    expect(decide(requestedAdmin, { kind: 'VIEW' }, facts({ transmitted: false })).outcome).toBe('NOT_FOUND');
  });

  it('answers 404 before 403: an unrelated actor never learns the case exists', () => {
    expect(decide(unrelated, APPROVE, facts()).outcome).toBe('NOT_FOUND');
    expect(decide(prosecutor, APPROVE, facts())).toMatchObject({ outcome: 'FORBIDDEN' });
  });

  it('lets each command be run only through the relation it belongs to', () => {
    expect(decide(requestingCa, APPROVE, facts())).toMatchObject({ outcome: 'ALLOW', role: 'CENTRAL_AUTHORITY' });
    expect(decide(requestedCa, APPROVE, facts()).outcome).toBe('FORBIDDEN');
    expect(decide(requestedCa, ACKNOWLEDGE, facts())).toMatchObject({ outcome: 'ALLOW' });
    expect(decide(requestingCa, ACKNOWLEDGE, facts()).outcome).toBe('FORBIDDEN');
    expect(decide(prosecutor, SUBMIT, facts())).toMatchObject({ outcome: 'ALLOW', role: 'PROSECUTOR' });
    for (const watcher of [lm, manager, secretariat, admin]) expect(decide(watcher, SUBMIT, facts()).outcome).toBe('FORBIDDEN');
    expect(decide(actor(['CENTRAL_AUTHORITY', 'CENTRAL_AUTHORITY_HEAD'], 'NG', 'NG-CA'), APPROVE, facts())).toMatchObject({ role: 'CENTRAL_AUTHORITY_HEAD' });
  });

  it('lets network contacts comment but never managers', () => {
    expect(decide(lm, { kind: 'COMMENT' }, facts()).outcome).toBe('ALLOW');
    expect(decide(fp, { kind: 'COMMENT' }, facts({ escalatedToFocalPointsOf: ['NG'] })).outcome).toBe('ALLOW');
    expect(decide(manager, { kind: 'COMMENT' }, facts()).outcome).toBe('FORBIDDEN');
  });

  it('lets only administrators and the secretariat operate the engine', () => {
    expect(mayOperate(admin).outcome).toBe('ALLOW');
    expect(mayOperate(secretariat).outcome).toBe('ALLOW');
    for (const other of [manager, requestingCa, prosecutor, lm]) expect(mayOperate(other).outcome).toBe('FORBIDDEN');
  });

  it('lets prosecutors file any request and central authorities file extradition requests only', () => {
    expect(mayFile(prosecutor)).toMatchObject({ outcome: 'ALLOW', relation: 'REQUESTING_PROSECUTOR', role: 'PROSECUTOR' });
    expect(mayFile(prosecutor, 'EXTRADITION')).toMatchObject({ outcome: 'ALLOW', role: 'PROSECUTOR' });
    expect(mayFile(requestingCa, 'EXTRADITION')).toMatchObject({ outcome: 'ALLOW', relation: 'REQUESTING_CA', role: 'CENTRAL_AUTHORITY' });
    expect(mayFile(requestingCa).outcome).toBe('FORBIDDEN');
    for (const other of [manager, secretariat, admin, lm]) {
      expect(mayFile(other).outcome).toBe('FORBIDDEN');
      expect(mayFile(other, 'EXTRADITION').outcome).toBe('FORBIDDEN');
    }
  });
});
