// The letter of request and the custody report as a reader gets them: the PDF's text through pdftotext
// and its first page through pdftoppm (Debian's poppler-utils; the test fails with the install command without it).
import PDFDocument from 'pdfkit';
import { readLetterTemplates } from '../seeds/loader';
import { draftRequestLetter, finish, loadPdfFonts, renderCustodyReport, renderRequestLetter, type LetterFacts } from '../libs/pdf/src';
import { YORUBA_NAME, englishFacts, frenchFacts, portugueseFacts } from './support/letter-fixtures';
import { flat, inkRatio, pdfText, renderPage, requirePoppler } from './support/poppler';

const templates = readLetterTemplates();
const fonts = loadPdfFonts();
const at = new Date('2026-03-05T10:00:00Z');
const nfc = (s: string) => flat(s).normalize('NFC');

async function letter(facts: LetterFacts, language: string) {
  const draft = draftRequestLetter(facts, templates, language);
  const pdf = await renderRequestLetter(draft, fonts, at);
  return { draft, pdf, text: nfc(pdfText(pdf)) };
}

beforeAll(() => requirePoppler());

it('fails with the install command when poppler-utils is missing', () => {
  const path = process.env.PATH;
  process.env.PATH = '/nonexistent';
  try {
    expect(() => requirePoppler()).toThrow('apt-get install -y poppler-utils');
    expect(() => pdfText(Buffer.from('%PDF-'))).toThrow('apt-get install -y poppler-utils');
  } finally {
    process.env.PATH = path;
  }
});

