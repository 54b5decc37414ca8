/** The figures per country pair, as both the live and the pre-aggregated readings return them. */

export interface PairStatistics {
  requestingState: string;
  requestedState: string;
  open: number;
  terminal: number;
  ackDays: { median: number | null; p90: number | null; cases: number };
  executionDays: { median: number | null; p90: number | null; cases: number };
  deadlines: Array<{ ruleId: string; total: number; breached: number; shareBreached: number }>;
  escalations: { raised: number; resolved: number; medianResolutionDays: number | null };
  refusalsByGround: Record<string, number>;
  custody: { cases: number; totalDays: number; maxDays: number | null };
  liaisonInterventions: number;
}

/** The same figures over every pair in scope taken together (domain brief §10): exact, from the cases' own values. */
export type NetworkStatistics = Omit<PairStatistics, 'requestingState' | 'requestedState'> & { pairs: number };

/**
 * How the statistics queries group: per pair, or the whole network in scope as one group, so that its
 * medians and percentiles are taken over every case's value (not over the pairs' figures).
 */
export function statisticsGrouping(network: boolean): { pair: string; groupBy: string; by: string } {
  return network
    ? { pair: `'ALL'::text AS requesting_state, 'ALL'::text AS requested_state`, groupBy: '', by: '' }
    : { pair: 'requesting_state, requested_state', groupBy: 'GROUP BY requesting_state, requested_state', by: 'requesting_state, requested_state, ' };
}

/** The one row of a reading grouped with `statisticsGrouping(true)`, with the number of pairs it covers. */
export function toNetworkStatistics(all: PairStatistics[], pairs: number): NetworkStatistics {
  const [{ requestingState: _a, requestedState: _b, ...figures }] = all;
  return { pairs, ...figures };
}

/** What each figure means; served with the statistics and in the API docs. */
export const STATISTICS_DEFINITIONS = {
  period: 'cases filed from `from` (inclusive) to `to` (exclusive), by the filing date',
  open: 'cases of the pair not in a terminal state',
  terminal: 'cases closed, refused, withdrawn, surrendered or released not taken over',
  ackDays: 'days from transmission to acknowledgment of receipt (median, 90th percentile, number of cases acknowledged)',
  executionDays: "days from receipt to results transmitted, net of time paused awaiting the requester's additional information",
  deadlines: 'per rule of the pinned rule packs: clocks run (excluding cancelled ones), clocks breached, and their share',
  escalations: 'escalation tasks (ladder levels 1–4) raised and resolved, and the median days to resolution',
  refusalsByGround: 'refused cases by refusal ground',
  custody: 'extradition cases with custody: number, total and longest custody days',
  liaisonInterventions: "acts recorded by the pair's liaison magistrates on the cases (pre-check comments, notes, follow-ups)",
  network:
    'every pair in scope taken together (`pairs`: how many): counts and totals are the sums over the pairs; medians and 90th percentiles ' +
    "are computed over every case of those pairs (never averages of the pairs' medians); longest custody is the longest of any pair",
} as const;

/**
 * The columns both readings select, one row per pair: open, terminal, ack_median, ack_p90, ack_n,
 * exec_median, exec_p90, exec_n, custody_cases, custody_total, custody_max, deadlines (JSON), raised,
 * resolved, resolution_median, by_ground (JSON).
 */
export function toPairStatistics(rows: Array<Record<string, any>>): PairStatistics[] {
  const num = (v: unknown) => (v === null || v === undefined ? null : Math.round(Number(v) * 10) / 10);
  return rows.map((r) => ({
    requestingState: r.requesting_state,
    requestedState: r.requested_state,
    open: Number(r.open),
    terminal: Number(r.terminal),
    ackDays: { median: num(r.ack_median), p90: num(r.ack_p90), cases: Number(r.ack_n) },
    executionDays: { median: num(r.exec_median), p90: num(r.exec_p90), cases: Number(r.exec_n) },
    deadlines: (r.deadlines ?? []).map((d: { ruleId: string; total: number; breached: number }) => ({
      ruleId: d.ruleId,
      total: Number(d.total),
      breached: Number(d.breached),
      shareBreached: Number(d.total) ? Math.round((Number(d.breached) / Number(d.total)) * 1000) / 1000 : 0,
    })),
    escalations: { raised: Number(r.raised ?? 0), resolved: Number(r.resolved ?? 0), medianResolutionDays: num(r.resolution_median) },
    refusalsByGround: Object.fromEntries(Object.entries(r.by_ground ?? {}).map(([k, v]) => [k, Number(v)])),
    custody: { cases: Number(r.custody_cases), totalDays: Number(r.custody_total), maxDays: r.custody_max === null ? null : Number(r.custody_max) },
    liaisonInterventions: Number(r.liaison_interventions ?? 0),
  }));
}
