import type { EntityManager } from '@mikro-orm/postgresql';
import { recordEvent } from '@crm/kit/events.js';
import { parseId } from '@crm/kit/ids.js';
import { pgArray } from '@crm/kit/sql.js';
import { sales } from '../../settings.js';
import { type Lead, LeadStatus } from '../lead/lead.entity.js';
import { Product } from '../product/product.entity.js';
import type { CreateLeadRoutingRuleInput } from './routing.inputs.js';
import { LeadRoutingRule } from './routing-rule.entity.js';
import { deactivatedAmong } from '../staff/staff-names.js';
import { customerRepOf } from './routing.queries.js';
import { chooseOwner, type Routing, type RuleView } from './routing.rules.js';

const OPEN_LEAD_STATUSES = [LeadStatus.NEW, LeadStatus.CONTACTED, LeadStatus.QUALIFIED];

export async function createLeadRoutingRule(em: EntityManager, input: CreateLeadRoutingRuleInput): Promise<LeadRoutingRule> {
  const rule = em.create(LeadRoutingRule, {
    name: input.name.trim(),
    regionPrefix: input.regionPrefix?.trim() || null,
    productCategory: input.productCategory ?? null,
    candidateUserIds: [...new Set(input.candidateUserIds.map((id) => parseId(id, 'User', 'candidateUserIds')))],
    capacityPerRep: input.capacityPerRep ?? null,
    priority: input.priority,
  });
  recordEvent(em, {
    type: 'LeadRoutingRuleCreated',
    aggregateId: rule.id,
    payload: {
      ruleId: rule.id,
      name: rule.name,
      regionPrefix: rule.regionPrefix ?? null,
      productCategory: rule.productCategory ?? null,
      candidateUserIds: rule.candidateUserIds,
    },
  });
  await em.flush();
  return rule;
}

/**
 * Who should get the lead: a known customer's existing rep (customerRepOf) before any rule; else the active rules,
 * by region, product category and each rep's open leads; else the default queue. A rep identity deactivated (who
 * left) is passed over, as sales' copy of staff knows them (staff-names.ts).
 */
export async function routeLead(em: EntityManager, lead: Lead): Promise<Routing> {
  const rep = lead.customerId ? await customerRepOf(em, lead.customerId) : null;
  if (rep) {
    const which = rep.open ? 'open opportunity' : 'most recent opportunity';
    return { ownerId: rep.ownerId, reason: `the customer's rep: the owner of their ${which} (${rep.opportunityId})` };
  }
  const product = lead.interestProductId ? await em.findOne(Product, { id: lead.interestProductId }) : null;
  const active = await em.find(LeadRoutingRule, { active: true });
  const gone = await deactivatedAmong(em, [...new Set(active.flatMap((rule) => rule.candidateUserIds))]);
  const rules: RuleView[] = active.map(({ name, regionPrefix, productCategory, capacityPerRep, priority, candidateUserIds }) => ({
    name,
    regionPrefix,
    productCategory,
    capacityPerRep,
    priority,
    candidateUserIds: candidateUserIds.filter((userId) => !gone.has(userId)),
  }));
  const candidates = [...new Set(rules.flatMap((rule) => rule.candidateUserIds))];
  const settings = sales();
  return chooseOwner(rules, { region: lead.region ?? null, productCategory: product?.category ?? null }, await openLeadsOf(em, candidates), {
    capacity: settings.SALES_DEFAULT_REP_CAPACITY,
    queueOwnerId: settings.SALES_LEAD_QUEUE_OWNER_ID?.toLowerCase() ?? null,
  });
}

/** Open leads per rep, in one statement (inside the caller's transaction). */
async function openLeadsOf(em: EntityManager, userIds: string[]): Promise<Map<string, number>> {
  if (userIds.length === 0) return new Map();
  const rows = await em.execute<Array<{ owner_id: string; open: string }>>(
    'select owner_id, count(*) as open from sales_lead where owner_id = any(?::uuid[]) and status = any(?::lead_status[]) group by owner_id',
    [pgArray(userIds), pgArray(OPEN_LEAD_STATUSES)],
  );
  return new Map(rows.map((row) => [row.owner_id, Number(row.open)]));
}
