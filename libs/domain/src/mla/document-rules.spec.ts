import { as, testBasis, testContent, testContext, testRulePack } from '../../../../test/support/mla-fixtures';
import { CaseDriver } from '../../../../test/support/case-driver';
import {
  DOCUMENTS_DRIVE_LIFE_CYCLE,
  DOCUMENTS_STRICT,
  MlaCaseState,
  Outcome,
  advanceTime,
  fileCase,
  handleCommand,
  type DocumentFact,
  type RequestPackage,
} from '../index';
import type { CommandEnvelope } from '../index';
import { DAY_MS } from '../time/calendar';

const T0 = Date.parse('2025-03-03T09:00:00Z');
const day = (n: number) => T0 + n * DAY_MS;
const hex = (c: string) => c.repeat(64);

/** English request to a State accepting French only, filed without documents driving it, with them (attested), or strictly. */
class Case extends CaseDriver<MlaCaseState, CommandEnvelope, Outcome<MlaCaseState>> {
  constructor(documents: false | 'attested' | 'strict') {
    const level = documents === 'strict' ? DOCUMENTS_STRICT : documents === 'attested' ? DOCUMENTS_DRIVE_LIFE_CYCLE : undefined;
    const f = fileCase({
      ctx: testContext({ requestedStateLanguages: ['fr'], ...(level ? { documents: level } : {}) }),
      content: testContent({ language: 'en' }),
      basis: testBasis({ instrumentId: 'UNTOC-2000', rulePack: testRulePack({ acceptedLanguages: [], completenessProfile: 'UNTOC_18_15' }) }),
      filedBy: as('REQUESTING_PROSECUTOR', { type: 'SUBMIT' }).actor,
      at: T0,
    });
    super(f.state, f.events, advanceTime, handleCommand);
    this.do(as('REQUESTING_PROSECUTOR', { type: 'SUBMIT' }), day(0)).do(as('REQUESTING_CA', { type: 'APPROVE' }), day(1));
  }
}

const doc = (over: Partial<DocumentFact>): DocumentFact => ({
  id: 'd-1',
  kind: 'TRANSLATION',
  language: 'fr',
  sha256: hex('a'),
  bytes: 10,
  certified: true,
  ...over,
});
const pkg = (ids: string[]): RequestPackage => ({
  documents: ids.map((id) => ({ id, kind: 'ANNEX', language: 'en', sha256: hex('b'), bytes: 1 })),
  sha256: hex('c'),
});
const rule = (out: Outcome<MlaCaseState>) => (out.ok ? 'accepted' : out.violation.errors?.map((e) => `${e.field}:${e.rule}`).join(','));

