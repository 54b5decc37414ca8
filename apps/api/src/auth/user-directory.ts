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

  /** The actor for a subject; null when the subject is no user, a disabled one, or one of a disabled authority. */
  async actorFor(subject: string): Promise<Actor | null> {
    const rows: Array<{ id: string; roles: string[]; state_code: string; authority_id: string; postings: Array<{ homeState: string; hostState: string }> }> =
      await this.db.query(
        `SELECT u.id, u.roles, u.state_code, u.authority_id,
                COALESCE(json_agg(json_build_object('homeState', p.home_state, 'hostState', p.host_state))
                         FILTER (WHERE p.id IS NOT NULL), '[]') AS postings
         FROM users u
         JOIN authorities a ON a.id = u.authority_id AND a.disabled_at IS NULL
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
}
