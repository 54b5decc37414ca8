import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { Actor, isRole, mayAdministerDirectory, mayGrantRoles, type PolicyDecision, type Role } from '../../../../libs/domain/src';
import { ProblemException } from '../common/problem';
import type { CreateAuthorityDto, CreateUserDto, DirectoryAuthorityDto, DirectoryUserDto, UpdateAuthorityDto, UpdateUserDto } from './directory.dto';

export type DirectoryStatus = 'ENABLED' | 'DISABLED';
type Entity = 'AUTHORITY' | 'USER';
type Action = 'CREATED' | 'UPDATED' | 'DISABLED' | 'ENABLED';

interface AuthorityRow {
  id: string;
  state_code: string;
  name: string;
  kind: string;
  origin: 'seed' | 'api';
  disabled_at: Date | null;
}
interface UserRow {
  id: string;
  subject: string;
  display_name: string;
  state_code: string;
  authority_id: string;
  roles: string[];
  origin: 'seed' | 'api';
  disabled_at: Date | null;
}

export type DirectoryUser = DirectoryUserDto & { disabledAt: string | null };
export interface DirectoryChange {
  id: string;
  at: string;
  actorId: string;
  entity: Entity;
  entityId: string;
  action: Action;
  before: object | null;
  after: object;
}

const authorityOf = (r: AuthorityRow): DirectoryAuthorityDto => ({
  id: r.id,
  stateCode: r.state_code,
  name: r.name,
  kind: r.kind,
  status: r.disabled_at ? 'DISABLED' : 'ENABLED',
  origin: r.origin,
});
const userOf = (r: UserRow): DirectoryUser => ({
  id: r.id,
  subject: r.subject,
  displayName: r.display_name,
  stateCode: r.state_code,
  authorityId: r.authority_id,
  roles: r.roles.filter(isRole),
  status: r.disabled_at ? 'DISABLED' : 'ENABLED',
  origin: r.origin,
  disabledAt: r.disabled_at ? new Date(r.disabled_at).toISOString() : null,
});

const AUTHORITY_COLUMNS = 'id, state_code, name, kind, origin, disabled_at';
const USER_COLUMNS = 'id, subject, display_name, state_code, authority_id, roles, origin, disabled_at';

const notFound = (entity: Entity) =>
  entity === 'AUTHORITY'
    ? ProblemException.of(404, 'AUTHORITY_NOT_FOUND', 'no such authority in your State')
    : ProblemException.of(404, 'USER_NOT_FOUND', 'no such user');
const emptyPatch = () =>
  ProblemException.of(400, 'INVALID_BODY', '1 problem(s) in the request', {
    errors: [{ field: 'body', rule: 'not_empty', message: 'name at least one field to change' }],
  });

/** Refuses what the policy refuses: NOT_FOUND as the thing not existing for the actor, FORBIDDEN with its reason. */
function enforce(decision: PolicyDecision, missing: () => ProblemException): void {
  if (decision.outcome === 'NOT_FOUND') throw missing();
  if (decision.outcome === 'FORBIDDEN') throw ProblemException.of(403, 'FORBIDDEN_ACTION', decision.reason);
}

/**
 * Creating, changing, disabling and enabling a State's authorities and users, by that State's
 * administrators (libs/domain policy). Each change and its record in `directory_changes` (who, what,
 * before, after, when) commit together; a request that changes nothing records nothing. What the API
 * writes is marked `origin = 'api'`, which the seed loader leaves alone.
 */
@Injectable()
export class DirectoryAdministration {
  // Ids only on this line: who acted, on what, how; names and subjects stay in the audited table.
  private readonly logger = new Logger('directory');

  constructor(@Inject(DataSource) private readonly db: DataSource) {}

