/**
 * Civil-time arithmetic for legal deadlines (domain brief §6), with no I/O and no clock of its own:
 * every function takes the instant it works from. Time zones come from the IANA database through
 * Intl, which is deterministic, so workflows may use it.
 */

export const DAY_MS = 86_400_000;
export const HOUR_MS = 3_600_000;

export type ClockUnit = 'CALENDAR_DAYS' | 'WORKING_DAYS' | 'HOURS';

/** A calendar date, `YYYY-MM-DD`. */
export type CivilDate = string;

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

interface WallClock {
  y: number;
  m: number;
  d: number;
  hh: number;
  mm: number;
  ss: number;
}

function wallClock(ms: number, timeZone: string): WallClock {
  const parts: Record<string, number> = {};
  for (const p of formatter(timeZone).formatToParts(new Date(ms))) {
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  }
  return { y: parts.year, m: parts.month, d: parts.day, hh: parts.hour % 24, mm: parts.minute, ss: parts.second };
}

/** Offset of `timeZone` from UTC at instant `ms`, in milliseconds (Lagos: +3 600 000). */
export function utcOffset(ms: number, timeZone: string): number {
  const w = wallClock(ms, timeZone);
  return Date.UTC(w.y, w.m - 1, w.d, w.hh, w.mm, w.ss) - Math.floor(ms / 1000) * 1000;
}

/** The local calendar date of an instant in a time zone. */
export function civilDate(ms: number, timeZone: string): CivilDate {
  const w = wallClock(ms, timeZone);
  return `${w.y}-${pad(w.m)}-${pad(w.d)}`;
}

/** The instant at which the wall clock of `timeZone` shows `date` `hh:mm`. */
export function zonedInstant(date: CivilDate, timeZone: string, hh = 0, mm = 0): number {
  const [y, m, d] = parse(date);
  const wall = Date.UTC(y, m - 1, d, hh, mm);
  let guess = wall - utcOffset(wall, timeZone);
  // A second pass settles instants next to an offset change (summer time in Rome, say).
  guess = wall - utcOffset(guess, timeZone);
  return guess;
}

export function addDays(date: CivilDate, days: number): CivilDate {
  const [y, m, d] = parse(date);
  return toCivil(Date.UTC(y, m - 1, d) + days * DAY_MS);
}

/** 0 = Sunday … 6 = Saturday. */
export function weekday(date: CivilDate): number {
  const [y, m, d] = parse(date);
  return new Date(Date.UTC(y, m - 1, d)).getUTCDay();
}

/**
 * A State's working calendar (domain brief §6): its weekly rest days (0 = Sunday … 6 = Saturday) and its
 * public holidays, each a date (`YYYY-MM-DD`) or a date recurring every year (`MM-DD`).
 */
export interface WorkCalendar {
  weekend: readonly number[];
  holidays: readonly string[];
  /** False where the reference data's calendar has not been checked against an official source. */
  verified?: boolean;
}

/** Public holidays as a set of dates, or a State's working calendar; Saturday and Sunday rest by default. */
export type Holidays = ReadonlySet<CivilDate> | WorkCalendar;

const SATURDAY_SUNDAY: readonly number[] = [0, 6];

export function isWorkingDay(date: CivilDate, holidays: Holidays = NO_HOLIDAYS): boolean {
  const wd = weekday(date);
  if (isCalendar(holidays)) return !holidays.weekend.includes(wd) && !holidays.holidays.includes(date) && !holidays.holidays.includes(date.slice(5));
  return !SATURDAY_SUNDAY.includes(wd) && !holidays.has(date);
}

function isCalendar(h: Holidays): h is WorkCalendar {
  return !(h instanceof Set) && Array.isArray((h as WorkCalendar).weekend);
}

const NO_HOLIDAYS: ReadonlySet<CivilDate> = new Set();

export interface Deadline {
  /** Last day on which the step is in time (`end of day N`); absent for hour rules. */
  lastDay?: CivilDate;
  /** The instant the deadline is breached: 00:00 of day N+1 in the zone, or the exact instant for hour rules. */
  breachAt: number;
}

/**
 * A deadline of `amount` units from an event at `startMs` (day 0), for an authority in `timeZone`.
 * Day rules end at the end of day N in that zone and are breached at 00:00 of day N+1; working-day
 * rules count only Monday to Friday (and skip the given public holidays); hour rules end at the instant.
 */
