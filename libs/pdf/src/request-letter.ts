import { checkCompleteness, type AssistanceType, type CompletenessProfile, type FieldProblem, type PersonConcerned } from '../../domain/src';
import { fill, type Clause, type ClauseKind, type LetterTemplate, type LetterTemplates, type MissingElementKey } from './letter-templates';

/** What the letter is drafted from: the case as recorded, and the names the reference data gives its parties. */
export interface LetterFacts {
  caseId: string;
  /** The reference the requested State will quote back (the case id unless the requesting side has its own). */
  reference: string;
  /** The civil date of drafting in the requesting State (YYYY-MM-DD). */
  date: string;
  requestingState: { code: string; name: string };
  requestedState: { code: string; name: string };
  requestingAuthority: { id: string; name: string };
  instrument: { id: string; name: string };
  completenessProfile: CompletenessProfile;
  /** Languages the requested State accepts under the basis (the pinned pack's and its own), and its own, in its order. */
  acceptedLanguages: readonly string[];
  requestedStateLanguages: readonly string[];
  content: {
    assistanceTypes: readonly string[];
    subjectOfProceedings?: string | null;
    factsSummary?: string | null;
    purpose?: string | null;
    persons: readonly PersonConcerned[];
    language: string;
    urgency: string;
    requestedByDate?: string | null;
    deadlineReason?: string | null;
  };
  /** The request's items as the case numbers them; the assistance types stand in for them when absent. */
  items?: ReadonlyArray<{ id: string; assistanceType: string }>;
}

/** An element the letter needs and the case does not give: listed, never invented. */
export interface MissingElement {
  /** The case field to complete (`persons[1].nationality` for a person's). */
  element: string;
  /** What is missing, in the letter's language. */
  label: string;
  legalRef: string;
}

export interface LetterParagraph {
  text: string;
  /** Printed as the missing-element marker: the case does not give it. */
  missing?: boolean;
  /** A term set in bold before the text (an item's number, a person's role). */
  lead?: string;
}

export interface LetterSection {
  heading: string;
  legalRef?: string;
  paragraphs: LetterParagraph[];
}

/** The letter as words, before any layout: what the PDF prints and what tests read back. */
export interface LetterDraft {
  language: string;
  caseLanguage: string;
  /** The case's own passages are in another language than the letter: a certified translation must go with it. */
  translationNeeded: boolean;
  title: string;
  urgent?: string;
  header: Array<{ label: string; value: string }>;
  opening: string[];
  sections: LetterSection[];
  missingElements: MissingElement[];
  missingIntro: string;
  missingHeading: string;
  signature: { heading: string; line: string };
  draftNotice: string;
  /** The document's metadata (PDF Info dictionary). */
  meta: { title: string; subject: string; author: string };
}

export type LanguageChoice = { language: string } | { problem: FieldProblem };

/**
 * The language of the letter: the one asked for, else the request's own, else the requested State's
 * first official language, else any it accepts under the basis — always one the requested State accepts
 * (UNTOC art. 18(14), ECOWAS art. 5(2)) and one a template exists for.
 */
export function chooseLetterLanguage(
  facts: Pick<LetterFacts, 'acceptedLanguages' | 'requestedStateLanguages' | 'content' | 'requestedState' | 'instrument'>,
  available: Iterable<string>,
  wanted?: string,
): LanguageChoice {
  const templates = new Set(available);
  const accepted = facts.acceptedLanguages;
  const usable = (l: string) => accepted.includes(l) && templates.has(l);
  const legalRef = facts.instrument.id.startsWith('ECOWAS') ? 'ECOWAS MLA art. 5(2)' : 'UNTOC art. 18(14)';
  if (wanted !== undefined) {
    if (!accepted.includes(wanted))
      return {
        problem: {
          field: 'language',
          rule: 'accepted_language',
          message: `${wanted} is not a language ${facts.requestedState.code} accepts under ${facts.instrument.id} (accepted: ${accepted.join(', ')})`,
          legalRef,
        },
      };
    if (!templates.has(wanted))
      return {
        problem: { field: 'language', rule: 'template_available', message: `no letter template in ${wanted} (templates: ${[...templates].sort().join(', ')})` },
      };
    return { language: wanted };
  }
  const language = [facts.content.language, ...facts.requestedStateLanguages, ...accepted].find(usable);
  if (language) return { language };
  return {
    problem: {
      field: 'language',
      rule: 'template_available',
      message: `no letter template in a language ${facts.requestedState.code} accepts under ${facts.instrument.id} (accepted: ${accepted.join(', ')}; templates: ${[...templates].sort().join(', ')})`,
      legalRef,
    },
  };
}

const blank = (v: string | null | undefined): v is null | undefined => !v || !v.trim();