  async createAuthority(actor: Actor, dto: CreateAuthorityDto): Promise<DirectoryAuthorityDto> {
    enforce(mayAdministerDirectory(actor, dto.stateCode), () => ProblemException.of(404, 'STATE_NOT_FOUND', 'no such State in your directory'));
    if (!dto.id.startsWith(`${dto.stateCode}-`)) {
      throw ProblemException.of(400, 'INVALID_BODY', '1 problem(s) in the request', {
        errors: [{ field: 'id', rule: 'state_prefix', message: `id must start with the State's code (${dto.stateCode}-)` }],
      });
    }
    return this.db.transaction(async (tx) => {
      const inserted: AuthorityRow[] = await tx.query(
        `INSERT INTO authorities (id, state_code, name, kind, origin) VALUES ($1, $2, $3, $4, 'api') ON CONFLICT DO NOTHING RETURNING ${AUTHORITY_COLUMNS}`,
        [dto.id, dto.stateCode, dto.name, dto.kind],
      );
      if (!inserted[0]) {
        throw ProblemException.of(409, 'AUTHORITY_EXISTS', 'an authority with this id exists', {
          errors: [{ field: 'id', rule: 'unique', message: 'choose another id' }],
        });
      }
      const after = authorityOf(inserted[0]);
      await this.record(tx, actor, 'AUTHORITY', after.id, 'CREATED', null, after);
      return after;
    });
  }

  async updateAuthority(actor: Actor, id: string, dto: UpdateAuthorityDto): Promise<DirectoryAuthorityDto> {
    if (dto.name === undefined && dto.kind === undefined) throw emptyPatch();
    return this.db.transaction(async (tx) => {
      const row = await this.lockAuthority(tx, actor, id);
      const before = authorityOf(row);
      const next = { name: dto.name ?? row.name, kind: dto.kind ?? row.kind };
      if (next.name === row.name && next.kind === row.kind) return before;
      await tx.query(`UPDATE authorities SET name = $2, kind = $3, origin = 'api' WHERE id = $1`, [id, next.name, next.kind]);
      const after = authorityOf(await this.authority(tx, id));
      await this.record(tx, actor, 'AUTHORITY', id, 'UPDATED', before, after);
      return after;
    });
  }

  /** Disabling an authority refuses its users from their next request on, as disabling each of them would. */
  async setAuthorityStatus(actor: Actor, id: string, status: DirectoryStatus): Promise<DirectoryAuthorityDto> {
    return this.db.transaction(async (tx) => {
      const row = await this.lockAuthority(tx, actor, id);
      if (status === 'DISABLED' && id === actor.authorityId) {
        throw ProblemException.of(
          422,
          'CANNOT_DISABLE_OWN_AUTHORITY',
          "an ADMIN cannot disable their own authority; ask another of the State's administrators",
        );
      }
      const before = authorityOf(row);
      if (before.status === status) return before;
      await setStatus(tx, 'authorities', id, status, actor);
      const after = authorityOf(await this.authority(tx, id));
      await this.record(tx, actor, 'AUTHORITY', id, status, before, after);
      return after;
    });
  }

  async createUser(actor: Actor, dto: CreateUserDto): Promise<DirectoryUser> {
    enforce(mayAdministerDirectory(actor, actor.stateCode), () => notFound('USER'));
    return this.db.transaction(async (tx) => {
      const authority = await this.authorityOfState(tx, actor, dto.authorityId);
      enforce(mayGrantRoles(actor, authority.state_code, dto.roles), () => notFound('USER'));
      const inserted: UserRow[] = await tx.query(
        `INSERT INTO users (id, subject, display_name, state_code, authority_id, roles, origin) VALUES ($1, $2, $3, $4, $5, $6::text[], 'api')
         ON CONFLICT DO NOTHING RETURNING ${USER_COLUMNS}`,
        [dto.id, dto.subject, dto.displayName, authority.state_code, authority.id, dto.roles],
      );
      if (!inserted[0]) {
        const sameId: unknown[] = await tx.query(`SELECT 1 FROM users WHERE id = $1`, [dto.id]);
        throw sameId.length > 0
          ? ProblemException.of(409, 'USER_EXISTS', 'a user with this id exists', { errors: [{ field: 'id', rule: 'unique', message: 'choose another id' }] })
          : subjectTaken();
      }
      const after = userOf(inserted[0]);
      await this.record(tx, actor, 'USER', after.id, 'CREATED', null, after);
      return after;
    });
  }

