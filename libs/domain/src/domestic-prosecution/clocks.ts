// The one clock of a domestic prosecution: a progress report falls due every period of the pinned pack.
import { clockRule } from '../rule-pack';
import { deadlineFrom } from '../time/calendar';
import { addClock, advanceClocks, calendarOf, fireSla, type CaseEvent, type Clock } from '../case/clockwork';
import { isDomesticTerminal, type DomesticProsecutionState } from './states';

export function startReportClock(s: DomesticProsecutionState, at: number): DomesticProsecutionState {
  const rule = clockRule(s.basis.rulePack, 'DOMESTIC_PROSECUTION_REPORT');
  if (!rule) return s;
  const d = deadlineFrom(at, rule.amount, rule.unit, s.ctx.timeZones.requested, calendarOf(s, 'REQUESTED'));
  return addClock(s, {
    ruleId: 'DOMESTIC_PROSECUTION_REPORT',
    kind: 'SLA',
    side: 'REQUESTED',
    legalRef: rule.legalRef,
    verified: rule.verified,
    startedAt: at,
    breachAt: d.breachAt,
    lastDay: d.lastDay,
  });
}

const REPORT_DUE = {
  kind: 'STATUS_CHECK',
  level: 0,
  addressee: 'REQUESTED_PROSECUTOR',
  reason: 'progress report on the domestic prosecution due (UNTOC art. 16(10))',
} as const;

export function advanceDomestic(state: DomesticProsecutionState, now: number): { state: DomesticProsecutionState; events: CaseEvent[] } {
  const fireAt = (s: DomesticProsecutionState, at: number) => {
    let next = s;
    const events: CaseEvent[] = [];
    for (const k of s.clocks.filter((c: Clock) => c.status === 'RUNNING' && c.breachAt === at)) {
      const r = fireSla(next, k, at, REPORT_DUE, true);
      next = r.state;
      events.push(...r.events);
    }
    return { state: next, events };
  };
  return advanceClocks(state, now, fireAt, (s) => isDomesticTerminal(s.status));
}
