// What the engine tells whom, and through what: notifications drawn from a batch of case events, their
// category, who they address, and whether someone may receive them. Pure; the delivery is elsewhere.
import type { Addressee, TaskKind } from './case/case-model';
import { decide, relationsOf, type CaseAccessFacts, type CaseRelation } from './policy';
import type { Actor, Role } from './roles';

export const NOTIFICATION_CATEGORIES = ['ESCALATION', 'BREACH', 'REMINDER', 'STEP'] as const;
export type NotificationCategory = (typeof NOTIFICATION_CATEGORIES)[number];

export const DELIVERY_MODES = ['IMMEDIATE', 'DIGEST', 'OFF'] as const;
export type DeliveryMode = (typeof DELIVERY_MODES)[number];

export const NOTIFICATION_LANGUAGES = ['fr', 'en'] as const;
export type NotificationLanguage = (typeof NOTIFICATION_LANGUAGES)[number];

/** Escalations and breaches by mail at once, the rest in the daily digest (issue 15). */
export const DEFAULT_DELIVERY_MODES: Readonly<Record<NotificationCategory, DeliveryMode>> = {
  ESCALATION: 'IMMEDIATE',
  BREACH: 'IMMEDIATE',
  REMINDER: 'DIGEST',
  STEP: 'DIGEST',
};

/** One notification of one case event to one addressee, as the outbox keeps it. */
export interface OutboxEntry {
  /** Stable: `<caseId>.<seq>.<index>` for what an event announces, `<caseId>.<taskId>` for a task it opened. */
  id: string;
  caseId: string;
  seq: number;
  event: string;
  category: NotificationCategory;
  addressee: Addressee;
  addresseeStates: string[];
  /** The executing authorities addressed, when the event names them (an item's reminder). */
  authorityIds: string[];
  taskId?: string;
  level?: number;
  dueAt?: string;
  legalRef?: string;
  occurredAt: string;
}

/** What the outbox reads of a batch: events (instants as ISO strings) and the case's tasks. */
export interface BatchForOutbox {
  caseId: string;
  events: Array<{
    seq: number;
    type: string;
    at: string;
    legalRef?: string;
    data?: Record<string, unknown>;
    notify?: Array<{ stateCode: string; addressee: Addressee }>;
  }>;
  tasks: Array<{
    id: string;
    kind: TaskKind;
    level: number;
    addressee: Addressee;
    addresseeStates: string[];
    createdAt: string;
    dueAt?: string;
    status: string;
  }>;
}

export function categoryOf(event: string, taskKind?: TaskKind): NotificationCategory {
  if (/BREACH/.test(event)) return 'BREACH';
  if (event === 'ESCALATION' || taskKind === 'ESCALATION') return 'ESCALATION';
  if (/REMINDER/.test(event) || event === 'STATUS_CHECK' || taskKind === 'REMINDER' || taskKind === 'STATUS_CHECK') return 'REMINDER';
  return 'STEP';
}

/**
 * The notifications of a batch: every addressee an event announces (`notify`), one per State, and
 * every task the batch opened that no event announced (a breach's escalation, a step someone owes).
 * The same batch always gives the same entries with the same ids, so a retried batch adds nothing.
 */
export function outboxEntriesOf(batch: BatchForOutbox): OutboxEntry[] {
  const entries: OutboxEntry[] = [];
  const announced = new Set<string>();
  const taskById = new Map(batch.tasks.map((t) => [t.id, t]));
  for (const e of batch.events) {
    const taskId = typeof e.data?.taskId === 'string' ? e.data.taskId : undefined;
    const task = taskId ? taskById.get(taskId) : undefined;
    const executing = typeof e.data?.executingAuthorityId === 'string' ? [e.data.executingAuthorityId] : [];
    const byAddressee = new Map<Addressee, string[]>();
    for (const n of e.notify ?? []) byAddressee.set(n.addressee, [...(byAddressee.get(n.addressee) ?? []), n.stateCode]);
    let index = 0;
    for (const [addressee, states] of byAddressee) {
      if (taskId) announced.add(taskId);
      entries.push({
        id: `${batch.caseId}.${e.seq}.${index++}`,
        caseId: batch.caseId,
        seq: e.seq,
        event: e.type,
        category: categoryOf(e.type, task?.kind),
        addressee,
        addresseeStates: [...new Set(states)].sort(),
        authorityIds: addressee === 'EXECUTING_AUTHORITY' ? executing : [],
        taskId,
        level: task?.level,
        dueAt: task?.dueAt,
        legalRef: e.legalRef,
        occurredAt: e.at,
      });
    }
  }
  for (const t of batch.tasks) {
    if (t.status !== 'OPEN' || announced.has(t.id)) continue;
    const opening = batch.events.filter((e) => e.at === t.createdAt).at(-1);
    if (!opening) continue;
    entries.push({
      id: `${batch.caseId}.${t.id}`,
      caseId: batch.caseId,
      seq: opening.seq,
      event: opening.type,
      category: categoryOf(opening.type, t.kind),
      addressee: t.addressee,
      addresseeStates: [...t.addresseeStates].sort(),
      authorityIds: [],
      taskId: t.id,
      level: t.level,
      dueAt: t.dueAt,
      legalRef: opening.legalRef,
      occurredAt: t.createdAt,
    });
  }
  return entries;
}

