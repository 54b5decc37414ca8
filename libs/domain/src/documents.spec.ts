import { documentScope, inDocumentScope, uploaderRelation, type Actor, type CaseAccessFacts } from './index';

const facts: CaseAccessFacts = {
  kind: 'MLA',
  requestingState: 'SN',
  requestedState: 'GH',
  requestingAuthorityId: 'SN-PROS-DAKAR',
  createdBy: 'u-sn-prosecutor',
  transmitted: true,
  terminal: false,
  executingAuthorityIds: ['GH-POL-AHTU'],
  escalatedToFocalPointsOf: ['GH'],
};
const actor = (roles: Actor['roles'], stateCode: string, authorityId = `${stateCode}-X`, liaisonPostings: Actor['liaisonPostings'] = []): Actor => ({
  userId: 'u',
  roles,
  stateCode,
  authorityId,
  liaisonPostings,
});
const items = [
  { id: 'item-1', executingAuthorityId: 'GH-POL-AHTU' },
  { id: 'item-2', executingAuthorityId: 'GH-IJ-ACCRA' },
];
const annex = { itemId: null, uploadedAuthorityId: 'SN-PROS-DAKAR' };
const evidence1 = { itemId: 'item-1', uploadedAuthorityId: 'GH-POL-AHTU' };
const evidence2 = { itemId: 'item-2', uploadedAuthorityId: 'GH-IJ-ACCRA' };

describe('who reads which documents (domain brief §2)', () => {
  it('gives parties and the liaison magistrate of the pair every document', () => {
    for (const a of [
      actor(['PROSECUTOR'], 'SN', 'SN-PROS-DAKAR'),
      actor(['CENTRAL_AUTHORITY'], 'SN'),
      actor(['CENTRAL_AUTHORITY'], 'GH'),
      actor(['LIAISON_MAGISTRATE'], 'SN', 'SN-LM', [{ homeState: 'SN', hostState: 'GH' }]),
    ]) {
      const scope = documentScope(a, facts, items)!;
      expect(scope.kind).toBe('ALL');
      expect([annex, evidence1, evidence2].every((d) => inDocumentScope(scope, d))).toBe(true);
    }
  });

  it('gives an executing authority only the documents of the items forwarded to it', () => {
    const scope = documentScope(actor(['EXECUTING_AUTHORITY'], 'GH', 'GH-POL-AHTU'), facts, items)!;
    expect(scope.kind).toBe('ITEMS');
    expect([annex, evidence1, evidence2].map((d) => inDocumentScope(scope, d))).toEqual([false, true, false]);
  });

  it('tells focal points and managers only that documents exist', () => {
    for (const a of [actor(['FOCAL_POINT'], 'GH'), actor(['MANAGER'], 'SN'), actor(['SECRETARIAT'], 'NG')]) {
      const scope = documentScope(a, facts, items)!;
      expect(scope.kind).toBe('SUMMARY');
      expect([annex, evidence1].some((d) => inDocumentScope(scope, d))).toBe(false);
    }
  });

  it('knows no document of a case the actor has no relation to', () => {
    expect(documentScope(actor(['PROSECUTOR'], 'NG'), facts, items)).toBeNull();
    expect(documentScope(actor(['EXECUTING_AUTHORITY'], 'GH', 'GH-OTHER'), facts, items)).toBeNull();
  });

  it('lets the requesting side write the request and the requested side return evidence', () => {
    expect(uploaderRelation(actor(['PROSECUTOR'], 'SN', 'SN-PROS-DAKAR'), facts, 'ANNEX')).toBe('REQUESTING_PROSECUTOR');
    expect(uploaderRelation(actor(['CENTRAL_AUTHORITY'], 'GH'), facts, 'ANNEX')).toBeNull();
    expect(uploaderRelation(actor(['EXECUTING_AUTHORITY'], 'GH', 'GH-POL-AHTU'), facts, 'EVIDENCE')).toBe('EXECUTING_AUTHORITY');
    expect(uploaderRelation(actor(['PROSECUTOR'], 'SN', 'SN-PROS-DAKAR'), facts, 'EVIDENCE')).toBeNull();
    expect(uploaderRelation(actor(['LIAISON_MAGISTRATE'], 'SN', 'SN-LM', [{ homeState: 'SN', hostState: 'GH' }]), facts, 'CORRESPONDENCE')).toBeNull();
  });
});
