import type { Visibility } from '../../../../libs/domain/src';
import type { CaseEventRow, CaseRow } from '../../../../libs/persistence/src';

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
    language: row.language,
    urgency: row.urgency,
    requestedByDate: row.requestedByDate,
    deadlineReason: row.deadlineReason,
    subjectOfProceedings: row.subjectOfProceedings,
    factsSummary: row.factsSummary,
    purpose: row.purpose,
    persons: row.persons,
    createdBy: row.createdBy,
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
  };
}
