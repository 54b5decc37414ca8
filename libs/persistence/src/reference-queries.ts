import type { DataSource } from 'typeorm';
import type { ReferenceCache } from './reference-cache';
import type { CaseContext, CompletenessProfile, LegalBasisSnapshot, RulePackSnapshot, WorkCalendar } from '../../domain/src';

export interface InstrumentRef {
  id: string;
  name: string;
  covers: string[];
}

export class ReferenceQueries {
  constructor(private readonly db: DataSource) {}

  async stateExists(code: string): Promise<boolean> {
    const rows = await this.db.query(`SELECT 1 FROM states WHERE code = $1`, [code]);
    return rows.length > 0;
  }

  async instrument(id: string): Promise<InstrumentRef | null> {
    const rows: InstrumentRef[] = await this.db.query(`SELECT id, name, covers FROM instruments WHERE id = $1`, [id]);
    return rows[0] ?? null;
  }

  /** The rule pack version in force on `date`: the one a new case pins. */
  async rulePackVersionOn(instrumentId: string, date: string): Promise<number | null> {
    const rows: Array<{ version: number }> = await this.db.query(
      `SELECT version FROM rule_packs WHERE instrument_id = $1 AND effective_from <= $2::date ORDER BY version DESC LIMIT 1`,
      [instrumentId, date],
    );
    return rows[0]?.version ?? null;
  }

  /** The directory's State and kind of each authority id (those it does not know, or that are disabled, are absent). */
  async authorities(ids: readonly string[]): Promise<Map<string, { stateCode: string; kind: string }>> {
    const rows: Array<{ id: string; stateCode: string; kind: string }> = ids.length
      ? await this.db.query(`SELECT id, state_code AS "stateCode", kind FROM authorities WHERE id = ANY($1::text[]) AND disabled_at IS NULL`, [[...ids]])
      : [];
    return new Map(rows.map((r) => [r.id, { stateCode: r.stateCode, kind: r.kind }]));
  }

  async stateInfo(code: string): Promise<{ code: string; timeZone: string; languages: string[]; groups: string[]; calendar: WorkCalendar | null } | null> {
    const rows = await this.db.query(`SELECT code, time_zone AS "timeZone", languages, groups, calendar FROM states WHERE code = $1`, [code]);
    return rows[0] ?? null;
  }

  /** The instrument's rule pack in force on `date` and the party periods of `states`: what a case pins. */
  async basisSnapshot(instrumentId: string, date: string, states: string[]): Promise<LegalBasisSnapshot | null> {
    const packs: Array<{ version: number; verified: boolean; rules: Record<string, any> }> = await this.db.query(
      `SELECT version, verified, rules FROM rule_packs WHERE instrument_id = $1 AND effective_from <= $2::date ORDER BY version DESC LIMIT 1`,
      [instrumentId, date],
    );
    if (!packs[0]) return null;
    const { version, verified, rules } = packs[0];
    const rulePack: RulePackSnapshot = {
      instrumentId,
      version,
      verified,
      acceptedLanguages: Array.isArray(rules.acceptedLanguages) ? rules.acceptedLanguages : [],
      acceptedLanguagesRef: rules.acceptedLanguagesRef,
      completenessProfile: (rules.completeness?.profile ?? 'UNTOC_18_15') as CompletenessProfile,
      clocks: rules.clocks ?? {},
      ...(rules.legalRefs ? { legalRefs: rules.legalRefs } : {}),
    };
    const parties = await this.db.query(
      `SELECT state_code AS "stateCode", to_char(party_from, 'YYYY-MM-DD') AS "from", to_char(party_to, 'YYYY-MM-DD') AS "to"
       FROM instrument_parties WHERE instrument_id = $1 AND state_code = ANY($2)`,
      [instrumentId, states],
    );
    return { instrumentId, rulePack, parties };
  }

