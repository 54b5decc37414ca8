import type { DataSource } from 'typeorm';
import { Actor, decide, isRole } from '../libs/domain/src';
import { CaseQueries, accessFactsOf, caseScope, createDataSource } from '../libs/persistence/src';
import { monitoringWhere } from '../libs/persistence/src/monitoring/sql';
import { loadSeeds } from '../seeds/loader';
import { Running, startPostgres } from './support/servers';
import { matrixCases } from './support/visibility-cases';
import { SeedUser, expectedReading } from './support/visibility-rules';

// The SQL twin of the policy (caseScope, as lists, monitoring and exports use it) against the same
// generated cases and the same statement of domain brief §2 as test/visibility-matrix.spec.ts, on a
// real Postgres, for every user the seeds hold.

describe('visibility matrix: the SQL twin against domain brief §2 (real Postgres)', () => {
  let pg: Running & { url: string };
  let db: DataSource;
  const cases = matrixCases();

  beforeAll(async () => {
    pg = await startPostgres();
    db = await createDataSource(pg.url).initialize();
    await db.runMigrations({ transaction: 'each' });
    await loadSeeds(db, undefined, { demoUsers: true });
    for (const { row } of cases) {
      await db.query(
        `INSERT INTO cases (id, kind, workflow_id, state, version, requesting_state, requesting_authority_id, requested_state, legal_basis, rule_pack_version,
           created_by, assistance_types, subject_of_proceedings, facts_summary, purpose, persons, language, urgency, requested_by_date, deadline_reason,
           transmitted, executing_authority_ids, escalated_to_focal_points_of, flags, detail, created_at, updated_at, filed_at, last_party_event_at)
         VALUES ($1::uuid, $2, 'wf-' || $1::text, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15::jsonb, $16, $17, $18::date, $19, $20, $21, $22, $23, $24::jsonb, $25, $25, $25, $25)`,
        [
          row.id,
          row.kind,
          row.state,
          row.version,
          row.requestingState,
          row.requestingAuthorityId,
          row.requestedState,
          row.legalBasis,
          row.rulePackVersion,
          row.createdBy,
          row.assistanceTypes,
          row.subjectOfProceedings,
          row.factsSummary,
          row.purpose,
          JSON.stringify(row.persons),
          row.language,
          row.urgency,
          row.requestedByDate,
          row.deadlineReason,
          row.transmitted,
          row.executingAuthorityIds,
          row.escalatedToFocalPointsOf,
          row.flags,
          JSON.stringify(row.detail),
          row.createdAt,
        ],
      );
    }
  }, 120000);

  afterAll(async () => {
    await db?.destroy();
    await pg?.stop();
  });

  it('selects for every seeded user exactly the cases §2 lets them read, as the policy does', async () => {
    const users = await db.query(`SELECT u.id, u.roles, u.state_code AS "stateCode", u.authority_id AS "authorityId",
        COALESCE(json_agg(json_build_object('homeState', p.home_state, 'hostState', p.host_state)) FILTER (WHERE p.id IS NOT NULL), '[]') AS postings
      FROM users u LEFT JOIN liaison_postings p ON p.user_id = u.id GROUP BY u.id ORDER BY u.id`);
    expect(users.length).toBeGreaterThan(90);
    const queries = new CaseQueries(db);
    const stored = new Map((await Promise.all(cases.map((c) => queries.findCase(c.row.id)))).map((row) => [row!.id, row!]));
    const ids = cases.map((c) => c.row.id);
    let readable = 0;
    for (const u of users as SeedUser[]) {
      const actor: Actor = { userId: u.id, roles: u.roles.filter(isRole), stateCode: u.stateCode, authorityId: u.authorityId, liaisonPostings: u.postings };
      const expected = cases
        .filter((c) => expectedReading(u, c.facts).view !== 'NONE')
        .map((c) => c.row.id)
        .sort();
      const byPolicy = ids.filter((id) => decide(actor, { kind: 'VIEW' }, accessFactsOf(stored.get(id)!)).outcome === 'ALLOW').sort();
      const params: unknown[] = [ids];
      const scoped = (await db.query(`SELECT id FROM cases WHERE id = ANY($1::uuid[]) AND ${caseScope(actor, params)} ORDER BY id`, params)).map(
        (r: { id: string }) => r.id,
      );
      const monitoringParams: unknown[] = [ids];
      const monitored = (
        await db.query(
          `SELECT c.id FROM cases c WHERE c.id = ANY($1::uuid[]) AND ${monitoringWhere(actor, {}, monitoringParams)} ORDER BY c.id`,
          monitoringParams,
        )
      ).map((r: { id: string }) => r.id);
      expect({ user: u.id, sql: scoped.sort(), monitoring: monitored.sort(), policy: byPolicy }).toEqual({
        user: u.id,
        sql: expected,
        monitoring: expected,
        policy: expected,
      });
      readable += expected.length;
    }
    expect(readable).toBeGreaterThan(cases.length);
  });
});
