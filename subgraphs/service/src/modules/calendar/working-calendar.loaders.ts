import DataLoader from 'dataloader';
import type { EntityManager } from '@mikro-orm/postgresql';
import { byKeys } from '@crm/kit/loaders.js';
import { WorkingCalendar } from './working-calendar.entity.js';

export function createWorkingCalendarLoaders(em: EntityManager) {
  return {
    calendarById: new DataLoader<string, WorkingCalendar | null>(async (ids) =>
      byKeys(ids, await em.find(WorkingCalendar, { id: { $in: [...ids] } }), (c) => c.id),
    ),
  };
}
