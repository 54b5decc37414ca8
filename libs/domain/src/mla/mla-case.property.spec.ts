import fc from 'fast-check';
import { testBasis, testContent, testContext, testRulePack } from '../../../../test/support/mla-fixtures';
import {
  Machine,
  Step,
  dateAt,
  resolveDates,
  withAssigningAuthority,
  expectDeterministic,
  expectThat,
  longText,
  occurredAt,
  optionalText,
  propertyParams,
  relativeDate,
  runCase,
  steps,
  text,
  chooseCommand,
} from '../../../../test/support/case-properties';
import type { CaseRelation } from '../policy';
import type { ActorRef } from '../roles';
import { MlaCaseState, advanceTime, fileCase, handleCommand } from '../index';
import { CommandEnvelope, MLA_COMMANDS, MlaCommand, MlaCommandType, REFUSAL_GROUNDS, TRANSMISSION_CHANNELS } from '../index';
import { ASSISTANCE_TYPES, MLA_STATES, isTerminal } from '../index';

// Random lives of an MLA case: every command, by every relation (wrong ones too), with mostly valid
// payloads, between random lapses of time; the invariants are in test/support/case-properties.ts.

const RELATIONS: CaseRelation[] = [
  'REQUESTING_PROSECUTOR',
  'REQUESTED_PROSECUTOR',
  'REQUESTING_CA',
  'REQUESTED_CA',
  'EXECUTING_AUTHORITY',
  'LIAISON_MAGISTRATE',
  'FOCAL_POINT',
  'MANAGER',
  'ADMIN',
];
const ACTORS: Record<CaseRelation, ActorRef[]> = {
  REQUESTING_PROSECUTOR: [{ userId: 'u-req-pros', role: 'PROSECUTOR', stateCode: 'SN', authorityId: 'SN-PROS' }],
  REQUESTED_PROSECUTOR: [{ userId: 'u-rqd-pros', role: 'PROSECUTOR', stateCode: 'ML', authorityId: 'ML-PROS' }],
  REQUESTING_CA: [{ userId: 'u-req-ca', role: 'CENTRAL_AUTHORITY', stateCode: 'SN', authorityId: 'SN-CA' }],
  REQUESTED_CA: [{ userId: 'u-rqd-ca', role: 'CENTRAL_AUTHORITY', stateCode: 'ML', authorityId: 'ML-CA' }],
  EXECUTING_AUTHORITY: [
    { userId: 'u-exec', role: 'EXECUTING_AUTHORITY', stateCode: 'ML', authorityId: 'ML-EXEC' },
    { userId: 'u-pol', role: 'EXECUTING_AUTHORITY', stateCode: 'ML', authorityId: 'ML-POLICE' },
  ],
  LIAISON_MAGISTRATE: [{ userId: 'u-lm', role: 'LIAISON_MAGISTRATE', stateCode: 'SN', authorityId: 'SN-MOJ' }],
  FOCAL_POINT: [{ userId: 'u-fp', role: 'FOCAL_POINT', stateCode: 'ML', authorityId: 'ML-CA' }],
  MANAGER: [{ userId: 'u-mgr', role: 'MANAGER', stateCode: 'SN', authorityId: 'SN-MOJ' }],
  ADMIN: [{ userId: 'u-admin', role: 'ADMIN', stateCode: 'SN', authorityId: 'SN-MOJ' }],
};

/** Commands as data; a calendar date is given as days from the case's clock when sent ({ days }), resolved then. */
type Payloads = Record<MlaCommandType, MlaCommand>;

/** An item of the request: most often one already forwarded (resolved when sent), or a given id. */
const itemId = fc.oneof(
  { weight: 4, arbitrary: fc.constant('FORWARDED_ITEM') },
  { weight: 2, arbitrary: fc.constantFrom('item-1', 'item-2', 'item-3', 'item-9') },
);
const authority = fc.oneof({ weight: 6, arbitrary: fc.constantFrom('ML-EXEC', 'ML-POLICE') }, { weight: 1, arbitrary: fc.constantFrom('', 'ML-OTHER') });
const someItems = fc.uniqueArray(fc.constantFrom('item-1', 'item-2', 'item-3', 'item-9'), { minLength: 1, maxLength: 3 });
/** Forwarding: most often every item not yet executed to one authority (resolved when sent), or given items. */
const forwarding = fc.oneof(
  { weight: 3, arbitrary: authority.map((executingAuthorityId) => [{ itemIds: ['EVERY_OPEN_ITEM'], executingAuthorityId }]) },
  { weight: 2, arbitrary: fc.array(fc.record({ itemIds: someItems, executingAuthorityId: authority }), { minLength: 0, maxLength: 2 }) },
);

