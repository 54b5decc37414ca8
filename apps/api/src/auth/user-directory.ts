import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Actor, isRole } from '../../../../libs/domain/src';

export type UserStatus = 'ENABLED' | 'DISABLED';

/**
 * Maps a token subject to the user record: roles, State, authority and liaison postings. Read on every
 * request, without a cache: a disabled user, or a role taken away, is refused from the next request on,
 * by every replica of the API (one indexed query per request).
 */
@Injectable()
export class UserDirectory {
  constructor(@Inject(DataSource) private readonly db: DataSource) {}

  /** The actor for a subject; null when the subject is no user, or a disabled one. */
  async actorFor(subject: string): Promise<Actor | null> {
    const rows: Array<{ id: string; roles: string[]; state_code: string; authority_id: string; postings: Array<{ homeState: string; hostState: string }> }> =
      await this.db.query(
        `SELECT u.id, u.roles, u.state_code, u.authority_id,
                COALESCE(json_agg(json_build_object('homeState', p.home_state, 'hostState', p.host_state))
                         FILTER (WHERE p.id IS NOT NULL), '[]') AS postings
         FROM users u
         LEFT JOIN liaison_postings p ON p.user_id = u.id AND p.valid_from <= current_date
                                      AND (p.valid_to IS NULL OR p.valid_to >= current_date)
         WHERE u.subject = $1 AND u.disabled_at IS NULL
         GROUP BY u.id`,
        [subject],
      );
    const row = rows[0];
    if (!row) return null;
    return {
      userId: row.id,
      roles: row.roles.filter(isRole),
      stateCode: row.state_code,
      authorityId: row.authority_id,
      liaisonPostings: row.postings,
    };
  }

  /** Disables or enables a user; null when there is no such user. Idempotent: the first disabling time is kept. */
  async setStatus(userId: string, status: UserStatus, by: string): Promise<{ id: string; status: UserStatus; disabledAt: string | null } | null> {
    const rows: Array<{ id: string; disabled_at: Date | null }> =
      status === 'DISABLED'
        ? await this.db.query(
            `UPDATE users SET disabled_at = COALESCE(disabled_at, now()), disabled_by = COALESCE(disabled_by, $2) WHERE id = $1 RETURNING id, disabled_at`,
            [userId, by],
          )
        : await this.db.query(`UPDATE users SET disabled_at = NULL, disabled_by = NULL WHERE id = $1 RETURNING id, disabled_at`, [userId]);
    // TypeORM answers an UPDATE … RETURNING as [rows, count].
    const row = (Array.isArray(rows[0]) ? (rows[0] as unknown as typeof rows) : rows)[0];
    if (!row) return null;
    return { id: row.id, status, disabledAt: row.disabled_at ? new Date(row.disabled_at).toISOString() : null };
  }
}