describe('the letter of request as a PDF', () => {
  it('is a PDF whose text holds every element in French, the embedded font keeping accents and Yoruba tone marks', async () => {
    const { pdf, text } = await letter(frenchFacts(), 'fr');
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    for (const expected of [
      "DEMANDE D'ENTRAIDE JUDICIAIRE EN MATIÈRE PÉNALE",
      'Autorité requérante',
      'Parquet du Tribunal de grande instance de Dakar',
      'Référence: 7d3c1f9e-2b4a-4c1d-9e8f-0a1b2c3d4e5f',
      'Fondement juridique',
      "Convention de la CEDEAO relative à l'entraide judiciaire en matière pénale",
      'Objet et nature de la procédure',
      'Information judiciaire pour trafic illicite de migrants',
      'Résumé des faits',
      'une pirogue partie de Mbour avec 143 passagers a été interceptée',
      'Mesure 1 : Fourniture de documents bancaires, financiers, sociaux ou commerciaux',
      'Mesure 2 : Recueil de témoignages ou de dépositions',
      'Fins de la demande',
      'Établir les flux financiers du réseau',
      'Personnes concernées',
      YORUBA_NAME,
      'Aïssatou Ndiaye',
      'Délai souhaité et motif',
      'exécutée au plus tard le 30 juin 2026',
      'La détention provisoire du prévenu principal prend fin le 15 juillet 2026',
      'Confidentialité (UNTOC art. 18(20))',
      "l'État requérant demande que l'État requis garde le secret sur la demande",
      "Limitation de l'utilisation (spécialité) (Convention CEDEAO d'entraide art. 8)",
      "Pour l'autorité requérante",
    ])
      expect(text).toContain(nfc(expected));
    // Nothing missing, nothing in another language.
    expect(text).not.toContain('Éléments manquants');
    expect(text).not.toMatch(/Summary of the facts|Resumo dos factos|Assistance sought/);
  });

  it('is in English for an English request under UNTOC, urgent, with the UNTOC clauses', async () => {
    const { text } = await letter(englishFacts(), 'en');
    for (const expected of [
      'URGENT',
      'REQUEST FOR MUTUAL LEGAL ASSISTANCE IN CRIMINAL MATTERS',
      'Office of the Attorney-General, Accra',
      'Subject and nature of the proceedings',
      'Prosecution for smuggling of migrants',
      'Summary of the facts',
      'Item 1: Executing searches and seizures, and freezing',
      'Kwame Mensah',
      'Nationality: Ghana',
      'Identity document: passport G1234567',
      'executed by May 15, 2026',
      'Reason: Trial opens on 1 June 2026',
      'Confidentiality (UNTOC art. 18(20))',
      'Limitation of use (speciality) (UNTOC art. 18(19))',
      'article 18, paragraph 19',
    ])
      expect(text).toContain(expected);
    expect(text).not.toMatch(/Résumé des faits|Resumo dos factos/);
  });

  it('is in Portuguese for a Portuguese request to Cabo Verde', async () => {
    const { text } = await letter(portugueseFacts(), 'pt');
    for (const expected of [
      'PEDIDO DE AUXÍLIO JUDICIÁRIO MÚTUO EM MATÉRIA PENAL',
      'Procuradoria-Geral da República, Bissau',
      'Guiné-Bissau',
      'Cabo Verde',
      'Convenção da CEDEAO relativa ao Auxílio Judiciário Mútuo em Matéria Penal',
      'Objeto e natureza do processo',
      'Inquérito por auxílio à imigração ilegal',
      'Resumo dos factos',
      'Diligência 1: Fornecimento de originais ou de cópias autenticadas',
      'Finalidade do pedido',
      'João Gonçalves; Nacionalidade: Guiné-Bissau',
      'executado até 30 de abril de 2026',
      'Justificação: O prazo máximo do inquérito termina em maio de 2026',
      'Confidencialidade (UNTOC art. 18(20))',
      'Limitação da utilização (especialidade) (Convenção da CEDEAO de auxílio art. 8)',
    ])
      expect(text).toContain(expected);
    expect(text).not.toMatch(/Summary of the facts|Résumé des faits/);
  });

  it('is in Spanish for a Spanish request to Spain under UNTOC', async () => {
    const base = englishFacts();
    const facts = englishFacts({
      requestingState: { code: 'MA', name: 'Morocco' },
      requestedState: { code: 'ES', name: 'Spain' },
      requestingAuthority: { id: 'MA-PROS-RABAT', name: 'Fiscalía del Rey, Rabat' },
      acceptedLanguages: ['es'],
      requestedStateLanguages: ['es'],
      content: {
        ...base.content,
        language: 'es',
        urgency: 'NORMAL',
        subjectOfProceedings: 'Diligencias por tráfico ilícito de migrantes',
        factsSummary: 'Una embarcación neumática partió de Tarfaya hacia Lanzarote con 52 personas a bordo.',
        purpose: 'Identificar al patrón de la embarcación',
        persons: [{ role: 'SUSPECT', name: 'Iñaki Muñoz', nationality: 'ES', location: 'Arrecife, Lanzarote' }],
        deadlineReason: 'La instrucción concluye en junio',
      },
    });
    const { text } = await letter(facts, 'es');
    for (const expected of [
      'SOLICITUD DE ASISTENCIA JUDICIAL RECÍPROCA EN MATERIA PENAL',
      'Marruecos',
      'Las autoridades competentes del Estado requerido: España',
      'Objeto y naturaleza del procedimiento',
      'Diligencias por tráfico ilícito de migrantes',
      'Resumen de los hechos',
      'Diligencia 1: Efectuar inspecciones e incautaciones y embargos preventivos',
      'Iñaki Muñoz; Nacionalidad: España',
      'se cumpla a más tardar el 15 de mayo de 2026',
      'Motivo: La instrucción concluye en junio',
      'Confidencialidad (UNTOC art. 18(20))',
      'Limitación del uso (especialidad) (UNTOC art. 18(19))',
    ])
      expect(text).toContain(nfc(expected));
  });

  it('lists the missing elements in their own section and prints a marker where each would stand', async () => {
    const base = portugueseFacts();
    const facts = portugueseFacts({ content: { ...base.content, purpose: null, factsSummary: '', persons: [], requestedByDate: null, deadlineReason: null } });
    const { draft, text } = await letter(facts, 'pt');
    expect(draft.missingElements.map((m) => m.element)).toEqual(['factsSummary', 'purpose', 'persons', 'requestedByDate']);
    expect(text).toContain('Elementos em falta');
    for (const m of draft.missingElements) expect(text).toContain(nfc(`${m.label} (${m.legalRef})`));
    expect(text.split('[elemento em falta: ver «Elementos em falta»]').length - 1).toBe(4);
  });

  it('renders: pdftoppm draws the first page with ink on it, and a blank page without', async () => {
    const { pdf } = await letter(frenchFacts(), 'fr');
    expect(inkRatio(renderPage(pdf, 'request-letter-fr'))).toBeGreaterThan(0.01);
    const blank = new PDFDocument({ size: 'A4' });
    expect(inkRatio(renderPage(await finish(blank), 'blank'))).toBe(0);
  });
});

