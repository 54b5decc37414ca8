import { createHash } from 'node:crypto';
import { packageManifest } from '../../libs/documents/src/request-package';
import { DEFAULT_DOCUMENT_MAX_BYTES } from '../../libs/config/src';
import { Engine, startEngine } from '../support/engine';
import { Scenario } from '../support/scenario';

// Issue 14's story through the API on the time-skipping server: a request that is its documents, from
// the prosecutor's annexes to the evidence a court will examine.

const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');
const pdf = (text: string) => Buffer.from(`%PDF-1.4\n${text}\n%%EOF\n`);

describe('documents drive the MLA life cycle (time-skipping server)', () => {
  let engine: Engine;

  beforeAll(async () => {
    // DOCUMENT_RULES=strict: a translation by reference only, or results without evidence documents, are refused.
    engine = await startEngine({ temporal: 'time-skipping', documents: { store: 'postgres', maxBytes: DEFAULT_DOCUMENT_MAX_BYTES, rules: 'strict' } });
  }, 180000);

  // Closing the API has been seen to wait about a minute for a client connection here: the hook allows for it.
  afterAll(async () => {
    await engine?.stop();
  }, 180000);

  it('English request to Senegal under UNTOC: no transmission before a certified French translation, the package sealed and acknowledged, evidence handed to the prosecutor unchanged', async () => {
    const sc = await Scenario.begin(engine, { d0: '2025-03-03', timeZone: 'Africa/Accra' });
    await sc.day(0);
    const id = (
      await sc.call('u-gh-prosecutor', 'POST', '/cases', {
        requestedState: 'SN',
        legalBasis: 'UNTOC-2000',
        assistanceTypes: ['BANK_RECORDS'],
        subjectOfProceedings: 'Smuggling of migrants by an organised criminal group (Protocol art. 6)',
        factsSummary: 'Crossings from Saint-Louis were paid into accounts held in Dakar.',
        purpose: 'Trace the proceeds of the smuggling network',
        persons: [{ role: 'SUSPECT', name: 'Person Docs', nationality: 'GH' }],
        language: 'en',
      })
    ).id;
    const path = `/cases/${id}`;
    const letter = pdf('Letter of request, signed');
    const annexes = [pdf('Annex 1: arrest warrant'), pdf('Annex 2: text of the law')];
    await sc.upload('u-gh-prosecutor', `${path}/documents`, { kind: 'REQUEST_LETTER', language: 'en' }, { bytes: letter, name: 'letter.pdf' });
    for (const [i, bytes] of annexes.entries()) {
      await sc.upload('u-gh-prosecutor', `${path}/documents`, { kind: 'ANNEX', language: 'en' }, { bytes, name: `annex-${i + 1}.pdf` });
    }
    await sc.call('u-gh-prosecutor', 'POST', `${path}/submit`);

    // Senegal accepts French only under UNTOC art. 18(14): the approval asks for a translation.
    await sc.day(1);
    expect((await sc.call('u-gh-ca', 'POST', `${path}/approve`)).state).toBe('TRANSLATION_PENDING');
    await sc.call('u-gh-ca', 'POST', `${path}/transmit`, { channel: 'CA_DIRECT', reference: 'MOJ/MLA/25/3' }, 409);
    const refusedBy = async (body: unknown, rule: string) => {
      const refused = await sc.call('u-gh-ca', 'POST', `${path}/translation`, body, 422);
      expect(refused.errors).toEqual([expect.objectContaining({ field: 'documentId', rule })]);
    };
    // A free-text reference no longer clears the step, nor an uncertified or English translation.
    await refusedBy({ language: 'fr', documentRef: 'TR-1', certified: true }, 'required');
    const uncertified = await sc.upload(
      'u-gh-ca',
      `${path}/documents`,
      { kind: 'TRANSLATION', language: 'fr', certified: 'false' },
      { bytes: pdf('Lettre, brouillon'), name: 'lettre-brouillon.pdf' },
    );
    await refusedBy({ documentId: uncertified.id }, 'certified_translation');
    const english = await sc.upload(
      'u-gh-ca',
      `${path}/documents`,
      { kind: 'TRANSLATION', language: 'en', certified: 'true', certifiedBy: 'Sworn translator, Accra' },
      { bytes: pdf('Letter, certified copy'), name: 'letter-en.pdf' },
    );
    await refusedBy({ documentId: english.id }, 'accepted_language');
    const annex = (await sc.call('u-gh-ca', 'GET', `${path}/documents`)).documents.find((d: { kind: string }) => d.kind === 'ANNEX');
    await refusedBy({ documentId: annex.id }, 'translation_document');

    const french = await sc.upload(
      'u-gh-ca',
      `${path}/documents`,
      { kind: 'TRANSLATION', language: 'fr', certified: 'true', certifiedBy: 'Traducteur assermenté, Accra', supersedes: uncertified.id },
      { bytes: pdf('Lettre de demande, traduction certifiee'), name: 'lettre-fr.pdf' },
    );
    expect((await sc.call('u-gh-ca', 'POST', `${path}/translation`, { documentId: french.id })).state).toBe('READY_TO_TRANSMIT');

    // Transmission seals the package: the current letter, annexes and translations, each hash, one hash over them.
    const transmitted = await sc.call('u-gh-ca', 'POST', `${path}/transmit`, { channel: 'CA_DIRECT', reference: 'MOJ/MLA/25/3' });
    expect(transmitted.state).toBe('TRANSMITTED');
    const sealedEvent = transmitted.history.find((h: { event: string; to: string }) => h.to === 'TRANSMITTED' && h.event !== 'FILED');
    const sealed = sealedEvent.data.package;
    const listed = (await sc.call('u-gh-ca', 'GET', `${path}/documents`)).documents;
    const current = listed.filter((d: any) => ['REQUEST_LETTER', 'ANNEX', 'TRANSLATION'].includes(d.kind) && !d.supersededBy);
    expect(sealed.documents.map((d: { id: string }) => d.id)).toEqual(current.map((d: { id: string }) => d.id));
    expect(sealed.documents.map((d: { sha256: string }) => d.sha256)).toEqual(expect.arrayContaining([sha(letter), ...annexes.map((a) => sha(a))]));
    expect(sealed.documents.map((d: { id: string }) => d.id)).toContain(french.id);
    expect(sealed.documents.map((d: { id: string }) => d.id)).not.toContain(uncertified.id);
    expect(sealed.sha256).toBe(sha(packageManifest(sealed.documents)));
    const audit = await engine.db.query(`SELECT data FROM case_events WHERE case_id = $1 AND to_state = 'TRANSMITTED' AND from_state = 'READY_TO_TRANSMIT'`, [
      id,
    ]);
    expect(audit[0].data.package.sha256).toBe(sealed.sha256);

    // Senegal's central authority acknowledges that package, and no other.
    await sc.day(3);
    const wrong = await sc.call('u-sn-ca', 'POST', `${path}/acknowledge`, { packageSha256: sha('another package') }, 422);
    expect(wrong.errors).toEqual([expect.objectContaining({ field: 'packageSha256', rule: 'transmitted_package' })]);
    const received = await sc.call('u-sn-ca', 'POST', `${path}/acknowledge`, { packageSha256: sealed.sha256 });
    expect(received.state).toBe('RECEIVED');
    expect(received.history.find((h: { to: string; from: string }) => h.to === 'RECEIVED' && h.from === 'TRANSMITTED').data.packageSha256).toBe(sealed.sha256);

    await sc.day(4);
    await sc.call('u-sn-ca', 'POST', `${path}/accept`, { forward: [{ itemIds: ['item-1'], executingAuthorityId: 'SN-POL-DNLT' }] });
    await sc.day(20);
    expect((await sc.call('u-sn-executing', 'POST', `${path}/items/item-1/executed`, { note: 'bank statements seized' })).state).toBe('EXECUTED');
    // Results are the item's evidence: none yet, no results.
    const none = await sc.call('u-sn-ca', 'POST', `${path}/results`, { reference: 'DACG/RES/1' }, 422);
    expect(none.errors).toEqual([expect.objectContaining({ field: 'itemIds', rule: 'evidence_per_item' })]);
    const statements = pdf('Relevés bancaires, comptes 1 à 3');
    const evidence = await sc.upload(
      'u-sn-executing',
      `${path}/documents`,
      { kind: 'EVIDENCE', language: 'fr', itemId: 'item-1' },
      { bytes: statements, name: 'releves.pdf' },
    );
    await sc.day(21);
    const results = await sc.call('u-sn-ca', 'POST', `${path}/results`, { reference: 'DACG/RES/1' });
    expect(results.state).toBe('RESULTS_TRANSMITTED');
    expect(results.history.find((h: { to: string }) => h.to === 'RESULTS_TRANSMITTED').data.evidence).toEqual({
      'item-1': [{ id: evidence.id, sha256: sha(statements) }],
    });

    // The chain of custody: executing authority → Senegal's CA → Ghana's CA → the prosecutor, the hash unchanged.
    const handover = (user: string, to: string) => sc.call(user, 'POST', `${path}/documents/${evidence.id}/handover`, { to });
    await handover('u-sn-executing', 'REQUESTED_CA');
    await handover('u-sn-ca', 'REQUESTING_CA');
    await sc.day(23);
    await handover('u-gh-ca', 'REQUESTING_PROSECUTOR');
    const custody = await sc.call('u-gh-prosecutor', 'GET', `${path}/documents/${evidence.id}/custody`);
    expect(custody.holder).toBe('REQUESTING_PROSECUTOR');
    expect(custody.chainIntact).toBe(true);
    expect(custody.chain.map((l: { to: string }) => l.to)).toEqual(['EXECUTING_AUTHORITY', 'REQUESTED_CA', 'REQUESTING_CA', 'REQUESTING_PROSECUTOR']);
    expect(custody.chain.every((l: { sha256: string; unchanged: boolean }) => l.sha256 === sha(statements) && l.unchanged)).toBe(true);
    const res = await fetch(`${engine.baseUrl}${path}/documents/${evidence.id}`, { headers: { authorization: `Bearer ${await sc.as('u-gh-prosecutor')}` } });
    expect(res.headers.get('etag')).toBe(`"${sha(statements)}"`);
    expect(sha(Buffer.from(await res.arrayBuffer()))).toBe(sha(statements));
  });
});
