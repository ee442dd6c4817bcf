/**
 * Wall-clock time in a time zone (the dealer's, DEALER_TIME_ZONE), by the offset arithmetic of `Intl` (the platform's
 * ICU zone data, no library): "three days later at 10:00 in Prague" lands at 09:00 UTC in summer and 10:00 in winter,
 * also across the nights the clocks change.
 */

/** A calendar day (month 1–12). */
export interface LocalDate {
  year: number;
  month: number;
  day: number;
}

const formats = new Map<string, Intl.DateTimeFormat>();
const formatFor = (timeZone: string) => {
  let format = formats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formats.set(timeZone, format);
  }
  return format;
};

/** An IANA time zone name this runtime knows (Europe/Prague), not an abbreviation or an offset it merely parses. */
export function isTimeZone(value: string): boolean {
  if (!/^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/.test(value)) return false;
  try {
    formatFor(value);
    return true;
  } catch {
    return false;
  }
}

/** The wall clock in `timeZone` at the instant `at`. */
function wallClock(at: Date, timeZone: string): LocalDate & { hour: number; minute: number; second: number } {
  const parts = Object.fromEntries(
    formatFor(timeZone)
      .formatToParts(at)
      .map((part) => [part.type, Number(part.value)]),
  );
  return { year: parts.year!, month: parts.month!, day: parts.day!, hour: parts.hour!, minute: parts.minute!, second: parts.second! };
}

/** How far the zone's wall clock is ahead of UTC at the instant `at`, in milliseconds (+3,600,000 for Prague in winter). */
export function zoneOffsetMs(at: Date, timeZone: string): number {
  const wall = wallClock(at, timeZone);
  const wallAsUtc = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second);
  return wallAsUtc - Math.floor(at.getTime() / 1000) * 1000;
}

/** The calendar day in `timeZone` at the instant `at`. */
export function localDateOf(at: Date, timeZone: string): LocalDate {
  const { year, month, day } = wallClock(at, timeZone);
  return { year, month, day };
}

/** The day `days` calendar days after `date` (negative: before). */
export function addDays(date: LocalDate, days: number): LocalDate {
  const moved = new Date(Date.UTC(date.year, date.month - 1, date.day + days));
  return { year: moved.getUTCFullYear(), month: moved.getUTCMonth() + 1, day: moved.getUTCDate() };
}

/**
 * The instant the wall clock in `timeZone` shows `hour:minute` on `date`. A time the clocks skip (02:30 on the
 * night they go forward) is read with the offset from before the change, i.e. an hour later; a time they show twice
 * (02:30 on the night they go back) is the first of the two.
 */
export function atLocalTime(date: LocalDate, hour: number, minute: number, timeZone: string): Date {
  const wallAsUtc = Date.UTC(date.year, date.month - 1, date.day, hour, minute);
  // The offset a few hours either side differs only around a change; of the candidates, the earliest that shows
  // the wall time asked for, else (a skipped time) the one with the offset from before the change.
  const before = zoneOffsetMs(new Date(wallAsUtc - 12 * 3_600_000), timeZone);
  const after = zoneOffsetMs(new Date(wallAsUtc + 12 * 3_600_000), timeZone);
  const candidates = [...new Set([before, after])].map((offset) => new Date(wallAsUtc - offset)).sort((a, b) => a.getTime() - b.getTime());
  const shows = (at: Date) => {
    const wall = wallClock(at, timeZone);
    return wall.year === date.year && wall.month === date.month && wall.day === date.day && wall.hour === hour && wall.minute === minute;
  };
  return candidates.find(shows) ?? new Date(wallAsUtc - before);
}

/**
 * When the quiet hours ("21:00-08:00", local to `timeZone`, may span midnight) around `at` end, or null when
 * `at` is outside them (or there are none: "off").
 */
export function quietHoursEnd(at: Date, window: string, timeZone: string): Date | null {
  const match = /^(\d{2}):(\d{2})-(\d{2}):(\d{2})$/.exec(window);
  if (!match) return null;
  const [start, end] = [Number(match[1]) * 60 + Number(match[2]), Number(match[3]) * 60 + Number(match[4])];
  const wall = wallClock(at, timeZone);
  const now = wall.hour * 60 + wall.minute;
  const inside = start <= end ? now >= start && now < end : now >= start || now < end;
  if (!inside || start === end) return null;
  const today = { year: wall.year, month: wall.month, day: wall.day };
  // Before midnight in a window that spans it, the quiet ends tomorrow morning.
  const endsOn = start > end && now >= start ? addDays(today, 1) : today;
  return atLocalTime(endsOn, Math.floor(end / 60), end % 60, timeZone);
}