  /** Who the pair's network contacts are: a liaison magistrate posted between them, and WACAP focal points. */
  async networkFor(a: string, b: string, date: string): Promise<CaseContext['network']> {
    const lm = await this.db.query(
      `SELECT 1 FROM liaison_postings WHERE ((home_state = $1 AND host_state = $2) OR (home_state = $2 AND host_state = $1))
         AND valid_from <= $3::date AND (valid_to IS NULL OR valid_to >= $3::date) LIMIT 1`,
      [a, b, date],
    );
    const fps: Array<{ state_code: string }> = await this.db.query(
      `SELECT DISTINCT state_code FROM focal_points WHERE state_code = ANY($1) ORDER BY state_code`,
      [[a, b]],
    );
    // Level 3: contacts of the networks that serve the pair, i.e. whose group holds both States.
    const contacts: Array<{ network: string; stateCode: string }> = await this.db.query(
      `SELECT DISTINCT f.network, f.state_code AS "stateCode" FROM focal_points f, states a, states b
        WHERE a.code = $1 AND b.code = $2 AND f.state_code IN ($1, $2)
          AND f.serves_group = ANY(a.groups) AND f.serves_group = ANY(b.groups)
        ORDER BY f.network, f.state_code`,
      [a, b],
    );
    return { liaisonMagistrate: lm.length > 0, focalPointStates: fps.map((r) => r.state_code), level3: { contacts } };
  }

  /** Instruments both States are party to on `date` that provide for `covers` (MLA or EXTRADITION). */
  async legalBasesFor(a: string, b: string, covers: string, date: string): Promise<InstrumentRef[]> {
    return this.db.query(
      `SELECT i.id, i.name, i.covers FROM instruments i
       WHERE $3 = ANY(i.covers)
         AND (SELECT count(*) FROM instrument_parties p
              WHERE p.instrument_id = i.id AND p.state_code IN ($1, $2)
                AND p.party_from <= $4::date AND (p.party_to IS NULL OR $4::date < p.party_to)) = 2
       ORDER BY i.id`,
      [a, b, covers, date],
    );
  }

  async instruments(): Promise<Array<InstrumentRef & { parties: unknown[] }>> {
    return this.db.query(
      `SELECT i.id, i.name, i.covers,
              COALESCE(json_agg(json_build_object('stateCode', p.state_code, 'from', p.party_from, 'to', p.party_to)
                                ORDER BY p.state_code) FILTER (WHERE p.state_code IS NOT NULL), '[]') AS parties
       FROM instruments i LEFT JOIN instrument_parties p ON p.instrument_id = i.id
       GROUP BY i.id ORDER BY i.id`,
    );
  }

  async states(): Promise<unknown[]> {
    return this.db.query(`SELECT code, name, time_zone AS "timeZone", languages, groups FROM states ORDER BY code`);
  }
}

/**
 * The same reads, served from a ReferenceCache that drops everything as soon as PostgreSQL says a
 * reference table changed. Users are not read here: who is enabled is always read fresh.
 */
export class CachedReferenceQueries extends ReferenceQueries {
  constructor(
    db: DataSource,
    private readonly cache: ReferenceCache,
  ) {
    super(db);
  }

  override stateExists(code: string) {
    return this.cache.get(`stateExists:${code}`, () => super.stateExists(code));
  }
  override instrument(id: string) {
    return this.cache.get(`instrument:${id}`, () => super.instrument(id));
  }
  override rulePackVersionOn(instrumentId: string, date: string) {
    return this.cache.get(`rulePackVersionOn:${instrumentId}:${date}`, () => super.rulePackVersionOn(instrumentId, date));
  }
  override authorities(ids: readonly string[]) {
    return this.cache.get(`authorities:${JSON.stringify([...ids].sort())}`, () => super.authorities(ids));
  }
  override stateInfo(code: string) {
    return this.cache.get(`stateInfo:${code}`, () => super.stateInfo(code));
  }
  override basisSnapshot(instrumentId: string, date: string, states: string[]) {
    return this.cache.get(`basisSnapshot:${JSON.stringify([instrumentId, date, states])}`, () => super.basisSnapshot(instrumentId, date, states));
  }
  override networkFor(a: string, b: string, date: string) {
    return this.cache.get(`networkFor:${a}:${b}:${date}`, () => super.networkFor(a, b, date));
  }
  override legalBasesFor(a: string, b: string, covers: string, date: string) {
    return this.cache.get(`legalBasesFor:${a}:${b}:${covers}:${date}`, () => super.legalBasesFor(a, b, covers, date));
  }
}
