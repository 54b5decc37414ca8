import { CONFLICT_TASK, visibleFlags, type FieldClass, type Reader } from '../../../../libs/domain/src';
import { clockStatusAt, flagsAtReadTime, type CaseEventRow, type CaseReadRow, type CaseRow, type CaseTaskRow } from '../../../../libs/persistence/src';

/** The class of each case column that is more than bookkeeping (libs/domain/src/visibility.ts). */
const CASE_FIELD_CLASSES: Record<string, FieldClass> = {
  subjectOfProceedings: 'content',
  factsSummary: 'content',
  purpose: 'content',
  deadlineReason: 'content',
  persons: 'persons',
};

/** Events that are the conflict itself (linking the requests, the requested CA's choice). */
const CONFLICT_EVENTS: ReadonlySet<string> = new Set(['LINK_CONFLICT', 'RECORD_CONFLICT_CHOICE']);
/** Events whose comment is a note rather than a comment on a life-cycle step. */
const NOTE_EVENTS: ReadonlySet<string> = new Set(['NOTE', 'RECORD_EXECUTION']);

/** `value` when the reader may read `cls`, else nothing (the field is left out of the answer). */
const only = <T>(reader: Reader, cls: FieldClass, value: T): T | undefined => (reader.classes.has(cls) ? value : undefined);

/** An instant as the API writes it: a Date's ISO text, or the ISO text Postgres already wrote; absent stays absent. */
const isoText = (v: Date | string | null | undefined): string | undefined =>
  v === null || v === undefined ? undefined : typeof v === 'string' ? v : v.toISOString();

/** A case as the lists and the case view show it, from a full row (commands) or a read row (reads). */
export function presentCase(row: CaseRow | CaseReadRow, reader: Reader) {
  const items = ('detail' in row ? row.detail?.items : row.items) ?? [];
  const view = {
    id: row.id,
    kind: row.kind,
    state: row.state,
    version: row.version,
    flags: visibleFlags('overdue' in row ? flagsAtReadTime(row.flags, row.overdue) : row.flags, reader),
    requestingState: row.requestingState,
    requestingAuthorityId: row.requestingAuthorityId,
    requestedState: row.requestedState,
    legalBasis: row.legalBasis,
    rulePack: { instrumentId: row.legalBasis, version: row.rulePackVersion },
    assistanceTypes: row.assistanceTypes,
    items: items.map((i: Record<string, unknown>) => ({
      id: i.id,
      assistanceType: i.assistanceType,
      status: i.status,
      executingAuthorityId: i.executingAuthorityId ?? null,
    })),
    language: row.language,
    urgency: row.urgency,
    requestedByDate: row.requestedByDate,
    deadlineReason: row.deadlineReason,
    subjectOfProceedings: row.subjectOfProceedings,
    factsSummary: row.factsSummary,
    purpose: row.purpose,
    persons: row.persons,
    createdBy: row.createdBy,
    linkedCaseId: row.linkedCaseId ?? null,
    filedAt: isoText(row.filedAt),
    lastPartyEventAt: isoText(row.lastPartyEventAt),
    createdAt: isoText(row.createdAt)!,
    updatedAt: isoText(row.updatedAt)!,
    visibility: reader.visibility,
  };
  for (const [key, cls] of Object.entries(CASE_FIELD_CLASSES)) if (!reader.classes.has(cls)) delete (view as Record<string, unknown>)[key];
  return view;
}

/** One case with its audit history, as GET /cases/:id and every command answer it. */
export function presentCaseView(row: CaseRow | CaseReadRow, history: readonly EventRow[], reader: Reader) {
  return { ...presentCase(row, reader), history: presentHistory(history, reader) };
}

/** The audit history as the reader may see it: conflict events only for whom the conflict is, comments, notes and data by class. */
export function presentHistory(history: readonly EventRow[], reader: Reader) {
  return history.filter((e) => !CONFLICT_EVENTS.has(e.event) || reader.classes.has('conflict')).map((e) => presentEvent(e, reader));
}

/** An audit row, its instant as a Date or as the ISO text Postgres wrote. */
type EventRow = Omit<CaseEventRow, 'at'> & { at: Date | string };

export function presentEvent(e: EventRow, reader: Reader) {
  return {
    seq: e.seq,
    event: e.event,
    from: e.fromState,
    to: e.toState,
    actor: { id: e.actorId, role: e.actorRole, stateCode: e.actorState, authorityId: e.actorAuthorityId },
    at: isoText(e.at)!,
    legalRef: e.legalRef,
    comment: only(reader, NOTE_EVENTS.has(e.event) ? 'notes' : 'comments', e.comment),
    data: only(reader, 'data', e.data ?? undefined),
    notify: only(reader, 'data', e.notify ?? undefined),
  };
}

