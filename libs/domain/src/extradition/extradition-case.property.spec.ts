import fc from 'fast-check';
import { extraditionBasis, extraditionContent, extraditionContext } from '../../../../test/support/extradition-fixtures';
import {
  Machine,
  Step,
  chooseCommand,
  expectDeterministic,
  expectThat,
  occurredAt,
  optionalText,
  propertyParams,
  relativeDate,
  resolveDates,
  withAssigningAuthority,
  runCase,
  steps,
  text,
} from '../../../../test/support/case-properties';
import { SYSTEM_ACTOR } from '../case/clockwork';
import { TRANSMISSION_CHANNELS } from '../case/transmission';
import type { CaseRelation } from '../policy';
import type { ActorRef } from '../roles';
import {
  EXTRADITION_COMMANDS,
  EXTRADITION_REFUSAL_GROUNDS,
  EXTRADITION_STATES,
  ExtraditionCaseState,
  ExtraditionCommand,
  ExtraditionCommandType,
  ExtraditionEnvelope,
  advanceExtradition,
  fileExtradition,
  handleExtraditionCommand,
  isExtraditionTerminal,
} from '../index';

// Random lives of an extradition case: provisional arrest or not, every command by every relation
// (the system's link included), mostly valid payloads, random lapses of time.

type Relation = CaseRelation | 'SYSTEM';
const RELATIONS: Relation[] = [
  'REQUESTING_PROSECUTOR',
  'REQUESTED_PROSECUTOR',
  'REQUESTING_CA',
  'REQUESTED_CA',
  'EXECUTING_AUTHORITY',
  'LIAISON_MAGISTRATE',
  'FOCAL_POINT',
  'MANAGER',
  'ADMIN',
  'SYSTEM',
];
const actor = (userId: string, role: string, stateCode: string, authorityId: string) => ({ userId, role, stateCode, authorityId }) as ActorRef;
const ACTORS: Record<Relation, ActorRef> = {
  REQUESTING_PROSECUTOR: actor('u-ng-prosecutor', 'PROSECUTOR', 'NG', 'NG-PROS'),
  REQUESTED_PROSECUTOR: actor('u-bj-prosecutor', 'PROSECUTOR', 'BJ', 'BJ-PROS'),
  REQUESTING_CA: actor('u-ng-ca', 'CENTRAL_AUTHORITY', 'NG', 'NG-CA'),
  REQUESTED_CA: actor('u-bj-ca', 'CENTRAL_AUTHORITY', 'BJ', 'BJ-CA'),
  EXECUTING_AUTHORITY: actor('u-bj-exec', 'EXECUTING_AUTHORITY', 'BJ', 'BJ-EXEC'),
  LIAISON_MAGISTRATE: actor('u-lm', 'LIAISON_MAGISTRATE', 'NG', 'NG-MOJ'),
  FOCAL_POINT: actor('u-fp', 'FOCAL_POINT', 'BJ', 'BJ-CA'),
  MANAGER: actor('u-mgr', 'MANAGER', 'NG', 'NG-MOJ'),
  ADMIN: actor('u-admin', 'ADMIN', 'NG', 'NG-MOJ'),
  SYSTEM: SYSTEM_ACTOR,
};

const CASE_ID = '00000000-0000-4000-8000-00000000e001';
const OTHER_CASES = ['00000000-0000-4000-8000-00000000e002', '00000000-0000-4000-8000-00000000e003'];

type Payloads = Record<ExtraditionCommandType, ExtraditionCommand>;
const SIDE_STEPS: ExtraditionCommandType[] = [
  'REQUEST_DOMESTIC_PROSECUTION',
  'RECORD_CONFLICT_CHOICE',
  'REQUEST_REARREST',
  'COURT_REQUEST_INFO',
  'PROVIDE_INFO',
  'CONSULTATION_REPLY',
  'RECORD_CONSENT',
];
/** The assigning authority (most often the actor's own, resolved when sent) and what the directory says of the officer named. */
const assigningAuthority = fc.oneof({ weight: 6, arbitrary: fc.constant('ACTOR_AUTHORITY') }, { weight: 1, arbitrary: fc.constant('XX-OTHER') });
const assigneeFacts = fc.oneof(
  { weight: 6, arbitrary: fc.record({ authorityId: fc.constant('ACTOR_AUTHORITY'), roles: fc.constant(['CENTRAL_AUTHORITY']), enabled: fc.constant(true) }) },
  { weight: 1, arbitrary: fc.record({ authorityId: fc.constant('XX-OTHER'), roles: fc.constant(['PROSECUTOR']), enabled: fc.boolean() }) },
  { weight: 1, arbitrary: fc.constant(null) },
);

const command = <T extends ExtraditionCommandType>(type: T, fields: { [k: string]: fc.Arbitrary<unknown> } = {}) =>
  fc.record(fields).map((f) => ({ type, ...f }) as unknown as Extract<ExtraditionCommand, { type: T }>);

