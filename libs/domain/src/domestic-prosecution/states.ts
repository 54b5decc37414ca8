// A domestic prosecution opened when extradition of a national is refused and the requesting State
// asked for it (UNTOC art. 16(10)): the requested State's prosecutor reports, the requesting State sees.
import type { CaseCore } from '../case/case-model';

export const DOMESTIC_STATES = ['OPENED', 'UNDER_INVESTIGATION', 'CHARGED', 'JUDGMENT', 'DISCONTINUED'] as const;
export type DomesticState = (typeof DOMESTIC_STATES)[number];

export const DOMESTIC_TERMINAL_STATES: ReadonlySet<string> = new Set<DomesticState>(['JUDGMENT', 'DISCONTINUED']);
export const isDomesticTerminal = (s: string) => DOMESTIC_TERMINAL_STATES.has(s);

/** Where each progress report may take the prosecution. */
export const DOMESTIC_NEXT: Record<DomesticState, DomesticState[]> = {
  OPENED: ['UNDER_INVESTIGATION', 'CHARGED', 'DISCONTINUED'],
  UNDER_INVESTIGATION: ['CHARGED', 'DISCONTINUED'],
  CHARGED: ['JUDGMENT', 'DISCONTINUED'],
  JUDGMENT: [],
  DISCONTINUED: [],
};

export interface DomesticProsecutionState extends CaseCore {
  status: DomesticState;
  filedAt: number;
  extraditionCaseId: string;
}

export const DOMESTIC_LEGAL_REF = 'UNTOC art. 16(10)';
