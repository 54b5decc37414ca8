import type { ActorRef, CaseCore, CaseEvent } from '../libs/domain/src';
import type { CaseColumns, CaseEventsRecord, CaseKind, CaseSnapshot } from '../libs/contracts/src';
import type { RunnableInput } from './case-runner';

/** Instants cross to activities and queries as ISO strings. */
export const iso = (ms: number) => new Date(ms).toISOString();

/** What a kind of case adds to the record every case writes: its kind, who filed it, its own columns and detail. */
export interface RecordShape<S, I> {
  kind: CaseKind;
  filedBy(input: I): ActorRef;
  snapshot(input: I, s: S, events: CaseEvent[]): KindSnapshot;
}
export type KindSnapshot = Pick<CaseSnapshot, 'transmitted'> & { columns: CaseColumns } & Partial<
    Pick<CaseSnapshot, 'executingAuthorityIds' | 'milestones'>
  > & { detail: Record<string, unknown> };

/** A batch as built, content included; the runner leaves the content out when Postgres already holds it. */
export type FullCaseEventsRecord = CaseEventsRecord & { snapshot: { columns: CaseColumns } };

/**
 * The batch of events and the case's snapshot as the projection records them: the part every kind
 * shares, extended with the kind's own columns and detail.
 */
export function caseRecord<S extends CaseCore, I extends RunnableInput<S>>(
  shape: RecordShape<S, I>,
  input: I,
  s: S,
  events: CaseEvent[],
  workflowId: string,
): FullCaseEventsRecord {
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

/**
 * A short digest of the content columns (cyrb53 over their JSON), to tell whether they changed since
 * Postgres last took them. Pure and deterministic; not a security measure. Content that serialises
 * otherwise (keys in another order) counts as changed and is sent again, which is safe.
 */
export function contentDigest(columns: CaseColumns): string {
  const text = JSON.stringify(columns);
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return `${(h2 >>> 0).toString(16).padStart(8, '0')}${(h1 >>> 0).toString(16).padStart(8, '0')}:${text.length}`;
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
