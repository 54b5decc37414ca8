import fc from 'fast-check';
import { extraditionBasis, extraditionContext } from '../../../../test/support/extradition-fixtures';
import {
  Machine,
  Step,
  chooseCommand,
  expectDeterministic,
  expectThat,
  occurredAt,
  propertyParams,
  runCase,
  steps,
  text,
} from '../../../../test/support/case-properties';
import type { CaseRelation } from '../policy';
import type { ActorRef } from '../roles';
import {
  DOMESTIC_COMMANDS,
  DOMESTIC_STATES,
  DomesticCommand,
  DomesticEnvelope,
  DomesticProsecutionState,
  advanceDomestic,
  handleDomesticCommand,
  isDomesticTerminal,
  openDomesticProsecution,
} from '../index';

// Random lives of a domestic prosecution opened on refusal to extradite a national (UNTOC art. 16(10)).

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
const actorOf = (relation: CaseRelation): ActorRef => ({
  userId: `u-${relation.toLowerCase()}`,
  role: 'PROSECUTOR',
  stateCode: relation.startsWith('REQUESTING') ? 'NG' : 'BJ',
  authorityId: `${relation}-AUTH`,
});

type Payloads = Record<DomesticCommand['type'], DomesticCommand>;
const payloads = fc.record({
  RECORD_PROGRESS: fc
    .record({ status: fc.constantFrom(...DOMESTIC_STATES, 'ACQUITTED'), note: text })
    .map((c) => ({ type: 'RECORD_PROGRESS', ...c }) as DomesticCommand),
  NOTE: text.map((t) => ({ type: 'NOTE', text: t }) as DomesticCommand),
}) as fc.Arbitrary<Payloads>;

/** Both commands are admitted from every open state: the state a report moves to is in its payload. */
const SPECS = {
  RECORD_PROGRESS: { from: 'ANY_OPEN' as const, by: DOMESTIC_COMMANDS.RECORD_PROGRESS.by },
  NOTE: { from: 'ANY_OPEN' as const, by: DOMESTIC_COMMANDS.NOTE.by },
};

const machine: Machine<DomesticProsecutionState, DomesticEnvelope, Payloads> = {
  handle: handleDomesticCommand,
  advance: advanceDomestic,
  terminal: (s) => isDomesticTerminal(s.status),
  envelope(step: Step<Payloads>, { state, now }) {
    const { type, relation } = chooseCommand({ ...step, choice: step.choice === 'PROGRESS' ? 'ANY_OPEN' : step.choice }, SPECS, state.status, RELATIONS);
    const command = type === 'NO_SUCH_COMMAND' ? ({ type } as never) : step.payloads[type];
    return { command, relation, actor: actorOf(relation), occurredAt: occurredAt(step.occurred, now, state.lastEventAt) };
  },
  check(s, now) {
    expectThat((DOMESTIC_STATES as readonly string[]).includes(s.status), () => `unknown status ${s.status}`);
    // While it is open, one progress report is always due (UNTOC art. 16(10)): exactly one clock runs.
    if (!isDomesticTerminal(s.status))
      expectThat(
        s.clocks.filter((k) => k.status === 'RUNNING').length === 1,
        () => `open prosecution with ${s.clocks.filter((k) => k.status === 'RUNNING').length} running report clocks`,
      );
    expectThat(s.lastEventAt <= now, () => 'lastEventAt in the future');
  },
};

const filing = fc.record({
  at: fc.integer({ min: Date.parse('2024-01-01T00:00:00Z'), max: Date.parse('2026-12-31T00:00:00Z') }).map((ms) => Math.floor(ms / 60_000) * 60_000),
  reportMonths: fc.integer({ min: 1, max: 6 }),
});
type Filing = typeof filing extends fc.Arbitrary<infer F> ? F : never;

function file(f: Filing) {
  const basis = extraditionBasis();
  basis.rulePack.clocks.DOMESTIC_PROSECUTION_REPORT = { amount: f.reportMonths * 30, unit: 'CALENDAR_DAYS', legalRef: 'UNTOC art. 16(10)', verified: false };
  return openDomesticProsecution({
    ctx: extraditionContext(),
    basis,
    extraditionCaseId: '00000000-0000-4000-8000-00000000e001',
    openedBy: actorOf('REQUESTED_CA'),
    at: f.at,
  });
}

const lives = (backdating: boolean) => steps(payloads, { maxLength: 40, backdating });

describe('domestic prosecution: properties of random lives', () => {
  it('keeps seq contiguous, terminal states absorbing, refusals without effect, advance idempotent and clocks consistent', () => {
    const seen = new Set<string>();
    fc.assert(
      fc.property(filing, lives(true), (f, run) => runCase(machine, file(f), run, { monotonicTime: false }).statuses.forEach((st) => seen.add(st))),
      propertyParams(150),
    );
    expect([...seen].sort()).toEqual([...DOMESTIC_STATES].sort());
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
