// Domain brief §2 and §10, stated on their own, as a reader of the brief would: who reads a case, how
// much of it, and who learns of a conflict between extradition requests. The visibility matrix checks
// the policy, its SQL twin and the presenters against this statement; it does not use the policy.

export interface SeedUser {
  id: string;
  roles: readonly string[];
  stateCode: string;
  authorityId: string;
  postings: ReadonlyArray<{ homeState: string; hostState: string }>;
}

/** The facts of a case that §2 speaks of. */
export interface CaseFacts {
  kind: 'MLA' | 'EXTRADITION' | 'DOMESTIC_PROSECUTION';
  requestingState: string;
  requestedState: string;
  requestingAuthorityId: string;
  /** The request has left the requesting State. */
  transmitted: boolean;
  terminal: boolean;
  executingAuthorityIds: readonly string[];
  escalatedToFocalPointsOf: readonly string[];
  /** Another extradition request concerns the same person. */
  conflict: boolean;
}

export const CLASSES = ['content', 'persons', 'comments', 'notes', 'data', 'documents', 'conflict'] as const;
export type Class = (typeof CLASSES)[number];

export interface Reading {
  view: 'NONE' | 'SUMMARY' | 'FULL';
  classes: ReadonlySet<Class>;
}

const FULL_READ: Class[] = ['content', 'persons', 'comments', 'notes', 'data', 'documents'];

export function expectedReading(u: SeedUser, c: CaseFacts): Reading {
  const holds = (role: string) => u.roles.includes(role);
  const ofRequesting = u.stateCode === c.requestingState;
  // The requested State knows of a request from its transmission on.
  const ofRequested = u.stateCode === c.requestedState && c.transmitted;
  const centralAuthority = holds('CENTRAL_AUTHORITY') || holds('CENTRAL_AUTHORITY_HEAD');

  const full = [
    // The prosecutor drafts and follows their own office's requests.
    holds('PROSECUTOR') && ofRequesting && u.authorityId === c.requestingAuthorityId,
    // A national refused extradition is prosecuted at home by the requested State's prosecutors (UNTOC 16(10)).
    holds('PROSECUTOR') && c.kind === 'DOMESTIC_PROSECUTION' && u.stateCode === c.requestedState,
    centralAuthority && (ofRequesting || ofRequested),
    // Executing authorities record execution of the items forwarded to them.
    holds('EXECUTING_AUTHORITY') && u.stateCode === c.requestedState && c.executingAuthorityIds.includes(u.authorityId),
    // Liaison magistrates read their pair's cases, drafts included (§10: they pre-check drafts).
    holds('LIAISON_MAGISTRATE') && u.postings.some((p) => [p.homeState, p.hostState].sort().join() === [c.requestingState, c.requestedState].sort().join()),
    // Administrators act on their own State's cases.
    holds('ADMIN') && (ofRequesting || ofRequested),
  ].some(Boolean);
  const summary = [
    // Focal points see a summary of the cases escalated to them, while they are open.
    holds('FOCAL_POINT') && c.escalatedToFocalPointsOf.includes(u.stateCode) && !c.terminal,
    holds('MANAGER') && (ofRequesting || ofRequested),
    holds('SECRETARIAT'),
  ].some(Boolean);

  if (full) {
    // Only the requested central authority, who chooses between the requests, learns of the other one (§5, §10).
    const conflict = c.conflict && centralAuthority && ofRequested;
    return { view: 'FULL', classes: new Set<Class>(conflict ? [...FULL_READ, 'conflict'] : FULL_READ) };
  }
  return { view: summary ? 'SUMMARY' : 'NONE', classes: new Set() };
}
