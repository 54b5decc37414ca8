import { Inject, Injectable } from '@nestjs/common';
import { createHash, randomUUID } from 'node:crypto';
import { Actor, FieldProblem, mayFile } from '../../../../../libs/domain/src';
import { CaseGateway, CaseWorkflowGoneError, CommandNotAcceptedError } from '../../../../../libs/temporal/src';
import type { CaseStatus } from '../../../../../libs/contracts/src';
import { AcceptedCommand, commandContext } from '../../common/command-interceptor';
import { ProblemException } from '../../common/problem';
import { FileMlaRequestDto } from '../dto/file-mla-request.dto';
import { CaseAccess } from '../case-access';
import { CaseReference } from '../case-reference';

export interface FilingOutcome {
  caseId: string;
  created: boolean;
  /** Set when Temporal took the filing but Postgres does not show it yet: answered 202. */
  accepted?: AcceptedCommand;
}

@Injectable()
export class FileMlaRequest {
  constructor(
    @Inject(CaseReference) private readonly reference: CaseReference,
    @Inject(CaseGateway) private readonly gateway: CaseGateway,
    @Inject(CaseAccess) private readonly access: CaseAccess,
  ) {}

  async execute(actor: Actor, dto: FileMlaRequestDto, idempotencyKey: string | undefined, now = new Date()): Promise<FilingOutcome> {
    const decision = mayFile(actor);
    if (decision.outcome !== 'ALLOW') throw ProblemException.of(403, 'FORBIDDEN_ACTION', decision.outcome === 'FORBIDDEN' ? decision.reason : 'forbidden');
    // Membership, rule packs and networks as of the filing authority's local date.
    const today = await this.reference.localToday(actor.stateCode, now);
    const problems: FieldProblem[] = [];
    const ctx = await this.reference.contextFor(actor.stateCode, dto.requestedState, today, problems);
    const basis = await this.reference.basisFor(dto.legalBasis, today, [actor.stateCode, dto.requestedState], problems);
    if (problems.length || !ctx || !basis) {
      throw ProblemException.of(422, 'INVALID_FILING', `${problems.length} problem(s) with the filing`, { errors: problems });
    }
    const caseId = idempotencyKey ? caseIdFor(actor.userId, idempotencyKey) : randomUUID();
    const filingDigest = digest(dto);
    ctx.caseId = caseId;
    ctx.basesInForce = await this.reference.basesInForce(actor.stateCode, dto.requestedState, 'MLA', today);

    try {
      const outcome = await this.gateway.fileMla(
        {
          caseId,
          ctx,
          basis,
          content: {
            assistanceTypes: dto.assistanceTypes,
            subjectOfProceedings: dto.subjectOfProceedings,
            factsSummary: dto.factsSummary,
            purpose: dto.purpose,
            persons: dto.persons.map((p) => ({ ...p })),
            language: dto.language,
            urgency: dto.urgency ?? 'NORMAL',
            requestedByDate: dto.requestedByDate,
            deadlineReason: dto.deadlineReason,
          },
          requestingAuthorityId: actor.authorityId,
          filedBy: { userId: actor.userId, role: 'PROSECUTOR', stateCode: actor.stateCode, authorityId: actor.authorityId },
          filingDigest,
        },
        { updateId: commandContext().updateId },
      );
      return filingOutcome(caseId, filingDigest, outcome);
    } catch (err) {
      // The key's case exists and its workflow has ended (withdrawn, say): the replay still gets that case.
      if (err instanceof CaseWorkflowGoneError && idempotencyKey) {
        const row = await this.access.queries.findCase(caseId);
        if (row && row.createdBy === actor.userId) return { caseId, created: false };
      }
      throw commandError(err);
    }
  }
}

/** 201 with the case when Postgres shows it; 202 when the filing is durable in Temporal but not yet recorded. */
export function filingOutcome(caseId: string, filingDigest: string, outcome: { completed: boolean; status?: CaseStatus }): FilingOutcome {
  if (outcome.status && outcome.status.filingDigest !== filingDigest) throw keyReused();
  if (!outcome.completed || outcome.status?.readModel === 'FAILED') return { caseId, created: true, accepted: new AcceptedCommand(caseId, outcome.status) };
  return { caseId, created: true };
}

/** Temporal did not take the command in time: nothing changed, the client retries (with its key). */
export function commandError(err: unknown): unknown {
  if (err instanceof CommandNotAcceptedError) {
    const detail = 'the case workflow did not take the command in time (no worker answered); nothing was changed, retry with the same Idempotency-Key';
    const problem = ProblemException.of(503, 'COMMAND_NOT_ACCEPTED', detail);
    problem.retryAfterSeconds = 5;
    return problem;
  }
  return err;
}

export function keyReused(): ProblemException {
  return ProblemException.of(422, 'IDEMPOTENCY_KEY_REUSED', 'this Idempotency-Key was already used for a different request', {
    errors: [{ field: 'Idempotency-Key', rule: 'same_body', message: 'a retried request must repeat the same body' }],
  });
}

/** A name-based (version 5 layout) UUID from the filer and their key: the same retry maps to the same case. */
export function caseIdFor(userId: string, key: string): string {
  const h = createHash('sha1').update(`mla-case\n${userId}\n${key}`).digest();
  h[6] = (h[6] & 0x0f) | 0x50;
  h[8] = (h[8] & 0x3f) | 0x80;
  const hex = h.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** Digest of the body with keys sorted, so that key order does not make a retry look different. */
export function digest(value: unknown): string {
  return createHash('sha256').update(canonical(value)).digest('hex');
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