/** Who an addressee is: the roles that make someone it, and the relation to the case that proves it. */
const ADDRESSEES: Record<Addressee, { roles: Role[]; relations: CaseRelation[]; centralAuthority?: boolean }> = {
  REQUESTING_PROSECUTOR: { roles: ['PROSECUTOR'], relations: ['REQUESTING_PROSECUTOR'] },
  REQUESTING_CA: { roles: ['CENTRAL_AUTHORITY', 'CENTRAL_AUTHORITY_HEAD'], relations: ['REQUESTING_CA'], centralAuthority: true },
  REQUESTING_CA_HEAD: { roles: ['CENTRAL_AUTHORITY_HEAD'], relations: ['REQUESTING_CA'], centralAuthority: true },
  REQUESTED_CA: { roles: ['CENTRAL_AUTHORITY', 'CENTRAL_AUTHORITY_HEAD'], relations: ['REQUESTED_CA'], centralAuthority: true },
  REQUESTED_CA_HEAD: { roles: ['CENTRAL_AUTHORITY_HEAD'], relations: ['REQUESTED_CA'], centralAuthority: true },
  EXECUTING_AUTHORITY: { roles: ['EXECUTING_AUTHORITY'], relations: ['EXECUTING_AUTHORITY'] },
  COURT: { roles: ['EXECUTING_AUTHORITY'], relations: ['EXECUTING_AUTHORITY'] },
  REQUESTED_PROSECUTOR: { roles: ['PROSECUTOR'], relations: ['REQUESTED_PROSECUTOR'] },
  LIAISON_MAGISTRATE: { roles: ['LIAISON_MAGISTRATE'], relations: ['LIAISON_MAGISTRATE'] },
  FOCAL_POINTS: { roles: ['FOCAL_POINT'], relations: ['FOCAL_POINT'] },
  // A démarche goes through the ministries of foreign affairs, outside the engine: nobody here receives it.
  DIPLOMATIC_CHANNEL: { roles: [], relations: [] },
};

/** Whether an addressee is a central authority (its webhooks are the central authority's, its users any of its officers). */
export function addressesCentralAuthority(addressee: Addressee): boolean {
  return ADDRESSEES[addressee].centralAuthority === true;
}

/**
 * Whether a notification reaches this actor: they are what it addresses (role, State, authority) and
 * the access policy gives them that relation to the case now. Someone who may not see the case
 * receives nothing, whatever the addressee says.
 */
export function isAddressedTo(actor: Actor, n: Pick<OutboxEntry, 'addressee' | 'addresseeStates' | 'authorityIds'>, facts: CaseAccessFacts): boolean {
  const who = ADDRESSEES[n.addressee];
  if (!who || !who.roles.some((r) => actor.roles.includes(r))) return false;
  // A liaison magistrate is of neither State of the pair: the posting, checked by the policy, is what counts.
  if (n.addressee !== 'LIAISON_MAGISTRATE' && !n.addresseeStates.includes(actor.stateCode)) return false;
  if (n.authorityIds.length > 0 && !n.authorityIds.includes(actor.authorityId)) return false;
  if (decide(actor, { kind: 'VIEW' }, facts).outcome !== 'ALLOW') return false;
  const relations = relationsOf(actor, facts);
  return who.relations.some((r) => relations.includes(r));
}

/** The delivery mode of a category for a user: theirs when they chose one, else the default. */
export function deliveryModeOf(choices: Readonly<Record<string, string>> | null | undefined, category: NotificationCategory): DeliveryMode {
  const chosen = choices?.[category];
  return chosen && (DELIVERY_MODES as readonly string[]).includes(chosen) ? (chosen as DeliveryMode) : DEFAULT_DELIVERY_MODES[category];
}
