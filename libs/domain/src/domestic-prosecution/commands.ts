import type { CommandSpec, Envelope } from '../case/command-guard';
import { DOMESTIC_LEGAL_REF, type DomesticState } from './states';

export type DomesticCommand = { type: 'RECORD_PROGRESS'; status: DomesticState; note: string } | { type: 'NOTE'; text: string };
export type DomesticEnvelope = Envelope<DomesticCommand>;

/** Who may report on the prosecution; where a report may take it is DOMESTIC_NEXT. */
export const DOMESTIC_COMMANDS: Record<DomesticCommand['type'], CommandSpec<DomesticState>> = {
  RECORD_PROGRESS: { from: 'ANY_OPEN', by: ['REQUESTED_PROSECUTOR', 'REQUESTED_CA'], legalRef: DOMESTIC_LEGAL_REF },
  NOTE: {
    from: 'ANY_OPEN',
    by: ['REQUESTING_PROSECUTOR', 'REQUESTING_CA', 'REQUESTED_PROSECUTOR', 'REQUESTED_CA', 'LIAISON_MAGISTRATE'],
    legalRef: DOMESTIC_LEGAL_REF,
  },
};
