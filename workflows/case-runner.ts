import { ApplicationFailure, allHandlersFinished, condition, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import { nextWakeAt, type CaseCore, type CaseEvent, type FieldProblem, type RuleViolation } from '../libs/domain/src';
import type { CaseEventsRecord, CaseProjectionActivities, CaseStatus } from '../libs/contracts/src';
import { RULE_VIOLATION_FAILURE, awaitFiledUpdate, caseCommandUpdate, caseStatusQuery } from './case.messages';

const projection = proxyActivities<CaseProjectionActivities>({
  startToCloseTimeout: '30 seconds',
  // Postgres being away must delay a case, never lose an event: retry until it is back.
  retry: { initialInterval: '1 second', maximumInterval: '1 minute', backoffCoefficient: 2 },
});

/** Cases live for years: a run hands over to a fresh one before its history grows large. */
const DEFAULT_CONTINUE_AS_NEW_AFTER = 2000;

export type Outcome<S> = { ok: true; state: S; events: CaseEvent[]; warnings: FieldProblem[] } | { ok: false; violation: RuleViolation };

/** A kind of case as the workflow runs it: a pure state machine and how its events are recorded. */
export interface CaseMachine<S extends CaseCore, E, I> {
  file(input: I, at: number): { state: S; events: CaseEvent[] };
  handle(state: S, envelope: E, now: number): Outcome<S>;
  advance(state: S, now: number): { state: S; events: CaseEvent[] };
  terminal(state: S): boolean;
  record(input: I, state: S, events: CaseEvent[]): CaseEventsRecord;
  /** Side effects a batch of events asks for (a linked case to open, say), run before it is recorded. */
  react?(input: I, state: S, events: CaseEvent[]): Promise<void>;
}

export interface RunnableInput<S> {
  caseId: string;
  filingDigest: string;
  continued?: { state: S; filedRecorded: true };
  continueAsNewAfterEvents?: number;
}

function refuse(violation: RuleViolation): ApplicationFailure {
  return ApplicationFailure.create({ type: RULE_VIOLATION_FAILURE, message: violation.message, nonRetryable: true, details: [violation] });
}

/** Instants cross to activities and queries as ISO strings. */
export const iso = (ms: number) => new Date(ms).toISOString();

/**
 * The life of one case: commands arrive as validated updates, the workflow is the case's only
 * clock, every event is written to Postgres by an idempotent activity, and a long-lived case
 * continues as new before its history grows large. Shared by every kind of case.
 */
export async function runCase<S extends CaseCore, E, I extends RunnableInput<S>>(
  machine: CaseMachine<S, E, I>,
  input: I,
  continueAsNew: (next: I) => Promise<never>,
): Promise<CaseStatus> {
  let s: S;
  let pending: CaseEvent[] = [];
  let filed = Boolean(input.continued);
  if (input.continued) {
    s = input.continued.state;
  } else {
    const filing = machine.file(input, Date.now());
    s = filing.state;
    pending = filing.events;
  }

  const status = (): CaseStatus => ({
    caseId: input.caseId,
    state: s.status,
    seq: s.seq,
    flags: [...s.flags],
    filingDigest: input.filingDigest,
    updatedAt: iso(Math.max(s.lastEventAt, ...s.clocks.map((k) => k.stoppedAt ?? 0))),
  });

  // Projection runs one batch at a time, in sequence order; each batch carries the latest snapshot.
  let projecting: Promise<void> = Promise.resolve();
  const flush = (): Promise<void> => {
    projecting = projecting.then(async () => {
      if (pending.length === 0) return;
      const events = pending;
      pending = [];
      if (machine.react) await machine.react(input, s, events);
      await projection.recordCaseEvents(machine.record(input, s, events));
    });
    return projecting;
  };

  /** Fires whatever fell due before `now`, so that a command never overtakes a deadline that passed. */
  const catchUp = (now: number) => {
    const advanced = machine.advance(s, now);
    s = advanced.state;
    pending.push(...advanced.events);
  };

  setHandler(caseStatusQuery, status);

  setHandler(awaitFiledUpdate, async () => {
    await condition(() => filed);
    return status();
  });

  setHandler(
    caseCommandUpdate,
    async (envelope: unknown) => {
      const now = Date.now();
      catchUp(now);
      // The state changes before the first await, so concurrent commands see each other's effect.
      const outcome = machine.handle(s, envelope as E, now);
      if (!outcome.ok) {
        await flush();
        throw refuse(outcome.violation);
      }
      s = outcome.state;
      pending.push(...outcome.events);
      await condition(() => filed);
      await flush();
      return { ...status(), warnings: outcome.warnings.length ? outcome.warnings : undefined };
    },
    {
      validator: (envelope: unknown) => {
        const now = Date.now();
        const outcome = machine.handle(machine.advance(s, now).state, envelope as E, now);
        if (!outcome.ok) throw refuse(outcome.violation);
      },
    },
  );

  await flush();
  filed = true;

  const limit = input.continueAsNewAfterEvents ?? DEFAULT_CONTINUE_AS_NEW_AFTER;
  while (!machine.terminal(s)) {
    const seqBefore = s.seq;
    const wake = nextWakeAt(s);
    const woken =
      wake === undefined
        ? (await condition(() => s.seq !== seqBefore), true)
        : await condition(() => s.seq !== seqBefore, Math.max(1, wake - Date.now()));
    if (!woken) {
      catchUp(Date.now());
      await flush();
    }
    const info = workflowInfo();
    if (!machine.terminal(s) && (info.historyLength >= limit || info.continueAsNewSuggested)) {
      // Updates already admitted finish on this run; the ones that follow reach the new run.
      await condition(allHandlersFinished);
      catchUp(Date.now());
      await flush();
      return continueAsNew({ ...input, continued: { state: s, filedRecorded: true } });
    }
  }

  await condition(allHandlersFinished);
  await flush();
  return status();
}

/** Tasks as the projection records them (instants as ISO strings). */
export function tasksOf(s: { tasks: CaseCore['tasks'] }): CaseEventsRecord['tasks'] {
  return s.tasks.map((t) => ({
    ...t,
    createdAt: iso(t.createdAt),
    dueAt: t.dueAt !== undefined ? iso(t.dueAt) : undefined,
    resolvedAt: t.resolvedAt !== undefined ? iso(t.resolvedAt) : undefined,
  }));
}
