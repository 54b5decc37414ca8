import type { DataSource } from 'typeorm';
import { compareWork, owedWork, workSortKey, type Actor, type CaseKindName, type CaseWorkView, type WorkItem } from '../../domain/src';
import { accessFactsOf, caseScope, type AccessFactsColumns, type CaseRow, type CaseTaskRow } from './case-queries';
import { isUuid } from './typed-values';

/** A case row with what the inbox and the actions need besides it: when it entered its state, its open tasks, its assignees. */
export type WorkCaseRow = AccessFactsColumns &
  Pick<CaseRow, 'id' | 'version' | 'legalBasis' | 'urgency' | 'flags' | 'detail' | 'filedAt' | 'createdAt' | 'updatedAt'> & { stateEnteredAt: Date | null };

/** An open task as the case view reads it, with its case and legal reference. */
export type WorkTaskRow = Omit<CaseTaskRow, 'resolvedAt'> & { caseId: string; legalRef: string | null };

export interface AssignmentRow {
  caseId: string;
  authorityId: string;
  assigneeId: string;
  assignedBy: string;
  assignedAt: Date;
  seq: number;
}

const COLUMNS = `c.id, c.kind, c.state, c.version, c.requesting_state AS "requestingState", c.requesting_authority_id AS "requestingAuthorityId",
  c.requested_state AS "requestedState", c.legal_basis AS "legalBasis", c.created_by AS "createdBy", c.urgency, c.transmitted,
  c.executing_authority_ids AS "executingAuthorityIds", c.escalated_to_focal_points_of AS "escalatedToFocalPointsOf", c.flags, c.detail,
  c.filed_at AS "filedAt", c.created_at AS "createdAt", c.updated_at AS "updatedAt",
  (SELECT max(e.at) FROM case_events e WHERE e.case_id = c.id AND e.from_state IS DISTINCT FROM e.to_state) AS "stateEnteredAt"`;

/** The read model's case as the pure domain's work view (libs/domain/src/work.ts). */
export function workViewOf(row: WorkCaseRow, tasks: readonly WorkTaskRow[], assignees: readonly AssignmentRow[]): CaseWorkView {
  const detail = row.detail ?? {};
  const flags = row.urgency === 'URGENT' && !row.flags.includes('URGENT') ? [...row.flags, 'URGENT'] : row.flags;
  return {
    kind: row.kind as CaseKindName,
    status: row.state,
    flags,
    facts: accessFactsOf(row),
    stateEnteredAt: (row.stateEnteredAt ?? row.filedAt)?.getTime(),
    items: Array.isArray(detail.items) ? detail.items : [],
    clocks: Array.isArray(detail.clocks) ? detail.clocks : [],
    tasks: tasks.map((t) => ({
      id: t.taskId,
      kind: t.kind as CaseWorkView['tasks'][number]['kind'],
      level: t.level,
      addressee: t.addressee as CaseWorkView['tasks'][number]['addressee'],
      addresseeStates: t.addresseeStates,
      reason: t.reason,
      createdAt: t.createdAt.getTime(),
      ...(t.dueAt ? { dueAt: t.dueAt.getTime() } : {}),
      status: t.status,
      ...(t.legalRef ? { legalRef: t.legalRef } : {}),
    })),
    assignees: assignees.map((a) => ({ userId: a.assigneeId, authorityId: a.authorityId })),
  };
}

export interface InboxPage {
  items: Array<WorkItem & { row: WorkCaseRow }>;
  counts: Record<string, number>;
  nextCursor: string | null;
}

/** The opaque keyset cursor of the inbox: the sort key of the last item shown. */
export function encodeInboxCursor(item: WorkItem): string {
  return Buffer.from(workSortKey(item)).toString('base64url');
}

const INBOX_KEY = /^[0-3]\|\d{15}\|[0-9a-f-]{36}\|[A-Za-z0-9:_-]{1,120}$/;

/** The sort key an inbox cursor carries, or null when it is not one this API issued. */
export function decodeInboxCursor(cursor: unknown): string | null {
  if (typeof cursor !== 'string' || cursor.length > 300 || !/^[A-Za-z0-9_-]+$/.test(cursor)) return null;
  const key = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!INBOX_KEY.test(key) || !isUuid(key.split('|')[2])) return null;
  return Buffer.from(key).toString('base64url') === cursor ? key : null;
}

export class WorkQueries {
  constructor(private readonly db: DataSource) {}

