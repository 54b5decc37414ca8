import { Inject, Injectable } from '@nestjs/common';
import {
  Actor,
  CaseAction,
  CaseRelation,
  DOMESTIC_COMMANDS,
  EXTRADITION_COMMANDS,
  ExtraditionCommand,
  FieldProblem,
  MLA_COMMANDS,
  MlaCommand,
} from '../../../../../libs/domain/src';
import { TERMINAL_STATES } from '../../../../../libs/persistence/src';
import { CaseGateway, CaseWorkflowGoneError, CommandNotAcceptedError, CommandRefusedError } from '../../../../../libs/temporal/src';
import type { CaseKind } from '../../../../../libs/contracts/src';
import { AcceptedCommand, commandContext } from '../../common/command-interceptor';
import { commandError } from './file-mla-request.usecase';

export interface CommandResult {
  warnings: FieldProblem[];
  /** Set when the command took effect in the workflow but Postgres does not show it yet. */
  accepted?: AcceptedCommand;
}
import { ProblemException } from '../../common/problem';
import { CaseAccess, notFound } from '../case-access';
import { CaseReference } from '../case-reference';

type CommandTable = Record<string, { by: readonly (CaseRelation | 'SYSTEM')[] }>;
const TABLES: Record<CaseKind, CommandTable> = { MLA: MLA_COMMANDS, EXTRADITION: EXTRADITION_COMMANDS, DOMESTIC_PROSECUTION: DOMESTIC_COMMANDS };

/** Authorises a life-cycle command with the policy, then hands it to the case's workflow. */
@Injectable()
export class RunCaseCommand {
  constructor(
    @Inject(CaseAccess) private readonly access: CaseAccess,
    @Inject(CaseGateway) private readonly gateway: CaseGateway,
    @Inject(CaseReference) private readonly filing: CaseReference,
  ) {}

  /** `kind` is the kind of case the route serves: a case of another kind is not found there. */
  async execute(actor: Actor, caseId: string, command: { type: string }, occurredAt?: string, kind: CaseKind = 'MLA'): Promise<CommandResult> {
    const table = TABLES[kind];
    const spec = table[command.type];
    if (!spec) throw ProblemException.of(400, 'UNKNOWN_COMMAND', `${command.type} is not a command for a ${kind.toLowerCase().replace(/_/g, ' ')} case`);
    // Notes are the one thing network contacts may add; everything else is a step of the life cycle.
    const action: CaseAction =
      command.type === 'NOTE'
        ? { kind: 'COMMENT' }
        : { kind: 'COMMAND', name: command.type, allowedRelations: spec.by.filter((r): r is CaseRelation => r !== 'SYSTEM') };
    const { row, relation, role } = await this.access.require(actor, caseId, action);
    if (row.kind !== kind) throw notFound(caseId);
    if (kind === 'MLA') await this.resolveBasis(command as MlaCommand, row);
    if (kind === 'MLA') await this.resolveDirectory(command as MlaCommand);
    if (kind === 'EXTRADITION') await this.resolveExtraditionBasis(command as ExtraditionCommand, row);
    try {
      const outcome = await this.gateway.command(
        caseId,
        { command, relation, occurredAt, actor: { userId: actor.userId, role, stateCode: actor.stateCode, authorityId: actor.authorityId } },
        kind,
        { updateId: commandContext().updateId },
      );
      // Taken by the workflow, but Postgres does not show it (yet): 202 with where to read it.
      if (!outcome.completed || outcome.status.readModel === 'FAILED') return { warnings: [], accepted: new AcceptedCommand(caseId, outcome.status) };
      return { warnings: outcome.status.warnings ?? [] };
    } catch (err) {
      if (err instanceof CommandRefusedError) throw ProblemException.fromViolation(err.violation);
      if (err instanceof CommandNotAcceptedError) throw commandError(err);
      if (err instanceof CaseWorkflowGoneError && TERMINAL_STATES.has(row.state)) {
        throw ProblemException.of(409, 'CASE_TERMINAL', `the case is ${row.state}, a terminal state: no further command is accepted`);
      }
      throw err;
    }
  }

  /** A forwarding carries what the directory says of its authorities: the case forwards only to the requested State's executing authorities. */
  private async resolveDirectory(command: MlaCommand): Promise<void> {
    if ((command.type === 'ACCEPT' || command.type === 'FORWARD_ITEMS') && command.forward?.length) {
      command.directory = await this.filing.directoryOf(command.forward.map((f) => f.executingAuthorityId).filter((id) => typeof id === 'string'));
    }
  }

  /** An extradition's amendment of its basis carries the rule pack of the new instrument, if it covers extradition. */
  private async resolveExtraditionBasis(command: ExtraditionCommand, row: { requestingState: string; requestedState: string }): Promise<void> {
    if (command.type !== 'AMEND_BASIS') return;
    const problems: FieldProblem[] = [];
    // Amendments are the requesting side's acts: membership as of its local date.
    const today = await this.filing.localToday(row.requestingState);
    const states = [row.requestingState, row.requestedState];
    const basis = await this.filing.basisFor(command.legalBasis, today, states, problems, 'legalBasis', 'EXTRADITION');
    if (!basis) throw ProblemException.of(422, 'INVALID_AMENDMENT', problems.map((p) => p.message).join('; '), { errors: problems });
    command.basis = basis;
  }

  /** Amendments of the basis and re-pins carry the rule pack the workflow is to pin. */
  private async resolveBasis(command: MlaCommand, row: { legalBasis: string; requestingState: string; requestedState: string }): Promise<void> {
    // Amendments and re-pins as of the requesting side's local date.
    const today = await this.filing.localToday(row.requestingState);
    const states = [row.requestingState, row.requestedState];
    const problems: FieldProblem[] = [];
    if (command.type === 'AMEND' && command.changes.legalBasis) {
      const { legalBasis, ...rest } = command.changes;
      const basis = await this.filing.basisFor(legalBasis, today, states, problems);
      if (!basis) throw ProblemException.of(422, 'INVALID_AMENDMENT', problems.map((p) => p.message).join('; '), { errors: problems });
      command.changes = rest;
      command.basis = basis;
    }
    if (command.type === 'REPIN_RULE_PACK') {
      command.basis = (await this.filing.basisFor(row.legalBasis, today, states, problems)) ?? undefined;
      if (!command.basis) throw ProblemException.of(422, 'NO_RULE_PACK', problems.map((p) => p.message).join('; '), { errors: problems });
    }
  }
}
