import { describe, expect, it } from '@jest/globals';
import { addDays, atLocalTime, isTimeZone, localDateOf, quietHoursEnd, zoneOffsetMs } from './local-time.js';

const HOUR = 3_600_000;
const iso = (at: Date) => at.toISOString();

describe("the dealer's wall clock", () => {
  it('knows IANA zones and refuses anything else', () => {
    expect(['Europe/Prague', 'Europe/Warsaw', 'America/Argentina/Buenos_Aires', 'UTC', 'Etc/GMT+1'].filter((zone) => !isTimeZone(zone))).toEqual([]);
    expect(['Europe/Praha', 'Mars/Olympus', 'CEST ', '+01:00', '', 'Europe/../Prague'].filter(isTimeZone)).toEqual([]);
  });

  it("has Prague's offset on each side of the changes of 2026 (29 March, 25 October, at 01:00 UTC)", () => {
    expect(zoneOffsetMs(new Date('2026-03-29T00:59:59Z'), 'Europe/Prague')).toBe(1 * HOUR);
    expect(zoneOffsetMs(new Date('2026-03-29T01:00:00Z'), 'Europe/Prague')).toBe(2 * HOUR);
    expect(zoneOffsetMs(new Date('2026-10-25T00:59:59Z'), 'Europe/Prague')).toBe(2 * HOUR);
    expect(zoneOffsetMs(new Date('2026-10-25T01:00:00Z'), 'Europe/Prague')).toBe(1 * HOUR);
    expect(zoneOffsetMs(new Date('2026-07-01T12:00:00.999Z'), 'America/New_York')).toBe(-4 * HOUR);
  });

  it('reads the calendar day in the zone, not in UTC', () => {
    expect(localDateOf(new Date('2026-12-31T23:30:00Z'), 'Europe/Prague')).toEqual({ year: 2027, month: 1, day: 1 });
    expect(localDateOf(new Date('2026-12-31T23:30:00Z'), 'UTC')).toEqual({ year: 2026, month: 12, day: 31 });
    expect(addDays({ year: 2028, month: 2, day: 27 }, 3)).toEqual({ year: 2028, month: 3, day: 1 });
  });

  it('finds the instant of a wall time on either side of the changes', () => {
    const at10 = (year: number, month: number, day: number) => iso(atLocalTime({ year, month, day }, 10, 0, 'Europe/Prague'));
    expect([at10(2026, 3, 28), at10(2026, 3, 29), at10(2026, 3, 30)]).toEqual([
      '2026-03-28T09:00:00.000Z',
      '2026-03-29T08:00:00.000Z',
      '2026-03-30T08:00:00.000Z',
    ]);
    expect([at10(2026, 10, 24), at10(2026, 10, 25), at10(2026, 10, 26)]).toEqual([
      '2026-10-24T08:00:00.000Z',
      '2026-10-25T09:00:00.000Z',
      '2026-10-26T09:00:00.000Z',
    ]);
    expect(iso(atLocalTime({ year: 2026, month: 1, day: 15 }, 10, 0, 'America/New_York'))).toBe('2026-01-15T15:00:00.000Z');
  });

  it('reads a skipped wall time an hour later and a repeated one as the first', () => {
    // 02:30 does not exist on 29 March in Prague (02:00 → 03:00) and happens twice on 25 October (03:00 → 02:00).
    expect(iso(atLocalTime({ year: 2026, month: 3, day: 29 }, 2, 30, 'Europe/Prague'))).toBe('2026-03-29T01:30:00.000Z'); // 03:30 CEST
    expect(iso(atLocalTime({ year: 2026, month: 10, day: 25 }, 2, 30, 'Europe/Prague'))).toBe('2026-10-25T00:30:00.000Z'); // 02:30 CEST
  });
});

describe('quietHoursEnd', () => {
  const prague = 'Europe/Prague';
  it('holds an evening message until the next morning, across midnight', () => {
    // 22:30 in Prague on a winter evening (UTC+1) → 08:00 the next day.
    expect(quietHoursEnd(new Date('2026-12-04T21:30:00Z'), '21:00-08:00', prague)?.toISOString()).toBe('2026-12-05T07:00:00.000Z');
  });
  it('holds an early-morning message until the same morning', () => {
    expect(quietHoursEnd(new Date('2026-12-05T05:00:00Z'), '21:00-08:00', prague)?.toISOString()).toBe('2026-12-05T07:00:00.000Z');
  });
  it('lets a message go outside the quiet hours, and always with none configured', () => {
    expect(quietHoursEnd(new Date('2026-12-04T12:00:00Z'), '21:00-08:00', prague)).toBeNull();
    expect(quietHoursEnd(new Date('2026-12-04T21:30:00Z'), 'off', prague)).toBeNull();
  });
  it('reads a window within one day', () => {
    expect(quietHoursEnd(new Date('2026-07-01T11:30:00Z'), '12:00-14:00', prague)?.toISOString()).toBe('2026-07-01T12:00:00.000Z');
  });
});
