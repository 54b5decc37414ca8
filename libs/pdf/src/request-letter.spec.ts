import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SEED_DIR, readLetterTemplates } from '../../../seeds/loader';
import { englishFacts, frenchFacts } from '../../../test/support/letter-fixtures';
import { chooseLetterLanguage, draftRequestLetter, missingElementsOf, templateProblems, type LetterFacts } from '.';

const templates = readLetterTemplates();
const raw = () => JSON.parse(readFileSync(join(SEED_DIR, 'letter-templates.json'), 'utf8')) as Array<Record<string, any>>;
const words = (facts: LetterFacts, language: string) => {
  const d = draftRequestLetter(facts, templates, language);
  return [
    d.title,
    ...d.header.map((h) => `${h.label}: ${h.value}`),
    ...d.opening,
    ...d.sections.flatMap((s) => [s.heading, ...s.paragraphs.map((p) => p.text)]),
  ].join('\n');
};

describe('the letter templates (seeds/data/letter-templates.json)', () => {
  it('hold French, English, Portuguese and Spanish, each complete', () => {
    expect([...templates.keys()].sort()).toEqual(['en', 'es', 'fr', 'pt']);
    expect(templateProblems(raw())).toEqual([]);
  });

  it('are refused with every defect named: a missing sentence, an unknown placeholder, an assistance type without a label, a clause without its provision', () => {
    const broken = raw();
    delete broken[1].sentences.opening;
    broken[2].sentences.timeLimit = 'até {datum}';
    delete broken[0].assistanceTypes.BANK_RECORDS;
    broken[0].clausesByInstrument['ECOWAS-MLA-1992'].speciality = { text: 'no reference' };
    expect(templateProblems(broken)).toEqual([
      'en: assistanceTypes.BANK_RECORDS is missing',
      'en: clausesByInstrument.ECOWAS-MLA-1992.speciality needs a legalRef and a text',
      'fr: sentences.opening is missing',
      'pt: sentences.timeLimit uses an unknown placeholder {datum}',
    ]);
    expect(() => readLetterTemplates(join(__dirname, 'no-such-dir'))).toThrow();
  });
});

describe('the language of the letter', () => {
  const available = templates.keys();

  it("is the request's own when the requested State accepts it under the basis", () => {
    expect(chooseLetterLanguage(frenchFacts(), [...templates.keys()])).toEqual({ language: 'fr' });
    expect(chooseLetterLanguage(frenchFacts({ content: { ...frenchFacts().content, language: 'pt' } }), [...available])).toEqual({ language: 'pt' });
  });

  it("is the requested State's own when the request is in a language it does not accept (English to Senegal under UNTOC: French)", () => {
    const facts = englishFacts({ requestedState: { code: 'SN', name: 'Senegal' }, acceptedLanguages: ['fr'], requestedStateLanguages: ['fr'] });
    expect(chooseLetterLanguage(facts, [...templates.keys()])).toEqual({ language: 'fr' });
  });

  it('refuses a language the requested State does not accept, and one without a template, naming the field and the rule', () => {
    expect(chooseLetterLanguage(frenchFacts({ acceptedLanguages: ['fr'] }), [...templates.keys()], 'en')).toEqual({
      problem: expect.objectContaining({ field: 'language', rule: 'accepted_language', legalRef: 'ECOWAS MLA art. 5(2)' }),
    });
    const germany = englishFacts({ requestedState: { code: 'DE', name: 'Germany' }, acceptedLanguages: ['de'], requestedStateLanguages: ['de'] });
    expect(chooseLetterLanguage(germany, [...templates.keys()])).toEqual({
      problem: expect.objectContaining({ field: 'language', rule: 'template_available' }),
    });
  });
});

