// GET /cases/:id/actions agrees with the workflow: over every MLA state reachable from a filing (breadth
// first, with time passing), and every kind of actor, an action it lists as available is accepted by the
// pure machine the workflow runs (through the relation the policy grants), and one it does not list, or
// lists as unavailable, is refused by the policy or the machine.
import {
  MLA_COMMANDS,
  advanceTime,
  commandOptions,
  decide,
  fileCase,
  handleCommand,
  owedWork,
  type Actor,
  type CaseWorkView,
  type MlaCaseState,
  type MlaCommand,
  type MlaCommandType,
} from '../libs/domain/src';
import { DAY_MS, addDays, civilDate } from '../libs/domain/src/time/calendar';
import { testBasis, testContent, testContext } from './support/mla-fixtures';

const T0 = Date.parse('2025-03-03T10:00:00Z');

const ACTORS: Record<string, Actor> = {
  prosecutor: { userId: 'u-req-pros', roles: ['PROSECUTOR'], stateCode: 'SN', authorityId: 'SN-PROS', liaisonPostings: [] },
  requestingCa: { userId: 'u-req-ca', roles: ['CENTRAL_AUTHORITY'], stateCode: 'SN', authorityId: 'SN-CA', liaisonPostings: [] },
  requestingHead: { userId: 'u-req-head', roles: ['CENTRAL_AUTHORITY', 'CENTRAL_AUTHORITY_HEAD'], stateCode: 'SN', authorityId: 'SN-CA', liaisonPostings: [] },
  requestedCa: { userId: 'u-rqd-ca', roles: ['CENTRAL_AUTHORITY'], stateCode: 'ML', authorityId: 'ML-CA', liaisonPostings: [] },
  executing: { userId: 'u-exec', roles: ['EXECUTING_AUTHORITY'], stateCode: 'ML', authorityId: 'ML-EXEC', liaisonPostings: [] },
  otherExecuting: { userId: 'u-exec-2', roles: ['EXECUTING_AUTHORITY'], stateCode: 'ML', authorityId: 'ML-EXEC-2', liaisonPostings: [] },
  liaison: { userId: 'u-lm', roles: ['LIAISON_MAGISTRATE'], stateCode: 'SN', authorityId: 'SN-MOJ', liaisonPostings: [{ homeState: 'SN', hostState: 'ML' }] },
  focalPoint: { userId: 'u-fp', roles: ['FOCAL_POINT'], stateCode: 'ML', authorityId: 'ML-CA', liaisonPostings: [] },
  manager: { userId: 'u-mgr', roles: ['MANAGER'], stateCode: 'SN', authorityId: 'SN-CA', liaisonPostings: [] },
  admin: { userId: 'u-admin', roles: ['ADMIN'], stateCode: 'SN', authorityId: 'SN-MOJ', liaisonPostings: [] },
  outsider: { userId: 'u-gh-ca', roles: ['CENTRAL_AUTHORITY'], stateCode: 'GH', authorityId: 'GH-CA', liaisonPostings: [] },
};