export function deadlineFrom(startMs: number, amount: number, unit: ClockUnit, timeZone: string, holidays: Holidays = NO_HOLIDAYS): Deadline {
  if (unit === 'HOURS') return { breachAt: startMs + amount * HOUR_MS };
  const day0 = civilDate(startMs, timeZone);
  let lastDay: CivilDate;
  if (unit === 'CALENDAR_DAYS') {
    lastDay = addDays(day0, amount);
  } else {
    lastDay = addWorkingDays(day0, amount, holidays);
  }
  return { lastDay, breachAt: zonedInstant(addDays(lastDay, 1), timeZone) };
}

/** The `n`th working day after `date`. */
export function addWorkingDays(date: CivilDate, n: number, holidays: Holidays = NO_HOLIDAYS): CivilDate {
  let day = date;
  for (let counted = 0; counted < n;) {
    day = addDays(day, 1);
    if (isWorkingDay(day, holidays)) counted += 1;
  }
  return day;
}

/** Days of `unit` after `from` up to and including `to` (calendar dates): what a pause from `from` to `to` lasts. */
export function daysBetweenDates(from: CivilDate, to: CivilDate, unit: 'CALENDAR_DAYS' | 'WORKING_DAYS', holidays: Holidays = NO_HOLIDAYS): number {
  let count = 0;
  for (let day = from; day < to;) {
    day = addDays(day, 1);
    if (unit === 'CALENDAR_DAYS' || isWorkingDay(day, holidays)) count += 1;
  }
  return count;
}

/**
 * The last day of a day rule moved by its pauses (domain brief §10): each pause adds the whole days of the
 * rule's kind it lasted, counted in the rule's own calendar, so the deadline still ends at the end of a day.
 */
export function lastDayAfterPauses(
  lastDay: CivilDate,
  unit: 'CALENDAR_DAYS' | 'WORKING_DAYS',
  pauses: ReadonlyArray<{ from: CivilDate; to: CivilDate }>,
  holidays: Holidays = NO_HOLIDAYS,
): CivilDate {
  let day = lastDay;
  for (const p of pauses) {
    const n = daysBetweenDates(p.from, p.to, unit, holidays);
    day = unit === 'CALENDAR_DAYS' ? addDays(day, n) : addWorkingDays(day, n, holidays);
  }
  return day;
}

/** The local hour at which reminders fire on their day (domain brief §10); breaches keep 00:00 of day N+1. */
export const REMINDER_LOCAL_TIME = '09:00';

/** The instant of a reminder on `date`: `atLocalTime` (09:00 by default) on the wall clock of `timeZone`. */
export function reminderInstant(date: CivilDate, timeZone: string, atLocalTime = REMINDER_LOCAL_TIME): number {
  const [hh, mm] = atLocalTime.split(':').map(Number);
  return zonedInstant(date, timeZone, hh, mm);
}

/** The breach instant of an absolute date: 00:00 of the following day in the zone. */
export function endOfDate(date: CivilDate, timeZone: string): number {
  return zonedInstant(addDays(date, 1), timeZone);
}

/** Calendar days from the local date of `fromMs` to that of `toMs`. */
export function calendarDaysBetween(fromMs: number, toMs: number, timeZone: string): number {
  const [a, b] = [civilDate(fromMs, timeZone), civilDate(toMs, timeZone)].map((d) => {
    const [y, m, dd] = parse(d);
    return Date.UTC(y, m - 1, dd);
  });
  return Math.round((b - a) / DAY_MS);
}

/** Working days after the local date of `fromMs`, up to and including that of `toMs`. */
export function workingDaysBetween(fromMs: number, toMs: number, timeZone: string, holidays: Holidays = NO_HOLIDAYS): number {
  const end = civilDate(toMs, timeZone);
  let day = civilDate(fromMs, timeZone);
  let count = 0;
  while (day < end) {
    day = addDays(day, 1);
    if (isWorkingDay(day, holidays)) count += 1;
  }
  return count;
}

function parse(date: CivilDate): [number, number, number] {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) throw new Error(`not a calendar date: ${date}`);
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}

function toCivil(utcMidnight: number): CivilDate {
  const d = new Date(utcMidnight);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}
