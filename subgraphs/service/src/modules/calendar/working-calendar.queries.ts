import type { EntityManager } from '@mikro-orm/postgresql';
import type { CountedPage, PageArgs } from '@crm/kit/pagination/connection.js';
import { fetchCountedPage } from '@crm/kit/pagination/keyset.js';
import { WorkingCalendar } from './working-calendar.entity.js';

/** One page of the working calendars, oldest first, and their totalCount. */
export function workingCalendarsPage(em: EntityManager, page: PageArgs): Promise<CountedPage<WorkingCalendar>> {
  return fetchCountedPage(em, { entity: WorkingCalendar, orderBy: { property: 'createdAt', descending: false } }, page);
}
