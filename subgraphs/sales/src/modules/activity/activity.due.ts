import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { recordEvent } from '@crm/kit/events.js';
import type { Logger } from '@crm/kit/logger.js';
import { startPeriodicJob } from '@crm/kit/periodic-job.js';
import { sales } from '../../settings.js';
import type { Clock } from '@crm/kit/clock.js';
import { Activity } from './activity.entity.js';
import { activityEvent } from './activity.service.js';

/**
 * Emits ActivityDue for every open activity whose reminder (or, without one, due time) has come, once each.
 * The mark and the events commit together; `skip locked` lets two sales instances share the work.
 */
export async function flagDueActivities(em: EntityManager, now: Date): Promise<number> {
  return em.transactional(async (tx) => {
    const rows = await tx.execute<Array<{ id: string }>>(
      `update sales_activity set due_notified_at = ? where id in (
         select id from sales_activity
         where completed_at is null and due_notified_at is null and coalesce(reminder_at, due_at) <= ?
         order by coalesce(reminder_at, due_at) limit 500 for update skip locked)
       returning id`,
      [now, now],
    );
    if (rows.length === 0) return 0;
    const activities = await tx.find(Activity, { id: { $in: rows.map((row) => row.id) } });
    for (const activity of activities) recordEvent(tx, activityEvent(activity, 'ActivityDue'));
    await tx.flush();
    return activities.length;
  });
}

export function startActivityDueJob(orm: MikroORM, log: Logger, clock: Clock): { stop(): Promise<void> } {
  return startPeriodicJob({
    name: 'activity-due',
    intervalMs: sales().ACTIVITY_DUE_CHECK_INTERVAL_MS,
    log,
    run: async () => {
      const due = await flagDueActivities(orm.em.fork(), clock.now());
      if (due > 0) log.info({ due }, 'activities fell due');
    },
  });
}
