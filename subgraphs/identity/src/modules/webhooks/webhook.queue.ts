import type { EntityManager } from '@mikro-orm/postgresql';
import { ROLE_PERMISSIONS, isRole } from '@crm/kit/access/permissions.js';
import type { CatalogEvent } from '@crm/kit/event-catalog.js';
import { enqueueJob } from '@crm/kit/jobs.js';
import { executePrepared } from '@crm/kit/sql.js';
import { forwardedPayload, mayReceive } from './webhook.events.js';

/** The job that delivers one entity's events to one endpoint, oldest first (webhook.delivery.ts). */
export const DELIVER_WEBHOOKS = 'webhook-deliver';

export interface EntityQueue {
  endpointId: string;
  aggregateType: string;
  aggregateId: string;
}

/**
 * One job per (endpoint, entity) at a time: its key makes a second enqueue move the waiting job instead of adding
 * another, and the job always takes the entity's oldest undelivered event, so each entity's events arrive in order
 * while other entities' events pass a failing one.
 */
export const queueKey = (queue: EntityQueue) => `${DELIVER_WEBHOOKS}:${queue.endpointId}:${queue.aggregateType}:${queue.aggregateId}`;

export function enqueueEntityDelivery(em: EntityManager, queue: EntityQueue, runAt?: Date): Promise<void> {
  return enqueueJob(em, DELIVER_WEBHOOKS, queue, { jobKey: queueKey(queue), runAt, maxAttempts: 25 });
}

/** A job for every entity that has undelivered events for the endpoint (after a resume or a replay). */
export async function enqueueEntityDeliveries(em: EntityManager, endpointId: string): Promise<void> {
  const entities = await em.execute<Array<{ aggregate_type: string; aggregate_id: string }>>(
    `select distinct aggregate_type, aggregate_id from webhook_delivery where endpoint_id = ? and status <> 'DELIVERED'`,
    [endpointId],
  );
  for (const entity of entities) {
    await enqueueEntityDelivery(em, { endpointId, aggregateType: entity.aggregate_type, aggregateId: entity.aggregate_id });
  }
}

interface Subscriber {
  id: string;
  status: string;
  key_scopes: string[] | null;
  user_role: string | null;
}

/** An endpoint's owner as it is now: an API key not revoked or expired, or an active user (null columns otherwise). */
const ENDPOINTS_WITH_OWNERS = `select e.id, e.status, k.scopes as key_scopes, u.role as user_role
       from webhook_endpoint e
       left join api_key k on e.owner_kind = 'API_KEY' and k.id::text = e.owner_id and k.revoked_at is null
                          and (k.expires_at is null or k.expires_at > now())
       left join staff_user u on e.owner_kind = 'USER' and u.id::text = e.owner_id and u.active`;

const ownerPermissions = (s: Subscriber): readonly string[] | null =>
  s.key_scopes ?? (s.user_role && isRole(s.user_role) ? ROLE_PERMISSIONS[s.user_role] : null);

/** What the endpoint's owner may do now: [] for a revoked or expired key, a deactivated user. */
export async function endpointOwnerPermissions(em: EntityManager, endpointId: string): Promise<readonly string[]> {
  const [endpoint] = await em.execute<Subscriber[]>(`${ENDPOINTS_WITH_OWNERS} where e.id = ?`, [endpointId]);
  return (endpoint && ownerPermissions(endpoint)) ?? [];
}

/** Whether the endpoint's owner may still receive this event type (checked again before each delivery). */
export const ownerMayReceive = async (em: EntityManager, endpointId: string, type: string): Promise<boolean> =>
  mayReceive(await endpointOwnerPermissions(em, endpointId), type);

/** The event types some endpoint asked for (paused ones included: they collect deliveries for their resume). */
export async function subscribedEventTypes(em: EntityManager): Promise<ReadonlySet<string>> {
  // Prepared: asked for every page of the bus that holds a type webhooks carry (kit/consumer.ts).
  const rows = await executePrepared<{ type: string }>(em, `select distinct unnest(event_types) as type from webhook_endpoint`, [], { enabled: false });
  return new Set(rows.map((row) => row.type));
}

/**
 * An event from the bus becomes a delivery for every endpoint that asked for its type and whose owner may still
 * read it (an API key not revoked or expired, an active user whose role allows it). Once per event and endpoint,
 * however often the bus hands it over. Paused endpoints collect deliveries for their resume.
 */
export async function fanOut(em: EntityManager, event: CatalogEvent): Promise<number> {
  const subscribers = await em.execute<Subscriber[]>(`${ENDPOINTS_WITH_OWNERS} where e.event_types @> array[?]::text[]`, [event.type]);
  const receiving = subscribers.filter((s) => {
    const permissions = ownerPermissions(s);
    return permissions !== null && mayReceive(permissions, event.type);
  });
  if (receiving.length === 0) return 0;
  const inserted = await em.execute<Array<{ endpoint_id: string }>>(
    `insert into webhook_delivery (id, endpoint_id, event_id, event_type, event_cursor, aggregate_type, aggregate_id, occurred_at, payload, attempt_log, created_at)
     select gen_random_uuid(), endpoint_id, ?, ?, ?, ?, ?, ?, ?::jsonb, '[]', now() from unnest(?::uuid[]) as endpoint_id
     on conflict (endpoint_id, event_id) where not replay do nothing
     returning endpoint_id`,
    [
      event.id,
      event.type,
      event.cursor,
      event.aggregateType,
      event.aggregateId,
      event.occurredAt,
      JSON.stringify(forwardedPayload(event.type, event.payload)),
      `{${receiving.map((s) => s.id).join(',')}}`,
    ],
  );
  const active = new Set(receiving.filter((s) => s.status === 'ACTIVE').map((s) => s.id));
  for (const { endpoint_id: endpointId } of inserted) {
    if (active.has(endpointId)) await enqueueEntityDelivery(em, { endpointId, aggregateType: event.aggregateType, aggregateId: event.aggregateId });
  }
  return inserted.length;
}

/**
 * Copies the endpoint's deliveries of the events after `after` as new deliveries, in their order; null when
 * `after` is not the cursor of an event in its delivery log.
 */
export async function queueReplay(em: EntityManager, endpointId: string, after: string): Promise<number | null> {
  const [from] = await em.execute<Array<{ sequence: string }>>(
    `select min(sequence) as sequence from webhook_delivery where endpoint_id = ? and event_cursor = ? and not replay having count(*) > 0`,
    [endpointId, after],
  );
  if (!from) return null;
  const copied = await em.execute<{ affectedRows: number }>(
    `insert into webhook_delivery (id, endpoint_id, event_id, event_type, event_cursor, aggregate_type, aggregate_id, occurred_at, payload, replay, attempt_log, created_at)
     select gen_random_uuid(), endpoint_id, event_id, event_type, event_cursor, aggregate_type, aggregate_id, occurred_at, payload, true, '[]', now()
       from webhook_delivery where endpoint_id = ? and not replay and sequence > ? order by sequence`,
    [endpointId, from.sequence],
    'run',
  );
  return copied.affectedRows;
}
