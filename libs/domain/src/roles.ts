/** Roles a user may hold. A user is bound to one authority of one State. */
export const ROLES = [
  'PROSECUTOR',
  'CENTRAL_AUTHORITY',
  'CENTRAL_AUTHORITY_HEAD',
  'EXECUTING_AUTHORITY',
  'LIAISON_MAGISTRATE',
  'FOCAL_POINT',
  'MANAGER',
  'SECRETARIAT',
  'ADMIN',
  'DATA_PROTECTION_OFFICER', // reads the access log (Law Enforcement Directive art. 25); no case relation
] as const;
export type Role = (typeof ROLES)[number];

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/** A liaison magistrate posting: a magistrate of `homeState` seconded to `hostState`. */
export interface LiaisonPosting {
  homeState: string;
  hostState: string;
}

/** The authenticated person behind a request, as the policy sees them. */
export interface Actor {
  userId: string;
  roles: readonly Role[];
  stateCode: string;
  authorityId: string;
  /** Postings held by a liaison magistrate; empty for everyone else. */
  liaisonPostings: readonly LiaisonPosting[];
}

/** What an audit row records about who acted. Never carries personal data beyond the user id. */
export interface ActorRef {
  userId: string;
  role: Role;
  stateCode: string;
  authorityId: string;
}
