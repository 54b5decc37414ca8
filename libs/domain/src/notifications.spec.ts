import { categoryOf, deliveryModeOf, isAddressedTo, outboxEntriesOf, type BatchForOutbox } from './notifications';
import type { CaseAccessFacts } from './policy';
import type { Actor } from './roles';

const CASE = '3f1c0e7a-0000-4000-8000-000000000001';
const facts = (over: Partial<CaseAccessFacts> = {}): CaseAccessFacts => ({
  kind: 'MLA',
  requestingState: 'NG',
  requestedState: 'NE',
  requestingAuthorityId: 'NG-PROS-DPP',
  createdBy: 'u-ng-prosecutor',
  transmitted: true,
  terminal: false,
  executingAuthorityIds: [],
  escalatedToFocalPointsOf: [],
  ...over,
});
const actor = (over: Partial<Actor>): Actor => ({ userId: 'u', roles: [], stateCode: 'NG', authorityId: 'NG-CA-FMOJ', liaisonPostings: [], ...over });

describe('notifications drawn from a batch of case events', () => {
  const batch: BatchForOutbox = {
    caseId: CASE,
    events: [
      {
        seq: 4,
        type: 'REMINDER',
        at: '2031-03-03T00:00:00.000Z',
        legalRef: 'UNTOC art. 18(13)',
        data: { taskId: 'task-1' },
        notify: [{ stateCode: 'NG', addressee: 'REQUESTING_CA' }],
      },
      { seq: 5, type: 'DEADLINE_BREACHED', at: '2031-03-04T00:00:00.000Z', data: { clockId: 'c-2' } },
      {
        seq: 6,
        type: 'ESCALATION',
        at: '2031-03-05T00:00:00.000Z',
        data: { taskId: 'task-3' },
        notify: [
          { stateCode: 'NE', addressee: 'FOCAL_POINTS' },
          { stateCode: 'NG', addressee: 'FOCAL_POINTS' },
        ],
      },
    ],
    tasks: [
      { id: 'task-1', kind: 'REMINDER', level: 0, addressee: 'REQUESTING_CA', addresseeStates: ['NG'], createdAt: '2031-03-03T00:00:00.000Z', status: 'OPEN' },
      {
        id: 'task-2',
        kind: 'ESCALATION',
        level: 1,
        addressee: 'REQUESTED_CA_HEAD',
        addresseeStates: ['NE'],
        createdAt: '2031-03-04T00:00:00.000Z',
        status: 'OPEN',
      },
      {
        id: 'task-3',
        kind: 'ESCALATION',
        level: 3,
        addressee: 'FOCAL_POINTS',
        addresseeStates: ['NE', 'NG'],
        createdAt: '2031-03-05T00:00:00.000Z',
        status: 'OPEN',
      },
      { id: 'task-0', kind: 'ACTION', level: 0, addressee: 'REQUESTED_CA', addresseeStates: ['NE'], createdAt: '2031-01-01T00:00:00.000Z', status: 'OPEN' },
    ],
  };

  it('takes what each event announces, one entry per addressee with its States, and the tasks no event announced', () => {
    expect(outboxEntriesOf(batch).map((e) => [e.id, e.event, e.category, e.addressee, e.addresseeStates, e.level ?? null])).toEqual([
      [`${CASE}.4.0`, 'REMINDER', 'REMINDER', 'REQUESTING_CA', ['NG'], 0],
      [`${CASE}.6.0`, 'ESCALATION', 'ESCALATION', 'FOCAL_POINTS', ['NE', 'NG'], 3],
      // The breach opened an escalation for the requested head, announced by no event: it is a breach.
      [`${CASE}.task-2`, 'DEADLINE_BREACHED', 'BREACH', 'REQUESTED_CA_HEAD', ['NE'], 1],
    ]);
  });

  it('gives the same entries, with the same ids, to the same batch (a retried batch adds nothing)', () => {
    expect(outboxEntriesOf(structuredClone(batch))).toEqual(outboxEntriesOf(batch));
  });

  it('puts breaches, escalations, reminders and steps in their categories', () => {
    expect(categoryOf('ITEM_EXECUTION_BREACHED')).toBe('BREACH');
    expect(categoryOf('ESCALATION')).toBe('ESCALATION');
    expect(categoryOf('STATUS_CHECK')).toBe('REMINDER');
    expect(categoryOf('ITEM_EXECUTION_REMINDER')).toBe('REMINDER');
    expect(categoryOf('TRANSMITTED')).toBe('STEP');
  });
});

