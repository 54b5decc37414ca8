// Where an MLA case keeps its formal request: the request is the case, its state is the case's state.
import type { FormalRequestOf } from '../case/formal-request';
import { checkCompleteness } from './mla-completeness';
import { transition } from './clocks';
import { startClock, withFlag } from '../case/clockwork';
import type { MlaCaseState } from './states';
import type { RequestPackage } from '../documents';

/** Languages the requested State accepts: its own, and those the pinned pack adds (UNTOC art. 18(14)). */
export function acceptedLanguages(s: MlaCaseState): string[] {
  return [...new Set([...(s.basis.rulePack.acceptedLanguages ?? []), ...s.ctx.requestedStateLanguages])];
}

export const MLA_FORMAL_REQUEST: FormalRequestOf<MlaCaseState> = {
  status: (s) => s.status,
  move: (s, to, at) => transition(s, to, at),
  cycles: (s) => s.reviewCycles,
  withCycles: (s, reviewCycles) => ({ ...s, reviewCycles }),
  completeness: (s) => ({
    ...checkCompleteness(s.content, s.basis.rulePack.completenessProfile),
    legalRef: s.basis.rulePack.completenessProfile === 'ECOWAS_5_1' ? 'ECOWAS art. 5(1); UNTOC art. 18(15)' : 'UNTOC art. 18(15)',
  }),
  approvedTo: (s) => {
    const accepted = acceptedLanguages(s);
    return accepted.includes(s.content.language) ? { to: 'READY_TO_TRANSMIT' } : { to: 'TRANSLATION_PENDING', data: { translationRequiredInto: accepted } };
  },
  urgent: (s) => s.content.urgency === 'URGENT',
  recordTransmission: (s, c, by, at) => {
    let next: MlaCaseState = {
      ...s,
      transmission: {
        channel: c.channel,
        reference: c.reference,
        at,
        by: by.userId,
        oral: Boolean(c.oral),
        ...((s.ctx.documents ?? 0) >= 1 && 'package' in c && c.package ? { package: c.package as RequestPackage } : {}),
      },
      transmittedAt: at,
    };
    // An oral request (urgent only) must be confirmed in writing (UNTOC art. 18(14)).
    if (c.oral) next = startClock({ ...next, flags: withFlag(next.flags, 'ORAL_UNCONFIRMED') }, 'ORAL_CONFIRMATION', 'ORAL_CONFIRMATION', 'REQUESTING', at);
    return next;
  },
};
