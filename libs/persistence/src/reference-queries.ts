import type { DataSource } from 'typeorm';

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
