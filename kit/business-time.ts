import { addDays, atLocalTime, localDateOf, type LocalDate } from './local-time.js';

/**
 * Business time: time that counts only inside a working calendar's hours (e.g. MON–FRI 08:00–17:00 in the dealer's
 * time zone) and not on its holidays. "Four business hours from Friday 16:00" is Monday 11:00 with that calendar.
 * Pure arithmetic on the wall clock of `local-time.ts`: a working day is its local hours also on the days the clocks
 * change, and the time counted is real elapsed time (a window 00:00–24:00 on the night the clocks go back is 25 hours).
 */

export const WEEK_DAYS = ['MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT', 'SUN'] as const;
export type WeekDay = (typeof WEEK_DAYS)[number];

/** Working hours on some days of the week: from `opens` to `closes` (HH:MM, local; `closes` may be 24:00). */
export interface WorkingWindow {
  days: readonly WeekDay[];
  opens: string;
  closes: string;
}

export interface BusinessCalendar {
  /** The IANA zone the hours and the holidays' dates are in (the dealer's, DEALER_TIME_ZONE). */
  timeZone: string;
  hours: readonly WorkingWindow[];
  /** Days off (YYYY-MM-DD, local) whatever the weekday. */
  holidays: readonly string[];
}

const MINUTE = 60_000;
/** Ten years of days: no calendar with at least one working window a week runs out of them sooner. */
const MAX_DAYS = 3660;

/** Minutes after midnight of a wall time HH:MM (00:00–24:00), or null when it is not one. */
export function parseClockTime(text: string): number | null {
  const match = /^(\d{2}):(\d{2})$/.exec(text);
  if (!match) return null;
  const [hours, minutes] = [Number(match[1]), Number(match[2])];
  if (minutes > 59 || hours > 24 || (hours === 24 && minutes > 0)) return null;
  return hours * 60 + minutes;
}

/** The day of the week of a calendar day. */
export function weekDayOf(date: LocalDate): WeekDay {
  const sundayFirst = new Date(Date.UTC(date.year, date.month - 1, date.day)).getUTCDay();
  return WEEK_DAYS[(sundayFirst + 6) % 7]!;
}

/** YYYY-MM-DD of a calendar day. */
export const formatLocalDate = (date: LocalDate): string =>
  `${String(date.year).padStart(4, '0')}-${String(date.month).padStart(2, '0')}-${String(date.day).padStart(2, '0')}`;

/**
 * What is wrong with these working hours, or null when nothing is: each window opens before it closes, names at
 * least one day, and no two windows of one day overlap; a week has at least one working minute.
 */
export function workingHoursProblem(hours: readonly WorkingWindow[]): string | null {
  if (hours.length === 0) return 'name at least one working window; without any, deadlines run in calendar time (no calendar)';
  const byDay = new Map<WeekDay, Array<[number, number]>>();
  for (const window of hours) {
    const [opens, closes] = [parseClockTime(window.opens), parseClockTime(window.closes)];
    if (opens === null || closes === null) return `working hours are HH:MM between 00:00 and 24:00, got ${window.opens}–${window.closes}`;
    if (opens >= closes) return `a working window opens before it closes (${window.opens}–${window.closes}); split one that runs past midnight at 24:00`;
    if (window.days.length === 0) return `the window ${window.opens}–${window.closes} names no day`;
    for (const day of window.days) byDay.set(day, [...(byDay.get(day) ?? []), [opens, closes]]);
  }
  for (const [day, windows] of byDay) {
    const sorted = windows.sort((a, b) => a[0] - b[0]);
    for (let i = 1; i < sorted.length; i++) if (sorted[i]![0] < sorted[i - 1]![1]) return `working windows overlap on ${day}`;
  }
  return null;
}

/** The working windows of one local day as instants, in order; none on a holiday. */
function windowsOn(date: LocalDate, calendar: BusinessCalendar, holidays: ReadonlySet<string>): Array<[Date, Date]> {
  if (holidays.has(formatLocalDate(date))) return [];
  const day = weekDayOf(date);
  const at = (minutes: number) =>
    minutes === 24 * 60 ? atLocalTime(addDays(date, 1), 0, 0, calendar.timeZone) : atLocalTime(date, Math.floor(minutes / 60), minutes % 60, calendar.timeZone);
  return calendar.hours
    .filter((window) => window.days.includes(day))
    .map((window): [Date, Date] => [at(parseClockTime(window.opens) ?? 0), at(parseClockTime(window.closes) ?? 0)])
    .sort((a, b) => a[0].getTime() - b[0].getTime());
}

/** Each working window from the local day of `from` on, cut to start no earlier than `from`, until `visit` says stop. */
function walkWindows(from: Date, calendar: BusinessCalendar, visit: (start: Date, end: Date) => boolean): void {
  const holidays = new Set(calendar.holidays);
  let date = localDateOf(from, calendar.timeZone);
  for (let i = 0; i < MAX_DAYS; i++, date = addDays(date, 1)) {
    for (const [opens, closes] of windowsOn(date, calendar, holidays)) {
      const start = opens > from ? opens : from;
      if (start < closes && visit(start, closes)) return;
    }
  }
  throw new Error(`The working calendar has no working time in ${MAX_DAYS} days from ${from.toISOString()}`); // refused on input
}

/**
 * The instant `minutes` of business time after `from`: the time outside the working hours and on holidays does not
 * count. Opened outside the hours, the count starts when they next open (0 minutes: that opening). 240 minutes from
 * Friday 16:00 with MON–FRI 08:00–17:00 is Monday 11:00.
 */
export function addBusinessMinutes(from: Date, minutes: number, calendar: BusinessCalendar): Date {
  let left = minutes * MINUTE;
  let result: Date | undefined;
  walkWindows(from, calendar, (start, end) => {
    const available = end.getTime() - start.getTime();
    if (left <= available) {
      result = new Date(start.getTime() + left);
      return true;
    }
    left -= available;
    return false;
  });
  return result!;
}

/** The business time between two instants, in minutes (0 when `to` is not after `from`). */
export function businessMinutesBetween(from: Date, to: Date, calendar: BusinessCalendar): number {
  if (to <= from) return 0;
  let total = 0;
  walkWindows(from, calendar, (start, end) => {
    if (start >= to) return true;
    total += Math.min(end.getTime(), to.getTime()) - start.getTime();
    return end >= to;
  });
  return total / MINUTE;
}
