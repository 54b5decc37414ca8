import { Client } from 'pg';
import { ENGINE_ROLE, OWNER_ROLE, handOverToOwner } from '../libs/persistence/src/migrations/1765100000000-AuditTrust';

/**
 * The database roles of a local PostgreSQL (`npm start`'s embedded one, the test suites'), set up with
 * its superuser before migrations run:
 *   mla_owner   owns the tables; migrations and seeds connect as it (DATABASE_OWNER_URL)
 *   mla_engine  the API and the worker connect as it (DATABASE_URL); what it may do is granted by the
 *               AuditTrust migration: INSERT and SELECT on the audit trail and the access log, no ownership
 * The passwords are local defaults, published here: a deployment creates its roles with its own secrets.
 */
const LOCAL_PASSWORDS: Record<string, string> = { [OWNER_ROLE]: 'mla-owner-local-only', [ENGINE_ROLE]: 'mla-engine-local-only' };

export interface LocalDatabaseUrls {
  /** Migrations and seeds. */
  ownerUrl: string;
  /** The API and the worker. */
  engineUrl: string;
}

/** `superuserUrl` names the database; returns the URLs of its owner and engine roles. Idempotent. */
export async function ensureLocalDatabaseRoles(superuserUrl: string): Promise<LocalDatabaseUrls> {
  const client = new Client({ connectionString: superuserUrl });
  await client.connect();
  try {
    for (const role of [OWNER_ROLE, ENGINE_ROLE]) {
      const exists = await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role]);
      const attributes = `LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS NOREPLICATION PASSWORD '${LOCAL_PASSWORDS[role]}'`;
      await client.query(`${exists.rowCount ? 'ALTER' : 'CREATE'} ROLE ${role} ${attributes}`);
    }
    // A data folder from before the roles existed: what the superuser created goes to the owner role.
    await handOverToOwner(client);
  } finally {
    await client.end();
  }
  const as = (role: string) => {
    const url = new URL(superuserUrl);
    url.username = role;
    url.password = LOCAL_PASSWORDS[role];
    return url.toString();
  };
  return { ownerUrl: as(OWNER_ROLE), engineUrl: as(ENGINE_ROLE) };
}
