import { createHash } from 'node:crypto';
import { Engine, startEngine } from './support/engine';
import { flat, inkRatio, pdfText, renderPage, requirePoppler } from './support/poppler';

// The letter of request and the custody report through HTTP (issue 14, items 4 and 5): a case filed, its
// letter drafted and stored as the REQUEST_LETTER, downloaded and read back with pdftotext; evidence carried
// along its chain of custody and its report read the same way. Real Temporal dev server, real Postgres.

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const nfc = (s: string) => flat(s).normalize('NFC');

const mla = (over: Record<string, unknown> = {}) => ({
  requestedState: 'GH',
  legalBasis: 'ECOWAS-MLA-1992',
  assistanceTypes: ['BANK_RECORDS', 'TAKING_OF_STATEMENT'],
  subjectOfProceedings: 'Trafic illicite de migrants en bande organisée',
  factsSummary: 'Les paiements des traversées ont transité par des comptes ouverts à Accra entre janvier et mars 2030.',
  purpose: 'Établir les flux financiers du réseau',
  persons: [{ role: 'SUSPECT', name: 'Adébáyọ̀ Ọlábísí', nationality: 'NG', location: 'Accra, Osu' }],
  language: 'fr',
  urgency: 'NORMAL',
  requestedByDate: '2030-11-01',
  deadlineReason: 'le prévenu est en détention provisoire',
  ...over,
});

