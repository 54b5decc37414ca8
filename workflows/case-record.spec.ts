import { extraditionBasis, extraditionContent, extraditionContext, xas } from '../test/support/extradition-fixtures';
import { fileExtradition, openDomesticProsecution } from '../libs/domain/src';
import type { DomesticProsecutionWorkflowInput, ExtraditionWorkflowInput } from '../libs/contracts/src';
import { caseRecord } from './case-runner';
import { domesticRecord } from './domestic-prosecution/domestic-prosecution.workflow';
import { extraditionRecord } from './extradition/extradition.workflow';

// The record every kind writes is built once (case-runner.ts); each kind adds only its columns and detail.
const AT = Date.parse('2024-11-04T08:00:00Z');
const actor = xas('REQUESTING_PROSECUTOR', { type: 'NOTE', text: '' }).actor;

describe('the projection record', () => {
  const ext: ExtraditionWorkflowInput = {
    caseId: '00000000-0000-4000-8000-00000000e001',
    ctx: extraditionContext(),
    content: extraditionContent({ language: 'fr' }),
    basis: extraditionBasis(),
    requestingAuthorityId: 'NG-PROS',
    filedBy: actor,
    filingDigest: 'd',
  };

  it('carries the common part for every kind: filing, ISO instants, snapshot, clocks in the detail', () => {
    const filed = fileExtradition({ ctx: ext.ctx, content: ext.content, basis: ext.basis, filedBy: actor, at: AT });
    const record = caseRecord(extraditionRecord, ext, filed.state, filed.events, 'extradition-x');
    expect(record).toMatchObject({
      caseId: ext.caseId,
      workflowId: 'extradition-x',
      filing: {
        kind: 'EXTRADITION',
        requestingAuthorityId: 'NG-PROS',
        createdBy: actor.userId,
        requestingState: 'NG',
        requestedState: 'BJ',
        filedAt: '2024-11-04T08:00:00.000Z',
      },
      events: [{ seq: 0, type: 'FILED', at: '2024-11-04T08:00:00.000Z' }],
      snapshot: {
        state: 'FORMAL_REQUEST_PREPARATION',
        version: 0,
        executingAuthorityIds: [],
        legalBasis: 'ECOWAS-EXT-1994',
        lastPartyEventAt: '2024-11-04T08:00:00.000Z',
        columns: { language: 'fr' },
      },
    });
    expect(record.snapshot.detail).toHaveProperty('clocks', filed.state.clocks);
    expect(caseRecord(extraditionRecord, ext, filed.state, [], 'extradition-x').filing).toBeUndefined();
  });

  it('records a domestic prosecution in the language of the extradition it comes from', () => {
    const input: DomesticProsecutionWorkflowInput = {
      caseId: '00000000-0000-4000-8000-00000000d001',
      extraditionCaseId: ext.caseId,
      ctx: { ...ext.ctx, caseId: '00000000-0000-4000-8000-00000000d001' },
      basis: ext.basis,
      requestingAuthorityId: 'NG-PROS',
      openedBy: actor,
      person: ext.content.person,
      offence: ext.content.offence,
      language: 'fr',
      filingDigest: 'domestic',
    };
    const opened = openDomesticProsecution({ ctx: input.ctx, basis: input.basis, extraditionCaseId: ext.caseId, openedBy: actor, at: AT });
    const record = caseRecord(domesticRecord, input, opened.state, opened.events, 'domestic-x');
    expect(record.filing).toMatchObject({ kind: 'DOMESTIC_PROSECUTION', createdBy: actor.userId });
    expect(record.snapshot.columns).toMatchObject({ language: 'fr', linkedCaseId: ext.caseId, personIdentifier: ext.content.person.identifier });
    expect(caseRecord(domesticRecord, { ...input, language: undefined }, opened.state, opened.events, 'domestic-x').snapshot.columns.language).toBe('en');
  });
});
