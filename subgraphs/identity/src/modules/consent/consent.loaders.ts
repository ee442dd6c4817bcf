import DataLoader from 'dataloader';
import type { EntityManager } from '@mikro-orm/postgresql';
import { loaderPerArgs } from '@crm/kit/loaders.js';
import type { Page, PageArgs } from '@crm/kit/pagination/connection.js';
import type { Consent } from './consent.entity.js';
import type { ConsentHistoryFilter } from './consent.inputs.js';
import { consentHistoryCounts, consentHistoryPages, currentConsentsOf } from './consent.queries.js';

export interface ConsentHistoryArgs {
  page: PageArgs;
  filter?: ConsentHistoryFilter | null;
}

export function createConsentLoaders(em: EntityManager) {
  return {
    /** The latest decision per purpose × channel, for many customers in one statement. */
    currentConsentsByCustomer: new DataLoader<string, Consent[]>((customerIds) => currentConsentsOf(em, customerIds)),
    consentHistoryByCustomer: loaderPerArgs<ConsentHistoryArgs, string, Page<Consent>>(({ page, filter }, customerIds) =>
      consentHistoryPages(em, customerIds, filter, page),
    ),
    consentCountByCustomer: loaderPerArgs<ConsentHistoryFilter | null | undefined, string, number>((filter, customerIds) =>
      consentHistoryCounts(em, customerIds, filter),
    ),
  };
}
