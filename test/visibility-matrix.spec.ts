import { Actor, CaseAccessFacts, decide, isRole, readerOf, visibleFlagsInScope } from '../libs/domain/src';
import { presentCase, presentCaseView, presentTimeline } from '../apps/api/src/cases/case-presenter';
import { MARK, OTHER_REQUEST_ID, matrixCases, seedUsers } from './support/visibility-cases';
import { CLASSES, Class, expectedReading } from './support/visibility-rules';

// Every seeded user × a generated set of cases in every state × every read that presents a case × every
// class of field: what the policy decides and what each presenter hands over must be what domain brief
// §2 and §10 say (test/support/visibility-rules.ts). The SQL twin is held to the same statement by
// test/visibility-matrix.int-spec.ts.

/** The classes each read can carry at all. */
const READS = {
  'GET /cases/:id': new Set<Class>(['content', 'persons', 'comments', 'notes', 'data', 'conflict']),
  'GET /cases/:id/timeline': new Set<Class>(['comments', 'notes', 'data', 'documents', 'conflict']),
  'GET /cases': new Set<Class>(['content', 'persons', 'conflict']),
  'monitoring lists and cases.csv': new Set<Class>(['conflict']),
};
type Read = keyof typeof READS;

const shows = (text: string, cls: Class) => text.includes(MARK[cls]) || (cls === 'conflict' && text.includes(OTHER_REQUEST_ID));

describe('visibility matrix: policy and presenters against domain brief §2', () => {
  const users = seedUsers();
  const cases = matrixCases();

  it('covers every seeded user, every kind and state, and readers of every kind', () => {
    expect(users.length).toBeGreaterThan(90);
    expect(new Set(cases.map((c) => `${c.facts.kind}:${c.row.state}`)).size).toBeGreaterThan(35);
    const views = new Set(users.flatMap((u) => cases.map((c) => expectedReading(u, c.facts).view)));
    expect([...views].sort()).toEqual(['FULL', 'NONE', 'SUMMARY']);
  });

  it('agrees for every user, case, read and class of field', () => {
    const mismatches: string[] = [];
    const seen = new Map<string, number>();
    for (const u of users) {
      const actor: Actor = { userId: u.id, roles: u.roles.filter(isRole), stateCode: u.stateCode, authorityId: u.authorityId, liaisonPostings: u.postings };
      for (const c of cases) {
        const expected = expectedReading(u, c.facts);
        // The access facts as the read model gives them (accessFactsOf), terminal from the generated state.
        const facts: CaseAccessFacts = {
          kind: c.row.kind,
          requestingState: c.row.requestingState,
          requestedState: c.row.requestedState,
          requestingAuthorityId: c.row.requestingAuthorityId,
          createdBy: c.row.createdBy,
          transmitted: c.row.transmitted,
          terminal: c.facts.terminal,
          executingAuthorityIds: c.row.executingAuthorityIds,
          escalatedToFocalPointsOf: c.row.escalatedToFocalPointsOf,
        };
        const label =
          `${u.id} on ${c.facts.kind} ${c.row.state} ${c.facts.requestingState}->${c.facts.requestedState}` +
          `${c.facts.transmitted ? ' transmitted' : ''}${c.facts.escalatedToFocalPointsOf.length ? ' escalated' : ''}${c.facts.conflict ? ' in conflict' : ''}`;
        const decision = decide(actor, { kind: 'VIEW' }, facts);
        const decided = decision.outcome === 'ALLOW' ? decision.visibility : 'NONE';
        if (decided !== expected.view) mismatches.push(`${label}: policy ${decided}, §2 ${expected.view}`);
        if (expected.view === 'NONE') continue;
        const reader = readerOf(actor, facts);
        if (!reader) continue;
        const answers: Record<Read, string> = {
          'GET /cases/:id': JSON.stringify(presentCaseView(c.row, c.history, reader)),
          'GET /cases/:id/timeline': JSON.stringify(presentTimeline(c.row, c.history, c.tasks, reader)),
          'GET /cases': JSON.stringify(presentCase(c.row, reader)),
          'monitoring lists and cases.csv': JSON.stringify(visibleFlagsInScope(actor, c.row)),
        };
        for (const [read, text] of Object.entries(answers) as Array<[Read, string]>) {
          for (const cls of CLASSES) {
            const want = expected.classes.has(cls) && READS[read].has(cls);
            const got = shows(text, cls);
            if (got !== want) mismatches.push(`${label}: ${read} ${got ? 'shows' : 'hides'} ${cls}, §2 says it ${want ? 'shows' : 'hides'} it`);
            const key = `${cls}:${got}`;
            seen.set(key, (seen.get(key) ?? 0) + 1);
          }
        }
      }
    }
    expect(mismatches.slice(0, 20)).toEqual([]);
    // Every class is both handed over and withheld somewhere: the matrix can tell the two apart.
    for (const cls of CLASSES) expect([cls, seen.get(`${cls}:true`) ?? 0, seen.get(`${cls}:false`) ?? 0].every((x) => x !== 0)).toBe(true);
  });
});
