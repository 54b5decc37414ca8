import { Inject, Injectable } from '@nestjs/common';
import { Actor, CaseAction, FieldProblem, MLA_COMMANDS, MLA_TERMINAL_STATES, MlaCommand } from '../../../../../libs/domain/src';
import { CaseGateway, CaseWorkflowGoneError, CommandRefusedError } from '../../../../../libs/temporal/src';
import { ProblemException } from '../../common/problem';
import { CaseAccess } from '../case-access';
import { FileMlaRequest } from './file-mla-request.usecase';

/** Authorises a life-cycle command with the policy, then hands it to the case's workflow. */
@Injectable()
export class RunCaseCommand {
  constructor(
    @Inject(CaseAccess) private readonly access: CaseAccess,
    @Inject(CaseGateway) private readonly gateway: CaseGateway,
    @Inject(FileMlaRequest) private readonly filing: FileMlaRequest,
  ) {}

  async execute(actor: Actor, caseId: string, command: MlaCommand, occurredAt?: string): Promise<{ warnings: FieldProblem[] }> {
    const spec = MLA_COMMANDS[command.type];
    // Notes are the one thing network contacts may add; everything else is a step of the life cycle.
    const action: CaseAction =
      command.type === 'NOTE' ? { kind: 'COMMENT' } : { kind: 'COMMAND', name: command.type, allowedRelations: spec.by };
    const { row, relation, role } = await this.access.require(actor, caseId, action);
    if (command.type === 'AMEND' && command.changes.legalBasis) await this.pinNewBasis(command, row.requestingState, row.requestedState);
    if (command.type === 'REPIN_RULE_PACK') {
      const problems: FieldProblem[] = [];
      command.basis = (await this.filing.basisFor(row.legalBasis, new Date().toISOString().slice(0, 10), [row.requestingState, row.requestedState], problems)) ?? undefined;
      if (!command.basis) throw ProblemException.of(422, 'NO_RULE_PACK', problems.map((p) => p.message).join('; '), { errors: problems });
    }
    try {
      const status = await this.gateway.command(caseId, {
        command,
        relation,
        occurredAt,
        actor: { userId: actor.userId, role, stateCode: actor.stateCode, authorityId: actor.authorityId },
      });
      return { warnings: status.warnings ?? [] };
    } catch (err) {
      if (err instanceof CommandRefusedError) throw ProblemException.fromViolation(err.violation);
      if (err instanceof CaseWorkflowGoneError && MLA_TERMINAL_STATES.has(row.state)) {
        throw ProblemException.of(409, 'CASE_TERMINAL', `the case is ${row.state}, a terminal state: no further command is accepted`);
      }
      throw err;
    }
  }

  private async pinNewBasis(command: Extract<MlaCommand, { type: 'AMEND' }>, requesting: string, requested: string): Promise<void> {
    const problems: FieldProblem[] = [];
    const { legalBasis, ...rest } = command.changes as typeof command.changes & { legalBasis?: string };
    const basis = await this.filing.basisFor(legalBasis!, new Date().toISOString().slice(0, 10), [requesting, requested], problems);
    if (!basis) throw ProblemException.of(422, 'INVALID_AMENDMENT', problems.map((p) => p.message).join('; '), { errors: problems });
    command.changes = rest;
    command.basis = basis;
  }
}
