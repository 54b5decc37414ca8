import { Inject, Injectable } from '@nestjs/common';
import { Actor, MLA_COMMANDS, MLA_TERMINAL_STATES, MlaCommand } from '../../../../../libs/domain/src';
import { CaseGateway, CaseWorkflowGoneError, CommandRefusedError } from '../../../../../libs/temporal/src';
import { ProblemException } from '../../common/problem';
import { CaseAccess } from '../case-access';

/** Authorises a life-cycle command with the policy, then hands it to the case's workflow. */
@Injectable()
export class RunCaseCommand {
  constructor(
    @Inject(CaseAccess) private readonly access: CaseAccess,
    @Inject(CaseGateway) private readonly gateway: CaseGateway,
  ) {}

  async execute(actor: Actor, caseId: string, command: MlaCommand): Promise<void> {
    const spec = MLA_COMMANDS[command.type];
    const { row, relation, role } = await this.access.require(actor, caseId, {
      kind: 'COMMAND',
      name: command.type,
      allowedRelations: spec.by,
    });
    try {
      await this.gateway.command(caseId, {
        command,
        relation,
        actor: { userId: actor.userId, role, stateCode: actor.stateCode, authorityId: actor.authorityId },
      });
    } catch (err) {
      if (err instanceof CommandRefusedError) throw ProblemException.fromViolation(err.violation);
      if (err instanceof CaseWorkflowGoneError && MLA_TERMINAL_STATES.has(row.state)) {
        throw ProblemException.of(409, 'CASE_TERMINAL', `the case is ${row.state}, a terminal state: no further command is accepted`);
      }
      throw err;
    }
  }
}