/** A command with fields the machine accepts, for the case as it stands. */
function sample(type: MlaCommandType, s: MlaCaseState, now: number, actor: Actor): MlaCommand {
  const item = s.items.find((i) => i.status === 'FORWARDED' && i.executingAuthorityId === actor.authorityId) ?? s.items[0];
  const open = s.items.find((i) => i.status === 'PENDING') ?? s.items.find((i) => i.status === 'FORWARDED');
  const future = addDays(civilDate(now, 'Africa/Bamako'), 10);
  const commands: { [K in MlaCommandType]: Extract<MlaCommand, { type: K }> } = {
    SUBMIT: { type: 'SUBMIT' },
    AMEND: { type: 'AMEND', changes: { purpose: 'Trace the proceeds and identify the account holders' } },
    APPROVE: { type: 'APPROVE' },
    RETURN_FOR_CORRECTION: { type: 'RETURN_FOR_CORRECTION', comment: 'name the bank' },
    RESUBMIT: { type: 'RESUBMIT' },
    OVERRIDE_BASIS: { type: 'OVERRIDE_BASIS', justification: 'a justification long enough to be recorded' },
    REPIN_RULE_PACK: { type: 'REPIN_RULE_PACK', justification: 'a justification long enough to be recorded', basis: testBasis() },
    ATTACH_TRANSLATION: { type: 'ATTACH_TRANSLATION', language: 'fr', documentRef: 'DOC-1', certified: true },
    TRANSMIT: { type: 'TRANSMIT', channel: 'CA_DIRECT', reference: 'REF-1' },
    CONFIRM_IN_WRITING: { type: 'CONFIRM_IN_WRITING', reference: 'REF-2' },
    ACKNOWLEDGE: { type: 'ACKNOWLEDGE', reference: 'ACK-1' },
    REQUEST_INFO: { type: 'REQUEST_INFO', details: 'the account numbers' },
    PROVIDE_INFO: { type: 'PROVIDE_INFO', details: 'the account numbers are attached' },
    OPEN_CONSULTATION: { type: 'OPEN_CONSULTATION', proposal: 'postpone until the trial ends' },
    CONSULTATION_REPLY: { type: 'CONSULTATION_REPLY', text: 'agreed' },
    REFUSE: { type: 'REFUSE', ground: 'ESSENTIAL_INTERESTS', reasons: 'essential interests' },
    POSTPONE: { type: 'POSTPONE', reviewDate: future, reasons: 'a trial is under way' },
    RESUME: { type: 'RESUME' },
    EXTEND_RECOGNITION: { type: 'EXTEND_RECOGNITION', reasons: 'the hearing cannot be arranged', estimatedDecisionDate: future },
    ACCEPT: { type: 'ACCEPT', forward: open ? [{ itemIds: [open.id], executingAuthorityId: 'ML-EXEC' }] : [] },
    FORWARD_ITEMS: { type: 'FORWARD_ITEMS', forward: [{ itemIds: [open?.id ?? 'item-1'], executingAuthorityId: 'ML-EXEC' }] },
    RECORD_EXECUTION: { type: 'RECORD_EXECUTION', itemId: item.id },
    TRANSMIT_RESULTS: { type: 'TRANSMIT_RESULTS', reference: 'RES-1' },
    CONFIRM_RECEIPT: { type: 'CONFIRM_RECEIPT' },
    WITHDRAW: { type: 'WITHDRAW', reason: 'the proceedings ended' },
    NOTE: { type: 'NOTE', text: 'a note' },
    ASSIGN: {
      type: 'ASSIGN',
      assigneeId: 'u-officer',
      authorityId: actor.authorityId,
      assignee: { authorityId: actor.authorityId, roles: ['CENTRAL_AUTHORITY'], enabled: true },
    },
  };
  return commands[type];
}

function viewOf(s: MlaCaseState, stateEnteredAt: number): CaseWorkView {
  return {
    kind: 'MLA',
    status: s.status,
    flags: s.flags,
    facts: {
      kind: 'MLA',
      requestingState: s.ctx.requestingState,
      requestedState: s.ctx.requestedState,
      requestingAuthorityId: 'SN-PROS',
      createdBy: 'u-req-pros',
      transmitted: s.transmittedAt !== undefined,
      terminal: ['CLOSED', 'REFUSED', 'WITHDRAWN'].includes(s.status),
      executingAuthorityIds: [...new Set(s.items.map((i) => i.executingAuthorityId).filter((a): a is string => Boolean(a)))],
      escalatedToFocalPointsOf: s.escalatedToFocalPointsOf,
    },
    stateEnteredAt,
    items: s.items,
    clocks: s.clocks,
    tasks: s.tasks,
  };
}

/** The workflow's answer to an actor's command: the policy picks the relation (403 when none), then the machine decides. */
function workflowAccepts(s: MlaCaseState, actor: Actor, command: MlaCommand, now: number): { ok: boolean; why?: string } {
  const decision = decide(actor, { kind: 'COMMAND', name: command.type, allowedRelations: MLA_COMMANDS[command.type].by }, viewOf(s, 0).facts);
  if (decision.outcome !== 'ALLOW') return { ok: false, why: decision.outcome };
  const ref = { userId: actor.userId, role: decision.role, stateCode: actor.stateCode, authorityId: actor.authorityId };
  const out = handleCommand(s, { command, relation: decision.relation, actor: ref }, now);
  return out.ok ? { ok: true } : { ok: false, why: out.violation.code };
}

interface Reached {
  s: MlaCaseState;
  now: number;
  enteredAt: number;
}