const factor = fc.oneof({ weight: 9, arbitrary: fc.constantFrom('comparable', 'other State', 'first request') }, { weight: 1, arbitrary: fc.constant('') });
const payloads = fc.record({
  RECORD_ARREST: command('RECORD_ARREST', { comment: optionalText }),
  SUBMIT: command('SUBMIT', { comment: optionalText }),
  RETURN_FOR_CORRECTION: command('RETURN_FOR_CORRECTION', { comment: text }),
  RESUBMIT: command('RESUBMIT', { comment: optionalText }),
  APPROVE: command('APPROVE', { comment: optionalText }),
  TRANSMIT: command('TRANSMIT', {
    channel: fc.constantFrom(...TRANSMISSION_CHANNELS, 'DIPLOMATIC', 'DIPLOMATIC', 'BY_PIGEON'),
    reference: text,
    comment: optionalText,
  }),
  RECEIVE_FORMAL_REQUEST: command('RECEIVE_FORMAL_REQUEST', { reference: optionalText, comment: optionalText }),
  REQUEST_REARREST: command('REQUEST_REARREST', { comment: optionalText }),
  OPEN_JUDICIAL_PHASE: command('OPEN_JUDICIAL_PHASE', { comment: optionalText }),
  COURT_REQUEST_INFO: command('COURT_REQUEST_INFO', {
    details: text,
    timeLimitDays: fc.oneof({ weight: 9, arbitrary: fc.integer({ min: 1, max: 60 }) }, { weight: 1, arbitrary: fc.constantFrom(0, -3, 400, 2.5) }),
  }),
  PROVIDE_INFO: command('PROVIDE_INFO', { details: text }),
  RECORD_CONSENT: command('RECORD_CONSENT', { comment: optionalText }),
  COURT_DECISION: command('COURT_DECISION', { outcome: fc.constantFrom('FAVOURABLE', 'FAVOURABLE', 'UNFAVOURABLE'), comment: optionalText }),
  APPEAL: command('APPEAL', { comment: optionalText }),
  REFER_TO_EXECUTIVE: command('REFER_TO_EXECUTIVE', { comment: optionalText }),
  OPEN_CONSULTATION: command('OPEN_CONSULTATION', { proposal: text }),
  CONSULTATION_REPLY: command('CONSULTATION_REPLY', { text }),
  REQUEST_DOMESTIC_PROSECUTION: command('REQUEST_DOMESTIC_PROSECUTION', { comment: optionalText }),
  GRANT: command('GRANT', { comment: optionalText }),
  OVERRIDE_BASIS: command('OVERRIDE_BASIS', { justification: text }),
  AMEND_BASIS: command('AMEND_BASIS', {
    legalBasis: fc.constantFrom('ECOWAS-EXT-1994', 'UNTOC-2000'),
    basis: fc.constantFrom(extraditionBasis(), extraditionBasis({ instrumentId: 'UNTOC-2000' }), undefined),
    comment: optionalText,
  }),
  REFUSE: command('REFUSE', {
    ground: fc.oneof({ weight: 9, arbitrary: fc.constantFrom(...Object.keys(EXTRADITION_REFUSAL_GROUNDS)) }, { weight: 1, arbitrary: fc.constant('BECAUSE') }),
    reasons: text,
  }),
  RECORD_CONFLICT_CHOICE: command('RECORD_CONFLICT_CHOICE', {
    preferredCaseId: fc.constantFrom(CASE_ID, CASE_ID, ...OTHER_CASES, 'not-linked'),
    factors: fc.record({ seriousness: factor, placeOfOffence: factor, datesOfRequests: factor, nationality: factor, reExtradition: factor }),
  }),
  LINK_CONFLICT: command('LINK_CONFLICT', { caseId: fc.constantFrom(CASE_ID, ...OTHER_CASES) }),
  SCHEDULE_SURRENDER: command('SCHEDULE_SURRENDER', {
    agreedDate: fc.oneof({ weight: 9, arbitrary: relativeDate(-20, 40) }, { weight: 1, arbitrary: fc.constant('next week') }),
    comment: optionalText,
  }),
  FORCE_MAJEURE: command('FORCE_MAJEURE', { newDate: relativeDate(-3, 40), reason: text }),
  RECORD_SURRENDER: command('RECORD_SURRENDER', { comment: optionalText }),
  DECIDE_ON_RELEASE: command('DECIDE_ON_RELEASE', { decision: fc.constantFrom('RELEASE', 'MAINTAIN_CUSTODY', 'MAYBE'), reasons: text }),
  WITHDRAW: command('WITHDRAW', { reason: text }),
  NOTE: command('NOTE', { text }),
  ASSIGN: command('ASSIGN', {
    assigneeId: fc.constantFrom('u-officer-1', 'u-officer-2', ''),
    authorityId: assigningAuthority,
    assignee: assigneeFacts,
    comment: optionalText,
  }),
} satisfies { [K in ExtraditionCommandType]: fc.Arbitrary<ExtraditionCommand> }) as fc.Arbitrary<Payloads>;