const iso = (ms: number | undefined | null) => (ms === undefined || ms === null ? null : new Date(ms).toISOString());

/** "Where is our request and what is late?" in one answer. */
export function presentTimeline(row: CaseRow, history: CaseEventRow[], tasks: CaseTaskRow[], reader: Reader, nowMs = Date.now()) {
  const detail = row.detail ?? {};
  const clocks: Array<Record<string, any>> = detail.clocks ?? [];
  // What the case view and the lists show (flagsAtReadTime), from the clocks the timeline reads anyway.
  const overdue = clocks.filter((k) => clockStatusAt(k.status, k.breachAt, nowMs) !== k.status).map((k) => String(k.kind));
  return {
    caseId: row.id,
    state: row.state,
    flags: visibleFlags(flagsAtReadTime(row.flags, overdue), reader),
    requestingState: row.requestingState,
    requestedState: row.requestedState,
    legalBasis: row.legalBasis,
    rulePack: { instrumentId: row.legalBasis, version: row.rulePackVersion },
    requestedByDate: row.requestedByDate,
    lastPartyEventAt: row.lastPartyEventAt?.toISOString(),
    clocks: clocks.map((k) => ({
      id: k.id,
      ruleId: k.ruleId,
      kind: k.kind,
      side: k.side,
      ...(k.itemId ? { itemId: k.itemId, executingAuthorityId: k.authorityId } : {}),
      // A running clock past its due instant is breached from that instant, before its workflow wakes to record it.
      status: clockStatusAt(String(k.status), k.breachAt, nowMs).toLowerCase(),
      startedAt: iso(k.startedAt),
      lastDay: k.lastDay ?? null,
      dueAt: iso(k.breachAt),
      stoppedAt: iso(k.stoppedAt),
      pausedMs: k.pausedMs,
      firings: k.firings,
      legalRef: k.legalRef,
      verified: k.verified,
    })),
    // The requested central authority's task to choose between conflicting requests is the conflict itself.
    tasks: tasks
      .filter((t) => reader.classes.has('conflict') || !(t.kind === 'ACTION' && t.reason.startsWith(CONFLICT_TASK)))
      .map((t) => ({
        id: t.taskId,
        kind: t.kind,
        level: t.level,
        addressee: t.addressee,
        addresseeStates: t.addresseeStates,
        // A request for information carries its details in the task's reason.
        reason: t.kind === 'INFO_RESPONSE' ? only(reader, 'comments', t.reason) : t.reason,
        createdAt: t.createdAt.toISOString(),
        dueAt: t.dueAt?.toISOString() ?? null,
        status: t.status,
        resolvedAt: t.resolvedAt?.toISOString() ?? null,
        resolutionDays: t.resolvedAt ? Math.round((t.resolvedAt.getTime() - t.createdAt.getTime()) / 86_400_000) : null,
      })),
    items: (detail.items ?? []).map((i: Record<string, unknown>) => ({ ...i, note: only(reader, 'notes', i.note) })),
    metrics: detail.metrics ?? null,
    transmission: detail.transmission
      ? { ...detail.transmission, at: iso(detail.transmission.at), reference: only(reader, 'documents', detail.transmission.reference) }
      : null,
    postponement: detail.postponement ? { ...detail.postponement, reasons: only(reader, 'comments', detail.postponement.reasons) } : null,
    refusal: detail.refusal ? { ...detail.refusal, reasons: only(reader, 'comments', detail.refusal.reasons) } : null,
    basisOverride: detail.basisOverride
      ? { ...detail.basisOverride, at: iso(detail.basisOverride.at), justification: only(reader, 'comments', detail.basisOverride.justification) }
      : null,
    kind: row.kind,
    linkedCaseId: row.linkedCaseId ?? null,
    extradition:
      row.kind === 'EXTRADITION'
        ? {
            formalRequest: detail.formalRequest && {
              ...detail.formalRequest,
              transmission: detail.formalRequest.transmission && {
                ...detail.formalRequest.transmission,
                reference: only(reader, 'documents', detail.formalRequest.transmission.reference),
              },
            },
            custody: detail.custody,
            surrender: detail.surrender ?? null,
            courtDecision: detail.courtDecision ?? null,
            conflict: only(reader, 'conflict', detail.conflict),
            provisionalArrest: detail.provisionalArrest
              ? { ...detail.provisionalArrest, reference: only(reader, 'documents', detail.provisionalArrest.reference) }
              : null,
          }
        : undefined,
    events: presentHistory(history, reader),
  };
}
