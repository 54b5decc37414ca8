// Property-test support for the pure case machines (MLA, extradition, domestic prosecution): random
// command sequences interleaved with the passing of time, run as the workflow runs them, and the
// invariants every life cycle must keep whatever the sequence. Used by *.property.spec.ts only.
import fc from 'fast-check';
import type { CaseCore, CaseEvent, Clock } from '../../libs/domain/src/case/clockwork';
import { nextWakeAt } from '../../libs/domain/src/case/clockwork';
import type { RuleViolation } from '../../libs/domain/src/rule-violation';
import { DAY_MS, HOUR_MS, addDays, civilDate } from '../../libs/domain/src/time/calendar';

/** A fixed seed, so that a run is reproducible; FC_SEED tries another, FC_RUNS scales the number of runs. */
export function propertyParams(numRuns: number): fc.Parameters<unknown> {
  const seed = process.env.FC_SEED !== undefined ? Number(process.env.FC_SEED) : 0x5eed_2024;
  const scale = process.env.FC_RUNS !== undefined ? Number(process.env.FC_RUNS) : 1;
  // FC_SHRINK=0 reports the first counterexample as found, without shrinking it.
  return { seed, numRuns: Math.max(1, Math.round(numRuns * scale)), endOnFailure: process.env.FC_SHRINK === '0' };
}

export const MINUTE_MS = 60_000;

/** Time between two steps: often nothing or minutes, sometimes days, sometimes months. */
export const elapsed: fc.Arbitrary<number> = fc.oneof(
  { weight: 2, arbitrary: fc.constant(0) },
  { weight: 4, arbitrary: fc.integer({ min: 1, max: 600 }).map((m) => m * MINUTE_MS) },
  { weight: 5, arbitrary: fc.integer({ min: 1, max: 10 * 24 }).map((h) => h * HOUR_MS) },
  { weight: 2, arbitrary: fc.integer({ min: 10, max: 120 }).map((d) => d * DAY_MS + 7 * HOUR_MS) },
);

/** When the act really happened: now, or a valid instant between the previous act and now, or an invalid one. */
export type Backdate = { kind: 'NONE' } | { kind: 'BETWEEN'; fraction: number } | { kind: 'FUTURE' } | { kind: 'BEFORE_PREVIOUS' } | { kind: 'GARBAGE' };
export const backdate = (enabled: boolean): fc.Arbitrary<Backdate> =>
  enabled
    ? fc.oneof(
        { weight: 16, arbitrary: fc.constant<Backdate>({ kind: 'NONE' }) },
        { weight: 3, arbitrary: fc.integer({ min: 0, max: 1000 }).map<Backdate>((n) => ({ kind: 'BETWEEN', fraction: n / 1000 })) },
        { weight: 1, arbitrary: fc.constantFrom<Backdate>({ kind: 'FUTURE' }, { kind: 'BEFORE_PREVIOUS' }, { kind: 'GARBAGE' }) },
      )
    : fc.constant<Backdate>({ kind: 'NONE' });

export function occurredAt(b: Backdate, now: number, lastEventAt: number): string | undefined {
  switch (b.kind) {
    case 'NONE':
      return undefined;
    case 'BETWEEN':
      return new Date(lastEventAt + Math.floor((now - lastEventAt) * b.fraction)).toISOString();
    case 'FUTURE':
      return new Date(now + MINUTE_MS).toISOString();
    case 'BEFORE_PREVIOUS':
      return new Date(lastEventAt - MINUTE_MS).toISOString();
    case 'GARBAGE':
      return 'last Tuesday';
  }
}

/** Free text: mostly something, sometimes blank (which a rule may refuse). */
export const text: fc.Arbitrary<string> = fc.oneof(
  { weight: 9, arbitrary: fc.string({ minLength: 0, maxLength: 30 }).map((s) => `t${s}`) },
  { weight: 1, arbitrary: fc.constantFrom('', '   ') },
);
export const longText: fc.Arbitrary<string> = fc.oneof(
  { weight: 9, arbitrary: fc.string({ minLength: 0, maxLength: 20 }).map((s) => `a justification long enough ${s}`) },
  { weight: 1, arbitrary: fc.constantFrom('', 'too short') },
);
export const optionalText = fc.option(text, { nil: undefined, freq: 2 });

/** A calendar date given as days from the case's clock when the command is sent: resolved at run time. */
export type RelativeDate = { days: number };
export const relativeDate = (min: number, max: number): fc.Arbitrary<RelativeDate> => fc.integer({ min, max }).map((days) => ({ days }));
export const dateAt = (d: RelativeDate, now: number, timeZone: string) => addDays(civilDate(now, timeZone), d.days);