describe('the letter of request and the custody report through HTTP (real Postgres, real Temporal)', () => {
  let engine: Engine;
  const tokens: Record<string, string> = {};
  const as = async (user: string) => (tokens[user] ??= await engine.token(user));
  const call = async (user: string, method: string, path: string, body?: unknown, status = 200) => {
    const res = await engine.request(method, path, { token: await as(user), body });
    expect({ user, path, status: res.status, body: res.status === status ? undefined : res.body }).toEqual({ user, path, status, body: undefined });
    return res.body;
  };
  const download = async (user: string, path: string) => {
    const res = await fetch(`${engine.baseUrl}${path}`, { headers: { authorization: `Bearer ${await as(user)}` } });
    return { status: res.status, bytes: Buffer.from(await res.arrayBuffer()), headers: res.headers };
  };
  const letterPath = (id: string) => `/cases/${id}/documents/request-letter`;
  const documentCount = async (id: string) => Number((await engine.db.query(`SELECT count(*)::int AS n FROM documents WHERE case_id = $1`, [id]))[0].n);

  beforeAll(async () => {
    requirePoppler();
    engine = await startEngine();
  }, 180000);

  afterAll(async () => {
    await engine?.stop();
  }, 60000);

  it('drafts the letter in French from a French request to Ghana under the ECOWAS Convention, stores it and serves it', async () => {
    const id = (await call('u-sn-prosecutor', 'POST', '/cases', mla(), 201)).id;
    const res = await engine.request('POST', letterPath(id), { token: await as('u-sn-prosecutor'), body: {} });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ language: 'fr', caseLanguage: 'fr', translationNeeded: false, missingElements: [] });
    expect(res.body.document).toMatchObject({ kind: 'REQUEST_LETTER', language: 'fr', contentType: 'application/pdf', caseId: id });
    expect(res.headers.get('location')).toBe(res.body.document.href);

    const file = await download('u-sn-ca', res.body.document.href);
    expect(file.status).toBe(200);
    expect(sha(file.bytes)).toBe(res.body.document.sha256);
    const text = nfc(pdfText(file.bytes));
    for (const expected of [
      "DEMANDE D'ENTRAIDE JUDICIAIRE EN MATIÈRE PÉNALE",
      "Public Prosecutor's Office at the Dakar High Court",
      'Sénégal',
      'Ghana',
      `Référence: ${id}`,
      "Convention de la CEDEAO relative à l'entraide judiciaire en matière pénale (A/P.1/7/92, Dakar, 1992) (ECOWAS-MLA-1992)",
      'Trafic illicite de migrants en bande organisée',
      'comptes ouverts à Accra entre janvier et mars 2030',
      'Mesure 1 : Fourniture de documents bancaires, financiers, sociaux ou commerciaux',
      'Mesure 2 : Recueil de témoignages ou de dépositions',
      'Établir les flux financiers du réseau',
      'Adébáyọ̀ Ọlábísí; Nationalité: Nigeria; Localisation: Accra, Osu',
      'exécutée au plus tard le 1 novembre 2030',
      'Motif : le prévenu est en détention provisoire',
      'Confidentialité (UNTOC art. 18(20))',
      "Limitation de l'utilisation (spécialité) (Convention CEDEAO d'entraide art. 8)",
    ])
      expect(text).toContain(nfc(expected));
    expect(text).not.toContain('Éléments manquants');
    expect(inkRatio(renderPage(file.bytes, 'e2e-request-letter-fr'))).toBeGreaterThan(0.01);
    // Drafting and downloading are reads of the case's documents, each in the access log with its reader.
    const reads = await engine.db.query(`SELECT actor_id FROM access_log WHERE view = 'DOCUMENTS' AND case_ids @> ARRAY[$1::uuid] ORDER BY id`, [id]);
    expect(reads.map((r: { actor_id: string }) => r.actor_id)).toEqual(['u-sn-prosecutor', 'u-sn-ca']);
  });

  it('drafts in French an English request to Senegal under UNTOC, lists what the case lacks, and supersedes the previous draft', async () => {
    const filing = mla({
      requestedState: 'SN',
      legalBasis: 'UNTOC-2000',
      language: 'en',
      subjectOfProceedings: 'Smuggling of migrants by an organised criminal group',
      factsSummary: 'Migrants recruited in Kumasi were moved through Dakar towards the Canary Islands.',
      purpose: 'Identify the organisers in Dakar',
      persons: [],
      requestedByDate: undefined,
      deadlineReason: undefined,
    });
    const id = (await call('u-gh-prosecutor', 'POST', '/cases', filing, 201)).id;
    const first = await call('u-gh-prosecutor', 'POST', letterPath(id), {}, 201);
    expect(first).toMatchObject({ language: 'fr', caseLanguage: 'en', translationNeeded: true });
    expect(first.missingElements.map((m: { element: string; legalRef: string }) => [m.element, m.legalRef])).toEqual([
      ['persons', 'UNTOC art.18(15)(e)'],
      ['requestedByDate', 'UNTOC art. 18(24)'],
    ]);
    const text = nfc(pdfText((await download('u-gh-prosecutor', first.document.href)).bytes));
    expect(text).toContain('une traduction certifiée en français doit y être jointe');
    expect(text).toContain('Identify the organisers in Dakar');
    expect(text).toContain('Éléments manquants');
    for (const m of first.missingElements) expect(text).toContain(nfc(`${m.label} (${m.legalRef})`));

    // Drafted again by the central authority, in English at its asking (Senegal does not accept it): refused; in French: a new version.
    const refused = await engine.request('POST', letterPath(id), { token: await as('u-gh-ca'), body: { language: 'en' } });
    expect(refused.status).toBe(422);
    expect(refused.body).toMatchObject({ code: 'LETTER_LANGUAGE', errors: [{ field: 'language', rule: 'accepted_language' }] });
    const second = await call('u-gh-ca', 'POST', letterPath(id), { language: 'fr' }, 201);
    expect(second.document.supersedes).toBe(first.document.id);
    const list = await call('u-gh-prosecutor', 'GET', `/cases/${id}/documents`);
    expect(list.documents.map((d: { id: string; supersededBy: string | null }) => [d.id, d.supersededBy])).toEqual(
      expect.arrayContaining([
        [first.document.id, second.document.id],
        [second.document.id, null],
      ]),
    );
  });

  it('drafts in Portuguese a Portuguese request to Cabo Verde', async () => {
    const filing = mla({
      requestedState: 'CV',
      language: 'pt',
      subjectOfProceedings: 'Inquérito por auxílio à imigração ilegal',
      factsSummary: 'Uma embarcação saída de Dacar transportou migrantes até à ilha do Sal.',
      purpose: 'Obter os registos de entrada da embarcação',
      persons: [{ role: 'WITNESS', name: 'João Gonçalves', nationality: 'CV', location: 'Praia' }],
      deadlineReason: 'o prazo do inquérito termina em dezembro',
    });
    const id = (await call('u-sn-prosecutor', 'POST', '/cases', filing, 201)).id;
    const letter = await call('u-sn-prosecutor', 'POST', letterPath(id), {}, 201);
    expect(letter).toMatchObject({ language: 'pt', translationNeeded: false, missingElements: [] });
    const text = nfc(pdfText((await download('u-sn-prosecutor', letter.document.href)).bytes));
    for (const expected of [
      'PEDIDO DE AUXÍLIO JUDICIÁRIO MÚTUO EM MATÉRIA PENAL',
      'Cabo Verde',
      'Objeto e natureza do processo',
      'Inquérito por auxílio à imigração ilegal',
      'Diligência 1: Fornecimento de documentos bancários',
      'João Gonçalves',
      'executado até 1 de novembro de 2030',
      'Justificação: o prazo do inquérito termina em dezembro',
    ])
      expect(text).toContain(nfc(expected));
  });

  it('lets only the requesting side draft, refuses bad input with problem details, and stores nothing then', async () => {
    const id = (await call('u-sn-prosecutor', 'POST', '/cases', mla(), 201)).id;
    // Someone else's case does not exist; the requested side does not know it before transmission; a manager may not draft.
    await call('u-ng-prosecutor', 'POST', letterPath(id), {}, 404);
    await call('u-gh-ca', 'POST', letterPath(id), {}, 404);
    const manager = await engine.request('POST', letterPath(id), { token: await as('u-sn-manager'), body: {} });
    expect(manager.status).toBe(403);
    expect(manager.headers.get('content-type')).toContain('application/problem+json');
    expect((await engine.request('POST', letterPath(id), { body: {} })).status).toBe(401);
    const bad = await engine.request('POST', letterPath(id), { token: await as('u-sn-prosecutor'), body: { language: 'french' } });
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual([expect.objectContaining({ field: 'language' })]);
    expect((await engine.request('POST', letterPath(id), { token: await as('u-sn-prosecutor'), body: { language: 'fr', extra: 1 } })).status).toBe(400);
    expect((await engine.request('POST', letterPath(id), { token: await as('u-sn-prosecutor'), body: { language: 'de' } })).status).toBe(422);
    await call('u-sn-prosecutor', 'POST', '/cases/not-a-uuid/documents/request-letter', {}, 404);
    expect(await documentCount(id)).toBe(0);
  });

  it('reports the chain of custody of evidence carried to the prosecutor, as a PDF for the court', async () => {
    const id = (await call('u-sn-prosecutor', 'POST', '/cases', mla(), 201)).id;
    const path = `/cases/${id}/documents`;
    await call('u-sn-prosecutor', 'POST', letterPath(id), {}, 201);
    await call('u-sn-prosecutor', 'POST', `/cases/${id}/submit`, {});
    await call('u-sn-ca', 'POST', `/cases/${id}/approve`, {});
    await call('u-sn-ca', 'POST', `/cases/${id}/transmit`, { channel: 'CA_DIRECT', reference: 'DACG-2030-118' });
    // Transmitted: the letter sent is sealed with the package.
    await call('u-sn-prosecutor', 'POST', letterPath(id), {}, 409);
    await call('u-gh-ca', 'POST', `/cases/${id}/acknowledge`, {});
    await call('u-gh-ca', 'POST', `/cases/${id}/accept`, { forward: [{ itemIds: ['item-1'], executingAuthorityId: 'GH-POL-AHTU' }] });

    const evidenceBytes = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(9000, 'bank statement '), Buffer.from('\n%%EOF\n')]);
    const form = new FormData();
    for (const [k, v] of [
      ['kind', 'EVIDENCE'],
      ['language', 'en'],
      ['itemId', 'item-1'],
    ])
      form.append(k, v);
    form.append('file', new Blob([new Uint8Array(evidenceBytes)], { type: 'application/pdf' }), 'relevés-bancaires.pdf');
    const uploaded = await fetch(`${engine.baseUrl}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await as('u-gh-executing')}` },
      body: form,
    });
    expect(uploaded.status).toBe(201);
    const evidence = (await uploaded.json()) as { id: string };
    await call('u-gh-executing', 'POST', `${path}/${evidence.id}/handover`, { to: 'REQUESTED_CA' });
    await call('u-gh-ca', 'POST', `${path}/${evidence.id}/handover`, { to: 'REQUESTING_CA' });
    await call('u-sn-ca', 'POST', `${path}/${evidence.id}/handover`, { to: 'REQUESTING_PROSECUTOR' });

    const reportPath = `${path}/${evidence.id}/custody/report`;
    const report = await download('u-sn-prosecutor', reportPath);
    expect(report.status).toBe(200);
    expect(report.headers.get('content-type')).toBe('application/pdf');
    expect(report.headers.get('content-disposition')).toBe(`attachment; filename="custody-report-${evidence.id}.pdf"`);
    const text = nfc(pdfText(report.bytes));
    // The requesting State's courts read French: the report is in French unless asked otherwise.
    for (const expected of [
      'Procès-verbal de la chaîne de possession',
      `Référence du dossier: ${id}`,
      'Nature: EVIDENCE',
      'Nom du fichier: relevés-bancaires.pdf',
      `Taille (octets): ${evidenceBytes.length}`,
      `SHA-256: ${sha(evidenceBytes)}`,
      'Étape 1 — STORED: EXECUTING_AUTHORITY',
      'Intervenant: u-gh-executing',
      'Étape 2 — HANDOVER: EXECUTING_AUTHORITY → REQUESTED_CA',
      'Étape 3 — HANDOVER: REQUESTED_CA → REQUESTING_CA',
      'Intervenant: u-gh-ca',
      'Étape 4 — HANDOVER: REQUESTING_CA → REQUESTING_PROSECUTOR',
      'Intervenant: u-sn-ca',
      '[SN-CA-DACG]',
      "L'empreinte relevée à chaque remise est égale à celle du document",
      "Chaque événement du document est chaîné au précédent dans la piste d'audit",
    ])
      expect(text).toContain(nfc(expected));
    expect(text.split(`Empreinte à la remise: ${sha(evidenceBytes)}`).length - 1).toBe(4);
    expect(text.split('Inchangé: oui').length - 1).toBe(4);
    expect(inkRatio(renderPage(report.bytes, 'e2e-custody-report-fr'))).toBeGreaterThan(0.01);

    const english = nfc(pdfText((await download('u-gh-ca', `${reportPath}?language=en`)).bytes));
    expect(english).toContain('Chain of custody report');
    // Readers the policy does not give the document to: it does not exist for them; bad input is a 400.
    expect((await download('u-sn-manager', reportPath)).status).toBe(404);
    expect((await download('u-ng-prosecutor', reportPath)).status).toBe(404);
    expect((await download('u-sn-prosecutor', `${reportPath}?language=xx`)).status).toBe(400);
    expect((await download('u-sn-prosecutor', `${reportPath}?language=français`)).status).toBe(400);
    expect((await download('u-sn-prosecutor', `${path}/00000000-0000-0000-0000-000000000000/custody/report`)).status).toBe(404);
    // An MLA case is not an extradition: under that prefix it does not exist.
    expect((await download('u-sn-prosecutor', `/extraditions/${id}/documents/${evidence.id}/custody/report`)).status).toBe(404);
  });
});
