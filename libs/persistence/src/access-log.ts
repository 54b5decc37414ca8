import type { DataSource } from 'typeorm';
import type { Actor } from '../../domain/src';

/** Which read served personal data: a case, its timeline, a page of the case list, a CSV export. */
export type AccessView = 'CASE' | 'TIMELINE' | 'LIST' | 'EXPORT' | 'DOCUMENTS';

export interface AccessReader {
  userId: string;
  role: string | null;
  stateCode: string | null;
  authorityId: string | null;
}

export interface AccessLogEntry {
  id: string;
  at: Date;
  actor: AccessReader;
  view: AccessView;
  caseIds: string[];
}

export interface AccessLogFilter {
  /** Data-protection officer's State: rows of its users, and rows naming a case it is a party to. */
  stateCode: string;
  caseId?: string;
  userId?: string;
  from?: Date;
  to?: Date;
  limit: number;
  /** Keyset: rows with an id below this one (the previous page's last id). */
  beforeId?: string;
}

/** How the access log names the reader: user, roles (comma-separated), State and authority. */
export function accessReaderOf(actor: Actor): AccessReader {
  return { userId: actor.userId, role: actor.roles.join(',') || null, stateCode: actor.stateCode || null, authorityId: actor.authorityId || null };
}

/** The append-only record of reads (`access_log`). */
export class AccessLogStore {
  constructor(private readonly db: DataSource) {}

  async record(reader: AccessReader, view: AccessView, caseIds: readonly string[]): Promise<void> {
    if (caseIds.length === 0) return;
    await this.db.query(
      `INSERT INTO access_log (actor_id, actor_role, actor_state, actor_authority_id, view, case_ids) VALUES ($1, $2, $3, $4, $5, $6::uuid[])`,
      [reader.userId, reader.role, reader.stateCode, reader.authorityId, view, [...new Set(caseIds)]],
    );
  }

  async list(f: AccessLogFilter): Promise<AccessLogEntry[]> {
    const params: unknown[] = [f.stateCode];
    const where = [`(l.actor_state = $1 OR EXISTS (SELECT 1 FROM cases c WHERE c.id = ANY(l.case_ids) AND $1 IN (c.requesting_state, c.requested_state)))`];
    const add = (sql: (p: string) => string, value: unknown) => {
      params.push(value);
      where.push(sql(`$${params.length}`));
    };
    if (f.caseId) add((p) => `l.case_ids @> ARRAY[${p}::uuid]`, f.caseId);
    if (f.userId) add((p) => `l.actor_id = ${p}`, f.userId);
    if (f.from) add((p) => `l.at >= ${p}`, f.from);
    if (f.to) add((p) => `l.at < ${p}`, f.to);
    if (f.beforeId) add((p) => `l.id < ${p}::bigint`, f.beforeId);
    params.push(f.limit);
    const rows: Array<{
      id: string;
      at: Date;
      actor_id: string;
      actor_role: string | null;
      actor_state: string | null;
      actor_authority_id: string | null;
      view: AccessView;
      case_ids: string[];
    }> = await this.db.query(
      `SELECT l.id::text AS id, l.at, l.actor_id, l.actor_role, l.actor_state, l.actor_authority_id, l.view, l.case_ids::text[] AS case_ids
         FROM access_log l WHERE ${where.join(' AND ')} ORDER BY l.id DESC LIMIT $${params.length}`,
      params,
    );
    return rows.map((r) => ({
      id: r.id,
      at: r.at,
      actor: { userId: r.actor_id, role: r.actor_role, stateCode: r.actor_state, authorityId: r.actor_authority_id },
      view: r.view,
      caseIds: r.case_ids,
    }));
  }
}
