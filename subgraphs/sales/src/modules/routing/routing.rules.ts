import type { ProductCategory } from '../product/product.entity.js';

export interface RoutableLead {
  region: string | null;
  productCategory: ProductCategory | null;
}

export interface RuleView {
  name: string;
  regionPrefix?: string | null;
  productCategory?: ProductCategory | null;
  candidateUserIds: string[];
  capacityPerRep?: number | null;
  priority: number;
}

/** `queued`: no rule placed the lead and it went to the default queue, whose manager must find it an owner. */
export type Routing = { ownerId: string; reason: string; queued?: true } | { ownerId: null; reason: string };

const fold = (value: string) =>
  value
    .normalize('NFD')
    .replace(/\p{Diacritic}/gu, '')
    .toLowerCase()
    .trim();

export function ruleMatches(rule: RuleView, lead: RoutableLead): boolean {
  if (rule.regionPrefix && !(lead.region && fold(lead.region).startsWith(fold(rule.regionPrefix)))) return false;
  if (rule.productCategory && rule.productCategory !== lead.productCategory) return false;
  return true;
}

/**
 * Tries the matching rules by priority (highest first); within a rule the candidate with the most
 * free capacity (capacity minus open leads) wins, the first listed on a tie. A rule whose reps are
 * all full passes the lead on to the next rule, and then to the default queue rep.
 */
export function chooseOwner(
  rules: RuleView[],
  lead: RoutableLead,
  openLeads: ReadonlyMap<string, number>,
  defaults: { capacity: number; queueOwnerId: string | null },
): Routing {
  const matching = rules.filter((rule) => ruleMatches(rule, lead)).sort((a, b) => b.priority - a.priority);
  for (const rule of matching) {
    const capacity = rule.capacityPerRep ?? defaults.capacity;
    const ranked = rule.candidateUserIds
      .map((userId) => ({ userId, free: capacity - (openLeads.get(userId) ?? 0) }))
      .filter((c) => c.free > 0)
      .sort((a, b) => b.free - a.free);
    const best = ranked[0];
    if (best) return { ownerId: best.userId, reason: `rule "${rule.name}": ${best.free} of ${capacity} open-lead slots were free` };
  }
  const why = matching.length ? 'every rep of the matching rules is at capacity' : 'no routing rule matches the region and product';
  if (defaults.queueOwnerId) return { ownerId: defaults.queueOwnerId, reason: `${why}; sent to the default queue`, queued: true };
  return { ownerId: null, reason: `${why}; no default queue is configured` };
}