/** The command as sent at `now`: every relative date ({ days }) becomes a calendar date in `timeZone`. */
export function resolveDates<T>(x: T, now: number, timeZone: string): T {
  if (Array.isArray(x)) return x.map((v) => resolveDates(v, now, timeZone)) as T;
  if (x && typeof x === 'object') {
    const keys = Object.keys(x);
    if (keys.length === 1 && keys[0] === 'days') return dateAt(x as unknown as RelativeDate, now, timeZone) as T;
    return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, resolveDates(v, now, timeZone)])) as T;
  }
  return x;
}

/** What a command is built from: the case as it stands and its clock. */
export interface BuildContext<S> {
  state: S;
  now: number;
}

/** One step of a random run: time passes, then either the clock alone is advanced or a command is sent. */
export interface Step<P> {
  dt: number;
  kind: 'ADVANCE' | 'COMMAND';
  /** PROGRESS: a command the current state admits; ANY_OPEN: one admitted from every open state; RANDOM: any command. */
  choice: 'PROGRESS' | 'ANY_OPEN' | 'RANDOM';
  pick: number;
  /** Whether the command is sent through one of its relations, or through any relation at all. */
  rightRelation: boolean;
  relationPick: number;
  actorPick: number;
  occurred: Backdate;
  payloads: P;
}

