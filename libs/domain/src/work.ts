// What an actor may do on a case now, and what a case owes them: derived from the same command tables,
// guard and policy the workflow runs (command-guard.ts, policy.ts), over what the read model keeps of a
// case (its state, flags, items, clocks and tasks). Nothing here is a list kept by hand: a new command
// or a new clock shows up in the actions and the inbox by itself. Pure.
import type { Actor, Role } from './roles';
import { relationsOf, type CaseAccessFacts, type CaseRelation } from './policy';
import { guardCommand, type CommandSpec } from './case/command-guard';
import { ownsStep } from './case/assignment';
import type { Addressee, ClockKind, ClockStatus, Side, TaskKind } from './case/case-model';
import type { RuleViolation } from './rule-violation';
import { MLA_COMMANDS } from './mla/commands';
import { MLA_TERMINAL_STATES } from './mla/states';
import { EXTRADITION_COMMANDS } from './extradition/commands';
import { EXTRADITION_TERMINAL_STATES } from './extradition/states';
import { DOMESTIC_COMMANDS } from './domestic-prosecution/commands';
import { DOMESTIC_TERMINAL_STATES } from './domestic-prosecution/states';

export type CaseKindName = 'MLA' | 'EXTRADITION' | 'DOMESTIC_PROSECUTION';

/** The command table and terminal states of each kind of case: the ones its workflow runs. */
export const CASE_RULE_TABLES: Readonly<
  Record<CaseKindName, { commands: Record<string, CommandSpec<string, CaseRelation | 'SYSTEM'>>; terminal: ReadonlySet<string> }>
> = {
  MLA: { commands: MLA_COMMANDS as Record<string, CommandSpec<string, CaseRelation | 'SYSTEM'>>, terminal: MLA_TERMINAL_STATES },
  EXTRADITION: { commands: EXTRADITION_COMMANDS as Record<string, CommandSpec<string, CaseRelation | 'SYSTEM'>>, terminal: EXTRADITION_TERMINAL_STATES },
  DOMESTIC_PROSECUTION: { commands: DOMESTIC_COMMANDS as Record<string, CommandSpec<string, CaseRelation | 'SYSTEM'>>, terminal: DOMESTIC_TERMINAL_STATES },
};

/** A case as the read model keeps it: enough to know what is owed and what may be done. */
export interface CaseWorkView {
  kind: CaseKindName;
  status: string;
  flags: readonly string[];
  facts: CaseAccessFacts;
  /** When the case entered its present state (ms): a clock breached before belongs to an earlier step. */
  stateEnteredAt?: number;
  items: ReadonlyArray<{ id: string; status: string; executingAuthorityId?: string; assistanceType?: string }>;
  clocks: ReadonlyArray<{
    id: string;
    ruleId: string;
    kind: ClockKind;
    side: Side;
    status: ClockStatus;
    startedAt: number;
    breachAt: number;
    legalRef?: string;
    itemId?: string;
    authorityId?: string;
  }>;
  tasks: ReadonlyArray<{
    id: string;
    kind: TaskKind;
    level: number;
    addressee: Addressee;
    addresseeStates: readonly string[];
    reason: string;
    dueAt?: number;
    createdAt: number;
    status: string;
    clockId?: string;
    /** The legal reference of the clock whose breach opened it. */
    legalRef?: string;
  }>;
  /** Officers the authorities of the case assigned its steps to (one per authority at most). */
  assignees?: ReadonlyArray<{ userId: string; authorityId: string }>;
}

/**
 * Commands that never make a step owed: side acts (notes, amendments, withdrawal, overrides) and
 * discretionary ones a party may take but is not waiting to take (asking for more information,
 * consulting, forwarding, recording an arrest). They are still offered as actions.
 */
export const DISCRETIONARY_COMMANDS: ReadonlySet<string> = new Set([
  'NOTE',
  'WITHDRAW',
  'AMEND',
  'AMEND_BASIS',
  'OVERRIDE_BASIS',
  'REPIN_RULE_PACK',
  'LINK_CONFLICT',
  'EXTEND_RECOGNITION',
  'REQUEST_INFO',
  'COURT_REQUEST_INFO',
  'OPEN_CONSULTATION',
  'FORWARD_ITEMS',
  'REQUEST_DOMESTIC_PROSECUTION',
  'REQUEST_REARREST',
  'FORCE_MAJEURE',
  'RECORD_ARREST',
  'RECORD_CONSENT',
  'RECORD_CONFLICT_CHOICE',
  'DECIDE_ON_RELEASE',
  'APPEAL',
  'ASSIGN',
]);

