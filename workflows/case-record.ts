import type { ActorRef, CaseCore, CaseEvent } from '../libs/domain/src';
import type { CaseEventsRecord, CaseKind, CaseSnapshot } from '../libs/contracts/src';
import type { RunnableInput } from './case-runner';

/** Instants cross to activities and queries as ISO strings. */
export const iso = (ms: number) => new Date(ms).toISOString();

/** What a kind of case adds to the record every case writes: its kind, who filed it, its own columns and detail. */
export interface RecordShape<S, I> {
  kind: CaseKind;
  filedBy(input: I): ActorRef;
  snapshot(input: I, s: S, events: CaseEvent[]): KindSnapshot;
}
export type KindSnapshot = Pick<CaseSnapshot, 'columns' | 'transmitted'> &
  Partial<Pick<CaseSnapshot, 'executingAuthorityIds' | 'milestones'>> & { detail: Record<string, unknown> };

/**
 * The batch of events and the case's snapshot as the projection records them: the part every kind
 * shares, extended with the kind's own columns and detail.
 */
export function caseRecord<S extends CaseCore, I extends RunnableInput<S>>(shape: RecordShape<S, I>, input: I, s: S, events: CaseEvent[], workflowId: string): CaseEventsRecord {
  const own = shape.snapshot(input, s, events);
  const filing = {
    kind: shape.kind,
    requestingAuthorityId: input.requestingAuthorityId,
    createdBy: shape.filedBy(input).userId,
    requestingState: input.ctx.requestingState,
    requestedState: input.ctx.requestedState,
    filedAt: iso(s.filedAt),
  };
  return {
    caseId: input.caseId,
    workflowId,
    filing: events.some((e) => e.seq === 0) ? filing : undefined,
    events: events.map((e) => ({ ...e, at: iso(e.at) })),
    tasks: tasksOf(s),
    snapshot: {
      state: s.status,
      version: s.seq,
      flags: [...s.flags],
      transmitted: own.transmitted,
      executingAuthorityIds: own.executingAuthorityIds ?? [],
      escalatedToFocalPointsOf: s.escalatedToFocalPointsOf,
      columns: own.columns,
      milestones: own.milestones,
      legalBasis: s.basis.instrumentId,
      rulePackVersion: s.basis.rulePack.version,
      lastPartyEventAt: iso(s.lastPartyEventAt),
      detail: { clocks: s.clocks, ...own.detail },
    },
  };
}

/** Instants of a kind's detail cross as ISO strings; absent ones stay absent. */
export const isoOrUndefined = (ms: number | undefined) => (ms !== undefined ? iso(ms) : undefined);

/** Tasks as the projection records them (instants as ISO strings). */
function tasksOf(s: { tasks: CaseCore['tasks'] }): CaseEventsRecord['tasks'] {
  return s.tasks.map((t) => ({
    ...t,
    createdAt: iso(t.createdAt),
    dueAt: isoOrUndefined(t.dueAt),
    resolvedAt: isoOrUndefined(t.resolvedAt),
  }));
}
