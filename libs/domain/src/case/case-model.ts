// The case as every kind shares it: what it carries, what it records, and the flags it shows.
import type { ActorRef } from '../roles';
import type { LegalBasisSnapshot } from '../rule-pack';
import type { WorkCalendar } from '../time/calendar';

export type Side = 'REQUESTING' | 'REQUESTED';
export type Flag =
  | 'URGENT'
  | 'STALLED'
  | 'DEADLINE_AT_RISK'
  | 'DEADLINE_BREACHED'
  | 'ORAL_UNCONFIRMED'
  | 'BASIS_NOT_IN_FORCE'
  | 'ESCALATED'
  | 'IN_CUSTODY'
  | 'RELEASE_POSSIBLE'
  | 'CONFLICTING_REQUESTS'
  | 'CONSENT_NOTICE_DUE';
export type ClockStatus = 'RUNNING' | 'PAUSED' | 'MET' | 'BREACHED' | 'CANCELLED';
export type ClockKind =
  | 'SLA'
  | 'REQUESTER_DEADLINE'
  | 'STALL'
  | 'REVIEW_DATE'
  | 'ORAL_CONFIRMATION'
  | 'CUSTODY'
  | 'CUSTODY_REMINDER'
  | 'CONSENT_NOTICE'
  | 'SURRENDER'
  | 'TIME_LIMIT'
  | 'ITEM_EXECUTION';

export interface Clock {
  id: string;
  ruleId: string;
  kind: ClockKind;
  /** The forwarded item an ITEM_EXECUTION clock times, and the executing authority it was forwarded to. */
  itemId?: string;
  authorityId?: string;
  side: Side;
  legalRef: string;
  verified: boolean;
  startedAt: number;
  /** The instant of breach: 00:00 after the last day, or the exact instant for hour rules. */
  breachAt: number;
  lastDay?: string;
  status: ClockStatus;
  pausedAt?: number;
  pausedMs: number;
  /** Local dates each pause began and ended (cases under clockConventions ≥ 1): the deadline moves by these whole days. */
  pauses?: Array<{ from: string; to: string }>;
  stoppedAt?: number;
  /** How many times a repeating clock has fired. */
  firings: number;
  /** A warning ahead of the breach (DEADLINE_AT_RISK for the requester's deadline). */
  warnAt?: number;
  warned?: boolean;
}

export type TaskKind = 'REMINDER' | 'ESCALATION' | 'STATUS_CHECK' | 'INFO_RESPONSE' | 'PRECHECK' | 'ACTION';
export type Addressee =
  | 'REQUESTING_PROSECUTOR'
  | 'REQUESTING_CA'
  | 'REQUESTING_CA_HEAD'
  | 'REQUESTED_CA'
  | 'REQUESTED_CA_HEAD'
  | 'EXECUTING_AUTHORITY'
  | 'LIAISON_MAGISTRATE'
  | 'FOCAL_POINTS'
  | 'DIPLOMATIC_CHANNEL'
  | 'REQUESTED_PROSECUTOR'
  | 'COURT';

/** A reminder, an escalation or a step someone owes: with a level, an addressee, a due date and a resolution. */
export interface Task {
  id: string;
  kind: TaskKind;
  /** Escalation ladder level (domain brief §7): 0 reminder … 4 diplomatic démarche. */
  level: number;
  addressee: Addressee;
  addresseeStates: string[];
  reason: string;
  clockId?: string;
  createdAt: number;
  dueAt?: number;
  status: 'OPEN' | 'RESOLVED' | 'OBSOLETE';
  resolvedAt?: number;
  /** What ended it, where the status alone does not say (e.g. a pre-check answered, or overtaken by the approval). */
  resolution?: string;
}

