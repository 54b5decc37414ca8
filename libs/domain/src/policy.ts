import { Actor, Role } from './roles';

/**
 * The case facts the access policy looks at. Built from the case row, never from user input.
 */
export interface CaseAccessFacts {
  /** MLA, EXTRADITION or DOMESTIC_PROSECUTION (opened on refusal of a national, UNTOC art. 16(10)). */
  kind?: string;
  requestingState: string;
  requestedState: string;
  /** Authority of the prosecutor who filed the request. */
  requestingAuthorityId: string;
  createdBy: string;
  /** Whether the request has left the requesting State (the requested side sees it from then on). */
  transmitted: boolean;
  terminal: boolean;
  /** Executing authorities that items of the request were forwarded to. */
  executingAuthorityIds: readonly string[];
  /** States whose WACAP focal points the case was escalated to (ladder level L3). */
  escalatedToFocalPointsOf: readonly string[];
}

/** How an actor stands towards a case. An actor can hold several relations at once. */
export type CaseRelation =
  | 'REQUESTING_PROSECUTOR'
  | 'REQUESTED_PROSECUTOR'
  | 'REQUESTING_CA'
  | 'REQUESTED_CA'
  | 'EXECUTING_AUTHORITY'
  | 'LIAISON_MAGISTRATE'
  | 'FOCAL_POINT'
  | 'MANAGER'
  | 'ADMIN';

/** Relations whose users are parties: their events count as party activity. */
export const PARTY_RELATIONS: ReadonlySet<CaseRelation> = new Set<CaseRelation>([
  'REQUESTING_PROSECUTOR',
  'REQUESTED_PROSECUTOR',
  'REQUESTING_CA',
  'REQUESTED_CA',
  'EXECUTING_AUTHORITY',
]);

/** What a relation lets an actor read. */
export type Visibility = 'FULL' | 'SUMMARY' | 'NONE';

export type CaseAction =
  | { kind: 'VIEW' }
  | { kind: 'COMMENT' }
  /** A life-cycle command: allowed to the relations listed by the command. */
  | { kind: 'COMMAND'; name: string; allowedRelations: readonly CaseRelation[] };

export type PolicyDecision =
  { outcome: 'ALLOW'; relation: CaseRelation; role: Role; visibility: Visibility } | { outcome: 'FORBIDDEN'; reason: string } | { outcome: 'NOT_FOUND' };

const has = (actor: Actor, role: Role) => actor.roles.includes(role);

const RELATION_ROLE: Record<CaseRelation, Role[]> = {
  REQUESTING_PROSECUTOR: ['PROSECUTOR'],
  REQUESTED_PROSECUTOR: ['PROSECUTOR'],
  REQUESTING_CA: ['CENTRAL_AUTHORITY_HEAD', 'CENTRAL_AUTHORITY'],
  REQUESTED_CA: ['CENTRAL_AUTHORITY_HEAD', 'CENTRAL_AUTHORITY'],
  EXECUTING_AUTHORITY: ['EXECUTING_AUTHORITY'],
  LIAISON_MAGISTRATE: ['LIAISON_MAGISTRATE'],
  FOCAL_POINT: ['FOCAL_POINT'],
  MANAGER: ['MANAGER', 'SECRETARIAT'],
  ADMIN: ['ADMIN'],
};

/** The role an actor exercises through a relation (the role recorded on the audit row). */
export function roleFor(actor: Actor, relation: CaseRelation): Role {
  const role = RELATION_ROLE[relation].find((r) => has(actor, r));
  if (!role) throw new Error(`actor ${actor.userId} holds no role for relation ${relation}`);
  return role;
}

/**
 * Every relation the actor has to the case, strongest first. Pure: depends only on its arguments.
 */