const machine: Machine<ExtraditionCaseState, ExtraditionEnvelope, Payloads> = {
  handle: handleExtraditionCommand,
  advance: advanceExtradition,
  terminal: (s) => isExtraditionTerminal(s.status),
  envelope(step: Step<Payloads>, { state, now }) {
    const { type, relation } = chooseCommand(step, EXTRADITION_COMMANDS, state.status, RELATIONS, SIDE_STEPS);
    let command = type === 'NO_SUCH_COMMAND' ? ({ type } as never) : resolveDates(step.payloads[type], now, state.ctx.timeZones.requested);
    if (command.type === 'ASSIGN') command = withAssigningAuthority(command, ACTORS[relation].authorityId);
    return { command, relation, actor: ACTORS[relation], occurredAt: occurredAt(step.occurred, now, state.lastEventAt) };
  },
  check(s, now) {
    expectThat((EXTRADITION_STATES as readonly string[]).includes(s.status), () => `unknown status ${s.status}`);
    expectThat(s.lastEventAt <= now && s.filedAt <= s.lastEventAt, () => `lastEventAt ${s.lastEventAt} outside [filedAt, now]`);
    // Custody limits run only while the person is held on a provisional arrest.
    const custody = s.clocks.filter((k) => k.kind === 'CUSTODY' && k.status === 'RUNNING');
    if (custody.length)
      expectThat(
        !s.custody.atLiberty && s.formal.status !== 'RECEIVED',
        () => `custody clocks run with the person at liberty or the formal request received: ${JSON.stringify(s.custody)}`,
      );
    for (const [authority, user] of Object.entries(s.assignees ?? {}))
      expectThat(authority !== 'XX-OTHER' && user !== '', () => `assigned ${user} of ${authority}`);
    if (s.flags.includes('IN_CUSTODY')) expectThat(!s.custody.atLiberty, () => 'IN_CUSTODY flag with the person at liberty');
  },
};

const filing = fc.record({
  at: fc.integer({ min: Date.parse('2024-01-01T00:00:00Z'), max: Date.parse('2026-12-31T00:00:00Z') }).map((ms) => Math.floor(ms / 60_000) * 60_000),
  provisionalArrest: fc.boolean(),
  nationality: fc.constantFrom('NG', 'BJ'),
  urgency: fc.constantFrom('NORMAL' as const, 'URGENT' as const),
  factsSummary: fc.option(text, { nil: undefined, freq: 6 }),
  consentNotice: fc.boolean(),
  liaisonMagistrate: fc.boolean(),
  extraditionRules: fc.boolean(),
});
type Filing = typeof filing extends fc.Arbitrary<infer F> ? F : never;

function file(f: Filing) {
  const basis = extraditionBasis();
  if (f.consentNotice) basis.rulePack.clocks.CONSENT_NOTICE = { amount: 10, unit: 'CALENDAR_DAYS', legalRef: 'CETS 209 art. 6', verified: true };
  return fileExtradition({
    ctx: extraditionContext({
      caseId: CASE_ID,
      network: { liaisonMagistrate: f.liaisonMagistrate, focalPointStates: ['BJ', 'NG'] },
      ...(f.extraditionRules ? { extraditionRules: 1 } : {}),
    }),
    content: extraditionContent({
      urgency: f.urgency,
      person: { role: 'ACCUSED', name: 'Person C', nationality: f.nationality, identifier: 'NG-PASSPORT-A1' },
      factsSummary: f.factsSummary ?? 'facts',
    }),
    basis,
    filedBy: ACTORS.REQUESTING_PROSECUTOR,
    at: f.at,
    provisionalArrest: f.provisionalArrest ? { channel: 'INTERPOL_URGENT', reference: 'IP-1' } : undefined,
  });
}

const lives = (backdating: boolean) => steps(payloads, { maxLength: 60, backdating });

describe('extradition case: properties of random lives', () => {
  it('keeps seq contiguous, terminal states absorbing, refusals without effect, advance idempotent and clocks consistent', () => {
    const seen = new Set<string>();
    fc.assert(
      fc.property(filing, lives(true), (f, run) => {
        runCase(machine, file(f), run, { monotonicTime: false }).statuses.forEach((st) => seen.add(st));
      }),
      propertyParams(300),
    );
    // The generator is not stuck at the start: the random lives went through every state of the life cycle.
    expect([...seen].sort()).toEqual([...EXTRADITION_STATES].sort());
  });

  it('never stamps an event before the one it follows when every act is recorded as it happens', () => {
    fc.assert(
      fc.property(filing, lives(false), (f, run) => void runCase(machine, file(f), run, { monotonicTime: true })),
      propertyParams(60),
    );
  });

  it('gives the same state and events for the same filing and the same sequence', () => {
    fc.assert(
      fc.property(filing, lives(true), (f, run) => expectDeterministic(machine, () => file(f), run)),
      propertyParams(25),
    );
  });
});
