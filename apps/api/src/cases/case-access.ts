import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Actor, CaseAction, decide, readerOf, type CaseRelation, type Reader, type Role, type Visibility } from '../../../../libs/domain/src';
import { CaseQueries, CaseReadRow, CaseRow, ProjectionFailureQueries, ProjectionFailureRow, accessFactsOf } from '../../../../libs/persistence/src';
import { ProblemException } from '../common/problem';
import { presentCaseView } from './case-presenter';
import { AccessLog } from '../audit/access-log';
import type { AccessView } from '../../../../libs/persistence/src/access-log';

export interface Access {
  row: CaseRow;
  relation: CaseRelation;
  role: Role;
  visibility: Visibility;
  /** Which classes of fields the actor receives (libs/domain/src/visibility.ts). */
  reader: Reader;
}

/** Loads a case and applies the domain policy: 404 when the actor has no relation to it, 403 when the action is not theirs. */
@Injectable()
export class CaseAccess {
  readonly queries: CaseQueries;
  readonly failures: ProjectionFailureQueries;
  private readonly accessLog: AccessLog;

  constructor(@Inject(DataSource) db: DataSource) {
    this.queries = new CaseQueries(db);
    this.failures = new ProjectionFailureQueries(db);
    this.accessLog = new AccessLog(db);
  }

  /** Records that the actor is being shown these cases (access_log); call before the answer leaves. */
  logRead(actor: Actor, view: AccessView, caseIds: readonly string[]): Promise<void> {
    return this.accessLog.record(actor, view, caseIds);
  }

  /** How the actor reads a row already selected by their list scope; a bare summary when the policy sees no relation. */
  reader(actor: Actor, row: CaseRow | CaseReadRow): Reader {
    return this.readerOf(actor, row);
  }

  private readerOf(actor: Actor, row: CaseRow | CaseReadRow): Reader {
    return readerOf(actor, accessFactsOf(row)) ?? { visibility: 'SUMMARY', classes: new Set() };
  }

  /**
   * The case as its reader may see it, with its audit history: what every read and command answers.
   * With `minVersion`, a client reading its own write is told to retry (503) until Postgres shows it.
   * One statement reads the case, its history and records the read when the actor's scope holds the
   * case; the policy still decides on the row. Anything unusual (no row, a failed projection) goes
   * the long way, which answers exactly as before.
   */
  async view(actor: Actor, caseId: string, minVersion?: number) {
    const row = UUID.test(caseId) ? await this.queries.read(actor, caseId, minVersion) : null;
    if (!row || !row.inScope || row.flags.includes('PROJECTION_FAILED')) return this.viewTheLongWay(actor, caseId, minVersion);
    const decision = decide(actor, { kind: 'VIEW' }, accessFactsOf(row));
    if (decision.outcome === 'NOT_FOUND') throw notFound(caseId);
    if (decision.outcome === 'FORBIDDEN') throw ProblemException.of(403, 'FORBIDDEN_ACTION', decision.reason);
    if (minVersion !== undefined && row.version < minVersion) throw readModelBehind(caseId, row.version, 'BEHIND');
    return presentCaseView(row, row.history ?? [], this.readerOf(actor, row));
  }

  private async viewTheLongWay(actor: Actor, caseId: string, minVersion?: number) {
    const { row, reader } = await this.require(actor, caseId, { kind: 'VIEW' });
    if (row.flags.includes('PROJECTION_FAILED')) throw readModelBehind(caseId, row.version, 'FAILED');
    if (minVersion !== undefined && row.version < minVersion) throw readModelBehind(caseId, row.version, 'BEHIND');
    const history = await this.queries.history(caseId);
    await this.logRead(actor, 'CASE', [caseId]);
    return presentCaseView(row, history, reader);
  }

  async require(actor: Actor, caseId: string, action: CaseAction): Promise<Access> {
    let row = UUID.test(caseId) ? await this.queries.findCase(caseId) : null;
    // A case whose filing Postgres could not take yet is known by its failure's facts: it can be
    // acted on (commands reach the workflow), and a read says the record is behind.
    const failure = row ? null : UUID.test(caseId) ? await this.failures.open(caseId) : null;
    if (!row && failure?.kind) row = rowFromFailure(failure);
    if (!row) throw notFound(caseId);
    const decision = decide(actor, action, accessFactsOf(row));
    if (failure && action.kind === 'VIEW' && decision.outcome === 'ALLOW') throw readModelBehind(caseId, -1, 'FAILED');
    switch (decision.outcome) {
      case 'NOT_FOUND':
        throw notFound(caseId);
      case 'FORBIDDEN':
        throw ProblemException.of(403, 'FORBIDDEN_ACTION', decision.reason);
      case 'ALLOW':
        return { row, relation: decision.relation, role: decision.role, visibility: decision.visibility, reader: this.reader(actor, row) };
    }
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Postgres does not show the case (or the version asked for) yet: retry, it is on its way or with operators. */
export function readModelBehind(caseId: string, version: number, readModel: 'BEHIND' | 'FAILED'): ProblemException {
  const problem = ProblemException.of(
    503,
    'READ_MODEL_BEHIND',
    readModel === 'FAILED'
      ? `case ${caseId} could not be fully recorded yet; the case itself is safe and moving, operators have been told. Retry later.`
      : `case ${caseId} is being recorded; retry shortly`,
    { readModel, version } as never,
  );
  problem.retryAfterSeconds = readModel === 'FAILED' ? 60 : 1;
  return problem;
}

function rowFromFailure(f: ProjectionFailureRow): CaseRow {
  return {
    id: f.caseId,
    kind: f.kind!,
    state: 'DRAFT',
    version: -1,
    requestingState: f.requestingState!,
    requestingAuthorityId: f.requestingAuthorityId!,
    requestedState: f.requestedState!,
    legalBasis: '',
    rulePackVersion: 0,
    createdBy: f.createdBy!,
    assistanceTypes: [],
    subjectOfProceedings: null,
    factsSummary: null,
    purpose: null,
    persons: [],
    language: '',
    urgency: 'NORMAL',
    requestedByDate: null,
    deadlineReason: null,
    transmitted: false,
    executingAuthorityIds: [],
    escalatedToFocalPointsOf: [],
    flags: ['PROJECTION_FAILED'],
    detail: {},
    linkedCaseId: null,
    lastPartyEventAt: f.firstFailedAt,
    filedAt: f.firstFailedAt,
    createdAt: f.firstFailedAt,
    updatedAt: f.lastFailedAt,
  };
}

export function notFound(caseId: string): ProblemException {
  return ProblemException.of(404, 'CASE_NOT_FOUND', `no case ${caseId} visible to you`);
}
