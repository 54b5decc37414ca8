import { addWorkingDays, daysBetweenDates, lastDayAfterPauses } from './calendar';

// Pauses move a day rule's last day by whole days of its own kind (domain brief §10).
describe('deadlines moved by pauses', () => {
  it('counts a pause in calendar days or in working days of the calendar', () => {
    // Thursday 7 to Thursday 14 March 2024: seven calendar days, five working days.
    expect(daysBetweenDates('2024-03-07', '2024-03-14', 'CALENDAR_DAYS')).toBe(7);
    expect(daysBetweenDates('2024-03-07', '2024-03-14', 'WORKING_DAYS')).toBe(5);
    expect(daysBetweenDates('2024-03-07', '2024-03-14', 'WORKING_DAYS', new Set(['2024-03-08']))).toBe(4);
    expect(daysBetweenDates('2024-03-07', '2024-03-07', 'CALENDAR_DAYS')).toBe(0);
  });

  it('moves a working-day rule over weekends and holidays, a calendar-day rule by calendar days', () => {
    expect(addWorkingDays('2024-03-08', 1)).toBe('2024-03-11');
    const pauses = [{ from: '2024-03-07', to: '2024-03-14' }];
    expect(lastDayAfterPauses('2024-03-12', 'WORKING_DAYS', pauses)).toBe('2024-03-19');
    expect(lastDayAfterPauses('2024-03-12', 'WORKING_DAYS', pauses, new Set(['2024-03-18']))).toBe('2024-03-20');
    expect(lastDayAfterPauses('2024-03-19', 'CALENDAR_DAYS', [...pauses, { from: '2024-03-20', to: '2024-03-22' }])).toBe('2024-03-28');
  });
});
