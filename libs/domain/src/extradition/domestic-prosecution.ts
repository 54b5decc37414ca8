import type { ActorRef } from '../roles';
import type { CaseRelation } from '../policy';
import type { RuleViolation } from '../rule-violation';
import type { LegalBasisSnapshot } from '../rule-pack';
import { CaseContext, CaseCore, CaseEvent, Clock, addClock, advanceClocks, endAllClocks, eventTime, fireSla, stripUndefined } from '../case/clockwork';
import { clockRule } from '../rule-pack';
import { deadlineFrom } from '../time/calendar';

// A domestic prosecution opened when extradition of a national is refused and the requesting State
// asked for it (UNTOC art. 16(10)): the requested State's prosecutor reports, the requesting State sees.

export const DOMESTIC_STATES = ['OPENED', 'UNDER_INVESTIGATION', 'CHARGED', 'JUDGMENT', 'DISCONTINUED'] as const;
export type DomesticState = (typeof DOMESTIC_STATES)[number];
const TERMINAL: ReadonlySet<string> = new Set(['JUDGMENT', 'DISCONTINUED']);
export const isDomesticTerminal = (s: string) => TERMINAL.has(s);

const NEXT: Record<DomesticState, DomesticState[]> = {
  OPENED: ['UNDER_INVESTIGATION', 'CHARGED', 'DISCONTINUED'],
  UNDER_INVESTIGATION: ['CHARGED', 'DISCONTINUED'],
  CHARGED: ['JUDGMENT', 'DISCONTINUED'],
  JUDGMENT: [],
  DISCONTINUED: [],
};

export interface DomesticProsecutionState extends CaseCore {
  status: DomesticState;
  filedAt: number;
  extraditionCaseId: string;
}

export type DomesticCommand = { type: 'RECORD_PROGRESS'; status: DomesticState; note: string } | { type: 'NOTE'; text: string };
export interface DomesticEnvelope {
  command: DomesticCommand;
  actor: ActorRef;
  relation: CaseRelation;
  occurredAt?: string;
}

export const DOMESTIC_COMMANDS: Record<DomesticCommand['type'], { by: readonly CaseRelation[] }> = {
  RECORD_PROGRESS: { by: ['REQUESTED_PROSECUTOR', 'REQUESTED_CA'] },
  NOTE: { by: ['REQUESTING_PROSECUTOR', 'REQUESTING_CA', 'REQUESTED_PROSECUTOR', 'REQUESTED_CA', 'LIAISON_MAGISTRATE'] },
};

const LEGAL_REF = 'UNTOC art. 16(10)';

export function openDomesticProsecution(input: { ctx: CaseContext; basis: LegalBasisSnapshot; extraditionCaseId: string; openedBy: ActorRef; at: number }): { state: DomesticProsecutionState; events: CaseEvent[] } {
  let state: DomesticProsecutionState = {
    ctx: input.ctx, status: 'OPENED', seq: 0, nextId: 1, flags: [], clocks: [], tasks: [], basis: input.basis, escalatedToFocalPointsOf: [],
    lastEventAt: input.at, lastPartyEventAt: input.at, filedAt: input.at, extraditionCaseId: input.extraditionCaseId,
  };
  state = startReportClock(state, input.at);
  return {
    state,
    events: [{ seq: 0, type: 'FILED', from: 'OPENED', to: 'OPENED', actor: input.openedBy, at: input.at, legalRef: LEGAL_REF, data: { extraditionCaseId: input.extraditionCaseId } }],
  };
}

function startReportClock(s: DomesticProsecutionState, at: number): DomesticProsecutionState {
  const rule = clockRule(s.basis.rulePack, 'DOMESTIC_PROSECUTION_REPORT');
  if (!rule) return s;
  const d = deadlineFrom(at, rule.amount, rule.unit, s.ctx.timeZones.requested);
  return addClock(s, { ruleId: 'DOMESTIC_PROSECUTION_REPORT', kind: 'SLA', side: 'REQUESTED', legalRef: rule.legalRef, verified: rule.verified, startedAt: at, breachAt: d.breachAt, lastDay: d.lastDay });
}

export function handleDomesticCommand(s: DomesticProsecutionState, env: DomesticEnvelope, now: number):
  | { ok: true; state: DomesticProsecutionState; events: CaseEvent[]; warnings: [] }
  | { ok: false; violation: RuleViolation } {
  const c = env.command;
  const fail = (kind: RuleViolation['kind'], code: string, message: string) => ({ ok: false as const, violation: { kind, code, message, legalRef: LEGAL_REF } });
  if (isDomesticTerminal(s.status)) return fail('CONFLICT', 'CASE_TERMINAL', `the prosecution is ${s.status}: no further report is accepted`);
  const spec = DOMESTIC_COMMANDS[c.type];
  if (!spec) return fail('INVALID', 'UNKNOWN_COMMAND', 'unknown command');
  if (!spec.by.includes(env.relation)) return fail('CONFLICT', 'NOT_YOUR_STEP', `${c.type} is not a step for ${env.relation.toLowerCase().replace(/_/g, ' ')}`);
  const when = eventTime(env.occurredAt, now, s.lastEventAt);
  if (!('at' in when)) return { ok: false, violation: { kind: 'INVALID', code: 'INVALID_COMMAND', message: when.message, errors: [when] } };
  const at = when.at;
  let next: DomesticProsecutionState = { ...s, lastEventAt: at };
  let to: DomesticState = s.status;
  let comment: string;
  if (c.type === 'RECORD_PROGRESS') {
    if (!NEXT[s.status].includes(c.status)) return fail('CONFLICT', 'INVALID_TRANSITION', `from ${s.status} the prosecution can move to ${NEXT[s.status].join(', ')}`);
    if (!c.note?.trim()) return { ok: false, violation: { kind: 'INVALID', code: 'INVALID_COMMAND', message: 'a progress report must say what happened', errors: [{ field: 'note', rule: 'required', message: 'required' }] } };
    to = c.status;
    comment = c.note;
    // Each report answers the one due, and the next falls due a full period later.
    next = endAllClocks(next, at);
    next = isDomesticTerminal(to) ? next : startReportClock(next, at);
  } else {
    if (!c.text?.trim()) return { ok: false, violation: { kind: 'INVALID', code: 'INVALID_COMMAND', message: 'a note must not be empty', errors: [{ field: 'text', rule: 'required', message: 'required' }] } };
    comment = c.text;
  }
  const seq = next.seq + 1;
  const event: CaseEvent = { seq, type: c.type, from: s.status, to, actor: env.actor, at, legalRef: LEGAL_REF, ...stripUndefined({ comment, notify: to !== s.status ? [{ stateCode: s.ctx.requestingState, addressee: 'REQUESTING_CA' as const, message: `domestic prosecution: ${to}` }] : undefined }) };
  return { ok: true, state: { ...next, seq, status: to }, events: [event], warnings: [] };
}

export function advanceDomestic(state: DomesticProsecutionState, now: number) {
  return advanceClocks(state, now, (s, at) => {
    let next = s;
    const events: CaseEvent[] = [];
    for (const k of s.clocks.filter((c: Clock) => c.status === 'RUNNING' && c.breachAt === at)) {
      const r = fireSla(next, k, at, { kind: 'STATUS_CHECK', level: 0, addressee: 'REQUESTED_PROSECUTOR', reason: 'progress report on the domestic prosecution due (UNTOC art. 16(10))' }, true);
      next = r.state;
      events.push(...r.events);
    }
    return { state: next, events };
  }, (s) => isDomesticTerminal(s.status));
}