export function steps<P>(payloads: fc.Arbitrary<P>, opts: { maxLength: number; backdating: boolean }): fc.Arbitrary<Step<P>[]> {
  const step = fc.record({
    dt: elapsed,
    kind: fc.oneof({ weight: 1, arbitrary: fc.constant('ADVANCE' as const) }, { weight: 3, arbitrary: fc.constant('COMMAND' as const) }),
    choice: fc.oneof(
      { weight: 16, arbitrary: fc.constant('PROGRESS' as const) },
      { weight: 1, arbitrary: fc.constant('ANY_OPEN' as const) },
      { weight: 3, arbitrary: fc.constant('RANDOM' as const) },
    ),
    pick: fc.nat({ max: 1000 }),
    rightRelation: fc.oneof({ weight: 9, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
    relationPick: fc.nat({ max: 1000 }),
    actorPick: fc.nat({ max: 1000 }),
    occurred: backdate(opts.backdating),
    payloads,
  });
  return fc.array(step, { minLength: 1, maxLength: opts.maxLength, size: 'max' });
}

/** Picks the command of a step among the types its choice allows, and one of its relations. */
export function chooseCommand<T extends string, R extends string>(
  step: Step<unknown>,
  specs: Record<T, { from: readonly string[] | 'ANY_OPEN'; by: readonly R[] }>,
  status: string,
  allRelations: readonly R[],
  /** Commands that leave the state as it is: half the time a PROGRESS step passes them over. */
  sideSteps: readonly T[] = [],
): { type: T | 'NO_SUCH_COMMAND'; relation: R } {
  const types = Object.keys(specs) as T[];
  const fromHere = types.filter((t) => specs[t].from !== 'ANY_OPEN' && (specs[t].from as readonly string[]).includes(status));
  const moving = fromHere.filter((t) => !sideSteps.includes(t));
  const admitted = step.pick % 2 === 0 && moving.length ? moving : fromHere;
  const anyOpen = types.filter((t) => specs[t].from === 'ANY_OPEN');
  const pool = step.choice === 'PROGRESS' && admitted.length ? admitted : step.choice === 'ANY_OPEN' ? anyOpen : [...types, 'NO_SUCH_COMMAND' as const];
  const type = pool[Math.floor(step.pick / 2) % pool.length];
  const by = type === 'NO_SUCH_COMMAND' || !step.rightRelation ? allRelations : specs[type].by;
  return { type, relation: by[step.relationPick % by.length] };
}

export type Outcome<S> = { ok: true; state: S; events: CaseEvent[] } | { ok: false; violation: RuleViolation };

export interface Machine<S extends CaseCore, E, P> {
  handle(state: S, envelope: E, now: number): Outcome<S>;
  advance(state: S, now: number): { state: S; events: CaseEvent[] };
  terminal(state: S): boolean;
  /** The envelope a step sends in state `state` at `now`. */
  envelope(step: Step<P>, ctx: BuildContext<S>): E;
  /** Extra invariants of one life cycle, checked after every step. */
  check?(state: S, now: number, after: 'ADVANCE' | 'COMMAND'): void;
}

export interface RunResult<S> {
  state: S;
  events: CaseEvent[];
  now: number;
  accepted: string[];
  refused: string[];
  statuses: string[];
}

export class InvariantBroken extends Error {}

export function expectThat(ok: boolean, message: () => string): asserts ok {
  if (!ok) throw new InvariantBroken(message());
}

const show = (x: unknown) => JSON.stringify(x, null, 1)?.slice(0, 4000);

/** Structural equality that treats a key set to undefined as absent (as the JSON the workflow carries does). */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return Number.isNaN(a) && Number.isNaN(b);
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) return a.length === (b as unknown[]).length && a.every((v, i) => sameValue(v, (b as unknown[])[i]));
  const ka = Object.keys(a).filter((k) => (a as Record<string, unknown>)[k] !== undefined);
  const kb = Object.keys(b).filter((k) => (b as Record<string, unknown>)[k] !== undefined);
  return ka.length === kb.length && ka.every((k) => sameValue((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/** Freezes a state deeply, so that a machine that writes into the state it was given fails at once. */
export function deepFreeze<T>(x: T): T {
  if (x && typeof x === 'object' && !Object.isFrozen(x)) {
    Object.freeze(x);
    for (const v of Object.values(x)) deepFreeze(v);
  }
  return x;
}
function canonical(x: unknown): unknown {
  if (Array.isArray(x)) return x.map(canonical);
  if (x && typeof x === 'object') {
    return Object.fromEntries(
      Object.entries(x)
        .filter(([, v]) => v !== undefined)
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([k, v]) => [k, canonical(v)]),
    );
  }
  return x;
}

/**
 * Runs one case from its filing through the steps, as the workflow does (catch the clock up to `now`,
 * then handle the command at `now`), checking the shared invariants after every step.
 */
export function runCase<S extends CaseCore, E, P>(
  m: Machine<S, E, P>,
  filing: { state: S; events: CaseEvent[] },
  run: Step<P>[],
  opts: { monotonicTime: boolean },
): RunResult<S> {
  let s = deepFreeze(filing.state);
  const events: CaseEvent[] = [];
  const result: RunResult<S> = { state: s, events, now: filing.events[0].at, accepted: [], refused: [], statuses: [s.status] };
  let now = filing.events[0].at;

  const record = (batch: CaseEvent[], source: string) => {
    for (const e of batch) {
      const prev = events.at(-1);
      expectThat(e.seq === (prev ? prev.seq + 1 : 0), () => `${source}: event seq ${e.seq} does not follow ${prev?.seq} (${e.type})`);
      expectThat(!prev || e.from === prev.to, () => `${source}: event ${e.seq} ${e.type} leaves from ${e.from} but the case was ${prev?.to}`);
      expectThat(e.at <= now, () => `${source}: event ${e.seq} ${e.type} at ${iso(e.at)} is in the future of the case's clock ${iso(now)}`);
      if (opts.monotonicTime && prev)
        expectThat(e.at >= prev.at, () => `${source}: event ${e.seq} ${e.type} at ${iso(e.at)} is before event ${prev.seq} ${prev.type} at ${iso(prev.at)}`);
      events.push(e);
    }
    expectThat(s.seq === events.at(-1)!.seq, () => `${source}: state.seq ${s.seq} is not the last event's seq ${events.at(-1)!.seq}`);
    expectThat(s.status === events.at(-1)!.to, () => `${source}: status ${s.status} is not where the last event led (${events.at(-1)!.to})`);
  };
  record(filing.events, 'filing');
  checkCore(s, now, 'COMMAND', m);

  const advance = (source: string) => {
    const wasTerminal = m.terminal(s);
    const r = m.advance(s, now);
    if (wasTerminal) {
      expectThat(r.events.length === 0, () => `${source}: advance of a terminal case produced ${r.events.map((e) => e.type)}`);
      expectThat(sameValue(r.state, s), () => `${source}: advance changed a terminal case: ${diff(s, r.state)}`);
    }
    s = deepFreeze(r.state);
    record(r.events, source);
    if (r.events.length) result.statuses.push(s.status);
    const again = m.advance(s, now);
    expectThat(again.events.length === 0, () => `${source}: a second advance to the same instant produced ${again.events.map((e) => e.type)}`);
    expectThat(sameValue(again.state, s), () => `${source}: a second advance to the same instant changed the state: ${diff(s, again.state)}`);
    checkCore(s, now, 'ADVANCE', m);
  };

  run.forEach((step, i) => {
    now += step.dt;
    advance(`step ${i} advance`);
    if (step.kind === 'ADVANCE') return;
    const envelope = m.envelope(step, { state: s, now });
    const label = `step ${i} ${JSON.stringify(envelope).slice(0, 300)} at ${iso(now)} in ${s.status}`;
    const before = structuredClone(s);
    const wasTerminal = m.terminal(s);
    const out = m.handle(s, envelope, now);
    if (wasTerminal)
      expectThat(
        !out.ok && ['CASE_TERMINAL', 'UNKNOWN_COMMAND'].includes(out.violation.code),
        () => `${label}: a terminal case accepted a command: ${show(out)}`,
      );
    const type = (envelope as { command: { type: string } }).command.type;
    if (!out.ok) {
      // The state is frozen (a write into it throws); a refusal leaves it as it was, field for field.
      expectThat(sameValue(s, before), () => `${label}: a refused command changed the state: ${diff(before, s)}`);
      expectThat(Boolean(out.violation?.code && out.violation.message), () => `${label}: a refusal without a code and a message`);
      expectThat(!('state' in out) && !('events' in out), () => `${label}: a refusal carried a state or events`);
      result.refused.push(`${type}:${out.violation.code}`);
      return;
    }
    expectThat(out.events.length >= 1, () => `${label}: an accepted command recorded no event`);
    s = deepFreeze(out.state);
    record(out.events, label);
    result.accepted.push(type);
    result.statuses.push(s.status);
    checkCore(s, now, 'COMMAND', m);
  });
  result.state = s;
  result.now = now;
  return result;
}

const iso = (ms: number) => (Number.isFinite(ms) ? new Date(ms).toISOString() : String(ms));

function diff(a: unknown, b: unknown): string {
  const ca = canonical(a) as Record<string, unknown>;
  const cb = canonical(b) as Record<string, unknown>;
  const keys = [...new Set([...Object.keys(ca ?? {}), ...Object.keys(cb ?? {})])].filter((k) => JSON.stringify(ca[k]) !== JSON.stringify(cb[k]));
  return keys
    .map((k) => `${k}: ${show(ca[k])} -> ${show(cb[k])}`)
    .join('; ')
    .slice(0, 4000);
}

const LIVE = new Set(['RUNNING', 'PAUSED']);

/**
 * What the shared clockwork promises of every case, whatever its life cycle (libs/domain/src/case/clockwork.ts).
 */
export function checkCore<S extends CaseCore>(s: S, now: number, after: 'ADVANCE' | 'COMMAND', m: Machine<S, any, any>): void {
  const where = () => `${after} at ${iso(now)} in ${s.status}`;
  const ids = new Set<string>();
  for (const k of s.clocks) {
    const c = () => `${where()}: clock ${k.id} ${k.ruleId} ${show(k)}`;
    expectThat(!ids.has(k.id), () => `${c()}: duplicate clock id`);
    ids.add(k.id);
    expectThat(['RUNNING', 'PAUSED', 'MET', 'BREACHED', 'CANCELLED'].includes(k.status), () => `${c()}: unknown status`);
    expectThat(Number.isFinite(k.breachAt) && Number.isFinite(k.startedAt), () => `${c()}: breachAt/startedAt not a number`);
    expectThat(k.pausedMs >= 0, () => `${c()}: negative paused time`);
    expectThat(k.firings >= 0, () => `${c()}: negative firings`);
    switch (k.status) {
      case 'RUNNING':
        expectThat(k.stoppedAt === undefined && k.pausedAt === undefined, () => `${c()}: a running clock is stopped or paused`);
        break;
      case 'PAUSED':
        expectThat(
          k.pausedAt !== undefined && k.pausedAt <= now && k.stoppedAt === undefined,
          () => `${c()}: a paused clock without a pause instant, or stopped`,
        );
        break;
      case 'MET':
      case 'CANCELLED':
        expectThat(
          k.stoppedAt !== undefined && k.stoppedAt <= now && k.pausedAt === undefined,
          () => `${c()}: a stopped clock without its stop instant, or still paused`,
        );
        break;
      case 'BREACHED':
        // The breach fired at its own due instant, which the case's clock has reached.
        expectThat(
          k.stoppedAt !== undefined && k.stoppedAt === k.breachAt && k.breachAt <= now,
          () => `${c()}: a breached clock whose breach is not at its due instant or is still ahead`,
        );
        break;
    }
    // Pauses happen only while the requesting side owes information, and only on the requested side's
    // service-level clocks (clockwork: pauseClocks; the requester's deadline is never paused).
    if (k.status === 'PAUSED') {
      expectThat(s.status === 'ADDITIONAL_INFO_REQUESTED', () => `${c()}: paused outside ADDITIONAL_INFO_REQUESTED`);
      expectThat(k.kind === 'SLA' && k.side === 'REQUESTED', () => `${c()}: a clock other than the requested side's service level paused`);
    }
    if (s.status === 'ADDITIONAL_INFO_REQUESTED' && k.kind === 'SLA' && k.side === 'REQUESTED') {
      expectThat(k.status !== 'RUNNING', () => `${c()}: the requested side's clock runs while information is awaited`);
    }
    if (m.terminal(s)) expectThat(!LIVE.has(k.status), () => `${c()}: a clock still ${k.status} in a terminal case`);
  }
  const taskIds = new Set<string>();
  for (const t of s.tasks) {
    const c = () => `${where()}: task ${t.id} ${show(t)}`;
    expectThat(!taskIds.has(t.id) && !ids.has(t.id), () => `${c()}: duplicate id`);
    taskIds.add(t.id);
    expectThat(t.createdAt <= now, () => `${c()}: created in the future`);
    if (t.status === 'OPEN') expectThat(t.resolvedAt === undefined, () => `${c()}: open with a resolution instant`);
    else
      expectThat(
        t.resolvedAt !== undefined && t.resolvedAt >= t.createdAt && t.resolvedAt <= now,
        () => `${c()}: settled without a resolution instant, or before it existed`,
      );
    if (t.clockId !== undefined) {
      const k: Clock | undefined = s.clocks.find((x) => x.id === t.clockId);
      expectThat(k !== undefined, () => `${c()}: raised by a clock the case does not have`);
      // A stopped clock settles the tasks it raised (clockwork: stopClocks).
      if (k!.status === 'MET' || k!.status === 'CANCELLED') expectThat(t.status !== 'OPEN', () => `${c()}: still open although its clock is ${k!.status}`);
    }
    if (m.terminal(s)) expectThat(t.status !== 'OPEN', () => `${c()}: an open task in a terminal case`);
  }
  const numbered = [...ids, ...taskIds].map((id) => Number(id.split('-').at(-1)));
  expectThat(
    numbered.every((n) => n < s.nextId),
    () => `${where()}: an id at or beyond nextId ${s.nextId}`,
  );
  if (after === 'ADVANCE') {
    // Everything due at or before now has fired (clockwork: advanceClocks).
    const wake = nextWakeAt(s);
    if (!m.terminal(s)) expectThat(wake === undefined || wake > now, () => `${where()}: a clock due at ${iso(wake!)} has not fired`);
    const open = s.tasks.some((t) => t.kind === 'ESCALATION' && t.status === 'OPEN');
    expectThat(
      open === s.flags.includes('ESCALATED'),
      () => `${where()}: ESCALATED is ${s.flags.includes('ESCALATED')} with ${open ? 'an' : 'no'} open escalation`,
    );
  }
  expectThat(new Set(s.flags).size === s.flags.length, () => `${where()}: a flag twice: ${s.flags}`);
  m.check?.(s, now, after);
}

/** Runs the same steps twice from the same filing: the machines are pure, so both runs are identical. */
export function expectDeterministic<S extends CaseCore, E, P>(m: Machine<S, E, P>, file: () => { state: S; events: CaseEvent[] }, run: Step<P>[]): void {
  const a = runCase(m, file(), run, { monotonicTime: false });
  const b = runCase(m, file(), run, { monotonicTime: false });
  expectThat(JSON.stringify(a.events) === JSON.stringify(b.events), () => 'the same steps gave different events');
  expectThat(JSON.stringify(a.state) === JSON.stringify(b.state), () => `the same steps gave different states: ${diff(a.state, b.state)}`);
}

/** An assignment as sent: the placeholder authority of its payload becomes the actor's own. */
export function withAssigningAuthority<C extends { type: string }>(command: C, authorityId: string): C {
  const c = command as unknown as { authorityId: string; assignee?: { authorityId: string } | null };
  const own = (a: string) => (a === 'ACTOR_AUTHORITY' ? authorityId : a);
  return { ...command, authorityId: own(c.authorityId), assignee: c.assignee ? { ...c.assignee, authorityId: own(c.assignee.authorityId) } : c.assignee };
}