export function relationsOf(actor: Actor, facts: CaseAccessFacts): CaseRelation[] {
  const relations: CaseRelation[] = [];
  const inRequesting = actor.stateCode === facts.requestingState;
  const inRequested = actor.stateCode === facts.requestedState;

  if (has(actor, 'PROSECUTOR') && inRequesting && actor.authorityId === facts.requestingAuthorityId) {
    relations.push('REQUESTING_PROSECUTOR');
  }
  // A domestic prosecution is conducted by the requested State's prosecutors.
  if (has(actor, 'PROSECUTOR') && inRequested && facts.kind === 'DOMESTIC_PROSECUTION') relations.push('REQUESTED_PROSECUTOR');
  const isCa = has(actor, 'CENTRAL_AUTHORITY') || has(actor, 'CENTRAL_AUTHORITY_HEAD');
  if (isCa && inRequesting) relations.push('REQUESTING_CA');
  if (isCa && inRequested && facts.transmitted) relations.push('REQUESTED_CA');
  if (has(actor, 'EXECUTING_AUTHORITY') && inRequested && facts.executingAuthorityIds.includes(actor.authorityId)) {
    relations.push('EXECUTING_AUTHORITY');
  }
  if (
    has(actor, 'LIAISON_MAGISTRATE') &&
    actor.liaisonPostings.some(
      (p) =>
        (p.homeState === facts.requestingState && p.hostState === facts.requestedState) ||
        (p.homeState === facts.requestedState && p.hostState === facts.requestingState),
    )
  ) {
    relations.push('LIAISON_MAGISTRATE');
  }
  if (has(actor, 'FOCAL_POINT') && !facts.terminal && facts.escalatedToFocalPointsOf.includes(actor.stateCode)) {
    relations.push('FOCAL_POINT');
  }
  if (has(actor, 'SECRETARIAT') || (has(actor, 'MANAGER') && (inRequesting || (inRequested && facts.transmitted)))) {
    relations.push('MANAGER');
  }
  // An administrator acts on reference data and on the cases of their own State, as its central
  // authority would see them (the requested side from transmission on); other States' cases do not
  // exist for them: §2 gives administrators no reading of other States' cases, summary or otherwise.
  if (has(actor, 'ADMIN') && (inRequesting || (inRequested && facts.transmitted))) relations.push('ADMIN');
  return relations;
}

const VISIBILITY: Record<CaseRelation, Visibility> = {
  REQUESTING_PROSECUTOR: 'FULL',
  REQUESTED_PROSECUTOR: 'FULL',
  REQUESTING_CA: 'FULL',
  REQUESTED_CA: 'FULL',
  EXECUTING_AUTHORITY: 'FULL',
  LIAISON_MAGISTRATE: 'FULL',
  FOCAL_POINT: 'SUMMARY',
  MANAGER: 'SUMMARY',
  ADMIN: 'FULL',
};

/** Relations whose holders may add notes to a case. Network contacts comment; managers and admins do not. */
const COMMENTING: ReadonlySet<CaseRelation> = new Set<CaseRelation>([...PARTY_RELATIONS, 'LIAISON_MAGISTRATE', 'FOCAL_POINT']);

/**
 * The one access decision of the engine. A case the actor has no relation to does not exist for
 * them (NOT_FOUND); a case they may see but not act on is FORBIDDEN for that action.
 */
export function decide(actor: Actor, action: CaseAction, facts: CaseAccessFacts): PolicyDecision {
  const relations = relationsOf(actor, facts);
  if (relations.length === 0) return { outcome: 'NOT_FOUND' };
  const visibility = strongestVisibility(relations);
  const allowWith = (relation: CaseRelation): PolicyDecision => ({
    outcome: 'ALLOW',
    relation,
    role: roleFor(actor, relation),
    visibility,
  });

  switch (action.kind) {
    case 'VIEW':
      return allowWith(relations[0]);
    case 'COMMENT': {
      const relation = relations.find((r) => COMMENTING.has(r));
      return relation ? allowWith(relation) : { outcome: 'FORBIDDEN', reason: 'managers and administrators do not annotate cases' };
    }
    case 'COMMAND': {
      const relation = relations.find((r) => action.allowedRelations.includes(r));
      if (relation) return allowWith(relation);
      return {
        outcome: 'FORBIDDEN',
        reason: `${action.name} is reserved to ${action.allowedRelations.map(describeRelation).join(' or ')}`,
      };
    }
  }
}

