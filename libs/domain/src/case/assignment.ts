// Assignment of a case's present step to a named officer of the authority that owes it (issue 15):
// level-0 reminders then go to that officer, level-1 escalations still to the head of the authority.
// Every assignment and reassignment is an event of the case, so the audit trail says who assigned whom.
import type { CaseRelation } from '../policy';
import type { CaseCore } from './case-model';
import { invalidField, refusal, type Act, type CommandSpec, type Outcome } from './command-guard';

/** What the directory says of the officer named, resolved by the API before the command reaches the case (null: no such user). */
export interface AssigneeFacts {
  authorityId: string;
  roles: readonly string[];
  enabled: boolean;
}

export interface AssignCommand {
  type: 'ASSIGN';
  assigneeId: string;
  /** The authority assigning: the actor's own. */
  authorityId: string;
  assignee?: AssigneeFacts | null;
  comment?: string;
}

/** A case that remembers the officer each authority assigned it to. */
export interface Assignable {
  assignees?: Record<string, string>;
}

const OFFICER_ROLES = ['CENTRAL_AUTHORITY', 'CENTRAL_AUTHORITY_HEAD'];
/** Acts open to a relation in every open state: they do not make the present step its own. */
const NOT_A_STEP = new Set(['NOTE', 'WITHDRAW', 'ASSIGN']);

export const ASSIGN_SPEC: CommandSpec<string> = {
  from: 'ANY_OPEN',
  by: ['REQUESTING_CA', 'REQUESTED_CA'],
  legalRef: 'UNTOC art. 18(13)',
  partyActivity: false,
};

/** Whether the present state of the case awaits a command of this relation (its authority owns the step). */
export function ownsStep(commands: Record<string, CommandSpec<string, string>>, status: string, relation: string): boolean {
  return Object.entries(commands).some(
    ([type, spec]) => !NOT_A_STEP.has(type) && spec.by.includes(relation) && spec.from !== 'ANY_OPEN' && spec.from.includes(status),
  );
}

export function assign<S extends CaseCore & Assignable>(
  commands: Record<string, CommandSpec<string, string>>,
  s: S,
  c: AssignCommand,
  act: Act<S>,
): Outcome<S> {
  if (!ownsStep(commands, s.status, act.relation)) {
    const whose = act.relation
      .toLowerCase()
      .replace(/_/g, ' ')
      .replace(/\bca\b/, 'central authority');
    return refusal('CONFLICT', 'NOT_STEP_OWNER', `the case is ${s.status}: the present step is not the ${whose}'s, so it is not theirs to assign`);
  }
  if (c.authorityId !== act.actor.authorityId) return invalidField('authorityId', 'own_authority', 'an authority assigns its own officers only');
  if (!c.assigneeId?.trim()) return invalidField('userId', 'required', 'name the officer to assign');
  const a = c.assignee;
  if (!a) return invalidField('userId', 'known_user', `${c.assigneeId} is not a user of the directory`);
  if (a.authorityId !== c.authorityId) return invalidField('userId', 'same_authority', `${c.assigneeId} is not an officer of ${c.authorityId}`);
  if (!a.roles.some((r) => OFFICER_ROLES.includes(r))) return invalidField('userId', 'authority_officer', `${c.assigneeId} is not a central authority officer`);
  if (!a.enabled) return invalidField('userId', 'enabled_user', `${c.assigneeId} is disabled`);
  const previous = s.assignees?.[c.authorityId];
  if (previous === c.assigneeId) return refusal('CONFLICT', 'ALREADY_ASSIGNED', `the case is already assigned to ${c.assigneeId}`);
  const next = { ...s, assignees: { ...s.assignees, [c.authorityId]: c.assigneeId } };
  return act.emit(next, s.status, {
    comment: c.comment,
    data: { assigneeId: c.assigneeId, authorityId: c.authorityId, ...(previous ? { previousAssigneeId: previous } : {}) },
  });
}

export type { CaseRelation };
