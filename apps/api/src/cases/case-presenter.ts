import type { Visibility } from '../../../../libs/domain/src';
import type { CaseEventRow, CaseRow, CaseTaskRow } from '../../../../libs/persistence/src';

/** What a reader with only SUMMARY visibility (focal points, managers) does not receive. */
const FULL_ONLY = ['subjectOfProceedings', 'factsSummary', 'purpose', 'persons', 'deadlineReason'] as const;

export function presentCase(row: CaseRow, visibility: Visibility) {
  const view = {
    id: row.id,
    kind: row.kind,
    state: row.state,
    version: row.version,
    flags: row.flags,
    requestingState: row.requestingState,
    requestingAuthorityId: row.requestingAuthorityId,
    requestedState: row.requestedState,
    legalBasis: row.legalBasis,
    rulePack: { instrumentId: row.legalBasis, version: row.rulePackVersion },
    assistanceTypes: row.assistanceTypes,
    items: (row.detail?.items ?? []).map((i: Record<string, unknown>) => ({
      id: i.id, assistanceType: i.assistanceType, status: i.status, executingAuthorityId: i.executingAuthorityId ?? null,
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
    filedAt: row.filedAt?.toISOString(),
    lastPartyEventAt: row.lastPartyEventAt?.toISOString(),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    visibility,
  };
  if (visibility === 'SUMMARY') for (const key of FULL_ONLY) delete (view as Partial<typeof view>)[key];
  return view;
}

export function presentEvent(e: CaseEventRow) {
  return {
    seq: e.seq,
    event: e.event,
    from: e.fromState,
    to: e.toState,
    actor: { id: e.actorId, role: e.actorRole, stateCode: e.actorState, authorityId: e.actorAuthorityId },
    at: e.at.toISOString(),
    legalRef: e.legalRef,
    comment: e.comment,
    data: e.data ?? undefined,
    notify: e.notify ?? undefined,
  };
}

const iso = (ms: number | undefined | null) => (ms === undefined || ms === null ? null : new Date(ms).toISOString());

/** "Where is our request and what is late?" in one answer. */
export function presentTimeline(row: CaseRow, history: CaseEventRow[], tasks: CaseTaskRow[], visibility: Visibility) {
  const detail = row.detail ?? {};
  return {
    caseId: row.id,
    state: row.state,
    flags: row.flags,
    requestingState: row.requestingState,
    requestedState: row.requestedState,
    legalBasis: row.legalBasis,
    rulePack: { instrumentId: row.legalBasis, version: row.rulePackVersion },
    requestedByDate: row.requestedByDate,
    lastPartyEventAt: row.lastPartyEventAt?.toISOString(),
    clocks: (detail.clocks ?? []).map((k: Record<string, any>) => ({
      id: k.id,
      ruleId: k.ruleId,
      kind: k.kind,
      side: k.side,
      status: String(k.status).toLowerCase(),
      startedAt: iso(k.startedAt),
      lastDay: k.lastDay ?? null,
      dueAt: iso(k.breachAt),
      stoppedAt: iso(k.stoppedAt),
      pausedMs: k.pausedMs,
      firings: k.firings,
      legalRef: k.legalRef,
      verified: k.verified,
    })),
    tasks: tasks.map((t) => ({
      id: t.taskId,
      kind: t.kind,
      level: t.level,
      addressee: t.addressee,
      addresseeStates: t.addresseeStates,
      reason: t.reason,
      createdAt: t.createdAt.toISOString(),
      dueAt: t.dueAt?.toISOString() ?? null,
      status: t.status,
      resolvedAt: t.resolvedAt?.toISOString() ?? null,
      resolutionDays: t.resolvedAt ? Math.round((t.resolvedAt.getTime() - t.createdAt.getTime()) / 86_400_000) : null,
    })),
    items: detail.items ?? [],
    metrics: detail.metrics ?? null,
    transmission: detail.transmission ? { ...detail.transmission, at: iso(detail.transmission.at) } : null,
    postponement: detail.postponement ?? null,
    refusal: detail.refusal ?? null,
    basisOverride: detail.basisOverride ? { ...detail.basisOverride, at: iso(detail.basisOverride.at) } : null,
    kind: row.kind,
    linkedCaseId: row.linkedCaseId ?? null,
    extradition:
      row.kind === 'EXTRADITION'
        ? {
            formalRequest: detail.formalRequest,
            custody: detail.custody,
            surrender: detail.surrender ?? null,
            courtDecision: detail.courtDecision ?? null,
            conflict: detail.conflict,
            provisionalArrest: detail.provisionalArrest ?? null,
          }
        : undefined,
    events: history.map((e) => {
      const p = presentEvent(e);
      return visibility === 'SUMMARY' ? { ...p, comment: undefined } : p;
    }),
  };
}
