import { ASSISTANCE_TYPES, PERSON_ROLES } from '../../domain/src';

/** A clause of the letter with the provision it rests on. */
export interface Clause {
  legalRef: string;
  text: string;
}

export const HEADINGS = [
  'requestingAuthority',
  'addressee',
  'reference',
  'date',
  'legalBasis',
  'subjectOfProceedings',
  'factsSummary',
  'assistanceSought',
  'purpose',
  'persons',
  'timeLimit',
  'confidentiality',
  'speciality',
  'missingElements',
  'signature',
] as const;

/** Fixed sentences, each with the placeholders it may (and must) use. */
export const SENTENCES = {
  addressee: ['requestedState'],
  opening: ['requestingAuthority', 'requestingState', 'requestedState', 'instrument'],
  urgentReason: [],
  item: ['number', 'assistance'],
  noPersons: [],
  timeLimit: ['date'],
  timeLimitReason: ['reason'],
  missingMarker: [],
  missingIntro: [],
  untranslated: ['caseLanguage', 'letterLanguage'],
  signatureLine: [],
  draftNotice: ['reference', 'date'],
} as const satisfies Record<string, readonly string[]>;

export const PERSON_FIELDS = ['name', 'nationality', 'dateOfBirth', 'location', 'identifier'] as const;

/** What the letter lists when the case lacks it, with the placeholders each label uses. */
export const MISSING_ELEMENTS = {
  subjectOfProceedings: [],
  factsSummary: [],
  assistanceTypes: [],
  purpose: [],
  persons: [],
  personNationality: ['person'],
  personLocation: ['person'],
  requestedByDate: [],
  deadlineReason: [],
} as const satisfies Record<string, readonly string[]>;

export const CUSTODY_LABELS = {
  title: [],
  caseReference: [],
  document: [],
  kind: [],
  fileName: [],
  mediaType: [],
  sha256: [],
  size: [],
  recordedAt: [],
  chain: [],
  step: [],
  actor: [],
  role: [],
  authority: [],
  time: [],
  hash: [],
  unchanged: [],
  yes: [],
  no: [],
  noHandover: [],
  allUnchanged: [],
  changed: ['count'],
  chainIntact: [],
  chainBroken: [],
  generated: ['date', 'actor'],
} as const satisfies Record<string, readonly string[]>;

export type Heading = (typeof HEADINGS)[number];
export type SentenceKey = keyof typeof SENTENCES;
export type MissingElementKey = keyof typeof MISSING_ELEMENTS;
export type CustodyLabel = keyof typeof CUSTODY_LABELS;
export type ClauseKind = 'confidentiality' | 'speciality';

/** One language's letter of request and custody report: every word of them that is not the case's own. */
export interface LetterTemplate {
  language: string;
  verified: boolean;
  notes?: string;
  languageNames: Record<string, string>;
  title: string;
  urgent: string;
  headings: Record<Heading, string>;
  sentences: Record<SentenceKey, string>;
  personFields: Record<(typeof PERSON_FIELDS)[number], string>;
  personRoles: Record<string, string>;
  assistanceTypes: Record<string, string>;
  missingElements: Record<MissingElementKey, string>;
  clauses: Record<ClauseKind, Clause>;
  /** Where an instrument's own provision replaces the UNTOC clause (ECOWAS art. 8, EIO art. 19). */
  clausesByInstrument: Record<string, Partial<Record<ClauseKind, Clause>>>;
  /** Names in this language; an instrument or State left out keeps the reference data's (English) name. */
  instrumentNames: Record<string, string>;
  stateNames: Record<string, string>;
  custodyReport: Record<CustodyLabel, string>;
}

export type LetterTemplates = ReadonlyMap<string, LetterTemplate>;

/** Fills `{name}` placeholders; an unknown one is a template defect, caught by the validation, never printed. */
export function fill(text: string, values: Record<string, string | number>): string {
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in values ? String(values[name]) : whole));
}

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
const isText = (v: unknown): v is string => typeof v === 'string' && v.trim().length > 0;
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Every defect of the templates file, as sentences (empty when it can be used): each language complete,
 * each placeholder known, each assistance type and person role named, and the clauses with their provision.
 */
