import { readFileSync } from 'node:fs';
import { NOTIFICATION_TEMPLATES_FILE, loadMailTemplates, parseMailTemplates, renderDigestMail, renderImmediateMail, type MailItem } from './mail-templates';

const url = (id: string) => `https://mla.example.org/cases/${id}`;
const escalation: MailItem = {
  eventId: '3f1c0e7a-0000-4000-8000-000000000001.7.0',
  caseId: '3f1c0e7a-0000-4000-8000-000000000001',
  event: 'ESCALATION',
  category: 'ESCALATION',
  addressee: 'REQUESTED_CA_HEAD',
  level: 1,
  dueAt: null,
  legalRef: 'UNTOC art. 18(13)',
  occurredAt: '2031-03-03T09:00:00.000Z',
};

describe('mail templates (seeds/data/notification-templates.json)', () => {
  const templates = loadMailTemplates();

  it('holds French and English, each with every category and no unknown placeholder', () => {
    expect(Object.keys(templates).sort()).toEqual(['en', 'fr']);
  });

  it('renders an immediate mail in the recipient language, naming the case by its id and the rule broken', () => {
    const en = renderImmediateMail(templates, 'en', escalation, url);
    expect(en.subject).toBe('[3f1c0e7a-0000-4000-8000-000000000001] Escalation: the case was escalated');
    expect(en.text).toContain('the head of the requested central authority');
    expect(en.text).toContain('Escalation level: L1');
    expect(en.text).toContain('Due: —');
    expect(en.text).toContain('UNTOC art. 18(13)');
    expect(en.text).toContain('2031-03-03 09:00 UTC');
    expect(en.text).toContain(url(escalation.caseId));
    expect(en.text).toContain(escalation.eventId);
    const fr = renderImmediateMail(templates, 'fr', escalation, url);
    expect(fr.subject).toBe("[3f1c0e7a-0000-4000-8000-000000000001] Escalade : le dossier a fait l'objet d'une escalade");
    expect(fr.text).toContain("le chef de l'autorité centrale requise");
    expect(fr.text).toContain("Niveau d'escalade : L1");
    expect(fr.text).not.toMatch(/\{\{|\}\}/);
  });

  it('names an event it has no label for by its code, in the recipient language', () => {
    const en = renderImmediateMail(templates, 'en', { ...escalation, event: 'CONSULTATION_OPENED', category: 'STEP' }, url);
    expect(en.subject).toBe('[3f1c0e7a-0000-4000-8000-000000000001] Step to take: case event CONSULTATION_OPENED');
    const fr = renderImmediateMail(templates, 'fr', { ...escalation, event: 'CONSULTATION_OPENED', category: 'STEP' }, url);
    expect(fr.subject).toContain('événement CONSULTATION_OPENED du dossier');
  });

  it('renders a digest with one line per notification and their count', () => {
    const items = [escalation, { ...escalation, eventId: 'x.8.0', event: 'REMINDER', category: 'REMINDER', level: 0, dueAt: '2031-03-10T00:00:00.000Z' }];
    const digest = renderDigestMail(templates, 'fr', items, url);
    expect(digest.subject).toBe('Récapitulatif quotidien : 2 notification(s) sur vos dossiers');
    expect(digest.text.split('\n').filter((l) => l.startsWith('- '))).toHaveLength(2);
    expect(digest.text).toContain('échéance 2031-03-10 00:00 UTC');
  });

  it('refuses a file with a language, a category or a placeholder missing or unknown, saying each', () => {
    const raw = JSON.parse(readFileSync(NOTIFICATION_TEMPLATES_FILE, 'utf8'));
    expect(() => parseMailTemplates([raw[0]])).toThrow(/no templates in fr/);
    const broken = structuredClone(raw);
    broken[0].immediate.subject = 'Case {{personName}}';
    delete broken[1].categories.BREACH;
    expect(() => parseMailTemplates(broken)).toThrow(/en: immediate.subject uses unknown placeholder \{\{personName\}\}.*fr: categories.BREACH is missing/);
    expect(() => parseMailTemplates({})).toThrow(/JSON array/);
  });
});
