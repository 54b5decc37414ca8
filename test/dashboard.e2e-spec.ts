import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { ROOT } from '../scripts/tools.cjs';
import { launchBrowser } from './support/browser';
import { Engine, startEngine } from './support/engine';
import { startAll } from './support/servers';

const SHOTS = join(ROOT, 'test-results', 'screenshots');

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