export function templateProblems(parsed: unknown): string[] {
  const problems: string[] = [];
  if (!Array.isArray(parsed) || parsed.length === 0) return ['letter-templates.json must hold a non-empty JSON array'];
  const seen = new Set<string>();
  parsed.forEach((t: unknown, i) => {
    if (!isRecord(t)) return problems.push(`entry ${i} is not an object`);
    const lang = isText(t.language) && /^[a-z]{2}$/.test(t.language) ? t.language : null;
    const at = lang ?? `entry ${i}`;
    if (!lang) problems.push(`${at}: language must be an ISO 639-1 code`);
    else if (seen.has(lang)) problems.push(`${lang}: the language appears twice`);
    else seen.add(lang);
    if (typeof t.verified !== 'boolean') problems.push(`${at}: verified must be true or false`);
    for (const key of ['title', 'urgent'] as const) if (!isText(t[key])) problems.push(`${at}: ${key} is missing`);
    const texts = (section: string, keys: readonly string[], allowed: Record<string, readonly string[]> | null) => {
      const group = t[section];
      if (!isRecord(group)) return problems.push(`${at}: ${section} is missing`);
      for (const key of keys) {
        const text = group[key];
        if (!isText(text)) {
          problems.push(`${at}: ${section}.${key} is missing`);
          continue;
        }
        const known = allowed?.[key] ?? [];
        for (const p of placeholders(text)) if (!known.includes(p)) problems.push(`${at}: ${section}.${key} uses an unknown placeholder {${p}}`);
      }
    };
    texts('headings', HEADINGS, null);
    texts('sentences', Object.keys(SENTENCES), SENTENCES);
    texts('personFields', PERSON_FIELDS, null);
    texts('personRoles', PERSON_ROLES, null);
    texts('assistanceTypes', ASSISTANCE_TYPES, null);
    texts('missingElements', Object.keys(MISSING_ELEMENTS), MISSING_ELEMENTS);
    texts('custodyReport', Object.keys(CUSTODY_LABELS), CUSTODY_LABELS);
    const clause = (where: string, c: unknown) => {
      if (!isRecord(c) || !isText(c.legalRef) || !isText(c.text)) problems.push(`${at}: ${where} needs a legalRef and a text`);
    };
    if (!isRecord(t.clauses)) problems.push(`${at}: clauses is missing`);
    else for (const kind of ['confidentiality', 'speciality']) clause(`clauses.${kind}`, t.clauses[kind]);
    if (!isRecord(t.clausesByInstrument)) problems.push(`${at}: clausesByInstrument must be an object`);
    else
      for (const [instrument, clauses] of Object.entries(t.clausesByInstrument)) {
        if (!isRecord(clauses)) problems.push(`${at}: clausesByInstrument.${instrument} must be an object`);
        else for (const [kind, c] of Object.entries(clauses)) clause(`clausesByInstrument.${instrument}.${kind}`, c);
      }
    for (const names of ['languageNames', 'instrumentNames', 'stateNames'])
      if (!isRecord(t[names]) || !Object.values(t[names]).every(isText)) problems.push(`${at}: ${names} must map codes to names`);
  });
  // Every language must be able to name the others: the letter says which language a translation goes into.
  for (const t of parsed as Array<{ language?: string; languageNames?: Record<string, string> }>)
    for (const other of seen)
      if (isRecord(t?.languageNames) && !isText(t.languageNames[other])) problems.push(`${t.language}: languageNames.${other} is missing`);
  return problems;
}

/** The validated templates by language; throws with every defect at once. */
export function parseLetterTemplates(parsed: unknown): LetterTemplates {
  const problems = templateProblems(parsed);
  if (problems.length) throw new Error(`letter-templates.json is not usable:\n- ${problems.join('\n- ')}`);
  return new Map((parsed as LetterTemplate[]).map((t) => [t.language, t]));
}
