// The life-cycle rules documents bring to MLA cases filed under DOCUMENTS_DRIVE_LIFE_CYCLE (issue 14):
// cases filed before keep their free-text references (a translation's documentRef, a transmission's
// reference, results as a reference), so their recorded histories replay unchanged.
import { invalidField, type Act, type Outcome, type Refused } from '../case/clockwork';
import { DOCUMENTS_STRICT, type DocumentFact, type RequestPackage } from '../documents';
import type { FieldProblem } from '../rule-violation';
import { transition } from './clocks';
import type { MlaCommand } from './commands';
import type { MlaCaseState } from './states';

type Cmd<T extends MlaCommand['type']> = Extract<MlaCommand, { type: T }>;

const TRANSLATION_REF = 'UNTOC art. 18(14)';

export const documentsDrive = (s: MlaCaseState): boolean => (s.ctx.documents ?? 0) >= 1;
/** DOCUMENT_RULES=strict at filing: no translation by reference only, no results without evidence documents. */
export const documentsStrict = (s: MlaCaseState): boolean => (s.ctx.documents ?? 0) >= DOCUMENTS_STRICT;

/**
 * A translation given by reference only (`documentRef`, the form clients used before documents), on a
 * case whose documents drive it without DOCUMENT_RULES=strict: accepted, and said to be not on file.
 */
export const translationByReference = (s: MlaCaseState, c: Cmd<'ATTACH_TRANSLATION'>): boolean =>
  documentsDrive(s) && !documentsStrict(s) && !c.document && Boolean(c.documentRef?.trim());

export const TRANSLATION_NOT_ON_FILE = (ref: string): FieldProblem => ({
  field: 'documentRef',
  rule: 'translation_not_on_file',
  message: `the certified translation ${ref} is referenced, not attached: the package sealed at transmission cannot carry its hash; attach it as a TRANSLATION document (documentId)`,
  legalRef: TRANSLATION_REF,
});

/** The certified translation, as a TRANSLATION document of the case in a language the requested State accepts. */
export function attachTranslationDocument(
  s: MlaCaseState,
  c: Cmd<'ATTACH_TRANSLATION'>,
  { at, emit }: Act<MlaCaseState>,
  accepted: string[],
): Outcome<MlaCaseState> {
  const d = c.document;
  const legalRef = s.basis.rulePack.acceptedLanguagesRef ?? TRANSLATION_REF;
  if (!d) return invalidField('documentId', 'required', 'attach the certified translation as a TRANSLATION document of the case (documentId)', TRANSLATION_REF);
  if (d.kind !== 'TRANSLATION') return invalidField('documentId', 'translation_document', `document ${d.id} is ${d.kind}, not a TRANSLATION`, TRANSLATION_REF);
  if (!d.certified) {
    return invalidField(
      'documentId',
      'certified_translation',
      `document ${d.id} is not a certified translation: transmission waits for one (UNTOC art. 18(14))`,
      TRANSLATION_REF,
    );
  }
  if (!accepted.includes(d.language)) {
    const message = `document ${d.id} is in ${d.language}, not a language ${s.ctx.requestedState} accepts under ${s.basis.instrumentId} (accepted: ${accepted.join(', ')})`;
    return invalidField('documentId', 'accepted_language', message, legalRef);
  }
  const next = { ...transition(s, 'READY_TO_TRANSMIT', at), translation: { language: d.language, documentRef: d.id, at, sha256: d.sha256 } };
  return emit(next, 'READY_TO_TRANSMIT', {
    comment: c.comment,
    data: { language: d.language, documentId: d.id, sha256: d.sha256, certifiedBy: d.certifiedBy ?? null },
  });
}

/** The package to seal: given by the API, and holding the certified translation the case was cleared with. */
export function checkPackage(s: MlaCaseState, pkg: RequestPackage | undefined): { package: RequestPackage } | { refused: Refused } {
  if (!pkg || !/^[0-9a-f]{64}$/.test(pkg.sha256)) {
    return { refused: invalidField('package', 'required', 'the transmission seals the request package: its documents and their hashes') };
  }
  const translation = s.translation?.documentRef;
  if (translation && s.translation?.sha256 && !pkg.documents.some((d) => d.id === translation)) {
    return {
      refused: invalidField(
        'package',
        'translation_in_package',
        `the certified translation ${translation} is no longer a current document of the request: attach its successor`,
        TRANSLATION_REF,
      ),
    };
  }
  return { package: pkg };
}

/** The requested State received the package sealed at transmission; a hash given must be that one. */
export function acknowledgedPackage(s: MlaCaseState, given: string | undefined): { sha256: string | null } | { refused: Refused } {
  const sealed = s.transmission?.package?.sha256 ?? null;
  if (given !== undefined && given !== sealed) {
    return { refused: invalidField('packageSha256', 'transmitted_package', `the package transmitted has SHA-256 ${sealed ?? '(none)'}, not ${given}`) };
  }
  return { sha256: sealed };
}

/**
 * Results are the evidence: each item returned has its EVIDENCE documents recorded with their hashes.
 * Under DOCUMENT_RULES=strict an item without one is refused; otherwise it goes back with a warning
 * (physical evidence, or evidence sent on paper or through another channel, is not uploaded).
 */
export function resultsEvidence(
  wanted: readonly string[],
  evidence: Record<string, DocumentFact[]> | undefined,
  strict: boolean,
): { evidence: Record<string, Array<{ id: string; sha256: string }>>; warnings: FieldProblem[] } | { refused: Refused } {
  const out: Record<string, Array<{ id: string; sha256: string }>> = {};
  const missing: string[] = [];
  for (const itemId of wanted) {
    const docs = (evidence?.[itemId] ?? []).filter((d) => d.kind === 'EVIDENCE' && d.itemId === itemId);
    if (docs.length) out[itemId] = docs.map((d) => ({ id: d.id, sha256: d.sha256 }));
    else missing.push(itemId);
  }
  if (!missing.length) return { evidence: out, warnings: [] };
  if (strict) {
    const itemId = missing[0];
    return {
      refused: invalidField('itemIds', 'evidence_per_item', `item ${itemId} has no EVIDENCE document: results are returned as evidence documents of each item`),
    };
  }
  const warning: FieldProblem = {
    field: 'itemIds',
    rule: 'evidence_not_on_file',
    message: `no EVIDENCE document for ${missing.join(', ')}: the results go back without a hash the engine can vouch for; upload them as EVIDENCE documents of the item`,
  };
  return { evidence: out, warnings: [warning] };
}
