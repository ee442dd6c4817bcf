import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { Webhook } from 'standardwebhooks';
import { recordEvent } from '@crm/kit/events.js';
import type { Logger } from '@crm/kit/logger.js';
import { WebhookDelivery, WebhookDeliveryStatus } from './webhook-delivery.entity.js';
import { WebhookEndpoint, WebhookEndpointStatus } from './webhook-endpoint.entity.js';
import { postDelivery, type AttemptOutcome } from './webhook.http.js';
import { enqueueEntityDelivery, ownerMayReceive, queueKey, type EntityQueue } from './webhook.queue.js';
import { openSecret } from './webhook.secret.js';
import type { WebhookConfig } from './webhook.settings.js';
import { endpointSnapshot } from './webhook.service.js';

// Background work stays out of the query log (and out of the statement counts of tests).
const QUIET = { enabled: false };
/** How soon a queue whose lock another job holds is looked at again. */
const LOCKED_RETRY_MS = 2000;

/** What the partner receives: the bus event's envelope and its payload as the catalog declares it (`data`). */
export function deliveryBody(delivery: WebhookDelivery): string {
  return JSON.stringify({
    id: delivery.eventId,
    type: delivery.eventType,
    timestamp: delivery.occurredAt.toISOString(),
    cursor: delivery.eventCursor,
    aggregateType: delivery.aggregateType,
    aggregateId: delivery.aggregateId,
    data: delivery.payload,
  });
}

/** Standard Webhooks headers: the event id (the same on every retry), the time of signing and its HMAC-SHA256. */
function signedHeaders(endpoint: WebhookEndpoint, delivery: WebhookDelivery, body: string): Record<string, string> {
  const now = new Date();
  return {
    'webhook-id': delivery.eventId,
    'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
    'webhook-signature': new Webhook(openSecret(endpoint.sealedSecret)).sign(delivery.eventId, now, body),
  };
}

/**
 * The job of one (endpoint, entity) queue: delivers its oldest undelivered event, then the next, until one fails
 * (it is retried on the schedule, the rest wait behind it) or none is left. A transaction-scoped lock per queue keeps
 * a second job of the same queue (on another replica) from overtaking: it comes back shortly and finds what is left.
 */
export async function deliverQueue(orm: MikroORM, log: Logger, config: WebhookConfig, queue: EntityQueue): Promise<void> {
  for (;;) {
    const more = await orm.em.fork({ loggerContext: QUIET }).transactional((em) => deliverOldest(em, log, config, queue));
    if (!more) return;
  }
}

