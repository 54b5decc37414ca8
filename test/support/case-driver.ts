import type { CaseCore, CaseEvent } from '../../libs/domain/src/case/clockwork';
import type { RuleViolation } from '../../libs/domain/src/rule-violation';

export type Outcome<S> = { ok: true; state: S; events: CaseEvent[] } | { ok: false; violation: RuleViolation };

/**
 * Drives one case of any kind through time and commands, as the workflow does, and checks that every
 * event carries the next sequence number (the audit trail is keyed by it).
 */
export class CaseDriver<S extends CaseCore, E extends { command: { type: string } }, O extends Outcome<S> = Outcome<S>> {
  events: CaseEvent[] = [];

  constructor(
    public state: S,
    initialEvents: CaseEvent[],
    private readonly advance: (s: S, now: number) => { state: S; events: CaseEvent[] },
    private readonly handle: (s: S, envelope: E, now: number) => O,
  ) {
    this.events.push(...initialEvents);
  }

  at(ms: number): this {
    const r = this.advance(this.state, ms);
    this.state = r.state;
    this.push(r.events);
    return this;
  }

  try(envelope: E, ms: number): O {
    this.at(ms);
    return this.handle(this.state, envelope, ms);
  }

  do(envelope: E, ms: number): this {
    const out = this.try(envelope, ms);
    if (!out.ok) throw new Error(`${envelope.command.type} refused: ${out.violation.code} ${out.violation.message}`);
    this.state = out.state;
    this.push(out.events);
    return this;
  }

  types(): string[] {
    return this.events.map((e) => e.type);
  }

  clock(ruleId: string) {
    return this.state.clocks.find((k) => k.ruleId === ruleId)!;
  }

  tasks(kind?: string) {
    return this.state.tasks.filter((t) => !kind || t.kind === kind);
  }

  private push(events: CaseEvent[]): void {
    for (const e of events) {
      expect(e.seq).toBe((this.events.at(-1)?.seq ?? -1) + 1);
      this.events.push(e);
    }
    expect(this.state.seq).toBe(this.events.at(-1)!.seq);
  }
}
