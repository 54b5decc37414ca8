// Mail texts are reference data (seeds/data/notification-templates.json), one set per language: this
// file only fills their {{placeholders}}. A mail names the case by its id and says what is expected,
// when and under which provision: never a person, a fact or anything else of the case's content.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { NOTIFICATION_CATEGORIES, NOTIFICATION_LANGUAGES, type NotificationLanguage } from '../../libs/domain/src/notifications';
import { projectRoot } from '../../libs/config/src/project-root';

export interface MailTemplateSet {
  language: NotificationLanguage;
  immediate: { subject: string; body: string };
  digest: { subject: string; intro: string; item: string; outro: string };
  categories: Record<string, string>;
  addressees: Record<string, string>;
  /** Labels of case events; `*` for the others (with {{eventCode}}). */
  events: Record<string, string>;
  /** What stands for a value the notification has not (no due date, no level). */
  none: string;
}
export type MailTemplates = Record<NotificationLanguage, MailTemplateSet>;

/** What a mail may say of one notification: ids, kinds, instants and the legal provision. */
export interface MailItem {
  eventId: string;
  caseId: string;
  event: string;
  category: string;
  addressee: string;
  level?: number | null;
  dueAt?: string | null;
  legalRef?: string | null;
  occurredAt: string;
}

export interface RenderedMail {
  subject: string;
  text: string;
}

const PLACEHOLDER = /\{\{(\w+)\}\}/g;
const IMMEDIATE_VARS = ['caseRef', 'category', 'event', 'addressee', 'level', 'dueAt', 'legalRef', 'occurredAt', 'caseUrl', 'eventId'];
const DIGEST_VARS = ['count'];

export const NOTIFICATION_TEMPLATES_FILE = join(projectRoot(), 'seeds', 'data', 'notification-templates.json');

export function loadMailTemplates(file = NOTIFICATION_TEMPLATES_FILE): MailTemplates {
  return parseMailTemplates(JSON.parse(readFileSync(file, 'utf8')));
}

/** Checks the file as a whole and says every problem at once: a language, a label or a placeholder missing or unknown. */
export function parseMailTemplates(raw: unknown): MailTemplates {
  const problems: string[] = [];
  const sets = Array.isArray(raw) ? (raw as MailTemplateSet[]) : [];
  if (!Array.isArray(raw)) problems.push('the templates file is a JSON array of one template set per language');
  const byLanguage: Partial<MailTemplates> = {};
  for (const set of sets) {
    if (!(NOTIFICATION_LANGUAGES as readonly string[]).includes(set?.language)) {
      problems.push(`unknown language ${JSON.stringify(set?.language)}`);
      continue;
    }
    byLanguage[set.language] = set;
    const where = (s: string) => `${set.language}: ${s}`;
    const check = (text: unknown, name: string, allowed: string[]) => {
      if (typeof text !== 'string' || !text.trim()) return problems.push(where(`${name} is missing`));
      for (const [, v] of text.matchAll(PLACEHOLDER)) if (!allowed.includes(v)) problems.push(where(`${name} uses unknown placeholder {{${v}}}`));
    };
    check(set.immediate?.subject, 'immediate.subject', IMMEDIATE_VARS);
    check(set.immediate?.body, 'immediate.body', IMMEDIATE_VARS);
    check(set.digest?.subject, 'digest.subject', DIGEST_VARS);
    check(set.digest?.intro, 'digest.intro', DIGEST_VARS);
    check(set.digest?.item, 'digest.item', IMMEDIATE_VARS);
    check(set.digest?.outro, 'digest.outro', DIGEST_VARS);
    check(set.none, 'none', []);
    check(set.events?.['*'], 'events.*', ['eventCode']);
    for (const c of NOTIFICATION_CATEGORIES) check(set.categories?.[c], `categories.${c}`, []);
  }
  for (const language of NOTIFICATION_LANGUAGES) if (!byLanguage[language]) problems.push(`no templates in ${language}`);
  if (problems.length) throw new Error(`notification templates: ${problems.join('; ')}`);
  return byLanguage as MailTemplates;
}

function fill(text: string, values: Record<string, string>): string {
  return text.replace(PLACEHOLDER, (_, name: string) => values[name] ?? '');
}

function valuesOf(t: MailTemplateSet, item: MailItem, caseUrl: (caseId: string) => string): Record<string, string> {
  const none = t.none;
  return {
    caseRef: item.caseId,
    category: t.categories[item.category] ?? item.category,
    event: t.events[item.event] ?? fill(t.events['*'], { eventCode: item.event }),
    addressee: t.addressees[item.addressee] ?? item.addressee,
    level: item.level === null || item.level === undefined ? none : `L${item.level}`,
    dueAt: item.dueAt ? item.dueAt.replace('T', ' ').replace(/:\d\d(\.\d+)?Z$/, ' UTC') : none,
    legalRef: item.legalRef || none,
    occurredAt: item.occurredAt.replace('T', ' ').replace(/:\d\d(\.\d+)?Z$/, ' UTC'),
    caseUrl: caseUrl(item.caseId),
    eventId: item.eventId,
  };
}

export function renderImmediateMail(
  templates: MailTemplates,
  language: NotificationLanguage,
  item: MailItem,
  caseUrl: (caseId: string) => string,
): RenderedMail {
  const t = templates[language];
  const values = valuesOf(t, item, caseUrl);
  return { subject: fill(t.immediate.subject, values), text: fill(t.immediate.body, values) };
}

export function renderDigestMail(
  templates: MailTemplates,
  language: NotificationLanguage,
  items: readonly MailItem[],
  caseUrl: (caseId: string) => string,
): RenderedMail {
  const t = templates[language];
  const count = { count: String(items.length) };
  const lines = items.map((item) => fill(t.digest.item, valuesOf(t, item, caseUrl)));
  return { subject: fill(t.digest.subject, count), text: [fill(t.digest.intro, count), '', ...lines, '', fill(t.digest.outro, count)].join('\n') };
}
