import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ROOT } from '../scripts/tools.cjs';
import { readSeedTables } from '../seeds/loader';

// Demo users (an ADMIN among them) exist only where the engine runs on its local defaults.
describe('demo users', () => {
  it('are seeded only when asked for, and links to them are then left alone', () => {
    const without = readSeedTables(undefined, { demoUsers: false });
    expect(without.map((t) => t.name)).not.toContain('users');
    for (const name of ['focal_points', 'liaison_postings']) expect(without.find((t) => t.name === name)!.columns).not.toContain('user_id');
    const withDemo = readSeedTables(undefined, { demoUsers: true });
    expect(withDemo.find((t) => t.name === 'users')!.rows.length).toBeGreaterThan(0);
  });

  it('are never asked for by the compose file, and the seed CLI defaults to none', () => {
    const text = readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8');
    expect(text).not.toContain('SEED_DEMO_USERS');
    const compose = parse(text, { merge: true });
    expect(compose.services.migrate.environment.SEED_DEMO_USERS).toBeUndefined();
    expect(readFileSync(join(ROOT, 'seeds/run.ts'), 'utf8')).toMatch(/SEED_DEMO_USERS\?\.trim\(\)\.toLowerCase\(\) === 'true'/);
  });
});
