import { describe, expect, it } from '@jest/globals';
import { LeadSource } from './lead.entity.js';
import { LEAD_SCORING, scoreLead } from './lead.scoring.js';

const none = { source: LeadSource.CAMPAIGN, requestedAppointment: false, productInterest: false, modelInterest: false, regionKnown: false };

describe('lead scoring', () => {
  it('counts only the source when nothing else is known', () => {
    expect(scoreLead(none)).toEqual({ score: LEAD_SCORING.source.CAMPAIGN, signals: [{ signal: 'source:CAMPAIGN', points: 10 }] });
  });

  it('adds appointment, product interest and region', () => {
    const result = scoreLead({
      ...none,
      source: LeadSource.WEB_FORM,
      requestedAppointment: true,
      productInterest: true,
      modelInterest: true,
      regionKnown: true,
    });
    expect(result.score).toBe(20 + 35 + 25 + 10);
    expect(result.signals.map((s) => s.signal)).toEqual(['source:WEB_FORM', 'requestedAppointment', 'productInterest', 'regionKnown']);
  });

  it('gives a named model less than a picked product', () => {
    expect(scoreLead({ ...none, modelInterest: true }).score).toBe(10 + LEAD_SCORING.modelInterest);
  });

  it('never exceeds the maximum', () => {
    const all = { source: LeadSource.WALK_IN, requestedAppointment: true, productInterest: true, modelInterest: false, regionKnown: true };
    expect(scoreLead(all).score).toBeLessThanOrEqual(LEAD_SCORING.max);
  });
});