export interface CommandOption {
  command: string;
  /** The relation through which the actor would run it (the role recorded on the audit row follows from it). */
  relation: CaseRelation;
  legalRef?: string;
  /** Whether the workflow would take it now (the fields still have to be valid). */
  available: boolean;
  /** Why the workflow would refuse it now. */
  refusal?: Pick<RuleViolation, 'code' | 'message' | 'legalRef'>;
  /** Items the command may name (RECORD_EXECUTION: the items forwarded to the actor's authority). */
  itemIds?: string[];
}

/**
 * Every command of the case's kind the actor holds a relation for, with whether the workflow would
 * take it in the case's present state, and why not. Commands no relation of the actor may ever run are
 * not listed (the policy answers 403 for them).
 */
export function commandOptions(view: CaseWorkView, actor: Actor): CommandOption[] {
  const table = CASE_RULE_TABLES[view.kind];
  const relations = relationsOf(actor, view.facts);
  const options: CommandOption[] = [];
  for (const [command, spec] of Object.entries(table.commands)) {
    const relation = relations.find((r) => spec.by.includes(r));
    if (!relation) continue;
    const guard = guardCommand(table, view.status, relation, command);
    const refusal = guard.ok ? precondition(view, actor, command) : guard.violation;
    const option: CommandOption = { command, relation, legalRef: spec.legalRef, available: !refusal };
    if (refusal) option.refusal = { code: refusal.code, message: refusal.message, ...(refusal.legalRef ? { legalRef: refusal.legalRef } : {}) };
    if (command === 'RECORD_EXECUTION' && !refusal) option.itemIds = itemsOf(view, actor).map((i) => i.id);
    options.push(option);
  }
  return options;
}

const relationFor = (view: CaseWorkView, actor: Actor, command: string): string =>
  relationsOf(actor, view.facts).find((r) => CASE_RULE_TABLES[view.kind].commands[command].by.includes(r)) ?? '';

const itemsOf = (view: CaseWorkView, actor: Actor) => view.items.filter((i) => i.status === 'FORWARDED' && i.executingAuthorityId === actor.authorityId);

/**
 * What the handlers refuse whatever the fields say, where the read model shows it: the refusals the
 * handlers give, with their codes.
 */
function precondition(view: CaseWorkView, actor: Actor, command: string): Pick<RuleViolation, 'code' | 'message' | 'legalRef'> | undefined {
  const flags = view.flags;
  switch (command) {
    case 'CONFIRM_IN_WRITING':
      return flags.includes('ORAL_UNCONFIRMED') ? undefined : { code: 'NOT_ORAL', message: 'the request was not made orally: there is nothing to confirm' };
    case 'APPROVE':
      return flags.includes('BASIS_NOT_IN_FORCE')
        ? {
            code: 'LEGAL_BASIS_NOT_IN_FORCE',
            message: 'the legal basis was not in force for both States on the filing date: change it, or an administrator records an override',
          }
        : undefined;
    case 'RECORD_EXECUTION':
      if (view.kind !== 'MLA') return undefined;
      return itemsOf(view, actor).length ? undefined : { code: 'ITEM_NOT_FORWARDED', message: 'no item of this request awaits execution by your authority' };
    case 'TRANSMIT_RESULTS':
      if (view.kind !== 'MLA') return undefined;
      return view.items.some((i) => i.status === 'EXECUTED') ? undefined : { code: 'NOTHING_TO_TRANSMIT', message: 'no executed item has results to transmit' };
    case 'FORWARD_ITEMS':
      if (view.kind !== 'MLA') return undefined;
      return view.items.some((i) => i.status === 'PENDING' || i.status === 'FORWARDED')
        ? undefined
        : { code: 'ITEM_ALREADY_EXECUTED', message: 'every item of the request is already executed' };
    case 'ASSIGN':
      return ownsStep(CASE_RULE_TABLES[view.kind].commands, view.status, relationFor(view, actor, command))
        ? undefined
        : { code: 'NOT_STEP_OWNER', message: `the case is ${view.status}: the present step is not your authority's to assign` };
    case 'EXTEND_RECOGNITION': {
      const clock = view.clocks.find((k) => k.ruleId === 'EIO_RECOGNITION' && (k.status === 'RUNNING' || k.status === 'PAUSED'));
      if (clock?.legalRef?.endsWith('12(5)'))
        return {
          code: 'RECOGNITION_ALREADY_EXTENDED',
          message: 'the time limit for recognition can be extended only once',
          legalRef: 'EIO Directive art. 12(5)',
        };
      return clock
        ? undefined
        : {
            code: 'NO_RECOGNITION_TIME_LIMIT',
            message: 'only a European Investigation Order awaiting its recognition decision within the time limit can be extended',
          };
    }
    default:
      return undefined;
  }
}