async function deliverOldest(em: EntityManager, log: Logger, config: WebhookConfig, queue: EntityQueue): Promise<boolean> {
  const [{ locked }] = (await em.execute('select pg_try_advisory_xact_lock(hashtext(?)) as locked', [queueKey(queue)])) as [{ locked: boolean }];
  if (!locked) {
    // Another replica is sending this entity's oldest event (for up to WEBHOOK_TIMEOUT_MS): look again shortly
    // rather than wait on the lock past the statement timeout.
    await enqueueEntityDelivery(em, queue, new Date(Date.now() + LOCKED_RETRY_MS));
    return false;
  }
  const endpoint = await em.findOne(WebhookEndpoint, { id: queue.endpointId });
  if (!endpoint || endpoint.status !== WebhookEndpointStatus.ACTIVE) return false;
  const delivery = await em.findOne(
    WebhookDelivery,
    { endpointId: queue.endpointId, aggregateType: queue.aggregateType, aggregateId: queue.aggregateId, status: { $ne: WebhookDeliveryStatus.DELIVERED } },
    { orderBy: { sequence: 'asc' } },
  );
  if (!delivery) return false;
  if (delivery.nextAttemptAt && delivery.nextAttemptAt.getTime() > Date.now()) {
    // Woken early (a newer event of the entity): the head waits for its retry, and so does everything behind it.
    await enqueueEntityDelivery(em, queue, delivery.nextAttemptAt);
    return false;
  }
  if (!(await ownerMayReceive(em, endpoint.id, delivery.eventType))) {
    // The key was revoked or expired, the user deactivated or given a role without the permission since it queued.
    await pauseEndpoint(em, endpoint, `its owner ${endpoint.ownerId} may no longer receive ${delivery.eventType}`, 0);
    await em.flush();
    return false;
  }
  const body = deliveryBody(delivery);
  const outcome = await postDelivery(endpoint.url, signedHeaders(endpoint, delivery, body), body, {
    allowPrivate: config.allowPrivateNetworks,
    timeoutMs: config.timeoutMs,
  });
  recordAttempt(delivery, outcome);
  if (outcome.ok) {
    delivery.status = WebhookDeliveryStatus.DELIVERED;
    delivery.deliveredAt = new Date();
    delivery.nextAttemptAt = null;
    delivery.failedInRow = 0;
    // Counters of the endpoint change without a new version: they are the delivery's bookkeeping, not an edit.
    await em.execute(
      `update webhook_endpoint set consecutive_failures = 0, failing_since = null, last_delivered_at = now() where id = ?`,
      [endpoint.id],
      'run',
    );
    await em.flush();
    return true;
  }
  delivery.status = WebhookDeliveryStatus.FAILING;
  delivery.failedInRow += 1;
  const [run] = await em.execute<Array<{ consecutive_failures: number; failing_since: Date }>>(
    `update webhook_endpoint set consecutive_failures = consecutive_failures + 1, failing_since = coalesce(failing_since, now())
      where id = ? returning consecutive_failures, failing_since`,
    [endpoint.id],
  );
  const delay = config.retryDelaysMs[delivery.failedInRow - 1];
  const failingFor = Date.now() - new Date(run!.failing_since).getTime();
  const pause =
    delay === undefined
      ? `a delivery failed ${delivery.failedInRow} times over its whole retry schedule`
      : run!.consecutive_failures >= config.pauseAfterFailures && failingFor >= config.pauseAfterMs
        ? `${run!.consecutive_failures} deliveries failed in a row over ${Math.round(failingFor / 1000)} s`
        : null;
  if (pause) {
    delivery.nextAttemptAt = null;
    await pauseEndpoint(em, endpoint, `${pause} (last: ${outcome.error ?? 'failed'})`, run!.consecutive_failures);
    log.warn({ endpointId: endpoint.id, url: endpoint.url, metric: 'webhook_endpoint_paused' }, 'webhook endpoint paused after failing');
  } else {
    delivery.nextAttemptAt = new Date(Date.now() + delay!);
    await enqueueEntityDelivery(em, queue, delivery.nextAttemptAt);
  }
  await em.flush();
  return false;
}

function recordAttempt(delivery: WebhookDelivery, outcome: AttemptOutcome): void {
  delivery.attempt += 1;
  delivery.responseStatus = outcome.responseStatus;
  delivery.responseBody = outcome.responseBody;
  delivery.error = outcome.error;
  delivery.durationMs = outcome.durationMs;
  delivery.attemptLog = [
    ...delivery.attemptLog,
    { at: new Date().toISOString(), responseStatus: outcome.responseStatus, durationMs: outcome.durationMs, error: outcome.error },
  ];
}

/**
 * PAUSED by the platform (failures, or an owner who may no longer receive what it queued), and its owner told: the endpoint's status and pausedReason (webhookEndpoints shows them) and the
 * WebhookEndpointPaused event on the bus, naming the owner, which the gateway's webhookEndpointChanged subscription pushes to
 * the owner (and staff who manage webhooks) with the reason. A new version, so an owner's stale edit is refused.
 */
async function pauseEndpoint(em: EntityManager, endpoint: WebhookEndpoint, reason: string, failures: number): Promise<void> {
  const [paused] = await em.execute<Array<{ id: string }>>(
    `update webhook_endpoint set status = 'PAUSED', paused_at = now(), paused_reason = ?, version = version + 1, updated_at = now()
      where id = ? and status = 'ACTIVE' returning id`,
    [reason.slice(0, 500), endpoint.id],
  );
  if (!paused) return;
  recordEvent(em, {
    type: 'WebhookEndpointPaused',
    aggregateId: endpoint.id,
    payload: { ...endpointSnapshot(endpoint), status: WebhookEndpointStatus.PAUSED, reason, consecutiveFailures: failures },
  });
}
