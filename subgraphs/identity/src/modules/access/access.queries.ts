import type { EntityManager } from '@mikro-orm/postgresql';
import type { CountedPage, PageArgs } from '@crm/kit/pagination/connection.js';
import { fetchCountedPage } from '@crm/kit/pagination/keyset.js';
import { ApiKey } from './api-key.entity.js';

/** One page of the API keys, newest first, and their totalCount. */
export function apiKeysPage(em: EntityManager, page: PageArgs): Promise<CountedPage<ApiKey>> {
  return fetchCountedPage(em, { entity: ApiKey, orderBy: { property: 'createdAt', descending: true } }, page);
}
