import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { ROOT } from '../scripts/tools.cjs';
import { launchBrowser } from './support/browser';
import { Engine, startEngine } from './support/engine';
import { startAll } from './support/servers';

const SHOTS = join(ROOT, 'test-results', 'screenshots');

const ANNEX = Buffer.from('%PDF-1.4\nannex: the text of the law\n%%EOF\n');

describe("managers' dashboard in a real headless browser", () => {
  let engine: Engine;
  let browser: Browser;
  let page: Page;
  let stalledId: string;

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    // Both or neither: when one fails the other is stopped, and the suite ends with the cause.
    [engine, browser] = await startAll(startEngine(), launchBrowser());
    // A real case, carried to TRANSMITTED, then left without any party act for 45 days.
    const [p, ca] = await Promise.all([engine.token('u-sn-prosecutor'), engine.token('u-sn-ca')]);
    const body = {
      requestedState: 'GH',
      legalBasis: 'ECOWAS-MLA-1992',
      assistanceTypes: ['BANK_RECORDS'],
      subjectOfProceedings: 'smuggling',
      factsSummary: 'payments',
      purpose: 'trace proceeds',
      persons: [],
      language: 'en',
      requestedByDate: new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10),
      deadlineReason: 'trial',
    };
    stalledId = (await engine.request('POST', '/cases', { token: p, body })).body.id;
    // One annex on the case: the manager learns that it exists, the prosecutor sees it with its hash.
    const form = new FormData();
    form.append('kind', 'ANNEX');
    form.append('language', 'en');
    form.append('file', new Blob([ANNEX]), 'annex-1.pdf');
    await fetch(`${engine.baseUrl}/cases/${stalledId}/documents`, { method: 'POST', headers: { authorization: `Bearer ${p}` }, body: form });
    await engine.request('POST', `/cases/${stalledId}/submit`, { token: p, body: {} });
    await engine.request('POST', `/cases/${stalledId}/approve`, { token: ca, body: {} });
    await engine.request('POST', `/cases/${stalledId}/transmit`, { token: ca, body: { channel: 'CA_DIRECT', reference: 'DACG-1' } });
    await engine.db.query(`UPDATE cases SET last_party_event_at = now() - interval '45 days' WHERE id = $1`, [stalledId]);
    // The worker refreshes the statistics pre-aggregates periodically; here, at once.
    await engine.request('POST', '/monitoring/statistics/refresh', { token: await engine.token('u-admin') });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 }, locale: 'en-GB' });
  }, 180000);

  afterAll(async () => {
    await browser?.close();
    await engine?.stop();
  }, 60000);

  it('logs in with a token, shows the stalled list, and opens a case whose timeline draws its clocks', async () => {
    await page.goto(`${engine.baseUrl}/dashboard/`);
    await page.fill('#token', 'not-a-token');
    await page.click('#login-submit');
    await page.waitForSelector('#login-error:has-text("not accepted")');

    await page.fill('#token', await engine.token('u-sn-manager'));
    await page.click('#login-submit');
    const row = page.locator(`#stalled-list tr[data-case="${stalledId}"]`);
    await row.waitFor();
    expect(await row.textContent()).toContain('SN → GH');
    expect(await row.textContent()).toContain('45');
    await page.screenshot({ path: join(SHOTS, 'stalled-list.png'), fullPage: true });

    await row.locator('a').click();
    await page.waitForSelector('#case-timeline');
    const rules = await page.$$eval('#case-timeline g[data-rule]', (gs) => gs.map((g) => `${g.getAttribute('data-rule')}:${g.getAttribute('data-status')}`));
    expect(rules).toEqual(expect.arrayContaining(['CA_REVIEW:met', 'ACK:running', 'REQUESTER_DEADLINE:running']));
    await page.screenshot({ path: join(SHOTS, 'case-timeline.png'), fullPage: true });
    // A summary reader: that one annex exists, not which.
    expect(await page.locator('#case-documents').textContent()).toContain('1 document(s): ANNEX 1');
    expect(await page.locator('#documents-table').count()).toBe(0);
  });

  it("lists a party's documents on the case page with their hashes and a download", async () => {
    const party = await browser.newPage({ viewport: { width: 1280, height: 900 }, locale: 'en-GB' });
    await party.goto(`${engine.baseUrl}/dashboard/`);
    await party.fill('#token', await engine.token('u-sn-prosecutor'));
    await party.click('#login-submit');
    await party.waitForSelector('#login-submit', { state: 'detached' });
    await party.evaluate((id) => ((globalThis as unknown as { location: { hash: string } }).location.hash = `#/case/${id}`), stalledId);
    const row = party.locator('#documents-table tbody tr');
    await row.first().waitFor();
    const sha = createHash('sha256').update(ANNEX).digest('hex');
    expect(await row.first().textContent()).toContain('annex-1.pdf');
    expect(await row.first().locator('code').getAttribute('title')).toBe(sha);
    const [download] = await Promise.all([party.waitForEvent('download'), row.first().locator('a').click()]);
    expect(download.suggestedFilename()).toBe('annex-1.pdf');
    await party.screenshot({ path: join(SHOTS, 'case-documents.png'), fullPage: true });
    await party.close();
  });

  it('reads in French, and shows deadlines and statistics', async () => {
    await page.selectOption('#lang', 'fr');
    await page.evaluate(() => ((globalThis as unknown as { location: { hash: string } }).location.hash = '#/deadlines'));
    await page.waitForSelector(`#deadline-list tr[data-case="${stalledId}"]`);
    expect(await page.textContent('nav')).toContain('Dossiers bloqués');
    await page.evaluate(() => ((globalThis as unknown as { location: { hash: string } }).location.hash = '#/statistics'));
    await page.waitForSelector('#statistics-table');
    expect(await page.textContent('#statistics-table')).toContain('SN → GH');
    expect(await page.textContent('main')).toContain('Chiffres au');
    await page.screenshot({ path: join(SHOTS, 'statistics-fr.png'), fullPage: true });
  });
});