describe('drafting the letter', () => {
  it('says every element of the case in the letter language, with the basis’s own speciality clause (ECOWAS art. 8)', () => {
    const text = words(frenchFacts(), 'fr');
    for (const expected of [
      'Parquet du Tribunal de grande instance de Dakar',
      'Sénégal',
      "Côte d'Ivoire",
      '7d3c1f9e-2b4a-4c1d-9e8f-0a1b2c3d4e5f',
      'Convention de la CEDEAO relative à l’entraide'.replace('’', "'"),
      'Information judiciaire pour trafic illicite de migrants',
      'une pirogue partie de Mbour',
      'Mesure 1 : Fourniture de documents bancaires',
      'Mesure 2 : Recueil de témoignages',
      'Établir les flux financiers',
      'Nationalité: Nigeria',
      'Nationalité: Sénégal',
      '14 juillet 1988',
      'exécutée au plus tard le 30 juin 2026',
      'La détention provisoire du prévenu principal',
      'paragraphe 20 de l’article 18'.replace('’', "'"),
      "l'article 8 de la Convention de la CEDEAO",
    ])
      expect(text).toContain(expected);
    expect(draftRequestLetter(frenchFacts(), templates, 'fr').missingElements).toEqual([]);
  });

  it('lists what the case lacks instead of inventing it, each with its provision', () => {
    const base = frenchFacts();
    const facts = frenchFacts({
      content: { ...base.content, purpose: '  ', persons: [{ role: 'SUSPECT', name: 'Moussa Diop' }], requestedByDate: null, deadlineReason: null },
    });
    const draft = draftRequestLetter(facts, templates, 'fr');
    expect(draft.missingElements.map((m) => [m.element, m.legalRef])).toEqual([
      ['purpose', 'UNTOC art.18(15)(f)'],
      ['requestedByDate', 'ECOWAS art.5(1)(f)'],
      ['persons[0].nationality', 'UNTOC art. 18(15)(e)'],
      ['persons[0].location', 'UNTOC art. 18(15)(e)'],
    ]);
    expect(draft.missingElements[2].label).toBe('Nationalité de la personne concernée : Suspect Moussa Diop');
    const purpose = draft.sections.find((s) => s.heading === 'Fins de la demande')!;
    expect(purpose.paragraphs).toEqual([{ text: '[élément manquant : voir « Éléments manquants »]', missing: true }]);
  });

  it('asks for the reason of a time limit given without one, and for the persons when none is named (UNTOC 18(15)(e))', () => {
    const base = englishFacts();
    const missing = missingElementsOf(englishFacts({ content: { ...base.content, deadlineReason: '', persons: [] } }), templates.get('en')!);
    expect(missing.map((m) => m.element)).toEqual(['persons', 'deadlineReason']);
  });

  it('does not ask for a summary of facts when the request only seeks service of documents (UNTOC 18(15)(c))', () => {
    const base = englishFacts();
    const facts = englishFacts({ content: { ...base.content, assistanceTypes: ['SERVICE_OF_DOCUMENTS'], factsSummary: null } });
    const draft = draftRequestLetter(facts, templates, 'en');
    expect(draft.missingElements).toEqual([]);
    expect(draft.sections.map((s) => s.heading)).not.toContain('Summary of the facts');
  });

  it('says a certified translation must go with it when the case’s passages are in another language than the letter', () => {
    const facts = englishFacts({ requestedState: { code: 'SN', name: 'Senegal' }, acceptedLanguages: ['fr'], requestedStateLanguages: ['fr'] });
    const draft = draftRequestLetter(facts, templates, 'fr');
    expect(draft.translationNeeded).toBe(true);
    expect(draft.opening.join(' ')).toContain('une traduction certifiée en français doit y être jointe');
    expect(draft.opening.join(' ')).toContain('(anglais)');
    expect(draftRequestLetter(englishFacts(), templates, 'en').translationNeeded).toBe(false);
  });

  it('marks an urgent request and uses the UNTOC clauses under UNTOC', () => {
    const draft = draftRequestLetter(englishFacts(), templates, 'en');
    expect(draft.urgent).toBe('URGENT');
    expect(draft.sections.filter((s) => s.legalRef).map((s) => s.legalRef)).toEqual(['UNTOC art. 18(20)', 'UNTOC art. 18(19)']);
  });
});
