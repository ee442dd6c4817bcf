import { describe, expect, it } from '@jest/globals';
import { netPromoterScore, npsCategory } from './nps.js';

describe('net promoter score', () => {
  it('puts 9–10 in promoters, 7–8 in passives and 0–6 in detractors', () => {
    expect([0, 6, 7, 8, 9, 10].map(npsCategory)).toEqual(['DETRACTOR', 'DETRACTOR', 'PASSIVE', 'PASSIVE', 'PROMOTER', 'PROMOTER']);
  });

  it('is % promoters minus % detractors with one decimal, null without answers', () => {
    expect(netPromoterScore({ promoters: 2, passives: 1, detractors: 1 })).toBe(25);
    expect(netPromoterScore({ promoters: 1, passives: 1, detractors: 1 })).toBe(0);
    expect(netPromoterScore({ promoters: 0, passives: 0, detractors: 3 })).toBe(-100);
    expect(netPromoterScore({ promoters: 2, passives: 0, detractors: 1 })).toBe(33.3);
    expect(netPromoterScore({ promoters: 0, passives: 0, detractors: 0 })).toBeNull();
  });
});