export interface CaseContext {
  caseId: string;
  requestingState: string;
  requestedState: string;
  timeZones: { requesting: string; requested: string };
  /** Languages the requested State accepts of its own (UNTOC art. 18(14)). */
  requestedStateLanguages: string[];
  network: { liaisonMagistrate: boolean; focalPointStates: string[]; level3?: NetworkLevel3 };
  /** EIO time limits counted as Directive 2014/41 art. 12 does (absent on cases filed before: they keep their clocks). */
  eioArt12?: boolean;
  /**
   * Time conventions pinned at filing (domain brief §10): from 1, reminders fire at 09:00 local time and
   * pauses move deadlines by whole days of the rule's kind. Absent on cases filed before, which keep theirs.
   */
  clockConventions?: number;
  /** The two States' working calendars from the reference data (weekends, public holidays); absent on cases filed before. */
  calendars?: { requesting: WorkCalendar; requested: WorkCalendar };
  /** Instruments of the case's kind in force for both States on the filing date (absent on cases filed before it was pinned). */
  basesInForce?: string[];
  /**
   * Extradition rules pinned at filing (domain brief §5, §10): from 1, release-possible and conflicting requests open tasks
   * for the requested side and legal references come from the case's instruments. Absent on cases filed before, which keep theirs.
   */
  extraditionRules?: number;
  /** From 1 (DOCUMENTS_DRIVE_LIFE_CYCLE), documents drive the MLA life cycle; absent on cases filed before, which keep free-text references. */
  documents?: number;
}

/**
 * Level 3 of the pair's escalation ladder as the directory knew it at filing (domain brief §7, §10): the
 * network whose contacts are addressed and the States that have one; none when the pair has no network
 * contact, and the level is then skipped. Absent on cases filed before: they address focal points as then.
 */
export interface NetworkLevel3 {
  contacts: Array<{ network: string; stateCode: string }>;
}

export const SYSTEM_ACTOR: ActorRef = { userId: 'system', role: 'SYSTEM' as ActorRef['role'], stateCode: '', authorityId: '' };

export interface Notification {
  stateCode: string;
  addressee: Addressee;
  message: string;
}

/** One thing that happened, as written to the audit trail. */
export interface CaseEvent {
  seq: number;
  type: string;
  from: string;
  to: string;
  actor: ActorRef;
  at: number;
  legalRef?: string;
  comment?: string;
  data?: Record<string, unknown>;
  notify?: Notification[];
}

export interface BreachAction {
  kind: TaskKind;
  level: number;
  addressee: Addressee;
  reason: string;
  /** Networks whose contacts a level-3 escalation addresses (cases that pinned their pair's network). */
  networks?: string[];
  /** Ladder levels passed over on the way, each with why (nobody to address). */
  skipped?: Array<{ level: number; reason: string }>;
}

/** What every case carries for the shared clockwork to work on. */
export interface CaseCore {
  ctx: CaseContext;
  status: string;
  seq: number;
  nextId: number;
  flags: Flag[];
  clocks: Clock[];
  tasks: Task[];
  basis: LegalBasisSnapshot;
  escalatedToFocalPointsOf: string[];
  lastEventAt: number;
  lastPartyEventAt: number;
  filedAt: number;
}

export function tzOf<S extends CaseCore>(s: S, side: Side): string {
  return side === 'REQUESTING' ? s.ctx.timeZones.requesting : s.ctx.timeZones.requested;
}

/** The working calendar of the side's State (weekends, public holidays); Saturday and Sunday on cases filed before. */
export function calendarOf<S extends CaseCore>(s: S, side: Side): WorkCalendar | undefined {
  return side === 'REQUESTING' ? s.ctx.calendars?.requesting : s.ctx.calendars?.requested;
}

export function systemEvent<S extends CaseCore>(s: S, type: string, at: number, extra: Partial<CaseEvent>): { state: S; event: CaseEvent } {
  const seq = s.seq + 1;
  return { state: { ...s, seq }, event: { seq, type, from: s.status, to: s.status, actor: SYSTEM_ACTOR, at, ...stripUndefined(extra) } };
}

export function withFlag(flags: Flag[], f: Flag): Flag[] {
  return flags.includes(f) ? flags : [...flags, f];
}

export function without(flags: Flag[], f: Flag): Flag[] {
  return flags.includes(f) ? flags.filter((x) => x !== f) : flags;
}

export function stripUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