/** The side a relation acts for: whose clocks time its steps. */
const SIDE_OF: Partial<Record<CaseRelation, Side>> = {
  REQUESTING_PROSECUTOR: 'REQUESTING',
  REQUESTING_CA: 'REQUESTING',
  REQUESTED_CA: 'REQUESTED',
  REQUESTED_PROSECUTOR: 'REQUESTED',
  EXECUTING_AUTHORITY: 'REQUESTED',
};

/** Clocks that time a party's step (not the stall watch, not the reminders ahead of a custody limit). */
const STEP_CLOCKS: ReadonlySet<ClockKind> = new Set<ClockKind>([
  'SLA',
  'TIME_LIMIT',
  'REVIEW_DATE',
  'CUSTODY',
  'SURRENDER',
  'CONSENT_NOTICE',
  'REQUESTER_DEADLINE',
]);

export type WorkItemKind = 'STEP' | TaskKind;

/** One thing a case waits for from the actor (or their authority). */
export interface WorkItem {
  caseId: string;
  kind: WorkItemKind;
  /** A stable key within the case: the step's state and relation (and item), or the task's id. */
  key: string;
  /** What is expected: the state's step (STEP) or the task's reason. */
  expected: string;
  /** The commands that settle it (STEP), in the order of the command table. */
  commands: string[];
  relation?: CaseRelation;
  itemId?: string;
  level?: number;
  dueAt?: number;
  legalRef?: string;
  /** A clock of this step has run out. */
  breached: boolean;
  urgent: boolean;
  /** Assigned within the owing authority to this officer. */
  assignee?: string;
}

/** The officer an authority assigned the case's steps to, if it did. */
export const assigneeIn = (view: CaseWorkView, authorityId: string): string | undefined => view.assignees?.find((a) => a.authorityId === authorityId)?.userId;

/** The relation and role through which an actor receives a task addressed to `addressee`, if they do. */
function receives(actor: Actor, relations: readonly CaseRelation[], view: CaseWorkView, task: CaseWorkView['tasks'][number]): boolean {
  const has = (r: CaseRelation) => relations.includes(r);
  const head = actor.roles.includes('CENTRAL_AUTHORITY_HEAD' as Role);
  // L0 reminders to an authority go to the officer the step is assigned to, when it is assigned within it.
  const assigned = assigneeIn(view, actor.authorityId);
  const assignedAway = task.level === 0 && assigned !== undefined && assigned !== actor.userId;
  switch (task.addressee) {
    case 'REQUESTING_PROSECUTOR':
      return has('REQUESTING_PROSECUTOR') && !assignedAway;
    case 'REQUESTED_PROSECUTOR':
      return has('REQUESTED_PROSECUTOR') && !assignedAway;
    case 'REQUESTING_CA':
    case 'DIPLOMATIC_CHANNEL':
      return has('REQUESTING_CA') && !assignedAway;
    case 'REQUESTED_CA':
    case 'COURT':
      return has('REQUESTED_CA') && !assignedAway;
    case 'REQUESTING_CA_HEAD':
      return has('REQUESTING_CA') && head;
    case 'REQUESTED_CA_HEAD':
      return has('REQUESTED_CA') && head;
    case 'EXECUTING_AUTHORITY':
      return has('EXECUTING_AUTHORITY');
    case 'LIAISON_MAGISTRATE':
      return has('LIAISON_MAGISTRATE');
    case 'FOCAL_POINTS':
      return has('FOCAL_POINT') && task.addresseeStates.includes(actor.stateCode);
  }
}

/**
 * What the case owes the actor now: the steps its state expects from a relation the actor holds (one
 * per forwarded item for an executing authority), and the open reminders, escalations and tasks
 * addressed to them. Each with its due instant and legal reference.
 */