/** A newer pack of the same instrument with other periods, or a pack of another instrument. */
const repinBasis = fc
  .record({ sameInstrument: fc.boolean(), shift: fc.integer({ min: -10, max: 10 }), version: fc.integer({ min: 2, max: 5 }) })
  .map(({ sameInstrument, shift, version }) => {
    const pack = testRulePack({ version });
    pack.clocks = Object.fromEntries(Object.entries(pack.clocks).map(([id, r]) => [id, { ...r, amount: Math.max(1, r.amount + shift) }]));
    return sameInstrument ? testBasis({ rulePack: pack }) : testBasis({ instrumentId: 'UNTOC-2000', rulePack: { ...pack, instrumentId: 'UNTOC-2000' } });
  });

/** The assigning authority (most often the actor's own, resolved when sent) and what the directory says of the officer named. */
const assigningAuthority = fc.oneof({ weight: 6, arbitrary: fc.constant('ACTOR_AUTHORITY') }, { weight: 1, arbitrary: fc.constant('XX-OTHER') });
const assigneeFacts = fc.oneof(
  { weight: 6, arbitrary: fc.record({ authorityId: fc.constant('ACTOR_AUTHORITY'), roles: fc.constant(['CENTRAL_AUTHORITY']), enabled: fc.constant(true) }) },
  { weight: 1, arbitrary: fc.record({ authorityId: fc.constant('XX-OTHER'), roles: fc.constant(['PROSECUTOR']), enabled: fc.boolean() }) },
  { weight: 1, arbitrary: fc.constant(null) },
);

const command = <T extends MlaCommandType>(type: T, fields: { [k: string]: fc.Arbitrary<unknown> } = {}) =>
  fc.record(fields).map((f) => ({ type, ...f }) as unknown as Extract<MlaCommand, { type: T }>);

