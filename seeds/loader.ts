import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../libs/config/src/project-root';
import { parseLetterTemplates, type LetterTemplates } from '../libs/pdf/src/letter-templates';
import type { DataSource, EntityManager } from 'typeorm';

/** The data files users edit; read from the sources even when the loader runs from dist/. */
export const SEED_DIR = join(projectRoot(), 'seeds', 'data');

interface Table {
  name: string;
  key: string[];
  columns: string[];
  /** SQL casts per column, for arrays and json. */
  casts?: Record<string, string>;
  rows: unknown[][];
  /** Rows the API created or changed (origin 'api'): a State's own directory, which the seeds never overwrite. */
  keepApiRows?: boolean;
}

function read<T>(dir: string, file: string): T[] {
  const parsed = JSON.parse(readFileSync(join(dir, file), 'utf8'));
  if (!Array.isArray(parsed)) throw new Error(`${file} must hold a JSON array`);
  return parsed as T[];
}

interface InstrumentFile {
  id: string;
  name: string;
  covers: string[];
  parties: Array<{ stateCode: string; from: string; to: string | null }>;
  rulePacks: Array<{ version: number; effectiveFrom: string; verified: boolean } & Record<string, unknown>>;
}

/** Reads every data file into table rows, in the order foreign keys need. */
export interface SeedOptions {
  /**
   * Load the demo users of users.json (an ADMIN among them) and link them to focal points and liaison
   * postings. Only for the engine on its local defaults (`npm start` without an issuer) and the tests;
   * never in a deployment, whose users come from its own identity provider (SEED_DEMO_USERS).
   */
  demoUsers?: boolean;
}

export function readSeedTables(dir = SEED_DIR, options: SeedOptions = {}): Table[] {
  const demoUsers = options.demoUsers ?? true;
  const states = read<{ code: string; name: string; timeZone: string; languages: string[]; groups?: string[] }>(dir, 'states.json');
  const authorities = read<{ id: string; stateCode: string; name: string; kind: string }>(dir, 'authorities.json');
  const users = read<{ id: string; subject: string; displayName: string; stateCode: string; authorityId: string; roles: string[]; email?: string }>(
    dir,
    'users.json',
  );
  const focalPoints = read<{
    id: string;
    stateCode: string;
    authorityId: string;
    kind: string;
    userId?: string | null;
    network?: string;
    servesGroup?: string;
  }>(dir, 'focal-points.json');
  const postings = read<{ id: string; homeState: string; hostState: string; from: string; to: string | null; userId?: string | null; city?: string | null }>(
    dir,
    'liaison-postings.json',
  );
  const instruments = read<InstrumentFile>(dir, 'instruments.json');
  // Working calendars (weekends, public holidays); a State without one rests Saturday and Sunday.
  const calendars = new Map(
    (existsSync(join(dir, 'calendars.json'))
      ? read<{ stateCode: string; weekend: number[]; holidays: string[]; verified: boolean }>(dir, 'calendars.json')
      : []
    ).map(({ stateCode, weekend, holidays, verified }) => [stateCode, { weekend, holidays, verified }]),
  );

  return [
    {
      name: 'states',
      key: ['code'],
      columns: ['code', 'name', 'time_zone', 'languages', 'groups', 'calendar'],
      casts: { languages: 'text[]', groups: 'text[]', calendar: 'jsonb' },
      rows: states.map((s) => [s.code, s.name, s.timeZone, s.languages, s.groups ?? [], calendars.has(s.code) ? JSON.stringify(calendars.get(s.code)) : null]),
    },
    {
      name: 'authorities',
      key: ['id'],
      columns: ['id', 'state_code', 'name', 'kind'],
      rows: authorities.map((a) => [a.id, a.stateCode, a.name, a.kind]),
      keepApiRows: true,
    },
    ...(demoUsers
      ? [
          {
            name: 'users',
            key: ['id'],
            columns: ['id', 'subject', 'display_name', 'state_code', 'authority_id', 'roles', 'email'],
            casts: { roles: 'text[]' },
            rows: users.map((u) => [u.id, u.subject, u.displayName, u.stateCode, u.authorityId, u.roles, u.email ?? null]),
            keepApiRows: true,
          },
        ]
      : []),
    // Without the demo users, the links to them are left out: a deployment's own links are kept as they are.
    {
      name: 'focal_points',
      key: ['id'],
      // A contact's network and the group of States it serves (WACAP unless said: the focal points known first).
      columns: ['id', 'state_code', 'authority_id', 'kind', 'network', 'serves_group', ...(demoUsers ? ['user_id'] : [])],
      rows: focalPoints.map((f) => [
        f.id,
        f.stateCode,
        f.authorityId,
        f.kind,
        f.network ?? 'WACAP',
        f.servesGroup ?? f.network ?? 'WACAP',
        ...(demoUsers ? [f.userId ?? null] : []),
      ]),
    },
    {
      name: 'liaison_postings',
      key: ['id'],
      columns: ['id', 'home_state', 'host_state', 'valid_from', 'valid_to', 'city', ...(demoUsers ? ['user_id'] : [])],
      casts: { valid_from: 'date', valid_to: 'date' },
      rows: postings.map((p) => [p.id, p.homeState, p.hostState, p.from, p.to, p.city ?? null, ...(demoUsers ? [p.userId ?? null] : [])]),
    },
    {
      name: 'instruments',
      key: ['id'],
      columns: ['id', 'name', 'covers'],
      casts: { covers: 'text[]' },
      rows: instruments.map((i) => [i.id, i.name, i.covers]),
    },
    {
      name: 'instrument_parties',
      key: ['instrument_id', 'state_code'],
      columns: ['instrument_id', 'state_code', 'party_from', 'party_to'],
      casts: { party_from: 'date', party_to: 'date' },
      rows: instruments.flatMap((i) => i.parties.map((p) => [i.id, p.stateCode, p.from, p.to])),
    },
    {
      name: 'rule_packs',
      key: ['instrument_id', 'version'],
      columns: ['instrument_id', 'version', 'effective_from', 'verified', 'rules'],
      casts: { version: 'int', effective_from: 'date', verified: 'boolean', rules: 'jsonb' },
      rows: instruments.flatMap((i) =>
        i.rulePacks.map(({ version, effectiveFrom, verified, ...rules }) => [i.id, version, effectiveFrom, verified, JSON.stringify(rules)]),
      ),
    },
  ];
}

