import { describe, expect, it } from '@jest/globals';
import { defaultFirstOfferCall } from './opportunity.follow-up.js';

const call = (offerSentAt: string, timeZone?: string) => defaultFirstOfferCall(new Date(offerSentAt), timeZone).toISOString();

describe('the call after the first offer', () => {
  it("is three days later at 10:00 on the dealer's wall clock (DEALER_TIME_ZONE, Europe/Prague by default)", () => {
    expect(call('2026-11-16T17:45:00Z')).toBe('2026-11-19T09:00:00.000Z'); // 10:00 CET
    expect(call('2026-06-16T06:00:00Z')).toBe('2026-06-19T08:00:00.000Z'); // 10:00 CEST
    // 00:30 on 31 December in Prague is still 30 December in UTC: the three days count from the dealer's day.
    expect(call('2026-12-30T23:30:00Z')).toBe('2027-01-03T09:00:00.000Z');
  });

  it('lands at 10:00 local when the clocks change on the way (the last Sundays of March and October)', () => {
    // Sent on Thursday 26 March (CET), called on Sunday 29 March, the day summer time starts: 10:00 CEST.
    expect(call('2026-03-26T12:00:00Z')).toBe('2026-03-29T08:00:00.000Z');
    // Sent on Saturday 28 March, the day before the change: called on Tuesday 31 March, 10:00 CEST.
    expect(call('2026-03-28T12:00:00Z')).toBe('2026-03-31T08:00:00.000Z');
    // Sent on Saturday 24 October (CEST), the day before winter time: called on Tuesday 27 October, 10:00 CET.
    expect(call('2026-10-24T12:00:00Z')).toBe('2026-10-27T09:00:00.000Z');
    expect(call('2026-10-22T12:00:00Z')).toBe('2026-10-25T09:00:00.000Z');
  });

  it('follows the time zone it is given', () => {
    expect(call('2026-11-16T17:45:00Z', 'Europe/London')).toBe('2026-11-19T10:00:00.000Z');
    expect(call('2026-11-16T17:45:00Z', 'America/New_York')).toBe('2026-11-19T15:00:00.000Z');
  });
});