describe('who a notification reaches', () => {
  const toRequestingCa = { addressee: 'REQUESTING_CA' as const, addresseeStates: ['NG'], authorityIds: [] };

  it('reaches the officers and head of the central authority addressed, not its prosecutors nor another State', () => {
    expect(isAddressedTo(actor({ roles: ['CENTRAL_AUTHORITY'] }), toRequestingCa, facts())).toBe(true);
    expect(isAddressedTo(actor({ roles: ['CENTRAL_AUTHORITY', 'CENTRAL_AUTHORITY_HEAD'] }), toRequestingCa, facts())).toBe(true);
    expect(isAddressedTo(actor({ roles: ['PROSECUTOR'], authorityId: 'NG-PROS-DPP' }), toRequestingCa, facts())).toBe(false);
    expect(isAddressedTo(actor({ roles: ['CENTRAL_AUTHORITY'], stateCode: 'SN', authorityId: 'SN-CA-DACG' }), toRequestingCa, facts())).toBe(false);
    const toHead = { ...toRequestingCa, addressee: 'REQUESTING_CA_HEAD' as const };
    expect(isAddressedTo(actor({ roles: ['CENTRAL_AUTHORITY'] }), toHead, facts())).toBe(false);
    expect(isAddressedTo(actor({ roles: ['CENTRAL_AUTHORITY', 'CENTRAL_AUTHORITY_HEAD'] }), toHead, facts())).toBe(true);
  });

  it('reaches nobody who may not see the case: the requested side before transmission, focal points before the escalation', () => {
    const toRequested = { addressee: 'REQUESTED_CA' as const, addresseeStates: ['NE'], authorityIds: [] };
    const neCa = actor({ roles: ['CENTRAL_AUTHORITY'], stateCode: 'NE', authorityId: 'NE-CA-DAPG' });
    expect(isAddressedTo(neCa, toRequested, facts({ transmitted: false }))).toBe(false);
    expect(isAddressedTo(neCa, toRequested, facts())).toBe(true);
    const toFocalPoints = { addressee: 'FOCAL_POINTS' as const, addresseeStates: ['NE', 'NG'], authorityIds: [] };
    const fp = actor({ roles: ['FOCAL_POINT'], stateCode: 'NE', authorityId: 'NE-CA-DAPG' });
    expect(isAddressedTo(fp, toFocalPoints, facts())).toBe(false);
    expect(isAddressedTo(fp, toFocalPoints, facts({ escalatedToFocalPointsOf: ['NE', 'NG'] }))).toBe(true);
    expect(isAddressedTo(fp, toFocalPoints, facts({ escalatedToFocalPointsOf: ['NE', 'NG'], terminal: true }))).toBe(false);
  });

  it("reaches the pair's liaison magistrate by posting, and only the executing authority an item names", () => {
    const toLm = { addressee: 'LIAISON_MAGISTRATE' as const, addresseeStates: ['NG', 'NE'], authorityIds: [] };
    const posted = actor({
      roles: ['LIAISON_MAGISTRATE'],
      stateCode: 'FR',
      authorityId: 'FR-MIN-DAEI',
      liaisonPostings: [{ homeState: 'NG', hostState: 'NE' }],
    });
    expect(isAddressedTo(posted, toLm, facts())).toBe(true);
    expect(isAddressedTo({ ...posted, liaisonPostings: [{ homeState: 'NG', hostState: 'SN' }] }, toLm, facts())).toBe(false);
    const toItem = { addressee: 'EXECUTING_AUTHORITY' as const, addresseeStates: ['NE'], authorityIds: ['NE-IJ-NIAMEY'] };
    const f = facts({ executingAuthorityIds: ['NE-IJ-NIAMEY', 'NE-POL-X'] });
    expect(isAddressedTo(actor({ roles: ['EXECUTING_AUTHORITY'], stateCode: 'NE', authorityId: 'NE-IJ-NIAMEY' }), toItem, f)).toBe(true);
    expect(isAddressedTo(actor({ roles: ['EXECUTING_AUTHORITY'], stateCode: 'NE', authorityId: 'NE-POL-X' }), toItem, f)).toBe(false);
  });

  it('reads a user preference per category, with the defaults for the rest and for unknown values', () => {
    expect(deliveryModeOf(null, 'ESCALATION')).toBe('IMMEDIATE');
    expect(deliveryModeOf(null, 'STEP')).toBe('DIGEST');
    expect(deliveryModeOf({ STEP: 'OFF', REMINDER: 'LOUD' }, 'STEP')).toBe('OFF');
    expect(deliveryModeOf({ STEP: 'OFF', REMINDER: 'LOUD' }, 'REMINDER')).toBe('DIGEST');
  });
});
