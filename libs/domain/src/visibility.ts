import type { Actor } from './roles';
import { CaseAccessFacts, Visibility, decide } from './policy';

/**
 * The classes of case fields a reader may or may not receive. Every presenter tags each field that
 * is not plain case bookkeeping (kind, state, parties, clocks, figures) with one of them and strips
 * the classes its reader may not read.
 * - content: what the request says (subject, facts, purpose, deadline reason, offence)
 * - persons: the persons concerned
 * - comments: what users wrote on life-cycle steps (return for correction, refusal reasons, requests for information)
 * - notes: notes on the case and notes recorded with an executed item
 * - data: the payload of an event (forwarding, grounds, references) and whom it notified
 * - documents: references to documents and evidence (translations, transmission and arrest references)
 * - conflict: that another extradition request concerns the same person, and which (ECE art. 17)
 */
export const FIELD_CLASSES = ['content', 'persons', 'comments', 'notes', 'data', 'documents', 'conflict'] as const;
export type FieldClass = (typeof FIELD_CLASSES)[number];

/** Flags that belong to a field class rather than to the case's bookkeeping. */
export const FLAG_CLASSES: Readonly<Record<string, FieldClass>> = { CONFLICTING_REQUESTS: 'conflict' };

/** Who reads a case and which classes of its fields they receive. */
export interface Reader {
  visibility: Visibility;
  classes: ReadonlySet<FieldClass>;
}

const FULL_CLASSES: readonly FieldClass[] = FIELD_CLASSES.filter((c) => c !== 'conflict');

/**
 * The classes a reader receives. FULL readers (parties, the pair's liaison magistrate, an administrator
 * of a party State) get everything but the conflict; SUMMARY readers (focal points, managers, the
 * secretariat) get none of them (domain brief §2: a summary, no attachments). That another State asks
 * for the same person is for the requested central authority alone, who chooses between the requests
 * (§5, §10): the requesting States do not learn of each other.
 */
export function readableClasses(visibility: Visibility, requestedCentralAuthority: boolean): ReadonlySet<FieldClass> {
  const classes: FieldClass[] = visibility === 'FULL' ? [...FULL_CLASSES] : [];
  if (requestedCentralAuthority && visibility === 'FULL') classes.push('conflict');
  return new Set(classes);
}

/** How the actor reads the case, or null when the case does not exist for them. */
export function readerOf(actor: Actor, facts: CaseAccessFacts): Reader | null {
  const decision = decide(actor, { kind: 'VIEW' }, facts);
  if (decision.outcome !== 'ALLOW') return null;
  const requestedCa = decide(actor, { kind: 'COMMAND', name: 'READ_CONFLICT', allowedRelations: ['REQUESTED_CA'] }, facts).outcome === 'ALLOW';
  return { visibility: decision.visibility, classes: readableClasses(decision.visibility, requestedCa) };
}

/** The flags a reader may see. */
export function visibleFlags(flags: readonly string[], reader: Reader): string[] {
  return flags.filter((f) => !FLAG_CLASSES[f] || reader.classes.has(FLAG_CLASSES[f]));
}

/**
 * The flags of a row a list or an export has already selected with the actor's scope (`caseScope`),
 * whose columns do not carry every access fact. Only the conflict is filtered, and it depends only on
 * the requested central authority's relation; within the scope, a row a central authority sees as the
 * requested State has been transmitted.
 */
export function visibleFlagsInScope(actor: Actor, row: { requestingState: string; requestedState: string; flags: readonly string[] }): string[] {
  const requestedCa =
    decide(
      actor,
      { kind: 'COMMAND', name: 'READ_CONFLICT', allowedRelations: ['REQUESTED_CA'] },
      {
        requestingState: row.requestingState,
        requestedState: row.requestedState,
        requestingAuthorityId: '',
        createdBy: '',
        transmitted: true,
        terminal: false,
        executingAuthorityIds: [],
        escalatedToFocalPointsOf: [],
      },
    ).outcome === 'ALLOW';
  return row.flags.filter((f) => FLAG_CLASSES[f] !== 'conflict' || requestedCa);
}
