import { describe, expect, it } from '@jest/globals';
import { defaultFirstOfferCall } from './opportunity.follow-up.js';

describe('the call after the first offer', () => {
  it('is three days later at 10:00 UTC, whatever the hour the offer went out', () => {
    expect(defaultFirstOfferCall(new Date('2026-11-16T17:45:00Z')).toISOString()).toBe('2026-11-19T10:00:00.000Z');
    expect(defaultFirstOfferCall(new Date('2026-12-30T08:00:00Z')).toISOString()).toBe('2027-01-02T10:00:00.000Z');
  });
});