  async updateUser(actor: Actor, id: string, dto: UpdateUserDto): Promise<DirectoryUser> {
    if (dto.subject === undefined && dto.displayName === undefined && dto.authorityId === undefined && dto.roles === undefined) throw emptyPatch();
    return this.db.transaction(async (tx) => {
      const row = await this.lockUser(tx, actor, id, dto.roles ?? []);
      if (id === actor.userId && dto.roles && !dto.roles.includes('ADMIN')) {
        throw ProblemException.of(422, 'CANNOT_DEMOTE_SELF', "an ADMIN cannot take away their own ADMIN role; ask another of the State's administrators", {
          errors: [{ field: 'roles', rule: 'keeps_own_admin', message: 'roles must keep ADMIN when you change your own account' }],
        });
      }
      const authorityId = dto.authorityId === undefined ? row.authority_id : (await this.authorityOfState(tx, actor, dto.authorityId)).id;
      const before = userOf(row);
      const next = { subject: dto.subject ?? row.subject, displayName: dto.displayName ?? row.display_name, authorityId, roles: dto.roles ?? before.roles };
      const same =
        next.subject === before.subject &&
        next.displayName === before.displayName &&
        next.authorityId === before.authorityId &&
        next.roles.join() === before.roles.join();
      if (same) return before;
      const taken: unknown[] = await tx.query(`SELECT 1 FROM users WHERE subject = $1 AND id <> $2`, [next.subject, id]);
      if (taken.length > 0) throw subjectTaken();
      await tx.query(`UPDATE users SET subject = $2, display_name = $3, authority_id = $4, roles = $5::text[], origin = 'api' WHERE id = $1`, [
        id,
        next.subject,
        next.displayName,
        next.authorityId,
        next.roles,
      ]);
      const after = userOf(await this.user(tx, id));
      await this.record(tx, actor, 'USER', id, 'UPDATED', before, after);
      return after;
    });
  }

  /** Idempotent: disabling a disabled user keeps the first time, and records nothing. */
  async setUserStatus(actor: Actor, id: string, status: DirectoryStatus): Promise<DirectoryUser> {
    return this.db.transaction(async (tx) => {
      const row = await this.lockUser(tx, actor, id, []);
      if (status === 'DISABLED' && id === actor.userId) {
        throw ProblemException.of(422, 'CANNOT_DISABLE_SELF', 'an ADMIN cannot disable their own account; ask another ADMIN');
      }
      const before = userOf(row);
      if (before.status === status) return before;
      await setStatus(tx, 'users', id, status, actor);
      const after = userOf(await this.user(tx, id));
      await this.record(tx, actor, 'USER', id, status, before, after);
      return after;
    });
  }

  /** The changes of the actor's State's directory, newest first; of one authority or user with `entityId`. */
  async changes(actor: Actor, q: { entityId?: string; limit: number; before?: string }): Promise<DirectoryChange[]> {
    enforce(mayAdministerDirectory(actor, actor.stateCode), () => notFound('USER'));
    const rows: Array<{ id: string; at: Date; actor_id: string; entity: Entity; entity_id: string; action: Action; before: object | null; after: object }> =
      await this.db.query(
        `SELECT id, at, actor_id, entity, entity_id, action, before, after FROM directory_changes
         WHERE actor_state = $1 AND ($2::text IS NULL OR entity_id = $2) AND ($3::bigint IS NULL OR id < $3)
         ORDER BY id DESC LIMIT $4`,
        [actor.stateCode, q.entityId ?? null, q.before ?? null, q.limit],
      );
    return rows.map((r) => ({
      id: String(r.id),
      at: new Date(r.at).toISOString(),
      actorId: r.actor_id,
      entity: r.entity,
      entityId: r.entity_id,
      action: r.action,
      before: r.before,
      after: r.after,
    }));
  }

