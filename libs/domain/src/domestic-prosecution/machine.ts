// The domestic prosecution as a pure state machine on the shared command pipeline.
import type { ActorRef } from '../roles';
import type { LegalBasisSnapshot } from '../rule-pack';
import { endAllClocks, refusal, runCommand, type Act, type CaseContext, type CaseEvent, type CaseRules, type Outcome } from '../case/clockwork';
import { startReportClock } from './clocks';
import { DOMESTIC_COMMANDS, type DomesticCommand, type DomesticEnvelope } from './commands';
import { DOMESTIC_LEGAL_REF, DOMESTIC_NEXT, DOMESTIC_TERMINAL_STATES, isDomesticTerminal, type DomesticProsecutionState } from './states';

export function openDomesticProsecution(input: { ctx: CaseContext; basis: LegalBasisSnapshot; extraditionCaseId: string; openedBy: ActorRef; at: number }): {
  state: DomesticProsecutionState;
  events: CaseEvent[];
} {
  let state: DomesticProsecutionState = {
    ctx: input.ctx,
    status: 'OPENED',
    seq: 0,
    nextId: 1,
    flags: [],
    clocks: [],
    tasks: [],
    basis: input.basis,
    escalatedToFocalPointsOf: [],
    lastEventAt: input.at,
    lastPartyEventAt: input.at,
    filedAt: input.at,
    extraditionCaseId: input.extraditionCaseId,
  };
  state = startReportClock(state, input.at);
  const data = { extraditionCaseId: input.extraditionCaseId };
  return { state, events: [{ seq: 0, type: 'FILED', from: 'OPENED', to: 'OPENED', actor: input.openedBy, at: input.at, legalRef: DOMESTIC_LEGAL_REF, data }] };
}

type S = DomesticProsecutionState;
const required = (field: string, message: string) =>
  refusal('INVALID', 'INVALID_COMMAND', message, { errors: [{ field, rule: 'required', message: 'required' }] });

export const DOMESTIC_RULES: CaseRules<S, DomesticCommand> = {
  commands: DOMESTIC_COMMANDS,
  terminal: DOMESTIC_TERMINAL_STATES,
  // Reports are the prosecution's own clock: a party's act does not restart a STALLED clock here.
  followsPartyActivity: false,
  handlers: {
    RECORD_PROGRESS: (s: S, c: Extract<DomesticCommand, { type: 'RECORD_PROGRESS' }>, { at, emit }: Act<S>) => {
      const allowed = DOMESTIC_NEXT[s.status];
      if (!allowed.includes(c.status))
        return refusal('CONFLICT', 'INVALID_TRANSITION', `from ${s.status} the prosecution can move to ${allowed.join(', ')}`, {
          legalRef: DOMESTIC_LEGAL_REF,
        });
      if (!c.note?.trim()) return required('note', 'a progress report must say what happened');
      // Each report answers the one due, and the next falls due a full period later.
      let next = endAllClocks(s, at);
      next = isDomesticTerminal(c.status) ? next : startReportClock(next, at);
      const notify =
        c.status !== s.status
          ? [{ stateCode: s.ctx.requestingState, addressee: 'REQUESTING_CA' as const, message: `domestic prosecution: ${c.status}` }]
          : undefined;
      return emit(next, c.status, { comment: c.note, notify });
    },
    NOTE: (s: S, c: Extract<DomesticCommand, { type: 'NOTE' }>, { emit }: Act<S>) =>
      c.text?.trim() ? emit(s, s.status, { comment: c.text }) : required('text', 'a note must not be empty'),
  },
};

export function handleDomesticCommand(s: S, env: DomesticEnvelope, now: number): Outcome<S> {
  return runCommand(DOMESTIC_RULES, s, env, now);
}
