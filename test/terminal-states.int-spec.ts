import type { DataSource } from 'typeorm';
import { DOMESTIC_STATES, EXTRADITION_STATES, EXTRADITION_TERMINAL_STATES, MLA_STATES, MLA_TERMINAL_STATES, isDomesticTerminal } from '../libs/domain/src';
import { TERMINAL_STATES, createDataSource } from '../libs/persistence/src';
import { Running, startPostgres } from './support/servers';

/**
 * SQL cannot import the domain's terminal sets: the generated column `cases.is_open` names them in a
 * migration. This reads the column's expression from the catalog of a migrated database and holds it
 * to the domain, so that a terminal state added to a machine without a migration fails here.
 */
describe('terminal states in the schema and in the domain', () => {
  let pg: Running & { url: string };
  let db: DataSource;
  let expression: string;
  let columnType: string;

  beforeAll(async () => {
    pg = await startPostgres();
    db = await createDataSource(pg.url).initialize();
    await db.runMigrations({ transaction: 'each' });
    const [column] = await db.query(
      `SELECT a.attgenerated AS generated, pg_get_expr(d.adbin, d.adrelid) AS expression,
              (SELECT format_type(s.atttypid, s.atttypmod) FROM pg_attribute s WHERE s.attrelid = a.attrelid AND s.attname = 'state') AS "stateType"
       FROM pg_attribute a JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
       WHERE a.attrelid = 'cases'::regclass AND a.attname = 'is_open' AND NOT a.attisdropped`,
    );
    expect(column).toBeDefined();
    expect(column.generated).toBe('s');
    expression = column.expression;
    columnType = column.stateType;
  }, 120000);

  afterAll(async () => {
    await db?.destroy();
    await pg?.stop();
  });

  const domainTerminal = new Set([...MLA_TERMINAL_STATES, ...EXTRADITION_TERMINAL_STATES, ...DOMESTIC_STATES.filter(isDomesticTerminal)]);
  const domainStates = new Set<string>([...MLA_STATES, ...EXTRADITION_STATES, ...DOMESTIC_STATES]);

  it('persistence takes its terminal states from the domain machines, every kind of case', () => {
    expect([...TERMINAL_STATES].sort()).toEqual([...domainTerminal].sort());
  });

  it('the generated is_open column names exactly the domain terminal states', () => {
    const named = [...expression.matchAll(/'([^']*)'/g)].map((m) => m[1]);
    expect(named.length).toBeGreaterThan(0);
    expect([...new Set(named)].sort()).toEqual([...domainTerminal].sort());
  });

  it('the generated is_open column is false for every terminal state and true for every other state of every machine', async () => {
    const states = [...domainStates];
    const rows: Array<{ state: string; open: boolean }> = await db.query(
      `SELECT state, (${expression}) AS open FROM (SELECT unnest($1::text[])::${columnType} AS state) s`,
      [states],
    );
    expect(Object.fromEntries(rows.map((r) => [r.state, r.open]))).toEqual(Object.fromEntries(states.map((s) => [s, !domainTerminal.has(s)])));
  });
});