  /** The authority, locked for the change, if the actor administers its State; 404 otherwise, as if it did not exist. */
  private async lockAuthority(tx: EntityManager, actor: Actor, id: string): Promise<AuthorityRow> {
    const rows: AuthorityRow[] = await tx.query(`SELECT ${AUTHORITY_COLUMNS} FROM authorities WHERE id = $1 FOR UPDATE`, [id]);
    const row = rows[0];
    enforce(mayAdministerDirectory(actor, row?.state_code ?? actor.stateCode), () => notFound('AUTHORITY'));
    if (!row) throw notFound('AUTHORITY');
    if (row.kind === 'NETWORK_SECRETARIAT') throw ProblemException.of(403, 'FORBIDDEN_ACTION', "the network secretariat is the network's, not a State's");
    return row;
  }

  /** The user, locked for the change, if the actor administers their State and may grant their roles and `adding`. */
  private async lockUser(tx: EntityManager, actor: Actor, id: string, adding: readonly Role[]): Promise<UserRow> {
    const rows: UserRow[] = await tx.query(`SELECT ${USER_COLUMNS} FROM users WHERE id = $1 FOR UPDATE`, [id]);
    const row = rows[0];
    enforce(mayAdministerDirectory(actor, row?.state_code ?? actor.stateCode), () => notFound('USER'));
    if (!row) throw notFound('USER');
    // Taking a role away is granting it back's mirror: the network's roles are not the State's to touch either way.
    enforce(mayGrantRoles(actor, row.state_code, [...new Set([...row.roles.filter(isRole), ...adding])]), () => notFound('USER'));
    return row;
  }

  /** An enabled authority of the actor's State, other than the network's, for a user to belong to: 422 naming `authorityId` otherwise. */
  private async authorityOfState(tx: EntityManager, actor: Actor, id: string): Promise<AuthorityRow> {
    const rows: AuthorityRow[] = await tx.query(`SELECT ${AUTHORITY_COLUMNS} FROM authorities WHERE id = $1 FOR SHARE`, [id]);
    const row = rows[0];
    if (!row || row.state_code !== actor.stateCode || row.kind === 'NETWORK_SECRETARIAT' || row.disabled_at) {
      throw ProblemException.of(422, 'UNKNOWN_AUTHORITY', 'a user belongs to an enabled authority of your State', {
        errors: [{ field: 'authorityId', rule: 'authority_of_state', message: `authorityId must name an enabled authority of ${actor.stateCode}` }],
      });
    }
    return row;
  }

  private async authority(tx: EntityManager, id: string): Promise<AuthorityRow> {
    return ((await tx.query(`SELECT ${AUTHORITY_COLUMNS} FROM authorities WHERE id = $1`, [id])) as AuthorityRow[])[0];
  }

  private async user(tx: EntityManager, id: string): Promise<UserRow> {
    return ((await tx.query(`SELECT ${USER_COLUMNS} FROM users WHERE id = $1`, [id])) as UserRow[])[0];
  }

  private async record(tx: EntityManager, actor: Actor, entity: Entity, entityId: string, action: Action, before: object | null, after: object): Promise<void> {
    await tx.query(
      `INSERT INTO directory_changes (actor_id, actor_state, entity, entity_id, action, before, after) VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7::jsonb)`,
      [actor.userId, actor.stateCode, entity, entityId, action, before === null ? null : JSON.stringify(before), JSON.stringify(after)],
    );
    this.logger.log(JSON.stringify({ event: `directory.${entity.toLowerCase()}.${action.toLowerCase()}`, actorId: actor.userId, id: entityId }));
  }
}

/** Disables a row of the directory, keeping who did it and when, or enables it again. */
async function setStatus(tx: EntityManager, table: 'authorities' | 'users', id: string, status: DirectoryStatus, actor: Actor): Promise<void> {
  if (status === 'DISABLED') await tx.query(`UPDATE ${table} SET disabled_at = now(), disabled_by = $2 WHERE id = $1`, [id, actor.userId]);
  else await tx.query(`UPDATE ${table} SET disabled_at = NULL, disabled_by = NULL WHERE id = $1`, [id]);
}

function subjectTaken(): ProblemException {
  return ProblemException.of(409, 'SUBJECT_TAKEN', "another user has this subject: a token's subject names one user", {
    errors: [{ field: 'subject', rule: 'unique', message: 'subject must be unique' }],
  });
}
