import { CommandEnvelope, MLA_COMMANDS, MlaCommand, planTransition } from './mla-commands';
import { MLA_STATES, MlaState } from './mla-states';
import type { CaseRelation } from '../policy';

const env = (command: MlaCommand, relation: CaseRelation): CommandEnvelope => ({
  command,
  relation,
  actor: { userId: 'u', role: 'PROSECUTOR', stateCode: 'SN', authorityId: 'SN-PROS' },
});

describe('MLA transition table', () => {
  it('carries the review loop: submit, return, resubmit, approve', () => {
    expect(planTransition('DRAFT', env({ type: 'SUBMIT' }, 'REQUESTING_PROSECUTOR'))).toMatchObject({ ok: true, to: 'PENDING_CA_REVIEW' });
    expect(planTransition('PENDING_CA_REVIEW', env({ type: 'RETURN_FOR_CORRECTION', comment: 'dates' }, 'REQUESTING_CA'))).toMatchObject({ ok: true, to: 'RETURNED_FOR_CORRECTION' });
    expect(planTransition('RETURNED_FOR_CORRECTION', env({ type: 'RESUBMIT' }, 'REQUESTING_PROSECUTOR'))).toMatchObject({ ok: true, to: 'PENDING_CA_REVIEW' });
    expect(planTransition('PENDING_CA_REVIEW', env({ type: 'APPROVE' }, 'REQUESTING_CA'))).toMatchObject({ ok: true, to: 'READY_TO_TRANSMIT' });
  });

  it('refuses a command outside its source states with a 409-kind violation that names them', () => {
    const plan = planTransition('DRAFT', env({ type: 'APPROVE' }, 'REQUESTING_CA'));
    expect(plan).toMatchObject({ ok: false, violation: { kind: 'CONFLICT', code: 'INVALID_TRANSITION' } });
    if (!plan.ok) expect(plan.violation.message).toContain('PENDING_CA_REVIEW');
  });

  it('refuses a command from a relation it does not belong to', () => {
    expect(planTransition('PENDING_CA_REVIEW', env({ type: 'APPROVE' }, 'REQUESTING_PROSECUTOR'))).toMatchObject({ ok: false, violation: { code: 'NOT_YOUR_STEP' } });
  });

  it('refuses every command in a terminal state', () => {
    for (const terminal of ['CLOSED', 'REFUSED', 'WITHDRAWN'] as MlaState[]) {
      for (const type of Object.keys(MLA_COMMANDS) as Array<MlaCommand['type']>) {
        const plan = planTransition(terminal, env({ type, comment: 'x', reason: 'x' } as MlaCommand, MLA_COMMANDS[type].by[0]));
        expect(plan).toMatchObject({ ok: false, violation: { code: 'CASE_TERMINAL' } });
      }
    }
  });

  it('allows withdrawal from every open state, and requires its reason', () => {
    for (const state of MLA_STATES.filter((s) => !['CLOSED', 'REFUSED', 'WITHDRAWN'].includes(s))) {
      expect(planTransition(state, env({ type: 'WITHDRAW', reason: 'dismissed' }, 'REQUESTING_CA'))).toMatchObject({ ok: true, to: 'WITHDRAWN' });
    }
    expect(planTransition('DRAFT', env({ type: 'WITHDRAW', reason: ' ' }, 'REQUESTING_PROSECUTOR'))).toMatchObject({ ok: false, violation: { kind: 'INVALID', errors: [{ field: 'reason' }] } });
  });

  it('requires a comment on a return for correction', () => {
    expect(planTransition('PENDING_CA_REVIEW', env({ type: 'RETURN_FOR_CORRECTION', comment: '' }, 'REQUESTING_CA'))).toMatchObject({ ok: false, violation: { kind: 'INVALID' } });
  });
});