export function owedWork(caseId: string, view: CaseWorkView, actor: Actor): WorkItem[] {
  const table = CASE_RULE_TABLES[view.kind];
  if (table.terminal.has(view.status)) return [];
  const relations = relationsOf(actor, view.facts);
  const urgent = view.flags.includes('URGENT');
  const options = commandOptions(view, actor).filter((o) => o.available && SIDE_OF[o.relation]);
  const work: WorkItem[] = [];
  const assignee = assigneeIn(view, actor.authorityId);

  const byRelation = new Map<CaseRelation, CommandOption[]>();
  for (const o of options) byRelation.set(o.relation, [...(byRelation.get(o.relation) ?? []), o]);
  for (const [relation, opts] of byRelation) {
    const moving = opts.filter((o) => !DISCRETIONARY_COMMANDS.has(o.command));
    if (!moving.length) continue;
    const side = SIDE_OF[relation]!;
    const execution = moving.find((o) => o.command === 'RECORD_EXECUTION');
    if (execution) {
      for (const id of execution.itemIds ?? []) {
        const clocks = view.clocks.filter((k) => k.kind === 'ITEM_EXECUTION' && k.itemId === id && live(view, k));
        work.push({
          caseId,
          kind: 'STEP',
          key: `step:${relation}:${id}`,
          expected: `execute ${id}${itemType(view, id)}`,
          commands: ['RECORD_EXECUTION'],
          relation,
          itemId: id,
          ...due(clocks, execution.legalRef),
          urgent,
        });
      }
    }
    const rest = moving.filter((o) => o.command !== 'RECORD_EXECUTION');
    if (!rest.length) continue;
    const clocks = view.clocks.filter((k) => k.side === side && STEP_CLOCKS.has(k.kind) && live(view, k));
    work.push({
      caseId,
      kind: 'STEP',
      key: `step:${relation}`,
      expected: view.status,
      commands: rest.map((o) => o.command),
      relation,
      ...due(clocks, rest.find((o) => o.legalRef)?.legalRef),
      urgent,
      ...(assignee ? { assignee } : {}),
    });
  }

  for (const t of view.tasks) {
    if (t.status !== 'OPEN' || !receives(actor, relations, view, t)) continue;
    const clock = t.clockId ? view.clocks.find((k) => k.id === t.clockId) : undefined;
    work.push({
      caseId,
      kind: t.kind,
      key: `task:${t.id}`,
      expected: t.reason,
      commands: [],
      level: t.level,
      ...(t.dueAt !== undefined ? { dueAt: t.dueAt } : {}),
      ...((t.legalRef ?? clock?.legalRef) ? { legalRef: t.legalRef ?? clock?.legalRef } : {}),
      breached: clock?.status === 'BREACHED',
      urgent,
    });
  }
  return work;
}

/** A clock that still times the present step: running, or breached since the case entered its state. */
function live(view: CaseWorkView, k: CaseWorkView['clocks'][number]): boolean {
  if (k.status === 'RUNNING') return true;
  return k.status === 'BREACHED' && view.stateEnteredAt !== undefined && k.startedAt >= view.stateEnteredAt;
}

function due(clocks: CaseWorkView['clocks'], fallbackRef?: string): Pick<WorkItem, 'dueAt' | 'legalRef' | 'breached'> {
  const running = clocks.filter((k) => k.status === 'RUNNING').sort((a, b) => a.breachAt - b.breachAt);
  const breached = clocks.filter((k) => k.status === 'BREACHED').sort((a, b) => a.breachAt - b.breachAt);
  const first = breached[0] ?? running[0];
  const legalRef = first?.legalRef ?? fallbackRef;
  return { ...(first ? { dueAt: first.breachAt } : {}), ...(legalRef ? { legalRef } : {}), breached: breached.length > 0 };
}

function itemType(view: CaseWorkView, id: string): string {
  const t = view.items.find((i) => i.id === id)?.assistanceType;
  return t ? ` (${t})` : '';
}

/**
 * Urgency order (domain brief §10: urgent first, then breached clocks): urgent before the rest, breached
 * before the rest, then the earliest due, items without a due instant last; ties by case and key.
 */
export function compareWork(a: WorkItem, b: WorkItem): number {
  return workSortKey(a) < workSortKey(b) ? -1 : workSortKey(a) > workSortKey(b) ? 1 : 0;
}

/** The sort key as one string, so that a keyset cursor can carry it: rank, due instant, case, key. */
export function workSortKey(w: Pick<WorkItem, 'urgent' | 'breached' | 'dueAt' | 'caseId' | 'key'>): string {
  const rank = (w.urgent ? 0 : 2) + (w.breached ? 0 : 1);
  const dueAt = w.dueAt === undefined ? '9'.repeat(15) : String(w.dueAt).padStart(15, '0');
  return `${rank}|${dueAt}|${w.caseId}|${w.key}`;
}
