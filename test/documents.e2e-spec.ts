import { createHash } from 'node:crypto';
import { Engine, startEngine } from './support/engine';

// Documents of a case through HTTP (issue 14): upload limits, type sniffing, hash checked on every read,
// versions, the chain of custody of evidence, and who reads which documents (domain brief §2).

const MAX_BYTES = 3 * 1024 * 1024;
const PDF = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(20_000, 'annex text '), Buffer.from('\n%%EOF\n')]);
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

const mla = (over: Record<string, unknown> = {}) => ({
  requestedState: 'GH',
  legalBasis: 'ECOWAS-MLA-1992',
  assistanceTypes: ['BANK_RECORDS', 'TAKING_OF_STATEMENT'],
  subjectOfProceedings: 'Smuggling of migrants, organised criminal group',
  factsSummary: 'Payments for crossings were routed through accounts held in Accra.',
  purpose: 'Trace the proceeds of the smuggling network',
  persons: [{ role: 'SUSPECT', name: 'Person Documents', nationality: 'SN' }],
  language: 'fr',
  urgency: 'NORMAL',
  requestedByDate: '2030-11-01',
  deadlineReason: 'accused in pre-trial detention',
  ...over,
});

describe('case documents through HTTP (real Postgres, real Temporal)', () => {
  let engine: Engine;
  const tokens: Record<string, string> = {};
  const as = async (user: string) => (tokens[user] ??= await engine.token(user));
  const call = async (user: string, method: string, path: string, body?: unknown, status = 200) => {
    const res = await engine.request(method, path, { token: await as(user), body });
    expect({ user, path, status: res.status, body: res.status === status ? undefined : res.body }).toEqual({ user, path, status, body: undefined });
    return res.body;
  };
  /** A multipart upload: the fields in order, then the file (or parts in the order given). */
  const upload = async (
    user: string,
    path: string,
    fields: Array<[string, string]>,
    file?: { bytes: Buffer; name?: string; type?: string },
    after: Array<[string, string]> = [],
  ) => {
    const form = new FormData();
    for (const [k, v] of fields) form.append(k, v);
    if (file) form.append('file', new Blob([new Uint8Array(file.bytes)], { type: file.type ?? 'application/octet-stream' }), file.name ?? 'annex.pdf');
    for (const [k, v] of after) form.append(k, v);
    const res = await fetch(`${engine.baseUrl}${path}`, { method: 'POST', headers: { authorization: `Bearer ${await as(user)}` }, body: form });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null, headers: res.headers };
  };
  const download = async (user: string, path: string, headers: Record<string, string> = {}) => {
    const res = await fetch(`${engine.baseUrl}${path}`, { headers: { authorization: `Bearer ${await as(user)}`, ...headers } });
    return { status: res.status, bytes: Buffer.from(await res.arrayBuffer()), headers: res.headers };
  };
  const counts = async () => {
    const [row] = await engine.db.query(`SELECT (SELECT count(*)::int FROM documents) AS docs, (SELECT count(*)::int FROM document_chunks) AS chunks`);
    return row as { docs: number; chunks: number };
  };

  beforeAll(async () => {
    engine = await startEngine({ documents: { maxBytes: MAX_BYTES, store: 'postgres' } });
  }, 180000);

  afterAll(async () => {
    await engine?.stop();
  }, 60000);

  it('stores an upload with the type from its bytes and its SHA-256, and serves it back with ETag and Content-Disposition, logged', async () => {
    const id = (await call('u-sn-prosecutor', 'POST', '/cases', mla(), 201)).id;
    // The client says PNG; the bytes are a PDF.
    const res = await upload(
      'u-sn-prosecutor',
      `/cases/${id}/documents`,
      [
        ['kind', 'ANNEX'],
        ['language', 'fr'],
      ],
      { bytes: PDF, name: 'mandat d’arrêt.pdf', type: 'image/png' },
    );
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      kind: 'ANNEX',
      language: 'fr',
      contentType: 'application/pdf',
      bytes: PDF.length,
      sha256: sha(PDF),
      filename: 'mandat d’arrêt.pdf',
    });
    expect(res.headers.get('location')).toBe(`/cases/${id}/documents/${res.body.id}`);

    const got = await download('u-sn-ca', `/cases/${id}/documents/${res.body.id}`);
    expect(got.status).toBe(200);
    expect(got.bytes.equals(PDF)).toBe(true);
    expect(got.headers.get('etag')).toBe(`"${sha(PDF)}"`);
    expect(got.headers.get('content-type')).toBe('application/pdf');
    expect(got.headers.get('content-disposition')).toContain(`filename*=UTF-8''mandat%20d%E2%80%99arr%C3%AAt.pdf`);
    expect((await download('u-sn-ca', `/cases/${id}/documents/${res.body.id}`, { 'if-none-match': `"${sha(PDF)}"` })).status).toBe(304);
    const logged = await engine.db.query(`SELECT actor_id FROM access_log WHERE view = 'DOCUMENTS' AND $1::uuid = ANY(case_ids)`, [id]);
    expect(logged.map((r: { actor_id: string }) => r.actor_id)).toContain('u-sn-ca');

    const list = await call('u-sn-prosecutor', 'GET', `/cases/${id}/documents`);
    expect(list).toMatchObject({ scope: 'ALL', count: 1, kinds: { ANNEX: 1 }, documents: [{ id: res.body.id, sha256: sha(PDF) }] });
  });

  it('refuses what is not an allowed type, too large, malformed or misplaced, naming the field and rule, and stores nothing', async () => {
    const id = (await call('u-sn-prosecutor', 'POST', '/cases', mla(), 201)).id;
    const before = await counts();
    const path = `/cases/${id}/documents`;
    const fields: Array<[string, string]> = [
      ['kind', 'ANNEX'],
      ['language', 'fr'],
    ];
    const refused = async (status: number, rule: string, res: Promise<{ status: number; body: any }>) => {
      const r = await res;
      expect({ status: r.status, rules: (r.body?.errors ?? []).map((e: { rule: string }) => e.rule) }).toEqual({
        status,
        rules: expect.arrayContaining([rule]),
      });
      expect(r.body.type ?? r.body.code).toBeDefined();
    };
    await refused(
      415,
      'allowed_type',
      upload('u-sn-prosecutor', path, fields, { bytes: Buffer.from('MZ\x90\x00 windows executable', 'latin1'), type: 'application/pdf' }),
    );
    // UTF-8 text that goes bad after the first bytes sniffed: found while streaming, nothing kept.
    const badText = Buffer.concat([Buffer.alloc(10_000, 'plain text '), Buffer.from([0xc3, 0x28]), Buffer.from(' more')]);
    await refused(415, 'allowed_type', upload('u-sn-prosecutor', path, fields, { bytes: badText, name: 'notes.txt' }));
    await refused(413, 'max_bytes', upload('u-sn-prosecutor', path, fields, { bytes: Buffer.concat([PDF, Buffer.alloc(MAX_BYTES)]) }));
    await refused(400, 'non_empty', upload('u-sn-prosecutor', path, fields, { bytes: Buffer.alloc(0) }));
    await refused(400, 'required', upload('u-sn-prosecutor', path, [['language', 'fr']], { bytes: PDF }));
    await refused(
      400,
      'document_kind',
      upload(
        'u-sn-prosecutor',
        path,
        [
          ['kind', 'LETTER'],
          ['language', 'fr'],
        ],
        { bytes: PDF },
      ),
    );
    await refused(
      400,
      'language_code',
      upload(
        'u-sn-prosecutor',
        path,
        [
          ['kind', 'ANNEX'],
          ['language', 'French'],
        ],
        { bytes: PDF },
      ),
    );
    await refused(
      400,
      'required_boolean',
      upload(
        'u-sn-prosecutor',
        path,
        [
          ['kind', 'TRANSLATION'],
          ['language', 'en'],
        ],
        { bytes: PDF },
      ),
    );
    await refused(
      400,
      'required',
      upload(
        'u-sn-prosecutor',
        path,
        [
          ['kind', 'TRANSLATION'],
          ['language', 'en'],
          ['certified', 'true'],
        ],
        { bytes: PDF },
      ),
    );
    await refused(400, 'translation_only', upload('u-sn-prosecutor', path, [...fields, ['certified', 'true']], { bytes: PDF }));
    await refused(400, 'unknown_field', upload('u-sn-prosecutor', path, [...fields, ['colour', 'red']], { bytes: PDF }));
    await refused(
      400,
      'no_control_characters',
      upload(
        'u-sn-prosecutor',
        path,
        [
          ['kind', 'ANNEX'],
          ['language', 'fr\u0000'],
        ],
        { bytes: PDF },
      ),
    );
    await refused(400, 'file_last', upload('u-sn-prosecutor', path, fields, { bytes: PDF }, [['supersedes', '00000000-0000-0000-0000-000000000000']]));
    await refused(400, 'required', upload('u-sn-prosecutor', path, fields));
    await refused(
      422,
      'document_of_case',
      upload('u-sn-prosecutor', path, [...fields, ['supersedes', '00000000-0000-0000-0000-000000000000']], { bytes: PDF }),
    );
    // JSON to the upload, multipart to a JSON route: 415.
    expect((await engine.request('POST', path, { token: await as('u-sn-prosecutor'), body: { kind: 'ANNEX' } })).status).toBe(415);
    const form = new FormData();
    form.append('text', 'a note');
    const multipartNote = await fetch(`${engine.baseUrl}/cases/${id}/notes`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await as('u-sn-prosecutor')}` },
      body: form,
    });
    expect(multipartNote.status).toBe(415);
    // Not the uploader's kind: the requested side adds evidence, not annexes; a manager adds nothing.
    expect((await upload('u-sn-manager', path, fields, { bytes: PDF })).status).toBe(403);
    expect((await upload('u-ng-prosecutor', path, fields, { bytes: PDF })).status).toBe(404);
    expect((await upload('u-sn-prosecutor', `/extraditions/${id}/documents`, fields, { bytes: PDF })).status).toBe(404);
    expect(await counts()).toEqual(before);
  });

  it('keeps both versions when a new one supersedes the old, and refuses a second successor', async () => {
    const id = (await call('u-sn-prosecutor', 'POST', '/cases', mla(), 201)).id;
    const path = `/cases/${id}/documents`;
    const v1 = (
      await upload(
        'u-sn-prosecutor',
        path,
        [
          ['kind', 'ANNEX'],
          ['language', 'fr'],
        ],
        { bytes: PDF },
      )
    ).body;
    const v2bytes = Buffer.from('Second version of the annex, as plain text.\n');
    const v2 = await upload(
      'u-sn-prosecutor',
      path,
      [
        ['kind', 'ANNEX'],
        ['language', 'fr'],
        ['supersedes', v1.id],
      ],
      { bytes: v2bytes, name: 'annex-v2.txt' },
    );
    expect(v2.status).toBe(201);
    expect(v2.body).toMatchObject({ supersedes: v1.id, contentType: 'text/plain; charset=utf-8', sha256: sha(v2bytes) });
    const again = await upload(
      'u-sn-prosecutor',
      path,
      [
        ['kind', 'ANNEX'],
        ['language', 'fr'],
        ['supersedes', v1.id],
      ],
      { bytes: PDF },
    );
    expect(again.status).toBe(409);
    const kind = await upload(
      'u-sn-prosecutor',
      path,
      [
        ['kind', 'REQUEST_LETTER'],
        ['language', 'fr'],
        ['supersedes', v2.body.id],
      ],
      { bytes: PDF },
    );
    expect(kind.body.errors[0]).toMatchObject({ field: 'supersedes', rule: 'same_kind' });
    const list = await call('u-sn-prosecutor', 'GET', path);
    expect(list.documents.map((d: { id: string; supersededBy: string | null }) => [d.id, d.supersededBy])).toEqual([
      [v1.id, v2.body.id],
      [v2.body.id, null],
    ]);
    expect((await download('u-sn-prosecutor', `${path}/${v1.id}`)).bytes.equals(PDF)).toBe(true);
  });

  it('never serves bytes that no longer match their hash: 500 DOCUMENT_INTEGRITY and an audit event', async () => {
    const id = (await call('u-sn-prosecutor', 'POST', '/cases', mla(), 201)).id;
    const doc = (
      await upload(
        'u-sn-prosecutor',
        `/cases/${id}/documents`,
        [
          ['kind', 'ANNEX'],
          ['language', 'fr'],
        ],
        { bytes: PDF },
      )
    ).body;
    await engine.db.query(`UPDATE document_chunks SET data = overlay(data placing '\\x58'::bytea from 100 for 1) WHERE document_id = $1 AND n = 0`, [doc.id]);
    const got = await download('u-sn-ca', `/cases/${id}/documents/${doc.id}`);
    expect(got.status).toBe(500);
    expect(JSON.parse(got.bytes.toString())).toMatchObject({ code: 'DOCUMENT_INTEGRITY' });
    expect(got.bytes.includes(Buffer.from('annex text'))).toBe(false);
    const events = await engine.db.query(`SELECT event, actor_id, sha256, data FROM document_events WHERE document_id = $1 ORDER BY seq`, [doc.id]);
    expect(events.map((e: { event: string }) => e.event)).toEqual(['STORED', 'INTEGRITY_FAILURE']);
    expect(events[1]).toMatchObject({ actor_id: 'u-sn-ca', sha256: sha(PDF) });
    expect(events[1].data.actual).not.toBe(sha(PDF));
    // The engine's own role cannot rewrite a stored document.
    await expect(engine.db.query(`DELETE FROM documents WHERE id = $1`, [doc.id])).rejects.toThrow(/append-only/);
  });

  it('shows each reader the documents §2 gives them, and carries evidence from the executing authority to the prosecutor with its hash', async () => {
    const id = (await call('u-sn-prosecutor', 'POST', '/cases', mla(), 201)).id;
    const path = `/cases/${id}/documents`;
    const annex = (
      await upload(
        'u-sn-prosecutor',
        path,
        [
          ['kind', 'ANNEX'],
          ['language', 'fr'],
        ],
        { bytes: PDF },
      )
    ).body;
    // Before transmission the requested side does not know the case.
    await call('u-gh-ca', 'GET', path, undefined, 404);
    await call('u-sn-prosecutor', 'POST', `/cases/${id}/submit`, {});
    await call('u-sn-ca', 'POST', `/cases/${id}/approve`, {});
    await call('u-sn-ca', 'POST', `/cases/${id}/transmit`, { channel: 'CA_DIRECT', reference: 'DACG-2030-117' });
    await call('u-gh-ca', 'POST', `/cases/${id}/acknowledge`, {});
    await call('u-gh-ca', 'POST', `/cases/${id}/accept`, { forward: [{ itemIds: ['item-1'], executingAuthorityId: 'GH-POL-AHTU' }] });
    expect((await call('u-gh-ca', 'GET', path)).scope).toBe('ALL');

    // Evidence of an item not forwarded to the authority: refused; of its own item: stored, custody starts with it.
    const evidenceBytes = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(5000, 7)]);
    expect(
      (
        await upload(
          'u-gh-executing',
          path,
          [
            ['kind', 'EVIDENCE'],
            ['language', 'en'],
            ['itemId', 'item-2'],
          ],
          { bytes: evidenceBytes },
        )
      ).status,
    ).toBe(403);
    expect(
      (
        await upload(
          'u-gh-executing',
          path,
          [
            ['kind', 'EVIDENCE'],
            ['language', 'en'],
            ['itemId', 'item-9'],
          ],
          { bytes: evidenceBytes },
        )
      ).status,
    ).toBe(422);
    expect(
      (
        await upload(
          'u-gh-executing',
          path,
          [
            ['kind', 'ANNEX'],
            ['language', 'en'],
          ],
          { bytes: evidenceBytes },
        )
      ).status,
    ).toBe(403);
    const evidence = (
      await upload(
        'u-gh-executing',
        path,
        [
          ['kind', 'EVIDENCE'],
          ['language', 'en'],
          ['itemId', 'item-1'],
        ],
        { bytes: evidenceBytes, name: 'statement.png' },
      )
    ).body;
    expect(evidence).toMatchObject({ kind: 'EVIDENCE', itemId: 'item-1', contentType: 'image/png' });

    // The executing authority sees its item's evidence, not the request's annex.
    const seen = await call('u-gh-executing', 'GET', path);
    expect(seen).toMatchObject({ scope: 'ITEMS', count: 1, documents: [{ id: evidence.id }] });
    expect((await download('u-gh-executing', `${path}/${annex.id}`)).status).toBe(404);
    // Managers know that documents exist, never which.
    const summary = await call('u-sn-manager', 'GET', path);
    expect(summary).toEqual({ scope: 'SUMMARY', count: 2, kinds: { ANNEX: 1, EVIDENCE: 1 }, documents: [] });
    expect((await download('u-sn-manager', `${path}/${annex.id}`)).status).toBe(404);
    await call('u-sn-manager', 'GET', `${path}/${evidence.id}/custody`, undefined, 404);
    // Someone with no relation to the case: it does not exist.
    await call('u-ng-prosecutor', 'GET', path, undefined, 404);

    // Custody: the holder hands over to the next, in order; anyone else, or another order, is refused.
    const custodyPath = `${path}/${evidence.id}/custody`;
    expect(await call('u-gh-executing', 'GET', custodyPath)).toMatchObject({
      holder: 'EXECUTING_AUTHORITY',
      next: 'REQUESTED_CA',
      chain: [{ event: 'STORED' }],
    });
    await call('u-gh-ca', 'POST', `${path}/${evidence.id}/handover`, { to: 'REQUESTED_CA' }, 403);
    await call('u-gh-executing', 'POST', `${path}/${evidence.id}/handover`, { to: 'REQUESTING_CA' }, 422);
    await call('u-gh-executing', 'POST', `${path}/${evidence.id}/handover`, { to: 'REQUESTED_CA', comment: 'sealed envelope GH-17' });
    await call('u-gh-ca', 'POST', `${path}/${evidence.id}/handover`, { to: 'REQUESTING_CA' });
    await call('u-sn-ca', 'POST', `${path}/${evidence.id}/handover`, { to: 'REQUESTING_PROSECUTOR' });
    await call('u-sn-prosecutor', 'POST', `${path}/${evidence.id}/handover`, { to: 'REQUESTING_PROSECUTOR' }, 409);
    const custody = await call('u-sn-prosecutor', 'GET', custodyPath);
    expect(custody.holder).toBe('REQUESTING_PROSECUTOR');
    expect(custody.chainIntact).toBe(true);
    expect(custody.chain.map((l: any) => [l.from, l.to, l.actor.userId, l.actor.role, l.sha256, l.unchanged])).toEqual([
      [null, 'EXECUTING_AUTHORITY', 'u-gh-executing', 'EXECUTING_AUTHORITY', sha(evidenceBytes), true],
      ['EXECUTING_AUTHORITY', 'REQUESTED_CA', 'u-gh-executing', 'EXECUTING_AUTHORITY', sha(evidenceBytes), true],
      ['REQUESTED_CA', 'REQUESTING_CA', 'u-gh-ca', 'CENTRAL_AUTHORITY', sha(evidenceBytes), true],
      ['REQUESTING_CA', 'REQUESTING_PROSECUTOR', 'u-sn-ca', 'CENTRAL_AUTHORITY', sha(evidenceBytes), true],
    ]);
    expect((await download('u-sn-prosecutor', `${path}/${evidence.id}`)).bytes.equals(evidenceBytes)).toBe(true);
  });

  it("gives the pair's liaison magistrate the documents the policy lets them read", async () => {
    const id = (await call('u-fr-prosecutor', 'POST', '/cases', mla({ requestedState: 'SN', legalBasis: 'UNTOC-2000', persons: [] }), 201)).id;
    const doc = (
      await upload(
        'u-fr-prosecutor',
        `/cases/${id}/documents`,
        [
          ['kind', 'ANNEX'],
          ['language', 'fr'],
        ],
        { bytes: PDF },
      )
    ).body;
    expect(await call('u-fr-lm-sn', 'GET', `/cases/${id}/documents`)).toMatchObject({ scope: 'ALL', documents: [{ id: doc.id }] });
    expect((await download('u-fr-lm-sn', `/cases/${id}/documents/${doc.id}`)).status).toBe(200);
    await call('u-ng-lm-it', 'GET', `/cases/${id}/documents`, undefined, 404);
  });
});
