import {
  ApplicationFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import {
  CaseEvent,
  CommandEnvelope,
  MlaCaseState,
  RuleViolation,
  advanceTime,
  fileCase,
  handleCommand,
  isTerminal,
  metricsOf,
  nextWakeAt,
} from '../../libs/domain/src';
import type { CaseEventsRecord, CaseProjectionActivities, CaseSnapshot, MlaCaseStatus, MlaCaseWorkflowInput } from '../../libs/contracts/src';
import { RULE_VIOLATION_FAILURE, awaitFiledUpdate, commandUpdate, statusQuery } from './mla-case.messages';

const projection = proxyActivities<CaseProjectionActivities>({
  startToCloseTimeout: '30 seconds',
  // Postgres being away must delay a case, never lose an event: retry until it is back.
  retry: { initialInterval: '1 second', maximumInterval: '1 minute', backoffCoefficient: 2 },
});

/** Cases live for years: a run hands over to a fresh one before its history grows large. */
const DEFAULT_CONTINUE_AS_NEW_AFTER = 2000;

function refuse(violation: RuleViolation): ApplicationFailure {
  return ApplicationFailure.create({ type: RULE_VIOLATION_FAILURE, message: violation.message, nonRetryable: true, details: [violation] });
}

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * One durable workflow per MLA request. It owns the case's state (a pure state machine from
 * libs/domain), is the case's only clock, and writes every event to Postgres through an activity.
 */
export async function mlaCaseWorkflow(input: MlaCaseWorkflowInput): Promise<MlaCaseStatus> {
  let s: MlaCaseState;
  let pending: CaseEvent[] = [];
  let filed = Boolean(input.continued);
  if (input.continued) {
    s = input.continued.state;
  } else {
    const filing = fileCase({ ctx: input.ctx, content: input.content, basis: input.basis, filedBy: input.filedBy, at: Date.now() });
    s = filing.state;
    pending = filing.events;
  }

  const status = (): MlaCaseStatus => ({
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
      await projection.recordCaseEvents(recordOf(input, s, events));
    });
    return projecting;
  };

  /** Fires whatever fell due before `now`, so that a command never overtakes a deadline that passed. */
  const catchUp = (now: number) => {
    const advanced = advanceTime(s, now);
    s = advanced.state;
    pending.push(...advanced.events);
  };

  setHandler(statusQuery, status);

  setHandler(awaitFiledUpdate, async () => {
    await condition(() => filed);
    return status();
  });

  setHandler(
    commandUpdate,
    async (envelope: CommandEnvelope) => {
      const now = Date.now();
      catchUp(now);
      // The state changes before the first await, so concurrent commands see each other's effect.
      const outcome = handleCommand(s, envelope, now);
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
      validator: (envelope: CommandEnvelope) => {
        const now = Date.now();
        const outcome = handleCommand(advanceTime(s, now).state, envelope, now);
        if (!outcome.ok) throw refuse(outcome.violation);
      },
    },
  );

  await flush();
  filed = true;

  const limit = input.continueAsNewAfterEvents ?? DEFAULT_CONTINUE_AS_NEW_AFTER;
  while (!isTerminal(s.status)) {
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
    if (!isTerminal(s.status) && (info.historyLength >= limit || info.continueAsNewSuggested)) {
      // Updates already admitted finish on this run; the ones that follow reach the new run.
      await condition(allHandlersFinished);
      catchUp(Date.now());
      await flush();
      return continueAsNew<typeof mlaCaseWorkflow>({ ...input, continued: { state: s, filedRecorded: true } });
    }
  }

  await condition(allHandlersFinished);
  await flush();
  return status();
}

function recordOf(input: MlaCaseWorkflowInput, s: MlaCaseState, events: CaseEvent[]): CaseEventsRecord {
  const snapshot: CaseSnapshot = {
    state: s.status,
    version: s.seq,
    flags: [...s.flags],
    transmitted: s.transmittedAt !== undefined,
    executingAuthorityIds: [...new Set(s.items.map((i) => i.executingAuthorityId).filter((a): a is string => Boolean(a)))],
    escalatedToFocalPointsOf: s.escalatedToFocalPointsOf,
    content: s.content,
    legalBasis: s.basis.instrumentId,
    rulePackVersion: s.basis.rulePack.version,
    lastPartyEventAt: iso(s.lastPartyEventAt),
    detail: {
      clocks: s.clocks,
      items: s.items,
      metrics: metricsOf(s),
      transmission: s.transmission,
      translation: s.translation,
      postponement: s.postponement,
      refusal: s.refusal,
      basisOverride: s.basisOverride,
    },
  };
  return {
    caseId: input.caseId,
    workflowId: workflowInfo().workflowId,
    filing: events.some((e) => e.seq === 0)
      ? {
          requestingAuthorityId: input.requestingAuthorityId,
          createdBy: input.filedBy.userId,
          requestingState: input.ctx.requestingState,
          requestedState: input.ctx.requestedState,
          filedAt: iso(s.filedAt),
        }
      : undefined,
    events: events.map((e) => ({ ...e, at: iso(e.at) })),
    tasks: s.tasks.map((t) => ({
      ...t,
      createdAt: iso(t.createdAt),
      dueAt: t.dueAt !== undefined ? iso(t.dueAt) : undefined,
      resolvedAt: t.resolvedAt !== undefined ? iso(t.resolvedAt) : undefined,
    })),
    snapshot,
  };
}
