// The one pipeline every command of every kind of case goes through: who may act, from which
// states, when the act happened, and what every accepted act does to the case besides its own effect
// (party activity, the time of the last event, the ESCALATED flag). A kind of case brings only its
// table of commands and its handlers.
import type { ActorRef } from '../roles';
import { PARTY_RELATIONS, type CaseRelation } from '../policy';
import type { FieldProblem, RuleViolation } from '../rule-violation';
import { stripUndefined, type CaseCore, type CaseEvent } from './case-model';
import { recordPartyActivity } from './clocks';
import { refreshEscalatedFlag } from './tasks';

/** A command accepted (the new case, the events to record, warnings for the caller) or refused (the rule). */
export type Outcome<S> = Accepted<S> | Refused;
export type Accepted<S> = { ok: true; state: S; events: CaseEvent[]; warnings: FieldProblem[] };
export type Refused = { ok: false; violation: RuleViolation };

export function refusal(kind: RuleViolation['kind'], code: string, message: string, extra: Partial<RuleViolation> = {}): Refused {
  return { ok: false, violation: { kind, code, message, ...extra } };
}

/** A field of the command breaks a rule: INVALID, naming the field and the rule. */
export function invalidField(field: string, rule: string, message: string, legalRef?: string): Refused {
  return refusal('INVALID', 'INVALID_COMMAND', message, { legalRef, errors: [{ field, rule, message, legalRef }] });
}

/** A life-cycle command as the workflow receives it. */
export interface Envelope<C, R extends string = CaseRelation> {
  command: C;
  actor: ActorRef;
  /** The relation through which the policy allowed the actor to act. */
  relation: R;
  /** When the act really happened, if earlier than its recording (ISO instant). */
  occurredAt?: string;
}

/** Who may run a command, and from which states. */
export interface CommandSpec<St extends string = string, R extends string = CaseRelation> {
  /** States the command may leave from; `'ANY_OPEN'` means every non-terminal state. */
  from: readonly St[] | 'ANY_OPEN';
  by: readonly R[];
  legalRef?: string;
  /** False for the authorities' housekeeping (assignment): not news from the case, STALLED keeps running. */
  partyActivity?: boolean;
  /** A more telling refusal than INVALID_TRANSITION when the command comes from another state. */
  elsewhere?: { code: string; message: string; legalRef?: string };
}

/** What a handler knows of the act besides the case and the command. */
export interface Act<S extends CaseCore> {
  actor: ActorRef;
  relation: string;
  /** When the act happened (checked `occurredAt`, or the workflow's now). */
  at: number;
  /** The command's event, moving the case from its state before the command to `to`. */
  emit(next: S, to: S['status'], extra?: Partial<CaseEvent>): Accepted<S>;
}

export type Handler<S extends CaseCore, C> = (s: S, c: C, act: Act<S>) => Outcome<S>;
export type HandlerTable<S extends CaseCore, C extends { type: string }> = { [K in C['type']]: Handler<S, Extract<C, { type: K }>> };

/** A kind of case, as the pipeline runs its commands. */
export interface CaseRules<S extends CaseCore, C extends { type: string }, R extends string = CaseRelation> {
  commands: Record<C['type'], CommandSpec<S['status'], R>>;
  handlers: HandlerTable<S, C>;
  terminal: ReadonlySet<string>;
  /** Whether the STALLED clock runs after this act (default: while the case is open). */
  stallable?(s: S): boolean;
  /** Whether parties' acts count as news from the case (STALLED, status checks); default yes. */
  followsPartyActivity?: boolean;
}

/** Checks an event's `occurredAt` against the workflow's clock and the previous act. */
export function eventTime(occurredAt: string | undefined, now: number, lastEventAt: number): { at: number } | { field: string; rule: string; message: string } {
  if (occurredAt === undefined) return { at: now };
  const t = Date.parse(occurredAt);
  if (Number.isNaN(t)) return { field: 'occurredAt', rule: 'iso_instant', message: 'occurredAt must be an ISO 8601 instant' };
  if (t > now)
    return {
      field: 'occurredAt',
      rule: 'not_in_future',
      message: `occurredAt ${occurredAt} is in the future of the case's clock (${new Date(now).toISOString()})`,
    };
  if (t < lastEventAt) {
    return {
      field: 'occurredAt',
      rule: 'not_before_previous_event',
      message: `occurredAt ${occurredAt} is before the case's previous event (${new Date(lastEventAt).toISOString()})`,
    };
  }
  return { at: t };
}