const payloads = fc.record({
  SUBMIT: command('SUBMIT', { comment: optionalText }),
  RESUBMIT: command('RESUBMIT', { comment: optionalText }),
  AMEND: command('AMEND', {
    changes: fc.record(
      {
        requestedByDate: fc.option(relativeDate(-10, 200), { nil: undefined, freq: 3 }),
        urgency: fc.constantFrom('NORMAL', 'URGENT'),
        language: fc.constantFrom('fr', 'en', 'ar'),
        assistanceTypes: fc.uniqueArray(fc.constantFrom(...ASSISTANCE_TYPES), { minLength: 1, maxLength: 3 }),
        factsSummary: text,
      },
      { requiredKeys: [] },
    ),
    basis: fc.option(fc.constantFrom(testBasis({ instrumentId: 'UNTOC-2000' }), testBasis({ parties: [{ stateCode: 'SN', from: '1995-01-01', to: null }] })), {
      nil: undefined,
      freq: 6,
    }),
    comment: optionalText,
  }),
  APPROVE: command('APPROVE', { comment: optionalText }),
  RETURN_FOR_CORRECTION: command('RETURN_FOR_CORRECTION', { comment: text }),
  OVERRIDE_BASIS: command('OVERRIDE_BASIS', { justification: longText }),
  REPIN_RULE_PACK: command('REPIN_RULE_PACK', { justification: longText, basis: fc.option(repinBasis, { nil: undefined, freq: 8 }) }),
  ATTACH_TRANSLATION: command('ATTACH_TRANSLATION', {
    language: fc.constantFrom('fr', 'fr', 'en', 'de'),
    documentRef: text,
    certified: fc.oneof({ weight: 9, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
    comment: optionalText,
  }),
  TRANSMIT: command('TRANSMIT', {
    channel: fc.constantFrom(...TRANSMISSION_CHANNELS, 'CA_DIRECT', 'CA_DIRECT'),
    reference: text,
    oral: fc.option(fc.boolean(), { nil: undefined }),
    comment: optionalText,
  }),
  CONFIRM_IN_WRITING: command('CONFIRM_IN_WRITING', { reference: text, comment: optionalText }),
  ACKNOWLEDGE: command('ACKNOWLEDGE', { reference: optionalText, comment: optionalText }),
  REQUEST_INFO: command('REQUEST_INFO', { details: text }),
  PROVIDE_INFO: command('PROVIDE_INFO', { details: text }),
  OPEN_CONSULTATION: command('OPEN_CONSULTATION', { proposal: text }),
  CONSULTATION_REPLY: command('CONSULTATION_REPLY', { text }),
  REFUSE: command('REFUSE', {
    ground: fc.oneof({ weight: 9, arbitrary: fc.constantFrom(...Object.keys(REFUSAL_GROUNDS)) }, { weight: 1, arbitrary: fc.constant('BECAUSE') }),
    reasons: text,
  }),
  POSTPONE: command('POSTPONE', {
    reviewDate: fc.oneof({ weight: 9, arbitrary: relativeDate(-3, 120) }, { weight: 1, arbitrary: fc.constant('2024-02-30') }),
    reasons: text,
  }),
  RESUME: command('RESUME', { comment: optionalText }),
  EXTEND_RECOGNITION: command('EXTEND_RECOGNITION', { reasons: text, estimatedDecisionDate: relativeDate(-3, 70) }),
  ACCEPT: command('ACCEPT', { forward: fc.option(forwarding, { nil: undefined }), comment: optionalText }),
  FORWARD_ITEMS: command('FORWARD_ITEMS', { forward: forwarding, comment: optionalText }),
  RECORD_EXECUTION: command('RECORD_EXECUTION', { itemId, note: optionalText }),
  TRANSMIT_RESULTS: command('TRANSMIT_RESULTS', {
    itemIds: fc.option(fc.uniqueArray(itemId, { maxLength: 3 }), { nil: undefined }),
    reference: text,
    comment: optionalText,
  }),
  CONFIRM_RECEIPT: command('CONFIRM_RECEIPT', { comment: optionalText }),
  WITHDRAW: command('WITHDRAW', { reason: text }),
  NOTE: command('NOTE', { text }),
  ASSIGN: command('ASSIGN', {
    assigneeId: fc.constantFrom('u-officer-1', 'u-officer-2', ''),
    authorityId: assigningAuthority,
    assignee: assigneeFacts,
    comment: optionalText,
  }),
} satisfies { [K in MlaCommandType]: fc.Arbitrary<MlaCommand> }) as fc.Arbitrary<Payloads>;

const machine: Machine<MlaCaseState, CommandEnvelope, Payloads> = {
  handle: handleCommand,
  advance: advanceTime,
  terminal: (s) => isTerminal(s.status),
  envelope(step: Step<Payloads>, ctx) {
    const { type, relation } = chooseCommand(step, MLA_COMMANDS, ctx.state.status, RELATIONS);
    const s = ctx.state;
    let command = type === 'NO_SUCH_COMMAND' ? ({ type } as never) : resolveDates(step.payloads[type], ctx.now, s.ctx.timeZones.requested);
    let actor = ACTORS[relation][step.actorPick % ACTORS[relation].length];
    // Items are named by what the case holds when the command is sent, so that execution can progress.
    const open = s.items.filter((i) => i.status === 'PENDING' || i.status === 'FORWARDED').map((i) => i.id);
    if (command.type === 'ACCEPT' || command.type === 'FORWARD_ITEMS') {
      command = { ...command, forward: command.forward?.map((f) => (f.itemIds[0] === 'EVERY_OPEN_ITEM' ? { ...f, itemIds: open } : f)) } as MlaCommand;
    }
    if (command.type === 'RECORD_EXECUTION' && command.itemId === 'FORWARDED_ITEM') {
      const forwarded = s.items.filter((i) => i.status === 'FORWARDED');
      const item = forwarded[step.pick % Math.max(1, forwarded.length)];
      command = { ...command, itemId: item?.id ?? 'item-1' };
      const owner = ACTORS.EXECUTING_AUTHORITY.find((a) => a.authorityId === item?.executingAuthorityId);
      if (relation === 'EXECUTING_AUTHORITY' && owner && step.actorPick % 5 !== 0) actor = owner;
    }
    if (command.type === 'ASSIGN') command = withAssigningAuthority(command, actor.authorityId);
    return { command, relation, actor, occurredAt: occurredAt(step.occurred, ctx.now, s.lastEventAt) };
  },
  check(s, now) {
    expectThat((MLA_STATES as readonly string[]).includes(s.status), () => `unknown status ${s.status}`);
    expectThat(s.lastEventAt <= now && s.filedAt <= s.lastEventAt, () => `lastEventAt ${s.lastEventAt} outside [filedAt, now]`);
    // The requester's deadline is absolute: never paused, never moved by a pause (domain brief §6).
    const deadline = s.clocks.filter((k) => k.kind === 'REQUESTER_DEADLINE');
    expectThat(deadline.length <= 1, () => 'two requester deadlines');
    expectThat(
      deadline.every((k) => k.pausedMs === 0),
      () => 'the requester deadline was paused',
    );
    // Only officers of an authority's own, named in the directory, are assigned by it.
    for (const [authority, user] of Object.entries(s.assignees ?? {}))
      expectThat(authority !== 'XX-OTHER' && user !== '', () => `assigned ${user} of ${authority}`);
    if (s.status === 'ADDITIONAL_INFO_REQUESTED') expectThat(s.pauseStartedAt !== undefined, () => 'awaiting information without the start of the pause');
    else if (!isTerminal(s.status)) expectThat(s.pauseStartedAt === undefined, () => `a pause started at ${s.pauseStartedAt} still open in ${s.status}`);
  },
};

/** A filing with random but plausible content, pair and basis, at a random instant. */
const filing = fc.record({
  at: fc.integer({ min: Date.parse('2024-01-01T00:00:00Z'), max: Date.parse('2026-12-31T00:00:00Z') }).map((ms) => Math.floor(ms / 60_000) * 60_000),
  rome: fc.boolean(),
  liaisonMagistrate: fc.boolean(),
  language: fc.constantFrom('fr', 'fr', 'en', 'ar'),
  urgency: fc.constantFrom('NORMAL' as const, 'URGENT' as const),
  requestedBy: fc.option(relativeDate(-5, 300), { nil: undefined }),
  assistanceTypes: fc.uniqueArray(fc.constantFrom(...ASSISTANCE_TYPES), { minLength: 1, maxLength: 3 }),
  factsSummary: fc.option(text, { nil: undefined, freq: 6 }),
  basis: fc.constantFrom('ECOWAS', 'UNTOC', 'EIO', 'OUT_OF_FORCE'),
});

type Filing = typeof filing extends fc.Arbitrary<infer F> ? F : never;

function file(f: Filing) {
  const ctx = testContext({
    ...(f.rome ? { requestedState: 'IT', timeZones: { requesting: 'Africa/Dakar', requested: 'Europe/Rome' }, requestedStateLanguages: ['it'] } : {}),
    network: { liaisonMagistrate: f.liaisonMagistrate, focalPointStates: f.liaisonMagistrate ? [] : ['SN', 'ML'] },
  });
  const requestedByDate = f.requestedBy && dateAt(f.requestedBy, f.at, ctx.timeZones.requested);
  const content = testContent({
    language: f.language,
    urgency: f.urgency,
    requestedByDate,
    deadlineReason: requestedByDate && 'trial',
    assistanceTypes: f.assistanceTypes,
    factsSummary: f.factsSummary ?? testContent().factsSummary,
  });
  return fileCase({ ctx, content, basis: basisOf(f.basis), filedBy: ACTORS.REQUESTING_PROSECUTOR[0], at: f.at });
}

function basisOf(kind: string) {
  switch (kind) {
    case 'UNTOC':
      return testBasis({ instrumentId: 'UNTOC-2000', rulePack: testRulePack({ instrumentId: 'UNTOC-2000', completenessProfile: 'UNTOC_18_15' }) });
    case 'EIO': {
      const eio = testRulePack({ instrumentId: 'EIO-2014', completenessProfile: 'UNTOC_18_15', acceptedLanguages: [] });
      const r = (amount: number) => ({ amount, unit: 'CALENDAR_DAYS' as const, legalRef: 'EIO', verified: true });
      eio.clocks = { ...eio.clocks, EIO_RECEIPT: r(7), EIO_RECOGNITION: r(30), EIO_EXECUTION: r(90) };
      return testBasis({ instrumentId: 'EIO-2014', rulePack: eio });
    }
    case 'OUT_OF_FORCE':
      return testBasis({
        parties: [
          { stateCode: 'SN', from: '1995-01-01', to: null },
          { stateCode: 'ML', from: '1995-01-01', to: '2024-01-29' },
        ],
      });
    default:
      return testBasis();
  }
}

const lives = (backdating: boolean) => steps(payloads, { maxLength: 60, backdating });

describe('MLA case: properties of random lives', () => {
  it('keeps seq contiguous, terminal states absorbing, refusals without effect, advance idempotent and clocks consistent', () => {
    const seen = new Set<string>();
    fc.assert(
      fc.property(filing, lives(true), (f, run) => {
        runCase(machine, file(f), run, { monotonicTime: false }).statuses.forEach((st) => seen.add(st));
      }),
      propertyParams(120),
    );
    // The generator is not stuck at the start: the random lives went through every state of the life cycle.
    expect([...seen].sort()).toEqual([...MLA_STATES].sort());
  });

  it('never stamps an event before the one it follows when every act is recorded as it happens', () => {
    fc.assert(
      fc.property(filing, lives(false), (f, run) => {
        runCase(machine, file(f), run, { monotonicTime: true });
      }),
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
