import type { FieldProblem } from '../rule-violation';

export const TRANSMISSION_CHANNELS = ['CA_DIRECT', 'DIPLOMATIC', 'INTERPOL_URGENT', 'DIRECT_JUDICIAL', 'E_CODEX'] as const;
export type TransmissionChannel = (typeof TRANSMISSION_CHANNELS)[number];

/**
 * What a transmission must carry, for any kind of request: a known channel, INTERPOL and oral
 * requests for urgent cases only (UNTOC art. 18(13), 18(14)), and evidence of dispatch.
 */
export function checkTransmission(urgent: boolean, c: { channel: string; reference: string; oral?: boolean }): FieldProblem | undefined {
  if (!(TRANSMISSION_CHANNELS as readonly string[]).includes(c.channel)) {
    return { field: 'channel', rule: 'isIn', message: `channel must be one of ${TRANSMISSION_CHANNELS.join(', ')}` };
  }
  if (c.channel === 'INTERPOL_URGENT' && !urgent) {
    return {
      field: 'channel',
      rule: 'urgent_only',
      message: 'INTERPOL is a channel for urgent requests only (UNTOC art. 18(13))',
      legalRef: 'UNTOC art. 18(13)',
    };
  }
  if (c.oral && !urgent)
    return { field: 'oral', rule: 'urgent_only', message: 'only urgent requests may be made orally (UNTOC art. 18(14))', legalRef: 'UNTOC art. 18(14)' };
  if (!c.reference?.trim()) {
    return { field: 'reference', rule: 'required', message: 'transmission evidence needs a reference (dispatch number, registered-mail or e-CODEX id)' };
  }
  return undefined;
}
