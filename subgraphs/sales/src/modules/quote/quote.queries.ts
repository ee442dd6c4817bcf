import type { EntityManager } from '@mikro-orm/postgresql';
import { allOf, ownerScopeSql } from '@crm/kit/access/row-scope.js';
import type { Viewer } from '@crm/kit/access/viewer.js';
import type { Page, PageArgs } from '@crm/kit/pagination/connection.js';
import { countByParent, fetchKeysetPages } from '@crm/kit/pagination/keyset.js';
import { enumArray, type SqlCondition } from '@crm/kit/sql.js';
import { Quote } from './quote.entity.js';
import type { QuoteFilter } from './quote.inputs.js';

/** The filter, within the quotes the viewer may see (by their opportunity's owner), as SQL over `quote`. */
export function quoteFilterSql(filter: QuoteFilter | null | undefined, viewer: Viewer): SqlCondition | undefined {
  const scope = ownerScopeSql(viewer, 'o.owner_id');
  const visible = scope.params.length
    ? {
        sql: `(exists (select 1 from opportunity o where o.id = opportunity_id and ${scope.sql})${viewer.unowned ? ' or opportunity_id is null' : ''})`,
        params: scope.params,
      }
    : undefined;
  const statuses = filter?.statuses?.length ? { sql: `status = any(${enumArray(filter.statuses, 'quote_status')})`, params: [] } : undefined;
  return visible || statuses ? allOf(visible, statuses) : undefined;
}

/** What a customer's or an opportunity's quotes hang by. */
export type QuoteParent = 'customerId' | 'opportunityId';

/** Each parent's quotes, newest first, one page each, in one statement. */
export async function quotePages(
  em: EntityManager,
  parent: QuoteParent,
  ids: readonly string[],
  filter: QuoteFilter | null | undefined,
  viewer: Viewer,
  page: PageArgs,
): Promise<Array<Page<Quote>>> {
  const pages = await fetchKeysetPages(
    em,
    { entity: Quote, orderBy: { property: 'createdAt', descending: true }, parent: { property: parent, ids }, where: quoteFilterSql(filter, viewer) },
    page,
  );
  return ids.map((id) => pages.get(id)!);
}

export async function quoteCounts(
  em: EntityManager,
  parent: QuoteParent,
  ids: readonly string[],
  filter: QuoteFilter | null | undefined,
  viewer: Viewer,
): Promise<number[]> {
  return countByParent(em, { entity: Quote, parent: { property: parent, ids }, where: quoteFilterSql(filter, viewer) });
}
