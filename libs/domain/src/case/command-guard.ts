// The checks every command goes through, whatever the kind of case.

/** Checks an event's `occurredAt` against the workflow's clock and the previous act. */
export function eventTime(occurredAt: string | undefined, now: number, lastEventAt: number): { at: number } | { field: string; rule: string; message: string } {
  if (occurredAt === undefined) return { at: now };
  const t = Date.parse(occurredAt);
  if (Number.isNaN(t)) return { field: 'occurredAt', rule: 'iso_instant', message: 'occurredAt must be an ISO 8601 instant' };
  if (t > now) return { field: 'occurredAt', rule: 'not_in_future', message: `occurredAt ${occurredAt} is in the future of the case's clock (${new Date(now).toISOString()})` };
  if (t < lastEventAt) {
    return { field: 'occurredAt', rule: 'not_before_previous_event', message: `occurredAt ${occurredAt} is before the case's previous event (${new Date(lastEventAt).toISOString()})` };
  }
  return { at: t };
}
