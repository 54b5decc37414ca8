import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Actor, CaseAction, decide, type CaseRelation, type Role, type Visibility } from '../../../../libs/domain/src';
import { CaseQueries, CaseRow, accessFactsOf } from '../../../../libs/persistence/src';
import { ProblemException } from '../common/problem';
import { presentCase, presentEvent } from './case-presenter';

export interface Access {
  row: CaseRow;
  relation: CaseRelation;
  role: Role;
  visibility: Visibility;
}

/** Loads a case and applies the domain policy: 404 when the actor has no relation to it, 403 when the action is not theirs. */
@Injectable()
export class CaseAccess {
  readonly queries: CaseQueries;

  constructor(@Inject(DataSource) db: DataSource) {
    this.queries = new CaseQueries(db);
  }

  /** Visibility of a row already selected by the actor's list scope; SUMMARY when the policy sees no full relation. */
  visibility(actor: Actor, row: CaseRow): Visibility {
    const decision = decide(actor, { kind: 'VIEW' }, accessFactsOf(row));
    return decision.outcome === 'ALLOW' ? decision.visibility : 'SUMMARY';
  }

  /** The case as its reader may see it, with its audit history: what every read and command answers. */
  async view(actor: Actor, caseId: string) {
    const { row, visibility } = await this.require(actor, caseId, { kind: 'VIEW' });
    const history = await this.queries.history(caseId);
    return { ...presentCase(row, visibility), history: history.map(presentEvent) };
  }

  async require(actor: Actor, caseId: string, action: CaseAction): Promise<Access> {
    const row = UUID.test(caseId) ? await this.queries.findCase(caseId) : null;
    if (!row) throw notFound(caseId);
    const decision = decide(actor, action, accessFactsOf(row));
    switch (decision.outcome) {
      case 'NOT_FOUND':
        throw notFound(caseId);
      case 'FORBIDDEN':
        throw ProblemException.of(403, 'FORBIDDEN_ACTION', decision.reason);
      case 'ALLOW':
        return { row, relation: decision.relation, role: decision.role, visibility: decision.visibility };
    }
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function notFound(caseId: string): ProblemException {
  return ProblemException.of(404, 'CASE_NOT_FOUND', `no case ${caseId} visible to you`);
}
