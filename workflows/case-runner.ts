import { caseRecord, contentDigest, iso, type RecordShape } from './case-record';
import {
  ActivityFailure,
  ApplicationFailure,
  allHandlersFinished,
  condition,
  currentUpdateInfo,
  patched,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
  type ActivityOptions,
} from '@temporalio/workflow';
import { nextWakeAt, type CaseContext, type CaseCore, type CaseEvent, type Outcome, type RuleViolation } from '../libs/domain/src';
import {
  CASE_SEARCH_ATTRIBUTES,
  PROJECTION_CONFLICT_FAILURE,
  PROJECTION_DATA_FAILURE,
  RULE_VIOLATION_FAILURE,
  awaitFiledUpdate,
  caseCommandUpdate,
  caseStatusQuery,
  redriveProjectionUpdate,
  type CaseEventsRecord,
  type CaseProjectionActivities,
  type CaseStatus,
  type ContinuedCase,
  type ProjectionFailureInfo,
  type ReadModelState,
} from '../libs/contracts/src';

/** Histories recorded before these options existed retried a batch for ever under the SDK's default ids. */
const LEGACY_PROJECTION: ActivityOptions = {
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute', backoffCoefficient: 2 },
};

/**
 * A batch is retried a bounded number of times (about three minutes) so that no command waits on
 * Postgres for ever; values Postgres refuses are not retried at all. A batch that could not be
 * written is kept and tried again later: it is never dropped.
 */
const PROJECTION: ActivityOptions = {
  startToCloseTimeout: '30 seconds',
  retry: {
    initialInterval: '1 second',
    maximumInterval: '30 seconds',
    backoffCoefficient: 2,
    maximumAttempts: 10,
    nonRetryableErrorTypes: [PROJECTION_DATA_FAILURE, PROJECTION_CONFLICT_FAILURE],
  },
};

/** Reporting a failure to the operators' queue is best effort: the workflow keeps the batch either way. */
const failureReport = proxyActivities<CaseProjectionActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '5 seconds', maximumInterval: '5 minutes', maximumAttempts: 20 },
});

/** Cases live for years: a run hands over to a fresh one before its history grows large. */
const DEFAULT_CONTINUE_AS_NEW_AFTER = 2000;
/** Answers to this many recent updates travel across continue-as-new, so a retried command id is applied once. */
const RECENT_UPDATES = 500;
const MINUTE = 60_000;
/** Postgres away beyond the activity's retries: try again after 1, 2, 4 … minutes, at most hourly. */
const retryDelay = (failures: number) => Math.min(60 * MINUTE, MINUTE * 2 ** Math.min(failures, 6));

/** A kind of case as the workflow runs it: a pure state machine and what its read-model row adds. */
export interface CaseMachine<S extends CaseCore, E, I> {
  file(input: I, at: number): { state: S; events: CaseEvent[] };
  handle(state: S, envelope: E, now: number): Outcome<S>;
  advance(state: S, now: number): { state: S; events: CaseEvent[] };
  terminal(state: S): boolean;
  record: RecordShape<S, I>;
  /** Side effects a batch of events asks for (a linked case to open, say), run once, before it is recorded. */
  react?(input: I, state: S, events: CaseEvent[]): Promise<void>;
}

export interface RunnableInput<S> {
  caseId: string;
  ctx: CaseContext;
  requestingAuthorityId: string;
  filingDigest: string;
  continued?: ContinuedCase<S>;
  continueAsNewAfterEvents?: number;
  /**
   * Set by the API at filing when the namespace has the case search attributes (TEMPORAL_SEARCH_ATTRIBUTES):
   * pinned in the input, so a replay takes the same path, and servers without them never see an upsert.
   */
  searchAttributes?: boolean;
}

export const SEARCH_ATTRIBUTES_PATCH = 'case-search-attributes';

/** The highest level among the case's open escalations; 0 when none is open. */
export function openEscalationLevel(s: CaseCore): number {
  return Math.max(0, ...s.tasks.filter((t) => t.kind === 'ESCALATION' && t.status === 'OPEN').map((t) => t.level));
}

function refuse(violation: RuleViolation): ApplicationFailure {
  return ApplicationFailure.create({ type: RULE_VIOLATION_FAILURE, message: violation.message, nonRetryable: true, details: [violation] });
}

