// Service-level clocks: which run in which phase, and what their breach opens (reminder, escalation …).
import { clockRule } from '../rule-pack';
import { deadlineFrom } from '../time/calendar';
import { calendarOf, systemEvent, tzOf, type BreachAction, type CaseCore, type CaseEvent, type Clock, type Side } from './case-model';
import { startClock, stopClocks } from './clocks';
import { openTask } from './tasks';

/**
 * A service-level clock has run out: the task of its breach action (reminder, escalation, status
 * check) is opened and announced; a repeating clock re-arms for the next period.
 */
export function fireSla<S extends CaseCore>(s: S, k: Clock, at: number, action: BreachAction | undefined, repeat: boolean): { state: S; events: CaseEvent[] } {
  let next = s;
  const setClock = (patch: Partial<Clock>) => {
    next = { ...next, clocks: next.clocks.map((c) => (c.id === k.id ? { ...c, ...patch } : c)) };
  };
  if (repeat && action) {
    const rule = clockRule(next.basis.rulePack, k.ruleId)!;
    const d = deadlineFrom(at - 1, rule.amount, rule.unit, tzOf(next, k.side), calendarOf(next, k.side));
    setClock({ firings: k.firings + 1, breachAt: d.breachAt, lastDay: d.lastDay });
  } else {
    setClock({ status: 'BREACHED', stoppedAt: at, firings: k.firings + 1 });
  }
  if (!action) return { state: next, events: [] };
  // A level with nobody to address is passed over, and the timeline says why (domain brief §10).
  const skips: CaseEvent[] = [];
  for (const skip of action.skipped ?? []) {
    const e = systemEvent(next, 'ESCALATION_LEVEL_SKIPPED', at, {
      legalRef: k.legalRef,
      data: { clockId: k.id, ruleId: k.ruleId, level: skip.level, reason: skip.reason },
    });
    next = e.state;
    skips.push(e.event);
  }
  next = openTask(next, action, at, undefined, k.id);
  const task = next.tasks[next.tasks.length - 1];
  if (action.addressee === 'FOCAL_POINTS') {
    next = { ...next, escalatedToFocalPointsOf: [...new Set([...next.escalatedToFocalPointsOf, ...task.addresseeStates])] };
  }
  const e = systemEvent(next, action.kind === 'ESCALATION' ? 'ESCALATION' : action.kind, at, {
    legalRef: k.legalRef,
    data: {
      clockId: k.id,
      ruleId: k.ruleId,
      taskId: task.id,
      level: action.level,
      addressee: action.addressee,
      addresseeStates: task.addresseeStates,
      reason: action.reason,
      ...(action.networks ? { networks: action.networks } : {}),
    },
    notify: task.addresseeStates.map((stateCode) => ({ stateCode, addressee: action.addressee, message: action.reason })),
  });
  return { state: e.state, events: [...skips, e.event] };
}

export interface SlaClockSpec {
  ruleId: string;
  /** States in which the clock runs; it starts on entering them and stops (met) on leaving. */
  states: readonly string[];
  side: Side;
  /** Paused, not stopped, while additional information is awaited (requested side's clocks). */
  pausesForInfo: boolean;
  onBreach: BreachAction | 'NETWORK_LADDER';
  repeat?: boolean;
  /** States whose entry starts the clock, when only some of `states` do (the others keep it running). */
  startsIn?: readonly string[];
}

export function slaSpecOf(specs: readonly SlaClockSpec[], k: Clock): SlaClockSpec | undefined {
  return k.kind === 'SLA' ? specs.find((s) => s.ruleId === k.ruleId) : undefined;
}

/**
 * Keeps service-level clocks in step with a change of phase: clocks whose phases do not include `to`
 * stop (the awaited step happened: their tasks are resolved), clocks of `to` start from the pinned pack.
 */
export function moveSlaClocks<S extends CaseCore>(s: S, specs: readonly SlaClockSpec[], to: string, at: number): S {
  let next = stopClocks(
    s,
    (k) => {
      const spec = slaSpecOf(specs, k);
      return Boolean(spec && !spec.states.includes(to) && k.status !== 'PAUSED');
    },
    at,
    'RESOLVED',
  );
  for (const spec of specs) {
    if (!(spec.startsIn ?? spec.states).includes(to)) continue;
    if (next.clocks.some((k) => k.ruleId === spec.ruleId && (k.status === 'RUNNING' || k.status === 'PAUSED'))) continue;
    next = startClock(next, spec.ruleId, 'SLA', spec.side, at);
  }
  return next;
}

/** The requested side waits for the requesting side: its clocks pause. */
export function pauseClocks<S extends CaseCore>(s: S, specs: readonly SlaClockSpec[], at: number): S {
  return {
    ...s,
    clocks: s.clocks.map((k) => (k.status === 'RUNNING' && slaSpecOf(specs, k)?.pausesForInfo ? { ...k, status: 'PAUSED' as const, pausedAt: at } : k)),
  };
}