/**
 * Whether a command may leave the case's state through a relation: the part of the pipeline that needs
 * neither the command's fields nor the clock. The workflow runs it first for every command, and
 * `GET /cases/:id/actions` asks it what an actor may do now, so both always answer alike.
 */
export function guardCommand<St extends string, R extends string>(
  rules: { commands: Record<string, CommandSpec<St, R>>; terminal: ReadonlySet<string> },
  status: St,
  relation: R,
  type: string,
): { ok: true; spec: CommandSpec<St, R> } | Refused {
  const spec: CommandSpec<St, R> | undefined = Object.prototype.hasOwnProperty.call(rules.commands, type) ? rules.commands[type] : undefined;
  if (!spec) return refusal('INVALID', 'UNKNOWN_COMMAND', `unknown command ${String(type)}`);
  if (rules.terminal.has(status)) {
    return refusal('CONFLICT', 'CASE_TERMINAL', `the case is ${status}, a terminal state: no further command is accepted`);
  }
  if (!spec.by.includes(relation)) {
    return refusal('CONFLICT', 'NOT_YOUR_STEP', `${type} is not a step for ${String(relation).toLowerCase().replace(/_/g, ' ')}`);
  }
  if (spec.from !== 'ANY_OPEN' && !spec.from.includes(status)) {
    if (spec.elsewhere) return refusal('CONFLICT', spec.elsewhere.code, spec.elsewhere.message, { legalRef: spec.elsewhere.legalRef });
    return refusal('CONFLICT', 'INVALID_TRANSITION', `${type} is possible only from ${spec.from.join(', ')}; the case is ${status}`);
  }
  return { ok: true, spec };
}

/**
 * Applies one command at workflow time `now`. Refusals say which rule, and cite the article where
 * there is one; acceptance returns the new state and the events to record. Pure.
 */
export function runCommand<S extends CaseCore, C extends { type: string }, R extends string>(
  rules: CaseRules<S, C, R>,
  state: S,
  envelope: Envelope<C, R>,
  now: number,
): Outcome<S> {
  const { command, relation, actor } = envelope;
  const guard = guardCommand(rules, state.status, relation, command.type);
  if (!guard.ok) return guard;
  const spec = guard.spec;
  const when = eventTime(envelope.occurredAt, now, state.lastEventAt);
  if (!('at' in when)) return invalidField(when.field, when.rule, when.message);
  const at = when.at;

  const emit = (next: S, to: S['status'], extra: Partial<CaseEvent> = {}): Accepted<S> => {
    const seq = next.seq + 1;
    const event: CaseEvent = { seq, type: command.type, from: state.status, to, actor, at, legalRef: spec.legalRef, ...stripUndefined(extra) };
    return { ok: true, state: { ...next, seq, status: to }, events: [event], warnings: [] };
  };
  const handler = rules.handlers[command.type as C['type']] as Handler<S, C>;
  const result = handler(state, command, { actor, relation, at, emit });
  if (!result.ok) return result;

  let next = result.state;
  // A party's act is news from the case: STALLED ends and its clock restarts. Network contacts'
  // notes, administrators' overrides and the system's links are not party activity.
  if (rules.followsPartyActivity !== false && spec.partyActivity !== false && PARTY_RELATIONS.has(relation as unknown as CaseRelation)) {
    next = recordPartyActivity(next, relation, at, rules.stallable ? rules.stallable(next) : !rules.terminal.has(next.status));
  }
  // Every act, the system's too, is the previous event of the next one: nothing is stamped before it.
  next = { ...next, lastEventAt: at };
  // An act that settles the last open escalation (or ends the case) ends ESCALATED with it.
  next = refreshEscalatedFlag(next);
  return { ...result, state: next };
}
