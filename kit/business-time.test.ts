import { describe, expect, it } from '@jest/globals';
import {
  addBusinessMinutes,
  type BusinessCalendar,
  businessMinutesBetween,
  parseClockTime,
  weekDayOf,
  workingHoursProblem,
  type WorkingWindow,
} from './business-time.js';

const HOUR = 60;
const iso = (at: Date) => at.toISOString();
const utc = (text: string) => new Date(text);
const WEEKDAYS = ['MON', 'TUE', 'WED', 'THU', 'FRI'] as const;
/** MON–FRI 08:00–17:00 in Prague, with Christmas (24–26 December 2026) off. */
const office: BusinessCalendar = {
  timeZone: 'Europe/Prague',
  hours: [{ days: WEEKDAYS, opens: '08:00', closes: '17:00' }],
  holidays: ['2026-12-24', '2026-12-25', '2026-12-26'],
};

describe('addBusinessMinutes', () => {
  it('counts only the working hours: 4 hours from Friday 16:00 are Monday 11:00 (Prague, winter: UTC+1)', () => {
    // Friday 4 December 2026, 16:00 in Prague = 15:00 UTC; one hour on Friday, three on Monday.
    expect(iso(addBusinessMinutes(utc('2026-12-04T15:00:00Z'), 4 * HOUR, office))).toBe('2026-12-07T10:00:00.000Z');
    expect(businessMinutesBetween(utc('2026-12-04T15:00:00Z'), utc('2026-12-07T10:00:00Z'), office)).toBe(4 * HOUR);
  });

  it('runs within the day when the hours allow, to the closing minute itself', () => {
    expect(iso(addBusinessMinutes(utc('2026-12-02T08:00:00Z'), 60, office))).toBe('2026-12-02T09:00:00.000Z'); // 09:00 → 10:00
    expect(iso(addBusinessMinutes(utc('2026-12-02T15:00:00Z'), 60, office))).toBe('2026-12-02T16:00:00.000Z'); // 16:00 → 17:00, not the next morning
  });

  it('continues the next working morning when the hours run out overnight', () => {
    // Wednesday 16:30 + 60 minutes: 30 today, 30 from 08:00 on Thursday.
    expect(iso(addBusinessMinutes(utc('2026-12-02T15:30:00Z'), 60, office))).toBe('2026-12-03T07:30:00.000Z');
    // A whole working day (9 hours) from Wednesday 12:00 is Thursday 12:00.
    expect(iso(addBusinessMinutes(utc('2026-12-02T11:00:00Z'), 9 * HOUR, office))).toBe('2026-12-03T11:00:00.000Z');
  });

  it('starts counting when the hours open for a case opened outside them (at night, at the weekend)', () => {
    // Tuesday 22:00 Prague → Wednesday 08:00 + 1 hour.
    expect(iso(addBusinessMinutes(utc('2026-12-01T21:00:00Z'), 60, office))).toBe('2026-12-02T08:00:00.000Z');
    // Tuesday 05:00 Prague → the same morning 08:00 + 15 minutes.
    expect(iso(addBusinessMinutes(utc('2026-12-01T04:00:00Z'), 15, office))).toBe('2026-12-01T07:15:00.000Z');
    // Saturday noon → Monday 09:00; no time at all → Monday 08:00.
    expect(iso(addBusinessMinutes(utc('2026-12-05T11:00:00Z'), 60, office))).toBe('2026-12-07T08:00:00.000Z');
    expect(iso(addBusinessMinutes(utc('2026-12-05T11:00:00Z'), 0, office))).toBe('2026-12-07T07:00:00.000Z');
  });

  it('skips the holidays, also when they fall on working days', () => {
    // Wednesday 23 December 16:00 + 4 hours: one on the 23rd, Thursday 24 and Friday 25 off, the weekend, three on Monday 28.
    expect(iso(addBusinessMinutes(utc('2026-12-23T15:00:00Z'), 4 * HOUR, office))).toBe('2026-12-28T10:00:00.000Z');
    expect(iso(addBusinessMinutes(utc('2026-12-23T15:00:00Z'), 4 * HOUR, { ...office, holidays: [] }))).toBe('2026-12-24T10:00:00.000Z');
  });

  it('keeps the local hours across the changes of the clocks (Prague: 29 March and 25 October 2026)', () => {
    // Friday 27 March 16:00 CET (15:00 UTC) + 4 hours → Monday 30 March 11:00 CEST (09:00 UTC).
    expect(iso(addBusinessMinutes(utc('2026-03-27T15:00:00Z'), 4 * HOUR, office))).toBe('2026-03-30T09:00:00.000Z');
    // Friday 23 October 16:00 CEST (14:00 UTC) + 4 hours → Monday 26 October 11:00 CET (10:00 UTC).
    expect(iso(addBusinessMinutes(utc('2026-10-23T14:00:00Z'), 4 * HOUR, office))).toBe('2026-10-26T10:00:00.000Z');
    expect(businessMinutesBetween(utc('2026-10-23T14:00:00Z'), utc('2026-10-26T10:00:00Z'), office)).toBe(4 * HOUR);
  });

  it('counts real time in a window the change of the clocks runs through (a round-the-clock Sunday)', () => {
    const sundays: BusinessCalendar = { timeZone: 'Europe/Prague', hours: [{ days: ['SUN'], opens: '00:00', closes: '24:00' }], holidays: [] };
    // Sunday 25 October 2026 lasts 25 hours in Prague: 00:00 CEST (24 Oct 22:00 UTC) to 24:00 CET (25 Oct 23:00 UTC).
    expect(businessMinutesBetween(utc('2026-10-24T00:00:00Z'), utc('2026-10-27T00:00:00Z'), sundays)).toBe(25 * HOUR);
    // Sunday 29 March 2026 lasts 23 hours.
    expect(businessMinutesBetween(utc('2026-03-28T00:00:00Z'), utc('2026-03-31T00:00:00Z'), sundays)).toBe(23 * HOUR);
    expect(iso(addBusinessMinutes(utc('2026-10-24T12:00:00Z'), 25 * HOUR, sundays))).toBe('2026-10-25T23:00:00.000Z');
  });

  it('uses every window of a day, in order (a lunch break, a Saturday morning)', () => {
    const workshop: BusinessCalendar = {
      timeZone: 'Europe/Prague',
      hours: [
        { days: ['SAT', 'MON'], opens: '08:00', closes: '12:00' },
        { days: ['MON'], opens: '13:00', closes: '17:00' },
      ],
      holidays: [],
    };
    // Saturday 5 December 11:00 + 3 hours: one on Saturday, Sunday closed, 08:00–10:00 on Monday.
    expect(iso(addBusinessMinutes(utc('2026-12-05T10:00:00Z'), 3 * HOUR, workshop))).toBe('2026-12-07T09:00:00.000Z');
    // Monday 11:00 + 2 hours: one before lunch, one after → 14:00.
    expect(iso(addBusinessMinutes(utc('2026-12-07T10:00:00Z'), 2 * HOUR, workshop))).toBe('2026-12-07T13:00:00.000Z');
  });

  it('measures business time between instants, none backwards', () => {
    expect(businessMinutesBetween(utc('2026-12-04T15:00:00Z'), utc('2026-12-05T15:00:00Z'), office)).toBe(HOUR); // Friday 16:00 → Saturday
    expect(businessMinutesBetween(utc('2026-12-07T10:00:00Z'), utc('2026-12-04T15:00:00Z'), office)).toBe(0);
    expect(businessMinutesBetween(utc('2026-12-05T10:00:00Z'), utc('2026-12-06T10:00:00Z'), office)).toBe(0);
  });

  it('works in any zone', () => {
    const newYork: BusinessCalendar = { ...office, timeZone: 'America/New_York', holidays: [] };
    // Friday 4 December 16:00 in New York (21:00 UTC) + 4 hours → Monday 11:00 (16:00 UTC).
    expect(iso(addBusinessMinutes(utc('2026-12-04T21:00:00Z'), 4 * HOUR, newYork))).toBe('2026-12-07T16:00:00.000Z');
  });
});

