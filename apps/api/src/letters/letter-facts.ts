import { civilDate, type CompletenessProfile, type PersonConcerned } from '../../../../libs/domain/src';
import type { LetterFacts } from '../../../../libs/pdf/src';
import type { CaseRow } from '../../../../libs/persistence/src';
import type { DataSource } from 'typeorm';

interface StateRow {
  code: string;
  name: string;
  timeZone: string;
  languages: string[];
}

/**
 * What the letter of request is drafted from: the case row, and what the reference data says of its
 * parties and basis (names, the languages the requested State accepts under the pinned rule pack).
 */
export class LetterFactsQueries {
  constructor(private readonly db: DataSource) {}

  async factsOf(row: CaseRow, now: Date): Promise<LetterFacts> {
    const [states, authority, basis] = await Promise.all([
      this.db.query(`SELECT code, name, time_zone AS "timeZone", languages FROM states WHERE code = ANY($1::text[])`, [
        [row.requestingState, row.requestedState],
      ]) as Promise<StateRow[]>,
      this.db.query(`SELECT id, name FROM authorities WHERE id = $1`, [row.requestingAuthorityId]) as Promise<Array<{ id: string; name: string }>>,
      this.db.query(`SELECT i.id, i.name, r.rules FROM instruments i JOIN rule_packs r ON r.instrument_id = i.id WHERE i.id = $1 AND r.version = $2`, [
        row.legalBasis,
        row.rulePackVersion,
      ]) as Promise<Array<{ id: string; name: string; rules: { acceptedLanguages?: string[]; completeness?: { profile?: CompletenessProfile } } }>>,
    ]);
    const state = (code: string): StateRow => states.find((s) => s.code === code) ?? { code, name: code, timeZone: 'UTC', languages: [] };
    const requesting = state(row.requestingState);
    const requested = state(row.requestedState);
    const pack = basis[0];
    const items = (row.detail as { items?: Array<{ id: string; assistanceType: string }> }).items;
    return {
      caseId: row.id,
      reference: row.id,
      // The date as the requesting authority's State sees it (domain brief §6).
      date: civilDate(now.getTime(), requesting.timeZone),
      requestingState: { code: requesting.code, name: requesting.name },
      requestedState: { code: requested.code, name: requested.name },
      requestingAuthority: { id: row.requestingAuthorityId, name: authority[0]?.name ?? row.requestingAuthorityId },
      instrument: { id: row.legalBasis, name: pack?.name ?? row.legalBasis },
      completenessProfile: pack?.rules.completeness?.profile ?? 'UNTOC_18_15',
      // The requested State's languages and those the pinned pack adds (as the case's approval decides: libs/domain/src/mla/formal.ts).
      acceptedLanguages: [...new Set([...(pack?.rules.acceptedLanguages ?? []), ...requested.languages])],
      requestedStateLanguages: requested.languages,
      content: {
        assistanceTypes: row.assistanceTypes,
        subjectOfProceedings: row.subjectOfProceedings,
        factsSummary: row.factsSummary,
        purpose: row.purpose,
        persons: (row.persons ?? []) as PersonConcerned[],
        language: row.language,
        urgency: row.urgency,
        requestedByDate: row.requestedByDate,
        deadlineReason: row.deadlineReason,
      },
      items: Array.isArray(items) ? items.map((i) => ({ id: i.id, assistanceType: i.assistanceType })) : undefined,
    };
  }

  /** Authority names for a custody report, by id; an unknown id keeps itself. */
  async authorityNames(ids: readonly string[]): Promise<Map<string, string>> {
    const unique = [...new Set(ids.filter(Boolean))];
    if (!unique.length) return new Map();
    const rows: Array<{ id: string; name: string }> = await this.db.query(`SELECT id, name FROM authorities WHERE id = ANY($1::text[])`, [unique]);
    return new Map(rows.map((r) => [r.id, r.name]));
  }

  async stateLanguages(code: string): Promise<string[]> {
    const rows: Array<{ languages: string[] }> = await this.db.query(`SELECT languages FROM states WHERE code = $1`, [code]);
    return rows[0]?.languages ?? [];
  }
}
