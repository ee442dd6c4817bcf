export type NpsCategory = 'PROMOTER' | 'PASSIVE' | 'DETRACTOR';

export function npsCategory(score: number): NpsCategory {
  if (score >= 9) return 'PROMOTER';
  return score >= 7 ? 'PASSIVE' : 'DETRACTOR';
}

/** % promoters minus % detractors, rounded to one decimal; undefined for no answers. */
export function netPromoterScore(counts: { promoters: number; passives: number; detractors: number }): number | null {
  const total = counts.promoters + counts.passives + counts.detractors;
  if (total === 0) return null;
  return Math.round(((counts.promoters - counts.detractors) * 1000) / total) / 10;
}
