import { Controller, Get, Inject, Param, Query, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { commandOptions, owedWork, visibleFlagsInScope, type Actor, type WorkItem } from '../../../../libs/domain/src';
import { WorkQueries, decodeInboxCursor, type WorkCaseRow } from '../../../../libs/persistence/src';
import { CurrentActor } from '../auth/auth.guard';
import { FileResponses, ReadResponses } from '../common/openapi';
import { CaseAccess, notFound } from '../cases/case-access';
import { commandRoute } from '../cases/command-routes';
import { CaseActionsDto, CaseEventsQuery, InboxDto, InboxQuery } from './work.dto';

/**
 * What waits for the actor (GET /inbox) and what they may do on a case now (GET /cases/:id/actions):
 * both computed by the pure domain (libs/domain/src/work.ts) from the command tables, guard and policy
 * the workflow runs, over the read model. Postgres only preselects the cases.
 */
@ApiTags('work')
@ApiBearerAuth()
@Controller()
export class WorkController {
  private readonly work: WorkQueries;

  constructor(
    @Inject(DataSource) db: DataSource,
    @Inject(CaseAccess) private readonly access: CaseAccess,
  ) {
    this.work = new WorkQueries(db);
  }

  @Get('inbox')
  @ApiOperation({
    summary:
      "What waits for the actor or their authority: steps the cases' state machines expect from them, open reminders, escalations and tasks addressed to them; urgent and breached first, counts per kind, keyset-paginated",
  })
  @ReadResponses(InboxDto, 400)
  async inbox(@CurrentActor() actor: Actor, @Query() q: InboxQuery) {
    const page = await this.work.inbox(actor, { limit: q.limit, after: q.cursor ? decodeInboxCursor(q.cursor) : null, kind: q.kind });
    await this.access.logRead(actor, 'LIST', [...new Set(page.items.map((w) => w.caseId))]);
    return { items: page.items.map((w) => presentWork(actor, w, w.row)), counts: page.counts, nextCursor: page.nextCursor };
  }

  @Get('cases/:id/events')
  @ApiOperation({
    summary:
      'Server-sent events of one case the actor may see: a `case` event with its id, version and state when it shows a version after `since` (waiting up to 10 s, then a comment), at once without `since`; the client reconnects with the version it shows',
  })
  @FileResponses('text/event-stream', 'text/event-stream: `retry`, then one `case` event (or a keep-alive comment when nothing changed)', 400, 404)
  async events(@CurrentActor() actor: Actor, @Param('id') id: string, @Query() q: CaseEventsQuery, @Res({ passthrough: true }) reply: FastifyReply) {
    await this.access.require(actor, id, { kind: 'VIEW' });
    // Polls the read model (the workflow writes it), so that an API replica needs no channel of its own.
    const deadline = Date.now() + 10_000;
    let row = await this.work.caseRow(id);
    while (row && q.since !== undefined && row.version <= q.since && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      row = await this.work.caseRow(id);
    }
    void reply.header('content-type', 'text/event-stream; charset=utf-8').header('cache-control', 'no-store');
    if (!row) throw notFound(id);
    if (q.since !== undefined && row.version <= q.since) return 'retry: 1000\n: no change\n\n';
    return `retry: 1000\nevent: case\nid: ${row.version}\ndata: ${JSON.stringify({ id, version: row.version, state: row.state })}\n\n`;
  }

  @Get('cases/:id/actions')
  @ApiOperation({
    summary:
      'The commands the actor may run on this case (by their relations to it), each with its route, body fields, and whether the workflow would refuse it now and why',
  })
  @ReadResponses(CaseActionsDto, 404)
  async actions(@CurrentActor() actor: Actor, @Param('id') id: string) {
    await this.access.require(actor, id, { kind: 'VIEW' });
    const row = await this.work.caseRow(id);
    if (!row) throw notFound(id);
    const view = await this.work.view(row);
    const owed = new Set(owedWork(id, view, actor).flatMap((w) => w.commands));
    const actions = commandOptions(view, actor).flatMap((o) => {
      const route = commandRoute(view.kind, o.command);
      if (!route) return [];
      return [
        {
          command: o.command,
          method: route.method,
          path: route.path.replace('{id}', id),
          fields: route.fields,
          relation: o.relation,
          available: o.available,
          ...(o.refusal ? { refusal: o.refusal } : {}),
          legalRef: o.legalRef ?? null,
          ...(o.itemIds ? { itemIds: o.itemIds } : {}),
          owed: owed.has(o.command),
        },
      ];
    });
    await this.access.logRead(actor, 'CASE', [id]);
    return { caseId: id, kind: row.kind, state: row.state, version: row.version, actions };
  }
}

function presentWork(actor: Actor, w: WorkItem, row: WorkCaseRow) {
  return {
    case: {
      id: row.id,
      kind: row.kind,
      state: row.state,
      requestingState: row.requestingState,
      requestedState: row.requestedState,
      legalBasis: row.legalBasis,
      flags: visibleFlagsInScope(actor, row),
      filedAt: row.filedAt.toISOString(),
    },
    kind: w.kind,
    key: w.key,
    expected: w.expected,
    commands: w.commands,
    ...(w.relation ? { relation: w.relation } : {}),
    ...(w.itemId ? { itemId: w.itemId } : {}),
    ...(w.level !== undefined ? { level: w.level } : {}),
    dueAt: w.dueAt !== undefined ? new Date(w.dueAt).toISOString() : null,
    legalRef: w.legalRef ?? null,
    breached: w.breached,
    urgent: w.urgent,
    assignee: w.assignee ?? null,
  };
}
