import { ActorRef } from '../roles';
import { CaseRelation } from '../policy';
import { RuleViolation } from '../rule-violation';
import { MlaState, isTerminal } from './mla-states';

/** A life-cycle command as the workflow receives it. `occurredAt` is absent when the act happens now. */
export type MlaCommand =
  | { type: 'SUBMIT'; comment?: string }
  | { type: 'APPROVE'; comment?: string }
  | { type: 'RETURN_FOR_CORRECTION'; comment: string }
  | { type: 'RESUBMIT'; comment?: string }
  | { type: 'WITHDRAW'; reason: string };
export type MlaCommandType = MlaCommand['type'];

export interface CommandEnvelope {
  command: MlaCommand;
  actor: ActorRef;
  /** The relation through which the policy allowed the actor to act. */
  relation: CaseRelation;
}

export interface CommandSpec {
  /** States the command may leave from; `'ANY_OPEN'` means every non-terminal state. */
  from: readonly MlaState[] | 'ANY_OPEN';
  to: MlaState;
  by: readonly CaseRelation[];
  legalRef?: string;
}

export const MLA_COMMANDS: Record<MlaCommandType, CommandSpec> = {
  SUBMIT: { from: ['DRAFT'], to: 'PENDING_CA_REVIEW', by: ['REQUESTING_PROSECUTOR'] },
  APPROVE: { from: ['PENDING_CA_REVIEW'], to: 'READY_TO_TRANSMIT', by: ['REQUESTING_CA'], legalRef: 'UNTOC art. 18(13)' },
  RETURN_FOR_CORRECTION: { from: ['PENDING_CA_REVIEW'], to: 'RETURNED_FOR_CORRECTION', by: ['REQUESTING_CA'] },
  RESUBMIT: { from: ['RETURNED_FOR_CORRECTION'], to: 'PENDING_CA_REVIEW', by: ['REQUESTING_PROSECUTOR'] },
  WITHDRAW: { from: 'ANY_OPEN', to: 'WITHDRAWN', by: ['REQUESTING_PROSECUTOR', 'REQUESTING_CA'] },
};

export type TransitionPlan = { ok: true; from: MlaState; to: MlaState; legalRef?: string } | { ok: false; violation: RuleViolation };

/**
 * Decides whether `envelope` may move a case that is in `state`, and where to. Pure: the workflow's
 * update validator and its handler both call it, so a refusal and an acceptance never disagree.
 */
export function planTransition(state: MlaState, envelope: CommandEnvelope): TransitionPlan {
  const { command } = envelope;
  const spec = MLA_COMMANDS[command.type];
  if (!spec) {
    return { ok: false, violation: { kind: 'INVALID', code: 'UNKNOWN_COMMAND', message: `unknown command ${String(command.type)}` } };
  }
  if (isTerminal(state)) {
    return {
      ok: false,
      violation: { kind: 'CONFLICT', code: 'CASE_TERMINAL', message: `the case is ${state}, a terminal state: no further command is accepted` },
    };
  }
  if (!spec.by.includes(envelope.relation)) {
    return {
      ok: false,
      violation: { kind: 'CONFLICT', code: 'NOT_YOUR_STEP', message: `${command.type} is not a step for ${envelope.relation}` },
    };
  }
  if (spec.from !== 'ANY_OPEN' && !spec.from.includes(state)) {
    return {
      ok: false,
      violation: {
        kind: 'CONFLICT',
        code: 'INVALID_TRANSITION',
        message: `${command.type} is possible only from ${spec.from.join(', ')}; the case is ${state}`,
      },
    };
  }
  const contentProblem = checkContent(command);
  if (contentProblem) return { ok: false, violation: contentProblem };
  return { ok: true, from: state, to: spec.to, legalRef: spec.legalRef };
}

function checkContent(command: MlaCommand): RuleViolation | undefined {
  if (command.type === 'RETURN_FOR_CORRECTION' && !command.comment?.trim()) {
    return invalid('comment', 'required', 'a return for correction must say what to correct');
  }
  if (command.type === 'WITHDRAW' && !command.reason?.trim()) {
    return invalid('reason', 'required', 'a withdrawal must give its reason');
  }
  return undefined;
}

function invalid(field: string, rule: string, message: string): RuleViolation {
  return { kind: 'INVALID', code: 'INVALID_COMMAND', message, errors: [{ field, rule, message }] };
}
