import type { SearchAttributeType } from '@temporalio/common';

/** The SDK's SearchAttributeKey (not exported by name): what upsertSearchAttributes takes as `key`. */
export interface CaseSearchAttributeKey<T extends SearchAttributeType> {
  name: string;
  type: T;
}

/**
 * Search attributes operators filter case workflows by in the Temporal UI (e.g.
 * `MlaCaseState = "TRANSMITTED" AND MlaEscalationLevel >= 2`). Codes only, never personal data: the kind
 * of case, the pair of States as `requesting-requested` ISO codes, the case's state and the highest
 * escalation level reached. They must be registered on the namespace before a case sets them
 * (the dev server's `--search-attribute` flags, `temporal operator search-attribute create` on a cluster)
 * and are set only by cases filed with `searchAttributes: true` in their input (TEMPORAL_SEARCH_ATTRIBUTES).
 */
// Keys as the SDK's defineSearchAttributeKey makes them, written out: the contracts load nothing from the SDK.
export const CASE_SEARCH_ATTRIBUTES = {
  kind: { name: 'MlaCaseKind', type: 'KEYWORD' } as CaseSearchAttributeKey<'KEYWORD'>,
  statePair: { name: 'MlaStatePair', type: 'KEYWORD' } as CaseSearchAttributeKey<'KEYWORD'>,
  state: { name: 'MlaCaseState', type: 'KEYWORD' } as CaseSearchAttributeKey<'KEYWORD'>,
  escalationLevel: { name: 'MlaEscalationLevel', type: 'INT' } as CaseSearchAttributeKey<'INT'>,
} as const;

/** Name and type as the `temporal` CLI spells them (`--search-attribute Name=Type`, `--type Type`). */
export const CASE_SEARCH_ATTRIBUTE_DEFINITIONS: ReadonlyArray<{ name: string; type: 'Keyword' | 'Int' }> = [
  { name: CASE_SEARCH_ATTRIBUTES.kind.name, type: 'Keyword' },
  { name: CASE_SEARCH_ATTRIBUTES.statePair.name, type: 'Keyword' },
  { name: CASE_SEARCH_ATTRIBUTES.state.name, type: 'Keyword' },
  { name: CASE_SEARCH_ATTRIBUTES.escalationLevel.name, type: 'Int' },
];

/** `--search-attribute Name=Type` flags for `temporal server start-dev`. */
export function devServerSearchAttributeFlags(): string[] {
  return CASE_SEARCH_ATTRIBUTE_DEFINITIONS.flatMap((a) => ['--search-attribute', `${a.name}=${a.type}`]);
}
