import { envInt } from '../../kit/config.js';
import { isUuid } from '../../kit/ids.js';

export interface LeadRoutingConfig {
  /** Open leads a rep may hold when a rule names no capacity. */
  defaultRepCapacity: number;
  /** The rep (a user id) who gets the leads no rule places; unset leaves them unassigned. */
  queueOwnerId: string | null;
}

/** Read when routing runs, so a deployment can change it without a code change; fails on a malformed id. */
export function leadRoutingConfig(): LeadRoutingConfig {
  const queueOwnerId = process.env.SALES_LEAD_QUEUE_OWNER_ID || null;
  if (queueOwnerId && !isUuid(queueOwnerId)) throw new Error(`SALES_LEAD_QUEUE_OWNER_ID must be a user id (uuid), got "${queueOwnerId}"`);
  return { defaultRepCapacity: envInt('SALES_DEFAULT_REP_CAPACITY', 25), queueOwnerId };
}

/** How often the reminder job looks for activities that have fallen due. */
export const activityDueCheckIntervalMs = () => envInt('ACTIVITY_DUE_CHECK_INTERVAL_MS', 60_000);
