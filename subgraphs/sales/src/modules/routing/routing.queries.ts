import type { EntityManager } from '@mikro-orm/postgresql';
import type { CountedPage, PageArgs } from '@crm/kit/pagination/connection.js';
import { fetchCountedPage } from '@crm/kit/pagination/keyset.js';
import { LeadRoutingRule } from './routing-rule.entity.js';

/** One page of the lead routing rules, newest first, and their totalCount. */
export function leadRoutingRulesPage(em: EntityManager, page: PageArgs): Promise<CountedPage<LeadRoutingRule>> {
  return fetchCountedPage(em, { entity: LeadRoutingRule, orderBy: { property: 'createdAt', descending: true } }, page);
}

export interface CustomerRep {
  ownerId: string;
  opportunityId: string;
  open: boolean;
}

/**
 * The rep a known customer already has in sales: the owner of their most recent open opportunity, else of their
 * most recent one (archived ones aside), among owners still active (someone who left gets no new lead). Null for
 * a customer sales has never sold to, or whose reps have all left.
 */
export async function customerRepOf(em: EntityManager, customerId: string): Promise<CustomerRep | null> {
  const [row] = await em.execute<Array<{ owner_id: string; id: string; open: boolean }>>(
    `select owner_id, id, status = 'OPEN' as open from opportunity
     where customer_id = ? and owner_id is not null and archived_at is null
       and not exists (select 1 from staff_name s where s.user_id = opportunity.owner_id and not s.active)
     order by status = 'OPEN' desc, created_at desc, id desc limit 1`,
    [customerId],
  );
  return row ? { ownerId: row.owner_id, opportunityId: row.id, open: row.open } : null;
}
