import { DAY_MS, calendarDaysBetween, workingDaysBetween } from '../time/calendar';
import type { ClockStatus } from '../case/clockwork';
import type { MlaCaseState } from './states';

export interface CaseMetrics {
  ackDays?: number;
  requestedProcessingDays?: number;
  pausedDays: number;
  reviewCycles: Array<{ startedAt: string; endedAt?: string; outcome?: string; workingDays?: number }>;
  reminders: number;
  escalations: number;
  requesterDeadline?: { date: string; status: ClockStatus };
}

/** Figures a central authority and a manager ask for, computed from the case alone. */
export function metricsOf(s: MlaCaseState): CaseMetrics {
  const reqTz = s.ctx.timeZones.requested;
  const deadline = s.clocks.find((k) => k.kind === 'REQUESTER_DEADLINE');
  return {
    ackDays: s.transmittedAt !== undefined && s.receivedAt !== undefined ? calendarDaysBetween(s.transmittedAt, s.receivedAt, reqTz) : undefined,
    requestedProcessingDays:
      s.receivedAt !== undefined && s.resultsTransmittedAt !== undefined
        ? calendarDaysBetween(s.receivedAt, s.resultsTransmittedAt, reqTz) - Math.round(s.pausedMs / DAY_MS)
        : undefined,
    pausedDays: Math.round(s.pausedMs / DAY_MS),
    reviewCycles: s.reviewCycles.map((c) => ({
      startedAt: new Date(c.startedAt).toISOString(),
      endedAt: c.endedAt !== undefined ? new Date(c.endedAt).toISOString() : undefined,
      outcome: c.outcome,
      workingDays: c.endedAt !== undefined ? workingDaysBetween(c.startedAt, c.endedAt, s.ctx.timeZones.requesting) : undefined,
    })),
    reminders: s.tasks.filter((t) => t.kind === 'REMINDER').length,
    escalations: s.tasks.filter((t) => t.kind === 'ESCALATION').length,
    requesterDeadline: deadline ? { date: deadline.lastDay!, status: deadline.status } : undefined,
  };
}