  /**
   * Open cases the actor might owe something on: those of their scope (the SQL twin of the policy), and
   * for network contacts only those with a task open for their kind of addressee. The pure domain then
   * decides what each one owes.
   */
  async candidates(actor: Actor): Promise<WorkCaseRow[]> {
    const params: unknown[] = [];
    const where = ['c.is_open', caseScope(actor, params, 'c')];
    const networkOnly = actor.roles.every((r) => r === 'LIAISON_MAGISTRATE' || r === 'FOCAL_POINT');
    if (networkOnly) {
      where.push(`EXISTS (SELECT 1 FROM case_tasks t WHERE t.case_id = c.id AND t.status = 'OPEN' AND t.addressee IN ('LIAISON_MAGISTRATE', 'FOCAL_POINTS'))`);
    }
    return this.db.query(`SELECT ${COLUMNS} FROM cases c WHERE ${where.join(' AND ')}`, params);
  }

  async caseRow(caseId: string): Promise<WorkCaseRow | null> {
    const rows: WorkCaseRow[] = await this.db.query(`SELECT ${COLUMNS} FROM cases c WHERE c.id = $1`, [caseId]);
    return rows[0] ?? null;
  }

  /** Open tasks of these cases, each with the legal reference of the event that opened it. */
  async openTasks(caseIds: readonly string[]): Promise<WorkTaskRow[]> {
    if (!caseIds.length) return [];
    return this.db.query(
      `SELECT t.case_id AS "caseId", t.task_id AS "taskId", t.kind, t.level, t.addressee, t.addressee_states AS "addresseeStates", t.reason,
              t.created_at AS "createdAt", t.due_at AS "dueAt", t.status,
              (SELECT e.legal_ref FROM case_events e WHERE e.case_id = t.case_id AND e.data->>'taskId' = t.task_id ORDER BY e.seq LIMIT 1) AS "legalRef"
       FROM case_tasks t WHERE t.case_id = ANY($1::uuid[]) AND t.status = 'OPEN'`,
      [caseIds],
    );
  }

  async assignments(caseIds: readonly string[]): Promise<AssignmentRow[]> {
    if (!caseIds.length) return [];
    return this.db.query(
      `SELECT case_id AS "caseId", authority_id AS "authorityId", assignee_id AS "assigneeId", assigned_by AS "assignedBy",
              assigned_at AS "assignedAt", seq
       FROM case_assignments WHERE case_id = ANY($1::uuid[])`,
      [caseIds],
    );
  }

  /** One case as the pure domain's work view. */
  async view(row: WorkCaseRow): Promise<CaseWorkView> {
    const [tasks, assignees] = await Promise.all([this.openTasks([row.id]), this.assignments([row.id])]);
    return workViewOf(row, tasks, assignees);
  }

  /**
   * The actor's inbox: what every candidate case owes them, in urgency order, counted per kind, and
   * paged by keyset on the sort key (stable while the cases do not change).
   */
  async inbox(actor: Actor, opts: { limit: number; after: string | null; kind?: string }): Promise<InboxPage> {
    const rows = await this.candidates(actor);
    const ids = rows.map((r) => r.id);
    const [tasks, assignees] = await Promise.all([this.openTasks(ids), this.assignments(ids)]);
    const tasksOf = group(tasks);
    const assigneesOf = group(assignees);
    const all: Array<WorkItem & { row: WorkCaseRow }> = [];
    for (const row of rows) {
      const view = workViewOf(row, tasksOf.get(row.id) ?? [], assigneesOf.get(row.id) ?? []);
      for (const item of owedWork(row.id, view, actor)) all.push({ ...item, row });
    }
    all.sort(compareWork);
    const counts: Record<string, number> = {};
    for (const w of all) counts[w.kind] = (counts[w.kind] ?? 0) + 1;
    const selected = opts.kind ? all.filter((w) => w.kind === opts.kind) : all;
    const rest = opts.after ? selected.filter((w) => workSortKey(w) > opts.after!) : selected;
    const items = rest.slice(0, opts.limit);
    const nextCursor = rest.length > opts.limit ? encodeInboxCursor(items[items.length - 1]) : null;
    return { items, counts, nextCursor };
  }
}

function group<T extends { caseId: string }>(rows: readonly T[]): Map<string, T[]> {
  const map = new Map<string, T[]>();
  for (const r of rows) map.set(r.caseId, [...(map.get(r.caseId) ?? []), r]);
  return map;
}
