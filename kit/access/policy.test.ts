import { describe, expect, it } from '@jest/globals';
import { hoursEnd, ruleRefusal, type AccessRule } from './policy.js';

const rule = (from: string, to: string, days: string[], timeZone = 'Europe/Prague'): AccessRule => ({
  cidrs: [],
  hours: { from, to, days: days as never, timeZone },
});
// Wednesday 2 December 2026, 16:42:30 in Prague (UTC+1 in winter).
const wednesday = new Date('2026-12-02T15:42:30.250Z');
const WORKDAYS = ['MON', 'TUE', 'WED', 'THU', 'FRI'];

describe('hoursEnd: when the hours a rule allows now end', () => {
  it('is the end of the day’s hours, in the rule’s time zone', () => {
    expect(hoursEnd(rule('07:00', '19:00', WORKDAYS), wednesday)).toEqual(new Date('2026-12-02T18:00:00Z'));
    expect(hoursEnd(rule('07:00', '19:00', WORKDAYS, 'Europe/London'), wednesday)).toEqual(new Date('2026-12-02T19:00:00Z'));
  });

  it('is null with no hours, outside them, or on a day the rule does not list', () => {
    expect(hoursEnd({ cidrs: [], hours: null }, wednesday)).toBeNull();
    expect(hoursEnd(rule('07:00', '16:00', WORKDAYS), wednesday)).toBeNull();
    expect(hoursEnd(rule('07:00', '19:00', ['SAT']), wednesday)).toBeNull();
  });

  it('goes past midnight only into a day the rule lists (overnight hours)', () => {
    const evening = new Date('2026-12-02T22:30:00Z'); // 23:30 on Wednesday in Prague
    expect(hoursEnd(rule('22:00', '06:00', ['WED', 'THU']), evening)).toEqual(new Date('2026-12-03T05:00:00Z'));
    expect(hoursEnd(rule('22:00', '06:00', ['WED']), evening)).toEqual(new Date('2026-12-02T23:00:00Z'));
    const night = new Date('2026-12-03T02:10:00Z'); // 03:10 on Thursday
    expect(hoursEnd(rule('22:00', '06:00', ['THU']), night)).toEqual(new Date('2026-12-03T05:00:00Z'));
  });

  it('is the first moment the rule refuses, and not a minute before', () => {
    for (const [from, to, days] of [
      ['07:00', '19:00', WORKDAYS],
      ['00:00', '16:43', ['WED']],
      ['22:00', '06:00', ['WED']],
    ] as const) {
      const allowed = rule(from, to, [...days]);
      const at = from === '22:00' ? new Date('2026-12-02T22:30:00Z') : wednesday;
      const end = hoursEnd(allowed, at)!;
      expect(ruleRefusal(allowed, null, new Date(end.getTime() - 1), 'rule')).toBeNull();
      expect(ruleRefusal(allowed, null, end, 'rule')).toMatch(/allows calls only/);
    }
  });
});
