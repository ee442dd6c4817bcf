import type { EntityManager } from '@mikro-orm/postgresql';
import { recordEvent } from '@crm/kit/events.js';
import { Activity, SalesActivityType } from '../activity/activity.entity.js';
import { activityEvent } from '../activity/activity.service.js';
import type { Opportunity } from './opportunity.entity.js';

/** What follows a deal up: a planned call or task of the opportunity that is not done yet. */
export const openFollowUpsOf = (opportunityId: string) => ({
  opportunityId,
  type: { $in: [SalesActivityType.CALL, SalesActivityType.TASK] },
  dueAt: { $ne: null },
  completedAt: null,
});

/**
 * A WON or LOST deal needs no more following up: its open calls and tasks are closed (done, with a note saying why),
 * each with its ActivityCompleted, in the transaction that closed the deal. Meetings stay (e.g. the car's delivery).
 */
export async function closeFollowUps(em: EntityManager, opportunity: Pick<Opportunity, 'id' | 'status'>): Promise<Activity[]> {
  const open = await em.find(Activity, openFollowUpsOf(opportunity.id), { orderBy: { createdAt: 'asc', id: 'asc' } });
  const now = new Date();
  const why = `Closed automatically: the opportunity was ${opportunity.status} on ${now.toISOString().slice(0, 10)}.`;
  for (const activity of open) {
    activity.completedAt = now;
    activity.notes = activity.notes ? `${activity.notes}\n${why}` : why;
    recordEvent(em, activityEvent(activity, 'ActivityCompleted'));
  }
  return open;
}