/**
 * The letter of request's and the custody report's words per language (letter-templates.json): read by the
 * API, not loaded into the database; validated here so that a defect stops the seeding and the start alike.
 */
export function readLetterTemplates(dir = SEED_DIR): LetterTemplates {
  return parseLetterTemplates(JSON.parse(readFileSync(join(dir, 'letter-templates.json'), 'utf8')));
}

/**
 * Upserts every row, touching only rows whose values differ: running it twice changes nothing.
 * Rows removed from a file are kept, since cases may refer to them. Returns the rows changed per table.
 */
export async function loadSeeds(dataSource: DataSource, dir = SEED_DIR, options: SeedOptions = {}): Promise<Record<string, number>> {
  const tables = readSeedTables(dir, options);
  // Not a table, but seeded data all the same: a defective template stops the seeding with its defects listed.
  if (existsSync(join(dir, 'letter-templates.json'))) readLetterTemplates(dir);
  const changed: Record<string, number> = {};
  await dataSource.transaction(async (tx) => {
    for (const table of tables) changed[table.name] = await upsert(tx, table);
  });
  return changed;
}

async function upsert(tx: EntityManager, table: Table): Promise<number> {
  let total = 0;
  const { name, key, casts = {} } = table;
  // A database migrated only part of the way (an upgrade, a migration test) lacks the newer columns: load what it has.
  const present = await tableColumns(tx, name);
  const kept = table.columns.map((c, j) => [c, j] as const).filter(([c]) => present.has(c));
  const columns = kept.map(([c]) => c);
  const rows = table.rows.map((row) => kept.map(([, j]) => row[j]));
  const updatable = columns.filter((c) => !key.includes(c));
  // A database migrated before the directory was administrable has no `origin` yet: every row is the seeds'.
  const keepApiRows = table.keepApiRows && present.has('origin') ? ` AND t.origin = 'seed'` : '';
  for (let i = 0; i < rows.length; i += 200) {
    const chunk = rows.slice(i, i + 200);
    const params: unknown[] = [];
    const values = chunk.map(
      (row) =>
        `(${row
          .map((v, j) => {
            params.push(v);
            const cast = casts[columns[j]];
            return cast ? `$${params.length}::${cast}` : `$${params.length}`;
          })
          .join(', ')})`,
    );
    const result = await tx.query(
      `INSERT INTO ${name} AS t (${columns.join(', ')}) VALUES ${values.join(', ')}
       ON CONFLICT (${key.join(', ')}) DO UPDATE SET ${updatable.map((c) => `${c} = EXCLUDED.${c}`).join(', ')}
       WHERE (${updatable.map((c) => `t.${c}`).join(', ')}) IS DISTINCT FROM (${updatable.map((c) => `EXCLUDED.${c}`).join(', ')})${keepApiRows}
       RETURNING 1`,
      params,
    );
    total += Array.isArray(result) ? result.length : 0;
  }
  return total;
}

async function tableColumns(tx: EntityManager, table: string): Promise<Set<string>> {
  const rows: Array<{ column_name: string }> = await tx.query(
    `SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1`,
    [table],
  );
  return new Set(rows.map((r) => r.column_name));
}