describe('documents drive the MLA life cycle (cases filed with DOCUMENT_RULES=strict)', () => {
  it('clears the translation step only with a certified TRANSLATION document in an accepted language', () => {
    const c = new Case('strict');
    expect(c.state.status).toBe('TRANSLATION_PENDING');
    expect(rule(c.try(as('REQUESTING_CA', { type: 'ATTACH_TRANSLATION', language: 'fr', documentRef: 'TR-1', certified: true }), day(2)))).toBe(
      'documentId:required',
    );
    expect(rule(c.try(as('REQUESTING_CA', { type: 'ATTACH_TRANSLATION', document: doc({ kind: 'ANNEX' }) }), day(2)))).toBe('documentId:translation_document');
    expect(rule(c.try(as('REQUESTING_CA', { type: 'ATTACH_TRANSLATION', document: doc({ certified: false }) }), day(2)))).toBe(
      'documentId:certified_translation',
    );
    expect(rule(c.try(as('REQUESTING_CA', { type: 'ATTACH_TRANSLATION', document: doc({ language: 'en' }) }), day(2)))).toBe('documentId:accepted_language');
    c.do(as('REQUESTING_CA', { type: 'ATTACH_TRANSLATION', document: doc({ certifiedBy: 'sworn translator' }) }), day(2));
    expect(c.state.status).toBe('READY_TO_TRANSMIT');
    expect(c.events.at(-1)!.data).toEqual({ language: 'fr', documentId: 'd-1', sha256: hex('a'), certifiedBy: 'sworn translator' });
  });

  it('seals the package at transmission (with the translation in it), and acknowledges that package only', () => {
    const c = new Case('strict').do(as('REQUESTING_CA', { type: 'ATTACH_TRANSLATION', document: doc({}) }), day(2));
    const transmit = (p?: RequestPackage) => as('REQUESTING_CA', { type: 'TRANSMIT', channel: 'CA_DIRECT', reference: 'R-1', package: p });
    expect(rule(c.try(transmit(undefined), day(3)))).toBe('package:required');
    expect(rule(c.try(transmit(pkg(['a-1'])), day(3)))).toBe('package:translation_in_package');
    c.do(transmit(pkg(['a-1', 'd-1'])), day(3));
    expect(c.events.at(-1)!.data).toMatchObject({ package: { sha256: hex('c') } });
    expect(rule(c.try(as('REQUESTED_CA', { type: 'ACKNOWLEDGE', packageSha256: hex('d') }), day(4)))).toBe('packageSha256:transmitted_package');
    c.do(as('REQUESTED_CA', { type: 'ACKNOWLEDGE' }), day(4));
    expect(c.events.at(-1)!.data).toEqual({ packageSha256: hex('c') });
  });

  it('returns results as EVIDENCE documents of each item', () => {
    const c = new Case('strict')
      .do(as('REQUESTING_CA', { type: 'ATTACH_TRANSLATION', document: doc({}) }), day(2))
      .do(as('REQUESTING_CA', { type: 'TRANSMIT', channel: 'CA_DIRECT', reference: 'R-1', package: pkg(['d-1']) }), day(3))
      .do(as('REQUESTED_CA', { type: 'ACKNOWLEDGE' }), day(4))
      .do(as('REQUESTED_CA', { type: 'ACCEPT', forward: [{ itemIds: ['item-1'], executingAuthorityId: 'ML-EXEC' }] }), day(5))
      .do(as('EXECUTING_AUTHORITY', { type: 'RECORD_EXECUTION', itemId: 'item-1' }), day(6));
    const results = (evidence?: Record<string, DocumentFact[]>) => as('REQUESTED_CA', { type: 'TRANSMIT_RESULTS', reference: 'RES-1', evidence });
    expect(rule(c.try(results({}), day(7)))).toBe('itemIds:evidence_per_item');
    expect(rule(c.try(results({ 'item-1': [doc({ kind: 'ANNEX', itemId: 'item-1' })] }), day(7)))).toBe('itemIds:evidence_per_item');
    c.do(results({ 'item-1': [doc({ id: 'e-1', kind: 'EVIDENCE', itemId: 'item-1', sha256: hex('e') })] }), day(7));
    expect(c.state.status).toBe('RESULTS_TRANSMITTED');
    expect(c.events.at(-1)!.data).toMatchObject({ evidence: { 'item-1': [{ id: 'e-1', sha256: hex('e') }] } });
  });

  it('under the default (attested) rules, a translation by reference and results without evidence go ahead, each with a warning', () => {
    const c = new Case('attested');
    const byDocument = c.try(as('REQUESTING_CA', { type: 'ATTACH_TRANSLATION', document: doc({ language: 'en' }) }), day(2));
    expect(rule(byDocument)).toBe('documentId:accepted_language');
    expect(rule(c.try(as('REQUESTING_CA', { type: 'ATTACH_TRANSLATION', language: 'en', documentRef: 'TR-1', certified: true }), day(2)))).toBe(
      'language:accepted_language',
    );
    const byReference = c.try(as('REQUESTING_CA', { type: 'ATTACH_TRANSLATION', language: 'fr', documentRef: 'TR-1', certified: true }), day(2));
    expect(byReference.ok && byReference.warnings.map((w) => w.rule)).toEqual(['translation_not_on_file']);
    c.do(as('REQUESTING_CA', { type: 'ATTACH_TRANSLATION', language: 'fr', documentRef: 'TR-1', certified: true }), day(2));
    expect(c.events.at(-1)!.data).toMatchObject({ documentRef: 'TR-1', warnings: [{ rule: 'translation_not_on_file' }] });
    // The package is still sealed; the translation, not on file, cannot be in it.
    c.do(as('REQUESTING_CA', { type: 'TRANSMIT', channel: 'CA_DIRECT', reference: 'R-1', package: pkg(['a-1']) }), day(3))
      .do(as('REQUESTED_CA', { type: 'ACKNOWLEDGE' }), day(4))
      .do(as('REQUESTED_CA', { type: 'ACCEPT', forward: [{ itemIds: ['item-1'], executingAuthorityId: 'ML-EXEC' }] }), day(5))
      .do(as('EXECUTING_AUTHORITY', { type: 'RECORD_EXECUTION', itemId: 'item-1' }), day(6));
    const results = c.try(as('REQUESTED_CA', { type: 'TRANSMIT_RESULTS', reference: 'RES-1', evidence: {} }), day(7));
    expect(results.ok && results.state.status).toBe('RESULTS_TRANSMITTED');
    expect(results.ok && results.warnings.map((w) => `${w.field}:${w.rule}`)).toEqual(['itemIds:evidence_not_on_file']);
    expect(results.ok && results.events[0].data).toMatchObject({ evidence: {}, warnings: [{ rule: 'evidence_not_on_file' }] });
  });

  it('keeps the free-text path for cases filed before documents', () => {
    const c = new Case(false);
    c.do(as('REQUESTING_CA', { type: 'ATTACH_TRANSLATION', language: 'fr', documentRef: 'TR-1', certified: true }), day(2));
    c.do(as('REQUESTING_CA', { type: 'TRANSMIT', channel: 'CA_DIRECT', reference: 'R-1', package: pkg(['x']) }), day(3));
    expect(c.events.at(-1)!.data).not.toHaveProperty('package');
    expect(c.state.transmission?.package).toBeUndefined();
  });
});