/** Every state reachable within a few commands, with days passing between them so that clocks breach. */
function reachable(precheck: boolean, oral: boolean): Reached[] {
  const filed = fileCase({
    ctx: testContext({ network: { liaisonMagistrate: true, focalPointStates: ['SN', 'ML'] } }),
    content: testContent({ assistanceTypes: ['BANK_RECORDS', 'TAKING_OF_STATEMENT'], ...(oral ? { urgency: 'URGENT' as const } : {}) }),
    basis: testBasis(),
    filedBy: { userId: 'u-req-pros', role: 'PROSECUTOR', stateCode: 'SN', authorityId: 'SN-PROS' },
    at: T0,
    precheckOnDraft: precheck,
    itemClocks: true,
  });
  const seen = new Map<string, Reached>();
  let frontier: Reached[] = [{ s: filed.state, now: T0, enteredAt: T0 }];
  for (let depth = 0; depth < 14 && frontier.length; depth++) {
    const next: Reached[] = [];
    for (const r of frontier) {
      const key = `${r.s.status}|${[...r.s.flags].sort().join(',')}|${r.s.items.map((i) => i.status).join(',')}|${r.s.tasks.filter((t) => t.status === 'OPEN').length}`;
      if (seen.has(key)) continue;
      seen.set(key, r);
      // Time passes: 3 days, then 20 (reminders and escalations fire).
      for (const days of [3, 20]) {
        const now = r.now + days * DAY_MS;
        const advanced = advanceTime(r.s, now).state;
        next.push({ s: advanced, now, enteredAt: r.enteredAt });
        for (const type of Object.keys(MLA_COMMANDS) as MlaCommandType[]) {
          if (type === 'NOTE' || type === 'REPIN_RULE_PACK' || type === 'AMEND' || type === 'ASSIGN') continue;
          for (const actor of Object.values(ACTORS)) {
            let command = sample(type, advanced, now, actor);
            if (type === 'TRANSMIT' && oral) command = { ...command, oral: true } as MlaCommand;
            const decision = decide(actor, { kind: 'COMMAND', name: type, allowedRelations: MLA_COMMANDS[type].by }, viewOf(advanced, 0).facts);
            if (decision.outcome !== 'ALLOW') continue;
            const ref = { userId: actor.userId, role: decision.role, stateCode: actor.stateCode, authorityId: actor.authorityId };
            const out = handleCommand(advanced, { command, relation: decision.relation, actor: ref }, now);
            if (out.ok) next.push({ s: out.state, now, enteredAt: out.state.status !== advanced.status ? now : r.enteredAt });
          }
        }
      }
    }
    frontier = next;
  }
  return [...seen.values()];
}

describe('GET /cases/:id/actions agrees with the workflow (every reachable MLA state × every kind of actor)', () => {
  const lives = [...reachable(true, false), ...reachable(false, true)];

  it('reaches every state of the life cycle', () => {
    const states = new Set(lives.map((r) => r.s.status));
    for (const s of ['DRAFT', 'PENDING_CA_REVIEW', 'RETURNED_FOR_CORRECTION', 'READY_TO_TRANSMIT', 'TRANSMITTED', 'RECEIVED', 'ADDITIONAL_INFO_REQUESTED']) {
      expect(states).toContain(s);
    }
    for (const s of ['CONSULTATION', 'IN_EXECUTION', 'POSTPONED', 'PARTIALLY_EXECUTED', 'EXECUTED', 'RESULTS_TRANSMITTED', 'CLOSED', 'REFUSED', 'WITHDRAWN']) {
      expect(states).toContain(s);
    }
  });

  it('an available action is accepted; an unavailable or unlisted one is refused', () => {
    const mismatches: string[] = [];
    let checked = 0;
    for (const r of lives) {
      const view = viewOf(r.s, r.enteredAt);
      for (const [name, actor] of Object.entries(ACTORS)) {
        const options = new Map(commandOptions(view, actor).map((o) => [o.command, o]));
        for (const type of Object.keys(MLA_COMMANDS) as MlaCommandType[]) {
          const listed = options.get(type);
          const answer = workflowAccepts(r.s, actor, sample(type, r.s, r.now, actor), r.now);
          checked++;
          if (listed?.available && !answer.ok) mismatches.push(`${r.s.status} ${name} ${type}: listed available, refused ${answer.why}`);
          if (!listed?.available && answer.ok)
            mismatches.push(`${r.s.status} ${name} ${type}: ${listed ? `listed unavailable (${listed.refusal?.code})` : 'not listed'}, accepted`);
          if (listed && !listed.available && !answer.ok && answer.why !== 'FORBIDDEN' && answer.why !== listed.refusal?.code) {
            mismatches.push(`${r.s.status} ${name} ${type}: listed refusal ${listed.refusal?.code}, workflow says ${answer.why}`);
          }
        }
      }
    }
    expect(checked).toBeGreaterThan(1000);
    expect([...new Set(mismatches)]).toEqual([]);
  });

  it('a step owed to an actor is one of their available actions, and a terminal case owes nothing', () => {
    for (const r of lives) {
      const view = viewOf(r.s, r.enteredAt);
      for (const actor of Object.values(ACTORS)) {
        const available = new Set(
          commandOptions(view, actor)
            .filter((o) => o.available)
            .map((o) => o.command),
        );
        const work = owedWork('c', view, actor);
        for (const w of work) for (const c of w.commands) expect(available).toContain(c);
        if (view.facts.terminal) expect(work).toEqual([]);
      }
    }
  });
});
