import 'reflect-metadata';
import { loadDatabaseConfig } from '../libs/config/src';
import { createDataSource } from '../libs/persistence/src';
import { loadSeeds } from './loader';

/** `npm run seed`: migrations first, then the reference data, idempotently. */
async function main(): Promise<void> {
  const config = loadDatabaseConfig(process.env);
  const dataSource = await createDataSource(config.ownerUrl ?? config.url).initialize();
  try {
    const migrations = await dataSource.runMigrations({ transaction: 'each' });
    // Demo users only on request (SEED_DEMO_USERS=true: `npm start` on its local issuer, the tests), never by default.
    const demoUsers = process.env.SEED_DEMO_USERS?.trim().toLowerCase() === 'true';
    const changed = await loadSeeds(dataSource, undefined, { demoUsers });
    process.stdout.write(JSON.stringify({ context: 'seed', demoUsers, migrationsApplied: migrations.map((m) => m.name), rowsChanged: changed }) + '\n');
  } finally {
    await dataSource.destroy();
  }
}

void main().catch((err) => {
  process.stderr.write(`seed failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
