import DataLoader from 'dataloader';
import type { EntityManager } from '@mikro-orm/postgresql';
import { groupByKeys, loaderPerArgs } from '../../../../kit/loaders.js';
import { countByParent, fetchKeysetPages, pgArray, type Page, type PageArgs } from '../../../../kit/pagination.js';
import { Consent } from './consent.entity.js';
import type { ConsentHistoryFilter } from './consent.inputs.js';
import { consentFilterSql } from './consent.service.js';

export interface ConsentHistoryArgs {
  page: PageArgs;
  filter?: ConsentHistoryFilter | null;
}

export function createConsentLoaders(em: EntityManager) {
  return {
    /** The latest decision per purpose × channel, for many customers in one statement. */
    currentConsentsByCustomer: new DataLoader<string, Consent[]>(async (customerIds) => {
      const rows = await em.getConnection().execute<Array<Record<string, unknown>>>(
        `select distinct on (customer_id, purpose, channel) * from customer_consent
         where customer_id = any(?::uuid[])
         order by customer_id, purpose, channel, given_at desc, recorded_at desc, id desc`,
        [pgArray(customerIds)],
      );
      const consents = rows.map((row) => em.map(Consent, row as never));
      return groupByKeys(customerIds, consents, (c) => c.customer.id);
    }),
    consentHistoryByCustomer: loaderPerArgs<ConsentHistoryArgs, string, Page<Consent>>(async ({ page, filter }, customerIds) => {
      const pages = await fetchKeysetPages(
        em,
        {
          entity: Consent,
          table: 'customer_consent',
          orderBy: { column: 'given_at', property: 'givenAt', descending: true },
          parent: { column: 'customer_id', ids: customerIds },
          where: consentFilterSql(filter),
        },
        page,
      );
      return customerIds.map((id) => pages.get(id)!);
    }),
    consentCountByCustomer: loaderPerArgs<ConsentHistoryFilter | null | undefined, string, number>((filter, customerIds) =>
      countByParent(em, { table: 'customer_consent', parentColumn: 'customer_id', ids: customerIds, where: consentFilterSql(filter) }),
    ),
  };
}