describe('the custody report as a PDF', () => {
  const sha = 'a3f1'.repeat(16);
  const input = {
    caseReference: '7d3c1f9e-2b4a-4c1d-9e8f-0a1b2c3d4e5f',
    document: {
      id: 'doc-42',
      kind: 'EVIDENCE',
      fileName: 'relevés-bancaires.pdf',
      mediaType: 'application/pdf',
      sha256: sha,
      size: 48213,
      recordedAt: '2026-05-02T09:15:00Z',
    },
    chain: [
      {
        actor: 'u-ci-exec-police',
        role: 'EXECUTING_AUTHORITY',
        authority: 'CI-POL-DPJ',
        stateCode: 'CI',
        event: 'RECORDED',
        at: '2026-05-02T09:15:00Z',
        sha256: sha,
      },
      { actor: 'u-ci-ca', role: 'CENTRAL_AUTHORITY', authority: 'CI-CA', stateCode: 'CI', event: 'HANDED_OVER', at: '2026-05-03T11:00:00Z', sha256: sha },
      { actor: 'u-sn-ca', role: 'CENTRAL_AUTHORITY', authority: 'SN-CA-DACG', stateCode: 'SN', event: 'RECEIVED', at: '2026-05-06T08:30:00Z', sha256: sha },
    ],
    chainIntact: true,
    generatedAt: new Date('2026-05-07T12:00:00Z'),
    generatedBy: 'u-sn-prosecutor (PROSECUTOR, SN-PROS-DAKAR)',
  };

  it('lists the document and every handover with actor, role, authority, time and hash, and says the hash never changed', async () => {
    const pdf = await renderCustodyReport(input, templates.get('en')!, fonts);
    const text = nfc(pdfText(pdf));
    for (const expected of [
      'Chain of custody report',
      'Case reference: 7d3c1f9e-2b4a-4c1d-9e8f-0a1b2c3d4e5f',
      'Kind: EVIDENCE',
      'File name: relevés-bancaires.pdf',
      'Size (bytes): 48213',
      `SHA-256: ${sha}`,
      'Step 1 — RECORDED',
      'Time (UTC): 2026-05-02 09:15:00 UTC',
      'Actor: u-ci-exec-police',
      'Role: EXECUTING_AUTHORITY',
      'Authority: CI-POL-DPJ (CI)',
      'Step 3 — RECEIVED',
      'Authority: SN-CA-DACG (SN)',
      'The hash recorded at every handover equals the hash of the document',
      'Every event of the document is chained to the one before it in the audit trail',
      'by u-sn-prosecutor (PROSECUTOR, SN-PROS-DAKAR)',
    ])
      expect(text).toContain(expected);
    expect(text.split(`Hash at handover: ${sha}`).length - 1).toBe(3);
    expect(text.split('Unchanged: yes').length - 1).toBe(3);
    expect(inkRatio(renderPage(pdf, 'custody-report-en'))).toBeGreaterThan(0.01);
  });

  it('says which handover recorded another hash, in French', async () => {
    const altered = { ...input, chainIntact: false, chain: [...input.chain.slice(0, 2), { ...input.chain[2], sha256: 'ffff'.repeat(16) }] };
    const text = nfc(pdfText(await renderCustodyReport(altered, templates.get('fr')!, fonts)));
    expect(text).toContain('Procès-verbal de la chaîne de possession');
    expect(text.split('Inchangé: oui').length - 1).toBe(2);
    expect(text).toContain('Inchangé: NON');
    expect(text).toContain("L'empreinte relevée lors de 1 remise(s) diffère de celle du document");
    expect(text).toContain("La chaîne d'audit des événements du document est ROMPUE");
  });
});
