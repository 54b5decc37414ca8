import 'reflect-metadata';
import { loadDatabaseConfig } from '../libs/config/src';
import { createDataSource } from '../libs/persistence/src/data-source';
import { checkReadModel, verifyAuditTrail } from '../libs/persistence/src/audit-verification';

/**
 * `npm run audit:verify [-- --case <id>]`: recomputes every case's audit hash chain and prints the
 * first broken link per case. `npm run audit:rebuild-check` (`--read-model`): rebuilds each case's
 * state and version from its audit trail and prints the cases whose `cases` row disagrees.
 * One JSON document on stdout; exit status 1 when anything is broken, 2 when it could not run.
 */
async function main(argv: string[]): Promise<number> {
  const readModel = argv.includes('--read-model');
  const at = argv.indexOf('--case');
  const caseId = at >= 0 ? argv[at + 1] : undefined;
  if (at >= 0 && !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(caseId ?? '')) {
    process.stderr.write('usage: audit-verify [--read-model] [--case <case id>]\n');
    return 2;
  }
  const db = await createDataSource(loadDatabaseConfig(process.env).url, { extra: { max: 2 } }).initialize();
  try {
    if (readModel) {
      const check = await checkReadModel(db, { caseId });
      process.stdout.write(JSON.stringify({ check: 'read-model', ...check }, null, 2) + '\n');
      return check.mismatches.length ? 1 : 0;
    }
    const verification = await verifyAuditTrail(db, { caseId });
    process.stdout.write(JSON.stringify({ check: 'audit-chain', ...verification }, null, 2) + '\n');
    return verification.broken.length ? 1 : 0;
  } finally {
    await db.destroy();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(
      `audit verification failed to run: ${err instanceof Error ? `${err.name}${(err as { code?: string }).code ? ` (SQLSTATE ${(err as { code?: string }).code})` : ''}: ${err.message}` : String(err)}\n`,
    );
    process.exit(2);
  },
);
