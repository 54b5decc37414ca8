import 'reflect-metadata';
import { loadDatabaseConfig } from '../libs/config/src';
import { createDataSource } from '../libs/persistence/src';
import { loadSeeds } from './loader';

/** `npm run seed`: migrations first, then the reference data, idempotently. */
async function main(): Promise<void> {
  const dataSource = await createDataSource(loadDatabaseConfig(process.env).url).initialize();
  try {
    const migrations = await dataSource.runMigrations({ transaction: 'each' });
    const changed = await loadSeeds(dataSource);
    process.stdout.write(
      JSON.stringify({ context: 'seed', migrationsApplied: migrations.map((m) => m.name), rowsChanged: changed }) + '\n',
    );
  } finally {
    await dataSource.destroy();
  }
}

void main().catch((err) => {
  process.stderr.write(`seed failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