function strongestVisibility(relations: readonly CaseRelation[]): Visibility {
  return relations.some((r) => VISIBILITY[r] === 'FULL') ? 'FULL' : 'SUMMARY';
}

export function describeRelation(relation: CaseRelation): string {
  return relation
    .toLowerCase()
    .replace(/_/g, ' ')
    .replace(/\bca\b/, 'central authority');
}

/**
 * Whether an actor may open a new case at all (there is no case yet to relate to). A prosecutor
 * files any request; a central authority may also file an extradition request itself.
 */
export function mayFile(actor: Actor, kind: 'MLA' | 'EXTRADITION' = 'MLA'): PolicyDecision {
  if (has(actor, 'PROSECUTOR')) return { outcome: 'ALLOW', relation: 'REQUESTING_PROSECUTOR', role: 'PROSECUTOR', visibility: 'FULL' };
  if (kind === 'EXTRADITION' && has(actor, 'CENTRAL_AUTHORITY'))
    return { outcome: 'ALLOW', relation: 'REQUESTING_CA', role: 'CENTRAL_AUTHORITY', visibility: 'FULL' };
  return {
    outcome: 'FORBIDDEN',
    reason:
      kind === 'EXTRADITION'
        ? 'an extradition request is filed by a prosecutor or a central authority of the requesting State'
        : 'only a prosecutor or investigating judge files a request',
  };
}

/** Operations on the engine itself (metrics, rebuilding statistics): administrators and the network secretariat. */
export function mayOperate(actor: Actor): PolicyDecision {
  const role = actor.roles.find((r) => r === 'ADMIN' || r === 'SECRETARIAT');
  return role
    ? { outcome: 'ALLOW', relation: 'ADMIN', role, visibility: 'SUMMARY' }
    : { outcome: 'FORBIDDEN', reason: 'operations are for administrators and the network secretariat' };
}

/** Roles the network gives (its secretariat sees every State's cases): no State's administrator grants them. */
export const NETWORK_ROLES: ReadonlySet<Role> = new Set<Role>(['SECRETARIAT']);

/**
 * Whether an actor may create, change or disable the authorities and users of a State. A State's
 * directory is its administrators' alone: another State's does not exist for them (NOT_FOUND, as
 * another State's cases), and nobody else administers it (FORBIDDEN).
 */
export function mayAdministerDirectory(actor: Actor, stateCode: string): PolicyDecision {
  if (!has(actor, 'ADMIN')) return { outcome: 'FORBIDDEN', reason: "a State's authorities and users are administered by its administrators" };
  if (actor.stateCode !== stateCode) return { outcome: 'NOT_FOUND' };
  return { outcome: 'ALLOW', relation: 'ADMIN', role: 'ADMIN', visibility: 'FULL' };
}

/**
 * Whether an actor may give (or take away) these roles to a user of a State: an administrator of that
 * State, for any role but the network's. Holding the roles themselves is not required: a ministry's
 * administrator onboards prosecutors and central authority officers, and its other administrators.
 */
export function mayGrantRoles(actor: Actor, stateCode: string, roles: readonly Role[]): PolicyDecision {
  const decision = mayAdministerDirectory(actor, stateCode);
  if (decision.outcome !== 'ALLOW') return decision;
  const network = roles.filter((r) => NETWORK_ROLES.has(r));
  if (network.length > 0) return { outcome: 'FORBIDDEN', reason: `${network.join(', ')} is given by the network, not by a State's administrator` };
  return decision;
}
