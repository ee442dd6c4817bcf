import type { EntityManager } from '@mikro-orm/postgresql';
import type { CountedPage, PageArgs } from '@crm/kit/pagination/connection.js';
import { fetchCountedPage } from '@crm/kit/pagination/keyset.js';
import { LeadRoutingRule } from './routing-rule.entity.js';

/** One page of the lead routing rules, newest first, and their totalCount. */
export function leadRoutingRulesPage(em: EntityManager, page: PageArgs): Promise<CountedPage<LeadRoutingRule>> {
  return fetchCountedPage(em, { entity: LeadRoutingRule, orderBy: { property: 'createdAt', descending: true } }, page);
}