describe('working hours', () => {
  const window = (opens: string, closes: string, days: WorkingWindow['days'] = WEEKDAYS): WorkingWindow => ({ days, opens, closes });

  it('reads wall times from 00:00 to 24:00', () => {
    expect(['00:00', '08:30', '23:59', '24:00'].map(parseClockTime)).toEqual([0, 510, 1439, 1440]);
    expect(['8:00', '24:01', '12:60', '25:00', 'noon'].map(parseClockTime)).toEqual([null, null, null, null, null]);
  });

  it('accepts windows that open before they close and do not overlap on a day', () => {
    expect(workingHoursProblem([window('08:00', '12:00'), window('12:00', '17:00'), window('08:00', '24:00', ['SAT'])])).toBeNull();
    expect(workingHoursProblem([])).toMatch(/at least one/);
    expect(workingHoursProblem([window('17:00', '08:00')])).toMatch(/opens before it closes/);
    expect(workingHoursProblem([window('08:00', '08:00')])).toMatch(/opens before it closes/);
    expect(workingHoursProblem([window('08:00', '12:00'), window('11:00', '17:00', ['FRI'])])).toBe('working windows overlap on FRI');
    expect(workingHoursProblem([window('08:00', '12:00', [])])).toMatch(/names no day/);
    expect(workingHoursProblem([window('8', '12:00')])).toMatch(/HH:MM/);
  });

  it('knows the day of the week', () => {
    expect([weekDayOf({ year: 2026, month: 12, day: 4 }), weekDayOf({ year: 2026, month: 12, day: 6 }), weekDayOf({ year: 2026, month: 12, day: 7 })]).toEqual([
      'FRI',
      'SUN',
      'MON',
    ]);
  });
});
