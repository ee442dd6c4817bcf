import { describe, expect, it } from '@jest/globals';
import { ERASED, redactPayload } from './erasure.js';

describe("an erased person's events", () => {
  const customerId = '0b6f6c8e-3c1b-4e43-9a55-0c0ffee00001';
  const consentChanged = (source: string) => ({
    customerId,
    consentId: '0b6f6c8e-3c1b-4e43-9a55-0c0ffee00002',
    purpose: 'MARKETING',
    channel: 'EMAIL',
    status: 'GRANTED',
    source,
    textVersion: 'v3',
    givenAt: '2026-01-01T10:00:00.000Z',
    recordedAt: '2026-01-01T10:00:00.000Z',
    eventVersion: 1,
  });

  it("lose a consent's free-text source, keeping its codes", () => {
    expect(redactPayload(consentChanged('phone call with Jana Nováková, 603 123 456'))).toEqual({
      erased: true,
      customerId,
      consentId: '0b6f6c8e-3c1b-4e43-9a55-0c0ffee00002',
      purpose: 'MARKETING',
      channel: 'EMAIL',
      status: 'GRANTED',
      source: ERASED,
      textVersion: ERASED,
      givenAt: ERASED,
      recordedAt: ERASED,
      eventVersion: 1,
    });
  });

  it('keep a source that is one of the codes: a lead source, the web form', () => {
    expect(redactPayload(consentChanged('web-form')).source).toBe('web-form');
    expect(redactPayload({ leadId: customerId, source: 'WALK_IN', customerId }).source).toBe('WALK_IN');
    expect(redactPayload({ leadId: customerId, source: 'walk-in of Jana', customerId }).source).toBe(ERASED);
  });
});