/** A civil date (YYYY-MM-DD) as the language writes it in full. */
export function longDate(date: string, language: string): string {
  const at = new Date(`${date}T00:00:00Z`);
  return Number.isNaN(at.getTime()) ? date : new Intl.DateTimeFormat(language, { dateStyle: 'long', timeZone: 'UTC' }).format(at);
}

/** A nationality as the case records it (ISO 3166-1 alpha-2) named in the letter's language: the template's name, else the locale data's. */
export function countryName(code: string, t: LetterTemplate): string {
  if (!/^[A-Z]{2}$/.test(code)) return code;
  if (t.stateNames[code]) return t.stateNames[code];
  try {
    return new Intl.DisplayNames([t.language], { type: 'region', fallback: 'code' }).of(code) ?? code;
  } catch {
    return code;
  }
}

/** The elements the case does not give, with their provision: what the basis requires (ECOWAS art. 5(1), UNTOC art. 18(15)) and what a letter should state. */
export function missingElementsOf(facts: LetterFacts, t: LetterTemplate): MissingElement[] {
  const c = facts.content;
  const report = checkCompleteness(
    {
      assistanceTypes: c.assistanceTypes as AssistanceType[],
      subjectOfProceedings: c.subjectOfProceedings ?? undefined,
      factsSummary: c.factsSummary ?? undefined,
      purpose: c.purpose ?? undefined,
      persons: [...c.persons],
      language: c.language,
      urgency: c.urgency === 'URGENT' ? 'URGENT' : 'NORMAL',
      requestedByDate: c.requestedByDate ?? undefined,
      deadlineReason: c.deadlineReason ?? undefined,
    },
    facts.completenessProfile,
  );
  const missing: MissingElement[] = [];
  const add = (element: string, key: MissingElementKey, legalRef: string, values: Record<string, string> = {}) =>
    missing.push({ element, label: fill(t.missingElements[key], values), legalRef });
  for (const p of [...report.errors, ...report.warnings]) {
    if (p.field in t.missingElements) add(p.field, p.field as MissingElementKey, p.legalRef ?? 'UNTOC art. 18(15)');
  }
  c.persons.forEach((person, i) => {
    const who = `${t.personRoles[person.role] ?? person.role} ${person.name}`.trim();
    if (blank(person.nationality)) add(`persons[${i}].nationality`, 'personNationality', 'UNTOC art. 18(15)(e)', { person: who });
    if (blank(person.location)) add(`persons[${i}].location`, 'personLocation', 'UNTOC art. 18(15)(e)', { person: who });
  });
  // The time limit wished and its reasons (UNTOC art. 18(24)); ECOWAS art. 5(1)(f) is reported by the completeness check.
  if (blank(c.requestedByDate) && !missing.some((m) => m.element === 'requestedByDate')) add('requestedByDate', 'requestedByDate', 'UNTOC art. 18(24)');
  if (!blank(c.requestedByDate) && blank(c.deadlineReason)) add('deadlineReason', 'deadlineReason', 'UNTOC art. 18(24)');
  return missing;
}

/** The clause the basis provides: the instrument's own where the template has it, else the UNTOC one. */
export function clauseFor(t: LetterTemplate, instrumentId: string, kind: ClauseKind): Clause {
  return t.clausesByInstrument[instrumentId]?.[kind] ?? t.clauses[kind];
}

/**
 * Drafts the letter of request from the case (UNTOC art. 18(15); ECOWAS MLA art. 5(1)) in the template's
 * language. Pure: the same facts and template give the same words. An element the case does not give is
 * printed as missing and listed, never filled in.
 */
