// Terminal states of every kind of case, from the one place each kind defines them. Read models and
// SQL that need "has the case ended?" take them from here, never from a list of their own.
import { DOMESTIC_TERMINAL_STATES } from './domestic-prosecution/states';
import { EXTRADITION_TERMINAL_STATES } from './extradition/states';
import { MLA_TERMINAL_STATES } from './mla/states';

/** Per kind of case (the keys are the case kinds of libs/contracts). */
export const TERMINAL_STATES_BY_KIND: Readonly<Record<'MLA' | 'EXTRADITION' | 'DOMESTIC_PROSECUTION', ReadonlySet<string>>> = {
  MLA: MLA_TERMINAL_STATES,
  EXTRADITION: EXTRADITION_TERMINAL_STATES,
  DOMESTIC_PROSECUTION: DOMESTIC_TERMINAL_STATES,
};

/** Every state in which some kind of case has ended (a state name means the same in every kind that has it). */
export const ALL_TERMINAL_STATES: ReadonlySet<string> = new Set(Object.values(TERMINAL_STATES_BY_KIND).flatMap((set) => [...set]));
