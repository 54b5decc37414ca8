import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { deadlineFrom, type WorkCalendar } from '../libs/domain/src';

// Working days per State (domain brief §6): every State of the reference data has a calendar, and says whether it was checked.
const read = <T>(file: string): T => JSON.parse(readFileSync(join(__dirname, '..', 'seeds', 'data', file), 'utf8')) as T;

describe('State calendars in the reference data', () => {
  const states = read<Array<{ code: string }>>('states.json');
  const calendars = read<Array<WorkCalendar & { stateCode: string; verified: boolean; note?: string }>>('calendars.json');

  it('gives every State a calendar of rest days and holidays, marked verified or not', () => {
    expect(calendars.map((c) => c.stateCode).sort()).toEqual(states.map((s) => s.code).sort());
    for (const c of calendars) {
      expect(c.weekend.length).toBeGreaterThan(0);
      expect(c.weekend.every((d) => Number.isInteger(d) && d >= 0 && d <= 6)).toBe(true);
      expect(c.holidays.every((h) => /^(\d{4}-)?\d{2}-\d{2}$/.test(h))).toBe(true);
      expect(typeof c.verified).toBe('boolean');
      if (!c.verified) expect(c.note).toEqual(expect.any(String));
    }
  });

  it('counts working days in the State’s own calendar: Libya rests on Friday and Saturday, Nigeria on 1 October', () => {
    const of = (code: string) => calendars.find((c) => c.stateCode === code)!;
    expect(of('LY').weekend).toEqual([5, 6]);
    // Thursday 3 October 2024 plus one working day: Sunday 6 in Tripoli, Friday 4 in Lagos.
    const thursday = Date.parse('2024-10-03T10:00:00Z');
    expect(deadlineFrom(thursday, 1, 'WORKING_DAYS', 'Africa/Tripoli', of('LY')).lastDay).toBe('2024-10-06');
    expect(deadlineFrom(thursday, 1, 'WORKING_DAYS', 'Africa/Lagos', of('NG')).lastDay).toBe('2024-10-04');
    // Monday 30 September plus one working day in Lagos: not the holiday of 1 October.
    expect(deadlineFrom(Date.parse('2024-09-30T10:00:00Z'), 1, 'WORKING_DAYS', 'Africa/Lagos', of('NG')).lastDay).toBe('2024-10-02');
  });
});
