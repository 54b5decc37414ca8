import { DAY_MS, addDays, civilDate, weekday, zonedInstant } from '../../libs/domain/src';
import type { Engine } from './engine';

/**
 * Runs a dated scenario of acceptance/scenarios.md on the time-skipping server: D0 becomes the next
 * day of the test clock that falls on the scenario's weekday, and every date of the story (deadlines,
 * review dates, the treaty-party fixture) moves by the same whole number of weeks. What matters is the
 * day arithmetic, the weekdays and the time zones, not the year.
 */
export class Scenario {
  private tokens = new Map<string, string>();

  private constructor(
    readonly engine: Engine,
    /** Days between the story's calendar and the test clock's (a multiple of 7). */
    readonly shiftDays: number,
    readonly d0: string,
    readonly timeZone: string,
  ) {}

  static async begin(engine: Engine, story: { d0: string; timeZone: string }): Promise<Scenario> {
    const env = engine.timeSkipping!;
    const now = await env.currentTimeMs();
    let date = addDays(civilDate(now, story.timeZone), 1);
    while (weekday(date) !== weekday(story.d0)) date = addDays(date, 1);
    const shiftDays = Math.round((Date.parse(date) - Date.parse(story.d0)) / DAY_MS);
    await shiftTreatyParties(engine, shiftDays);
    // Stories move by whole weeks, public holidays of the real calendar do not: the stories assume none.
    await engine.db.query(`UPDATE states SET calendar = jsonb_set(calendar, '{holidays}', '[]'::jsonb) WHERE calendar IS NOT NULL`);
    return new Scenario(engine, shiftDays, date, story.timeZone);
  }

  /** A date of the story, on the test clock's calendar. */
  date(storyDate: string): string {
    return addDays(storyDate, this.shiftDays);
  }

  /** The instant of a story date and local time in a zone (the scenario's by default). */
  instant(storyDate: string, hhmm = '00:00', timeZone = this.timeZone): number {
    const [hh, mm] = hhmm.split(':').map(Number);
    return zonedInstant(this.date(storyDate), timeZone, hh, mm);
  }

  /** Story day Dn at the given local time. */
  dayInstant(n: number, hhmm = '10:00'): number {
    const [hh, mm] = hhmm.split(':').map(Number);
    return zonedInstant(addDays(this.d0, n), this.timeZone, hh, mm);
  }

  iso(ms: number): string {
    return new Date(ms).toISOString();
  }

  /** Moves the test clock forward to `ms`, firing every timer on the way, and lets the cases settle. */
  async travelTo(ms: number, ...caseIds: string[]): Promise<void> {
    const env = this.engine.timeSkipping!;
    const now = await env.currentTimeMs();
    if (ms > now) await env.sleep(ms - now);
    for (const id of caseIds) await this.engine.settle(id);
  }

  async day(n: number, caseIds: string[] = [], hhmm = '10:00'): Promise<void> {
    await this.travelTo(this.dayInstant(n, hhmm), ...caseIds);
  }

  async as(userId: string): Promise<string> {
    let token = this.tokens.get(userId);
    if (!token) {
      token = await this.engine.token(userId);
      this.tokens.set(userId, token);
    }
    return token;
  }

  /** POST/GET as a seeded user; fails the test with the problem details when the status differs. */
  async call(userId: string, method: string, path: string, body?: unknown, expectStatus?: number): Promise<any> {
    const res = await this.engine.request(method, path, { token: await this.as(userId), body: body ?? (method === 'GET' ? undefined : {}) });
    const wanted = expectStatus ?? (method === 'POST' && (path === '/cases' || path === '/extraditions') ? 201 : 200);
    if (res.status !== wanted) throw new Error(`${method} ${path} as ${userId}: expected ${wanted}, got ${res.status}: ${JSON.stringify(res.body)}`);
    return res.body;
  }

  /**
   * Uploads a document as a seeded user (multipart: the fields, then the file); fails the test with the
   * problem details when the status differs (201 unless told).
   */
  async upload(userId: string, path: string, fields: Record<string, string>, file: { bytes: Buffer; name: string }, expectStatus = 201): Promise<any> {
    const form = new FormData();
    for (const [k, v] of Object.entries(fields)) form.append(k, v);
    form.append('file', new Blob([new Uint8Array(file.bytes)]), file.name);
    const res = await fetch(`${this.engine.baseUrl}${path}`, { method: 'POST', headers: { authorization: `Bearer ${await this.as(userId)}` }, body: form });
    const text = await res.text();
    if (res.status !== expectStatus) throw new Error(`upload to ${path} as ${userId}: expected ${expectStatus}, got ${res.status}: ${text}`);
    return text ? JSON.parse(text) : null;
  }
}

let original: Array<{ instrument_id: string; state_code: string; party_from: string; party_to: string | null }> | undefined;

async function shiftTreatyParties(engine: Engine, days: number): Promise<void> {
  original ??= await engine.db.query(
    `SELECT instrument_id, state_code, to_char(party_from, 'YYYY-MM-DD') AS party_from, to_char(party_to, 'YYYY-MM-DD') AS party_to FROM instrument_parties`,
  );
  for (const p of original!) {
    await engine.db.query(
      `UPDATE instrument_parties SET party_from = $3::date + $5::int, party_to = $4::date + $5::int WHERE instrument_id = $1 AND state_code = $2`,
      [p.instrument_id, p.state_code, p.party_from, p.party_to, days],
    );
  }
}