/** Why a batch could not be written, from the activity's failure: codes only, never the values. */
function failureOf(err: unknown, fromSeq: number, toSeq: number): ProjectionFailureInfo {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  const type = cause instanceof ApplicationFailure ? cause.type : undefined;
  const details = cause instanceof ApplicationFailure ? (cause.details?.[0] as { sqlState?: string } | undefined) : undefined;
  const reason = type === PROJECTION_DATA_FAILURE ? 'DATA' : type === PROJECTION_CONFLICT_FAILURE ? 'CONFLICT' : 'UNAVAILABLE';
  return { fromSeq, toSeq, reason, sqlState: details?.sqlState, at: iso(Date.now()) };
}

/**
 * The life of one case: commands arrive as validated updates, the workflow is the case's only
 * clock, every event is written to Postgres by an idempotent activity, and a long-lived case
 * continues as new before its history grows large. Shared by every kind of case.
 *
 * Postgres never holds a case back: a batch it cannot take (refused values, or away for longer than
 * the retries) is kept with the case, reported to operators, and tried again with the next batch, on
 * a timer, or when an operator re-drives it; commands are answered meanwhile, saying the read model
 * is behind.
 */
export async function runCase<S extends CaseCore, E, I extends RunnableInput<S>>(
  machine: CaseMachine<S, E, I>,
  input: I,
  continueAsNew: (next: I) => Promise<never>,
): Promise<CaseStatus> {
  const continued = input.continued;
  let s: S;
  let pending: CaseEvent[] = [];
  let filed = Boolean(continued);
  if (continued) {
    s = continued.state;
  } else {
    const filing = machine.file(input, Date.now());
    s = filing.state;
    pending = filing.events;
  }
  /** Events of batches Postgres has not taken yet, oldest first. */
  let unprojected: CaseEvent[] = continued?.unprojected ?? [];
  let projectedSeq = continued ? (continued.projectedSeq ?? continued.state.seq) : -1;
  let failure: ProjectionFailureInfo | undefined = continued?.projectionFailure;
  let failures = failure ? 1 : 0;
  let sanitize = continued?.sanitize ?? false;
  /** The content Postgres holds for the case, as a digest: batches carry the content only when it differs. */
  let projectedContentDigest = continued?.projectedContentDigest;
  const recent = new Map<string, CaseStatus>(continued?.recentUpdates ?? []);

  const readModel = (): ReadModelState => (failure ? 'FAILED' : projectedSeq >= s.seq ? 'CURRENT' : 'BEHIND');
  const status = (): CaseStatus => ({
    caseId: input.caseId,
    state: s.status,
    seq: s.seq,
    flags: [...s.flags],
    filingDigest: input.filingDigest,
    updatedAt: iso(Math.max(s.lastEventAt, ...s.clocks.map((k) => k.stoppedAt ?? 0))),
    projectedSeq,
    readModel: readModel(),
  });
  const remember = (id: string | undefined, answer: CaseStatus) => {
    if (!id) return;
    recent.set(id, answer);
    if (recent.size > RECENT_UPDATES) recent.delete(recent.keys().next().value!);
  };

  // What operators filter by in the Temporal UI, upserted when it changes: codes only, never the case's content.
  const indexing = input.searchAttributes === true && patched(SEARCH_ATTRIBUTES_PATCH);
  let indexed = '';
  const index = () => {
    if (!indexing) return;
    const level = openEscalationLevel(s);
    if (indexed === `${s.status}|${level}`) return;
    indexed = `${s.status}|${level}`;
    upsertSearchAttributes([
      { key: CASE_SEARCH_ATTRIBUTES.kind, value: machine.record.kind },
      { key: CASE_SEARCH_ATTRIBUTES.statePair, value: `${s.ctx.requestingState}-${s.ctx.requestedState}` },
      { key: CASE_SEARCH_ATTRIBUTES.state, value: s.status },
      { key: CASE_SEARCH_ATTRIBUTES.escalationLevel, value: level },
    ]);
  };

  // Projection runs one batch at a time, in sequence order; each batch carries the latest snapshot.
  let projecting: Promise<void> = Promise.resolve();
  let batches = 0;
  const project = (record: CaseEventsRecord, fromSeq: number, toSeq: number) => {
    // Ids from the batch's sequence range: a replay that would write other events under them fails loudly.
    const options = patched('projection-batch-ids') ? { ...PROJECTION, activityId: `project-${fromSeq}-${toSeq}-${++batches}` } : LEGACY_PROJECTION;
    return proxyActivities<CaseProjectionActivities>(options).recordCaseEvents(record);
  };
  const flush = (): Promise<void> => {
    index();
    projecting = projecting.then(async () => {
      if (pending.length === 0 && unprojected.length === 0) return;
      const fresh = pending;
      pending = [];
      if (machine.react && fresh.length) await machine.react(input, s, fresh);
      const events = [...unprojected, ...fresh];
      const redriving = sanitize && unprojected.length > 0;
      const record: CaseEventsRecord = caseRecord(machine.record, input, s, events, workflowInfo().workflowId);
      if (sanitize) record.sanitize = true;
      // Personal data crosses to the activity (and rests in its input) only when Postgres does not hold it yet:
      // compared with what was last written, so a batch kept after a failure still carries a change it made.
      const digest = contentDigest(record.snapshot.columns!);
      if (!record.filing && !redriving && digest === projectedContentDigest) delete record.snapshot.columns;
      const fromSeq = events[0].seq;
      const toSeq = events[events.length - 1].seq;
      try {
        await project(record, fromSeq, toSeq);
        projectedContentDigest = digest;
        unprojected = [];
        projectedSeq = toSeq;
        failure = undefined;
        failures = 0;
      } catch (err) {
        unprojected = events;
        failure = failureOf(err, fromSeq, toSeq);
        failures += 1;
        const report = { caseId: input.caseId, workflowId: workflowInfo().workflowId, ...failure, filing: record.filing };
        void failureReport.recordProjectionFailure(report).catch(() => undefined);
      }
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
      // A command retried under the same id (across continue-as-new too) gets its first answer.
      const id = currentUpdateInfo()?.id;
      const answered = id ? recent.get(id) : undefined;
      if (answered) return answered;
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
      const answer = { ...status(), warnings: outcome.warnings.length ? outcome.warnings : undefined };
      remember(id, answer);
      return answer;
    },
    {
      validator: (envelope: unknown) => {
        const id = currentUpdateInfo()?.id;
        if (id && recent.has(id)) return;
        const now = Date.now();
        const outcome = machine.handle(machine.advance(s, now).state, envelope as E, now);
        if (!outcome.ok) throw refuse(outcome.violation);
      },
    },
  );

  setHandler(redriveProjectionUpdate, async (options) => {
    if (options?.sanitize) sanitize = true;
    await condition(() => filed);
    await flush();
    return status();
  });

  await flush();
  filed = true;

  /** Waits for a change of state, the next clock, or the next try of a batch Postgres did not take. */
  const idle = async (): Promise<boolean> => {
    const seqBefore = s.seq;
    const wake = nextWakeAt(s);
    const retryAt = unprojected.length && failure?.reason === 'UNAVAILABLE' ? Date.now() + retryDelay(failures) : undefined;
    const next = wake === undefined ? retryAt : retryAt === undefined ? wake : Math.min(wake, retryAt);
    if (next === undefined) return (await condition(() => s.seq !== seqBefore), true);
    return condition(() => s.seq !== seqBefore, Math.max(1, next - Date.now()));
  };

  /** Lets every admitted update finish and writes what they produced; returns with nothing in flight. */
  const drain = async () => {
    for (;;) {
      await condition(allHandlersFinished);
      if (!machine.terminal(s)) catchUp(Date.now());
      // Checked and acted on without an await in between: no update can slip in before the caller acts.
      if (pending.length === 0 && allHandlersFinished()) return;
      await flush();
    }
  };

  const limit = input.continueAsNewAfterEvents ?? DEFAULT_CONTINUE_AS_NEW_AFTER;
  while (!machine.terminal(s)) {
    if (!(await idle())) {
      catchUp(Date.now());
      await flush();
    }
    const info = workflowInfo();
    if (!machine.terminal(s) && (info.historyLength >= limit || info.continueAsNewSuggested)) {
      await drain();
      // A batch Postgres has not taken travels on with the case: nothing is lost at the boundary.
      return continueAsNew({
        ...input,
        continued: {
          state: s,
          filedRecorded: true,
          unprojected,
          projectedSeq,
          projectionFailure: failure,
          sanitize,
          recentUpdates: [...recent],
          projectedContentDigest,
        },
      });
    }
  }

  // An ended case waits until Postgres shows all of it: its audit trail must be complete.
  for (;;) {
    await drain();
    if (unprojected.length === 0) break;
    await condition(() => unprojected.length === 0, retryDelay(failures));
    await flush();
  }
  return status();
}

export { caseRecord, iso, isoOrUndefined, type KindSnapshot, type RecordShape } from './case-record';
