import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Actor, isRole } from '../../../../libs/domain/src';

const TTL_MS = 30_000;

/** Maps a token subject to the user record: roles, State, authority and liaison postings. */
@Injectable()
export class UserDirectory {
  private readonly cache = new Map<string, { actor: Actor | null; until: number }>();

  constructor(@Inject(DataSource) private readonly db: DataSource) {}

  async actorFor(subject: string): Promise<Actor | null> {
    const hit = this.cache.get(subject);
    if (hit && hit.until > Date.now()) return hit.actor;
    const actor = await this.load(subject);
    this.cache.set(subject, { actor, until: Date.now() + TTL_MS });
    return actor;
  }

  private async load(subject: string): Promise<Actor | null> {
    const rows: Array<{ id: string; roles: string[]; state_code: string; authority_id: string; postings: Array<{ homeState: string; hostState: string }> }> =
      await this.db.query(
        `SELECT u.id, u.roles, u.state_code, u.authority_id,
                COALESCE(json_agg(json_build_object('homeState', p.home_state, 'hostState', p.host_state))
                         FILTER (WHERE p.id IS NOT NULL), '[]') AS postings
         FROM users u
         LEFT JOIN liaison_postings p ON p.user_id = u.id AND p.valid_from <= current_date
                                      AND (p.valid_to IS NULL OR p.valid_to >= current_date)
         WHERE u.subject = $1
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
