import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { ROOT } from '../scripts/tools.cjs';
import { launchBrowser } from './support/browser';
import { Engine, startEngine } from './support/engine';
import { startAll } from './support/servers';

const SHOTS = join(ROOT, 'test-results', 'screenshots');

// The workspace for every role, in a real headless Chromium: a central authority signs in, finds the
// request awaiting its review in its inbox, approves it from the case page (buttons and forms built from
// GET /cases/:id/actions), sees a refused transmission's error next to the field in French, transmits,
// and the case leaves its inbox.
describe('workspace in a real headless browser', () => {
  let engine: Engine;
  let browser: Browser;
  let page: Page;
  let id: string;

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    [engine, browser] = await startAll(startEngine(), launchBrowser());
    const p = await engine.token('u-sn-prosecutor');
    const body = {
      requestedState: 'GH',
      legalBasis: 'ECOWAS-MLA-1992',
      assistanceTypes: ['BANK_RECORDS'],
      subjectOfProceedings: 'smuggling of migrants',
      factsSummary: 'payments for crossings',
      purpose: 'trace proceeds',
      persons: [],
      language: 'en',
    };
    id = (await engine.request('POST', '/cases', { token: p, body })).body.id;
    await engine.request('POST', `/cases/${id}/submit`, { token: p, body: {} });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 }, locale: 'en-GB' });
  }, 180000);

  afterAll(async () => {
    await browser?.close();
    await engine?.stop();
  }, 60000);

  it('a central authority sees the case awaiting review in its inbox, approves and transmits it from the case page, and the case leaves the inbox', async () => {
    await page.goto(`${engine.baseUrl}/dashboard/`);
    await page.fill('#token', await engine.token('u-sn-ca'));
    await page.click('#login-submit');
    const review = page.locator(`#inbox-list tr[data-case="${id}"][data-expected="PENDING_CA_REVIEW"]`);
    await review.waitFor();
    expect(await review.textContent()).toContain('APPROVE');
    expect(await page.textContent('#inbox-counts')).toMatch(/Steps: [1-9]/);
    await page.screenshot({ path: join(SHOTS, 'workspace-inbox.png'), fullPage: true });

    await review.locator('a').click();
    await page.waitForSelector('#case-actions form#action-APPROVE');
    // Only what the engine lists as available: no transmission before approval.
    expect(await page.locator('#case-actions form#action-TRANSMIT').count()).toBe(0);
    await page.screenshot({ path: join(SHOTS, 'workspace-case-review.png'), fullPage: true });
    await page.click('#action-APPROVE button[type="submit"]');
    await page.waitForSelector('#case-heading[data-state="READY_TO_TRANSMIT"]');

    // A transmission without its reference: the problem details land next to the field, in French.
    await page.selectOption('#lang', 'fr');
    await page.waitForSelector('#case-actions form#action-TRANSMIT');
    await page.selectOption('#action-TRANSMIT select[name="channel"]', 'CA_DIRECT');
    await page.click('#action-TRANSMIT button[type="submit"]');
    await page.waitForSelector('#action-TRANSMIT-reference-error:has-text("Ce champ est obligatoire")');
    await page.screenshot({ path: join(SHOTS, 'workspace-field-error-fr.png'), fullPage: true });
    expect((await engine.request('GET', `/cases/${id}`, { token: await engine.token('u-sn-ca') })).body.state).toBe('READY_TO_TRANSMIT');

    await page.fill('#action-TRANSMIT input[name="reference"]', 'DACG/2025/77');
    await page.click('#action-TRANSMIT button[type="submit"]');
    await page.waitForSelector('#case-heading[data-state="TRANSMITTED"]');

    // Live: the requested side acknowledges elsewhere; the page in view follows through the case's server-sent events.
    const gh = await engine.token('u-gh-ca');
    expect((await engine.request('POST', `/cases/${id}/acknowledge`, { token: gh, body: { reference: 'MOJ/ACK/1' } })).status).toBe(200);
    await page.waitForSelector('#case-heading[data-state="RECEIVED"]');
    await page.screenshot({ path: join(SHOTS, 'workspace-live-update.png'), fullPage: true });

    await page.evaluate(() => ((globalThis as unknown as { location: { hash: string } }).location.hash = '#/inbox'));
    await page.waitForSelector('#inbox-counts');
    expect(await page.locator(`#inbox-list tr[data-case="${id}"]`).count()).toBe(0);
    await page.screenshot({ path: join(SHOTS, 'workspace-inbox-after.png'), fullPage: true });

    // The requested side now finds it in its own inbox: its review owed.
    const inbox = await engine.request('GET', '/inbox', { token: gh });
    expect(inbox.body.items).toEqual(expect.arrayContaining([expect.objectContaining({ case: expect.objectContaining({ id }), expected: 'RECEIVED' })]));
  });

  it('serves the case events only to those who may see the case, and at once without `since`', async () => {
    const now = await fetch(`${engine.baseUrl}/cases/${id}/events`, { headers: { authorization: `Bearer ${await engine.token('u-sn-ca')}` } });
    expect(now.status).toBe(200);
    expect(now.headers.get('content-type')).toContain('text/event-stream');
    const text = await now.text();
    expect(text).toMatch(/^event: case$/m);
    const event = JSON.parse(/^data: (.*)$/m.exec(text)![1]);
    expect(event).toMatchObject({ id, state: 'RECEIVED' });
    // Nothing newer within the wait: a keep-alive comment, no event.
    const quiet = await fetch(`${engine.baseUrl}/cases/${id}/events?since=${event.version}`, {
      headers: { authorization: `Bearer ${await engine.token('u-sn-ca')}` },
    });
    expect(await quiet.text()).not.toMatch(/^event:/m);
    expect((await engine.request('GET', `/cases/${id}/events`, { token: await engine.token('u-ng-ca') })).status).toBe(404);
    expect((await engine.request('GET', `/cases/${id}/events?since=abc`, { token: await engine.token('u-sn-ca') })).status).toBe(400);
    expect((await engine.request('GET', `/cases/${id}/events`)).status).toBe(401);
  }, 60000);
});
