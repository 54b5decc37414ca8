import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit, Optional } from '@nestjs/common';
import { DataSource } from 'typeorm';
import {
  type AssigneeFacts,
  CLOCK_CONVENTIONS,
  DOCUMENTS_DRIVE_LIFE_CYCLE,
  DOCUMENTS_STRICT,
  civilDate,
  type AuthorityDirectory,
  type CaseContext,
  type FieldProblem,
  type LegalBasisSnapshot,
  type WorkCalendar,
} from '../../../../libs/domain/src';
import { CachedReferenceQueries, ReferenceCache, ReferenceQueries } from '../../../../libs/persistence/src';

/** The calendar of a State the reference data has none for: Saturday and Sunday, no holidays known. */
const SATURDAY_SUNDAY: WorkCalendar = { weekend: [0, 6], holidays: [], verified: false };

/** How far documents drive new MLA cases (DOCUMENT_RULES: `attested` or `strict`), provided by the documents module. */
export const DOCUMENT_RULES = Symbol('DOCUMENT_RULES');

/**
 * What a new case pins from the directory: the two States' time zones and languages, the pair's
 * network contacts, and the legal basis with its rule pack in force and its party dates.
 */
@Injectable()
export class CaseReference implements OnModuleInit, OnModuleDestroy {
  readonly reference: ReferenceQueries;
  /** Reference data in memory, dropped whenever a reference table changes (libs/persistence/src/reference-cache.ts). */
  readonly cache: ReferenceCache;

  private readonly documentsLevel: number;

  constructor(
    @Inject(DataSource) private readonly db: DataSource,
    @Optional() @Inject(DOCUMENT_RULES) documentRules?: 'attested' | 'strict',
  ) {
    this.documentsLevel = documentRules === 'strict' ? DOCUMENTS_STRICT : DOCUMENTS_DRIVE_LIFE_CYCLE;
    const url = (db.options as { url?: string }).url;
    const logger = new Logger('reference-cache');
    this.cache = new ReferenceCache(url, (m) => logger.warn(m));
    this.reference = new CachedReferenceQueries(db, this.cache);
  }

  async onModuleInit(): Promise<void> {
    await this.cache.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.cache.close();
  }

  /**
   * The date of an act as the acting authority's State sees it (domain brief §6): its local calendar
   * date at `now`, not the server's UTC date, for membership checks, rule packs and networks in force.
   */
  async localToday(stateCode: string, now: Date = new Date()): Promise<string> {
    const state = await this.reference.stateInfo(stateCode);
    return civilDate(now.getTime(), state?.timeZone ?? 'UTC');
  }

  async contextFor(requesting: string, requested: string, today: string, problems: FieldProblem[]): Promise<CaseContext | null> {
    if (requested === requesting) {
      problems.push({ field: 'requestedState', rule: 'other_state', message: 'the requested State must differ from the requesting State' });
      return null;
    }
    const [from, to] = await Promise.all([this.reference.stateInfo(requesting), this.reference.stateInfo(requested)]);
    if (!to) {
      problems.push({ field: 'requestedState', rule: 'known_state', message: `${requested} is not a State of the directory` });
      return null;
    }
    if (!from) throw new Error(`the filer's State ${requesting} is missing from the directory`);
    return {
      caseId: '',
      requestingState: requesting,
      requestedState: requested,
      timeZones: { requesting: from.timeZone, requested: to.timeZone },
      requestedStateLanguages: to.languages,
      network: await this.reference.networkFor(requesting, requested, today),
      // New cases count EIO time limits as Directive 2014/41 art. 12 does; cases filed before keep theirs.
      eioArt12: true,
      // New cases follow domain brief §10's time conventions; cases filed before keep theirs.
      clockConventions: CLOCK_CONVENTIONS,
      // Working days as each State keeps them (weekends, public holidays), pinned with the case.
      calendars: { requesting: from.calendar ?? SATURDAY_SUNDAY, requested: to.calendar ?? SATURDAY_SUNDAY },
      // New cases are driven by their documents (certified translation, sealed package, evidence); cases filed before keep free-text references.
      // DOCUMENT_RULES=strict also refuses a translation by reference only and results without evidence documents.
      documents: this.documentsLevel,
    };
  }

  /** Ids of the instruments providing for `covers` that are in force for both States on `today`. */
  async basesInForce(a: string, b: string, covers: string, today: string): Promise<string[]> {
    return (await this.reference.legalBasesFor(a, b, covers, today)).map((i) => i.id);
  }

  /** What the directory says of the authorities items are forwarded to: the facts the case checks them against. */
  /** What the directory says of an officer named for an assignment (null: no such user); a user of a disabled authority counts as disabled. */
  async assigneeFacts(userId: string): Promise<AssigneeFacts | null> {
    const rows: Array<{ authorityId: string; roles: string[]; enabled: boolean }> = await this.db.query(
      `SELECT u.authority_id AS "authorityId", u.roles, (u.disabled_at IS NULL AND a.disabled_at IS NULL) AS enabled
       FROM users u JOIN authorities a ON a.id = u.authority_id WHERE u.id = $1`,
      [userId],
    );
    return rows[0] ?? null;
  }

  async directoryOf(ids: readonly string[]): Promise<AuthorityDirectory> {
    const known = await this.reference.authorities([...new Set(ids)]);
    return Object.fromEntries(ids.map((id) => [id, known.get(id) ?? null]));
  }

  async basisFor(
    instrumentId: string,
    today: string,
    states: string[],
    problems: FieldProblem[],
    field = 'legalBasis',
    covers = 'MLA',
  ): Promise<LegalBasisSnapshot | null> {
    const instrument = await this.reference.instrument(instrumentId);
    if (!instrument) {
      problems.push({ field, rule: 'known_instrument', message: `${instrumentId} is not a known legal instrument` });
      return null;
    }
    if (!instrument.covers.includes(covers)) {
      problems.push({
        field,
        rule: covers === 'MLA' ? 'covers_mla' : 'covers_extradition',
        message: `${instrument.id} does not provide for ${covers === 'MLA' ? 'mutual legal assistance' : 'extradition'}`,
      });
      return null;
    }
    const basis = await this.reference.basisSnapshot(instrument.id, today, states);
    if (!basis) problems.push({ field, rule: 'rule_pack_in_force', message: `${instrument.id} has no rule pack in force today` });
    return basis;
  }
}
