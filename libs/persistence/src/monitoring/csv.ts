import type { Actor } from '../../../domain/src';
import { MonitoringFilter, Params, Sql, monitoringWhere, param } from './sql';

/** Case rows for CSV export, in chunks by keyset on (filed_at, id). */
export async function* caseRowsForExport(
  db: Sql,
  actor: Actor,
  f: MonitoringFilter,
  period: { from: string; to: string },
  chunk = 5000,
): AsyncGenerator<Record<string, unknown>[]> {
  let after: [Date, string] | null = null;
  for (;;) {
    const params: Params = [];
    const from = param(params, period.from);
    const to = param(params, period.to);
    const where = monitoringWhere(actor, f, params);
    const key = after ? `(c.filed_at, c.id) > (${param(params, after[0])}, ${param(params, after[1])})` : 'TRUE';
    const rows: Array<Record<string, any>> = await db.query(
      `SELECT c.id, c.kind, c.state, c.requesting_state, c.requested_state, c.legal_basis, c.urgency, c.filed_at, c.transmitted_at, c.received_at,
              c.results_at, round((extract(epoch FROM c.received_at - c.transmitted_at) / 86400)::numeric, 1) AS ack_days,
              round(((extract(epoch FROM c.results_at - c.received_at) * 1000 - c.paused_ms) / 86400000)::numeric, 1) AS execution_days_net,
              to_char(c.requested_by_date, 'YYYY-MM-DD') AS requested_by_date, c.refusal_ground, c.custody_days,
              array_to_string(c.flags, ' ') AS flags, c.last_party_event_at
       FROM cases c
       WHERE c.filed_at >= ${from}::date AND c.filed_at < ${to}::date AND ${where} AND ${key}
       ORDER BY c.filed_at, c.id
       LIMIT ${param(params, chunk)}`,
      params,
    );
    if (rows.length === 0) return;
    yield rows;
    if (rows.length < chunk) return;
    const last = rows[rows.length - 1];
    after = [last.filed_at, last.id];
  }
}
