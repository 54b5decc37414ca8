import { calendarDaysBetween, civilDate, deadlineFrom, endOfDate, workingDaysBetween, zonedInstant } from './calendar';

const iso = (ms: number) => new Date(ms).toISOString();

describe('legal deadline arithmetic (domain brief §6)', () => {
  it('ends N calendar days at the end of day N local, breached at 00:00 of N+1 (Lagos, UTC+1)', () => {
    const transmitted = Date.parse('2025-03-03T10:00:00Z');
    const d = deadlineFrom(transmitted, 7, 'CALENDAR_DAYS', 'Africa/Lagos');
    expect(d.lastDay).toBe('2025-03-10');
    expect(iso(d.breachAt)).toBe('2025-03-10T23:00:00.000Z');
  });

  it('counts working days Monday to Friday (S4: Mon 2024-10-07 + 5 → end of Mon 10-14; + 10 → end of Mon 10-21)', () => {
    const submitted = Date.parse('2024-10-07T09:00:00Z');
    const five = deadlineFrom(submitted, 5, 'WORKING_DAYS', 'Africa/Accra');
    const ten = deadlineFrom(submitted, 10, 'WORKING_DAYS', 'Africa/Accra');
    expect([five.lastDay, iso(five.breachAt)]).toEqual(['2024-10-14', '2024-10-15T00:00:00.000Z']);
    expect([ten.lastDay, iso(ten.breachAt)]).toEqual(['2024-10-21', '2024-10-22T00:00:00.000Z']);
  });

  it('skips configured public holidays in working-day rules', () => {
    const d = deadlineFrom(Date.parse('2024-10-07T09:00:00Z'), 5, 'WORKING_DAYS', 'Africa/Accra', new Set(['2024-10-09']));
    expect(d.lastDay).toBe('2024-10-15');
  });

  it('fires hour rules at the exact instant', () => {
    const oral = Date.parse('2025-01-01T15:30:00Z');
    expect(iso(deadlineFrom(oral, 48, 'HOURS', 'Europe/Rome').breachAt)).toBe('2025-01-03T15:30:00.000Z');
  });

  it("takes the local date in the responsible authority's zone, across summer time", () => {
    // 23:30 UTC on 30 March 2025 is already 31 March in Rome (UTC+2 from that morning).
    const late = Date.parse('2025-03-30T23:30:00Z');
    expect(civilDate(late, 'Europe/Rome')).toBe('2025-03-31');
    expect(civilDate(late, 'Africa/Dakar')).toBe('2025-03-30');
    expect(iso(zonedInstant('2025-03-31', 'Europe/Rome'))).toBe('2025-03-30T22:00:00.000Z');
    expect(iso(zonedInstant('2025-03-29', 'Europe/Rome'))).toBe('2025-03-28T23:00:00.000Z');
    expect(iso(endOfDate('2024-11-01', 'Africa/Dakar'))).toBe('2024-11-02T00:00:00.000Z');
  });

  it('measures elapsed calendar and working days between events', () => {
    const tz = 'Africa/Accra';
    expect(workingDaysBetween(Date.parse('2024-10-07T10:00:00Z'), Date.parse('2024-10-22T10:00:00Z'), tz)).toBe(11);
    expect(workingDaysBetween(Date.parse('2024-10-24T10:00:00Z'), Date.parse('2024-10-25T10:00:00Z'), tz)).toBe(1);
    expect(calendarDaysBetween(Date.parse('2024-09-07T10:00:00Z'), Date.parse('2024-10-30T10:00:00Z'), 'Africa/Bamako')).toBe(53);
  });
});