export function draftRequestLetter(facts: LetterFacts, templates: LetterTemplates, language: string): LetterDraft {
  const t = templates.get(language);
  if (!t) throw new Error(`no letter template in ${language}`);
  const c = facts.content;
  const missing = missingElementsOf(facts, t);
  const isMissing = (element: string) => missing.some((m) => m.element === element);
  const marker = t.sentences.missingMarker;
  const stateName = (s: { code: string; name: string }) => t.stateNames[s.code] ?? s.name;
  const requestingState = stateName(facts.requestingState);
  const requestedState = stateName(facts.requestedState);
  const instrument = t.instrumentNames[facts.instrument.id] ?? facts.instrument.name;
  const date = longDate(facts.date, language);
  const free = (value: string | null | undefined, element: string): LetterParagraph[] =>
    !blank(value) ? [{ text: value.trim() }] : isMissing(element) ? [{ text: marker, missing: true }] : [{ text: '—' }];

  const caseTexts = [c.subjectOfProceedings, c.factsSummary, c.purpose, c.deadlineReason].some((v) => !blank(v));
  const translationNeeded = caseTexts && c.language !== language;
  const opening = [
    fill(t.sentences.opening, { requestingAuthority: facts.requestingAuthority.name, requestingState, requestedState, instrument }),
    ...(c.urgency === 'URGENT' ? [t.sentences.urgentReason] : []),
    ...(translationNeeded
      ? [fill(t.sentences.untranslated, { caseLanguage: t.languageNames[c.language] ?? c.language, letterLanguage: t.languageNames[language] ?? language })]
      : []),
  ];

  const items = facts.items?.length ? facts.items.map((i) => i.assistanceType) : c.assistanceTypes;
  const assistance: LetterParagraph[] = items.length
    ? items.map((type, i) => ({ text: fill(t.sentences.item, { number: i + 1, assistance: t.assistanceTypes[type] ?? type }) }))
    : [{ text: marker, missing: true }];

  const persons: LetterParagraph[] = c.persons.length
    ? c.persons.map((p, i) => {
        const field = (key: 'nationality' | 'dateOfBirth' | 'location' | 'identifier') => {
          const value = p[key];
          if (!blank(value))
            return `${t.personFields[key]}: ${key === 'dateOfBirth' ? longDate(value, language) : key === 'nationality' ? countryName(value.trim(), t) : value.trim()}`;
          return isMissing(`persons[${i}].${key}`) ? `${t.personFields[key]}: ${marker}` : null;
        };
        const parts = [`${t.personFields.name}: ${p.name}`, field('nationality'), field('dateOfBirth'), field('location'), field('identifier')];
        return {
          lead: t.personRoles[p.role] ?? p.role,
          text: parts.filter((x): x is string => x !== null).join('; '),
          missing: parts.some((x) => x?.endsWith(marker)),
        };
      })
    : [{ text: t.sentences.noPersons }, ...(isMissing('persons') ? [{ text: marker, missing: true }] : [])];

  const timeLimit: LetterParagraph[] = blank(c.requestedByDate)
    ? [{ text: marker, missing: true }]
    : [
        { text: fill(t.sentences.timeLimit, { date: longDate(c.requestedByDate, language) }) },
        blank(c.deadlineReason)
          ? { text: fill(t.sentences.timeLimitReason, { reason: marker }), missing: true }
          : { text: fill(t.sentences.timeLimitReason, { reason: c.deadlineReason.trim() }) },
      ];
  if (c.urgency === 'URGENT') timeLimit.unshift({ text: t.sentences.urgentReason });

  const onlyService = c.assistanceTypes.length > 0 && c.assistanceTypes.every((x) => x === 'SERVICE_OF_DOCUMENTS');
  const confidentiality = clauseFor(t, facts.instrument.id, 'confidentiality');
  const speciality = clauseFor(t, facts.instrument.id, 'speciality');
  const sections: LetterSection[] = [
    { heading: t.headings.requestingAuthority, paragraphs: [{ text: `${facts.requestingAuthority.name}, ${requestingState}` }] },
    { heading: t.headings.legalBasis, paragraphs: [{ text: `${instrument} (${facts.instrument.id})` }] },
    { heading: t.headings.subjectOfProceedings, paragraphs: free(c.subjectOfProceedings, 'subjectOfProceedings') },
    ...(onlyService && blank(c.factsSummary) ? [] : [{ heading: t.headings.factsSummary, paragraphs: free(c.factsSummary, 'factsSummary') }]),
    { heading: t.headings.assistanceSought, paragraphs: assistance },
    { heading: t.headings.purpose, paragraphs: free(c.purpose, 'purpose') },
    { heading: t.headings.persons, paragraphs: persons },
    { heading: t.headings.timeLimit, paragraphs: timeLimit },
    { heading: t.headings.confidentiality, legalRef: confidentiality.legalRef, paragraphs: [{ text: confidentiality.text }] },
    { heading: t.headings.speciality, legalRef: speciality.legalRef, paragraphs: [{ text: speciality.text }] },
  ];

  return {
    language,
    caseLanguage: c.language,
    translationNeeded,
    title: t.title,
    urgent: c.urgency === 'URGENT' ? t.urgent : undefined,
    header: [
      { label: t.headings.requestingAuthority, value: `${facts.requestingAuthority.name} (${requestingState})` },
      { label: t.headings.addressee, value: fill(t.sentences.addressee, { requestedState }) },
      { label: t.headings.reference, value: facts.reference },
      { label: t.headings.date, value: date },
    ],
    opening,
    sections,
    missingElements: missing,
    missingIntro: t.sentences.missingIntro,
    missingHeading: t.headings.missingElements,
    signature: { heading: t.headings.signature, line: t.sentences.signatureLine },
    draftNotice: fill(t.sentences.draftNotice, { reference: facts.reference, date }),
    meta: { title: t.title, subject: facts.reference, author: facts.requestingAuthority.name },
  };
}
