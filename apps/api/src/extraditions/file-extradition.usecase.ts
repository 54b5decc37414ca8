import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Actor, EXTRADITION_RULES_VERSION, FieldProblem, mayFile } from '../../../../libs/domain/src';
import { CaseGateway } from '../../../../libs/temporal/src';
import { ProblemException } from '../common/problem';
import { FilingOutcome, caseIdFor, commandError, digest, filingOutcome } from '../cases/usecases/file-mla-request.usecase';
import { commandContext } from '../common/command-interceptor';
import { CaseReference } from '../cases/case-reference';
import { FileExtraditionDto } from './extradition.dto';

/**
 * Files an extradition request (with or without a provisional arrest). Linking it to any other open
 * request for the same person in the same requested State (ECE art. 17) is the workflow's business:
 * it registers with its person's registry workflow, which links the pair durably on both cases.
 */
@Injectable()
export class FileExtradition {
  constructor(
    @Inject(CaseGateway) private readonly gateway: CaseGateway,
    @Inject(CaseReference) private readonly filing: CaseReference,
  ) {}

  async execute(actor: Actor, dto: FileExtraditionDto, idempotencyKey?: string, now = new Date()): Promise<FilingOutcome> {
    const decision = mayFile(actor, 'EXTRADITION');
    if (decision.outcome !== 'ALLOW') throw ProblemException.of(403, 'FORBIDDEN_ACTION', decision.outcome === 'FORBIDDEN' ? decision.reason : 'forbidden');
    // Membership, rule packs and networks as of the filing authority's local date.
    const today = await this.filing.localToday(actor.stateCode, now);
    const problems: FieldProblem[] = [];
    const ctx = await this.filing.contextFor(actor.stateCode, dto.requestedState, today, problems);
    const basis = await this.filing.basisFor(dto.legalBasis, today, [actor.stateCode, dto.requestedState], problems, 'legalBasis', 'EXTRADITION');
    if (problems.length || !ctx || !basis) {
      throw ProblemException.of(422, 'INVALID_FILING', `${problems.length} problem(s) with the filing`, { errors: problems });
    }
    const caseId = idempotencyKey ? caseIdFor(actor.userId, `extradition:${idempotencyKey}`) : randomUUID();
    ctx.caseId = caseId;
    ctx.extraditionRules = EXTRADITION_RULES_VERSION;
    const filingDigest = digest(dto);
    const outcome = await this.gateway
      .fileExtradition(
        {
          caseId,
          ctx,
          basis,
          content: {
            person: { ...dto.person },
            offence: dto.offence,
            factsSummary: dto.factsSummary,
            purpose: dto.purpose,
            language: dto.language,
            urgency: dto.urgency ?? 'NORMAL',
          },
          provisionalArrest: dto.provisionalArrest ? { ...dto.provisionalArrest } : undefined,
          requestingAuthorityId: actor.authorityId,
          filedBy: { userId: actor.userId, role: decision.role, stateCode: actor.stateCode, authorityId: actor.authorityId },
          filingDigest,
        },
        { updateId: commandContext().updateId },
      )
      .catch((err) => {
        throw commandError(err);
      });
    return filingOutcome(caseId, filingDigest, outcome);
  }
}
