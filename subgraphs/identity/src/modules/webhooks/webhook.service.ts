import type { EntityManager } from '@mikro-orm/postgresql';
import type { Viewer } from '@crm/kit/access/viewer.js';
import { badInput, DomainError, notFound } from '@crm/kit/errors.js';
import { recordEvent } from '@crm/kit/events.js';
import { parseId } from '@crm/kit/ids.js';
import { assertVersion } from '@crm/kit/versioning.js';
import { WebhookEndpoint, WebhookEndpointStatus, WebhookOwnerKind } from './webhook-endpoint.entity.js';
import { mayReceive, permissionsToReceive } from './webhook.events.js';
import type { RegisterWebhookEndpointInput, UpdateWebhookEndpointInput } from './webhook.inputs.js';
import { endpointOwnerPermissions, enqueueEntityDeliveries, queueReplay } from './webhook.queue.js';
import { newWebhookSecret, sealSecret } from './webhook.secret.js';
import { webhookConfig } from './webhook.settings.js';
import { checkWebhookUrl } from './webhook.url.js';

type EndpointEvent = 'WebhookEndpointRegistered' | 'WebhookEndpointResumed' | 'WebhookEndpointDeleted';

export const endpointSnapshot = (endpoint: WebhookEndpoint) => ({
  endpointId: endpoint.id,
  ownerKind: endpoint.ownerKind,
  ownerId: endpoint.ownerId,
  url: endpoint.url,
  eventTypes: endpoint.eventTypes,
  status: endpoint.status,
});

const endpointEvent = (em: EntityManager, endpoint: WebhookEndpoint, type: EndpointEvent) =>
  recordEvent(em, { type, aggregateId: endpoint.id, payload: endpointSnapshot(endpoint) });

/**
 * The types asked for, each one webhooks carry and the owner may read (FORBIDDEN names the missing permission).
 * `owner`: whose permissions count (the caller's at registration; the endpoint owner's when staff change it).
 */
function checkEventTypes(types: readonly string[], owner: readonly string[], who = 'Receiving'): string[] {
  const unique = [...new Set(types.map((t) => t.trim()))];
  const unknown = unique.filter((type) => !permissionsToReceive(type));
  if (unknown.length) throw badInput(`${unknown.join(', ')}: not event types webhooks carry (see the README, Webhooks)`, 'eventTypes');
  const refused = unique.filter((type) => !mayReceive(owner, type));
  if (refused.length) {
    const missing = [...new Set(refused.flatMap((type) => permissionsToReceive(type)!.filter((p) => !owner.includes(p))))];
    throw new DomainError('FORBIDDEN', `${who} ${refused.join(', ')} needs the permission ${missing.join(', ')}`, { permission: missing[0] });
  }
  return unique;
}

/** A partner's key sees only its own endpoints; staff who manage webhooks see all of them. */
export const ownedBy = (viewer: Viewer) => (viewer.kind === 'api-key' ? viewer.id : null);

export async function findEndpoint(em: EntityManager, viewer: Viewer, id: string, version?: number): Promise<WebhookEndpoint> {
  const endpoint = await em.findOne(WebhookEndpoint, { id: parseId(id, 'WebhookEndpoint') });
  const owner = ownedBy(viewer);
  if (!endpoint || (owner && endpoint.ownerId !== owner)) throw notFound('WebhookEndpoint', id);
  if (version !== undefined) assertVersion(endpoint, version, 'WebhookEndpoint');
  return endpoint;
}

export async function registerWebhookEndpoint(em: EntityManager, viewer: Viewer, input: RegisterWebhookEndpointInput) {
  const secret = newWebhookSecret();
  const endpoint = em.create(WebhookEndpoint, {
    url: checkWebhookUrl(input.url, webhookConfig().allowPrivateNetworks),
    description: input.description?.trim() || null,
    eventTypes: checkEventTypes(input.eventTypes, viewer.permissions),
    ownerKind: viewer.kind === 'api-key' ? WebhookOwnerKind.API_KEY : WebhookOwnerKind.USER,
    ownerId: viewer.id,
    sealedSecret: sealSecret(secret),
  });
  endpointEvent(em, endpoint, 'WebhookEndpointRegistered');
  await em.flush();
  return { endpoint, secret };
}

export async function updateWebhookEndpoint(em: EntityManager, viewer: Viewer, id: string, version: number, input: UpdateWebhookEndpointInput) {
  const endpoint = await findEndpoint(em, viewer, id, version);
  const changed: string[] = [];
  if (input.url != null) {
    const url = checkWebhookUrl(input.url, webhookConfig().allowPrivateNetworks);
    if (url !== endpoint.url) changed.push('url');
    endpoint.url = url;
  }
  if (input.eventTypes != null) {
    const owner = endpoint.ownerId === viewer.id ? viewer.permissions : await endpointOwnerPermissions(em, endpoint.id);
    const types = checkEventTypes(input.eventTypes, owner, endpoint.ownerId === viewer.id ? 'Receiving' : 'For its owner, receiving');
    if (types.join() !== endpoint.eventTypes.join()) changed.push('eventTypes');
    endpoint.eventTypes = types;
  }
  if (input.description !== undefined) {
    const description = input.description?.trim() || null;
    if (description !== (endpoint.description ?? null)) changed.push('description');
    endpoint.description = description;
  }
  if (changed.length === 0) return endpoint;
  recordEvent(em, { type: 'WebhookEndpointChanged', aggregateId: endpoint.id, payload: { ...endpointSnapshot(endpoint), changedFields: changed } });
  await em.flush();
  return endpoint;
}

export async function pauseWebhookEndpoint(em: EntityManager, viewer: Viewer, id: string, version: number) {
  const endpoint = await findEndpoint(em, viewer, id, version);
  if (endpoint.status === WebhookEndpointStatus.PAUSED) return endpoint;
  endpoint.status = WebhookEndpointStatus.PAUSED;
  endpoint.pausedAt = new Date();
  endpoint.pausedReason = `paused by ${viewer.id}`;
  recordEvent(em, {
    type: 'WebhookEndpointPaused',
    aggregateId: endpoint.id,
    payload: { ...endpointSnapshot(endpoint), reason: endpoint.pausedReason, consecutiveFailures: endpoint.consecutiveFailures },
  });
  await em.flush();
  return endpoint;
}

/** Active again: what queued up while it was paused leaves in order, each failed delivery from the start of its schedule. */
export async function resumeWebhookEndpoint(em: EntityManager, viewer: Viewer, id: string, version: number) {
  const endpoint = await findEndpoint(em, viewer, id, version);
  if (endpoint.status === WebhookEndpointStatus.ACTIVE) return endpoint;
  endpoint.status = WebhookEndpointStatus.ACTIVE;
  endpoint.pausedAt = null;
  endpoint.pausedReason = null;
  endpoint.consecutiveFailures = 0;
  endpoint.failingSince = null;
  endpointEvent(em, endpoint, 'WebhookEndpointResumed');
  await em.flush();
  await em.execute(
    `update webhook_delivery set failed_in_row = 0, next_attempt_at = null where endpoint_id = ? and status <> 'DELIVERED'`,
    [endpoint.id],
    'run',
  );
  await enqueueEntityDeliveries(em, endpoint.id);
  return endpoint;
}

/** A new secret, shown once; deliveries are signed with it from now on (the old one stops at once). */
export async function rotateWebhookSecret(em: EntityManager, viewer: Viewer, id: string, version: number) {
  const endpoint = await findEndpoint(em, viewer, id, version);
  const secret = newWebhookSecret();
  endpoint.sealedSecret = sealSecret(secret);
  recordEvent(em, { type: 'WebhookEndpointChanged', aggregateId: endpoint.id, payload: { ...endpointSnapshot(endpoint), changedFields: ['secret'] } });
  await em.flush();
  return { endpoint, secret };
}

/** Removes the endpoint with its delivery log; deliveries still queued are dropped. */
export async function deleteWebhookEndpoint(em: EntityManager, viewer: Viewer, id: string, version: number): Promise<string> {
  const endpoint = await findEndpoint(em, viewer, id, version);
  endpointEvent(em, endpoint, 'WebhookEndpointDeleted');
  em.remove(endpoint);
  await em.flush();
  return endpoint.id;
}

/**
 * Queues again, in their order, the endpoint's deliveries of events after `after` (an event.cursor from its
 * delivery log, kept for RETENTION_WEBHOOK_DELIVERIES_DAYS): each as a new delivery with the same webhook-id.
 */
export async function replayWebhookDeliveries(
  em: EntityManager,
  viewer: Viewer,
  id: string,
  version: number,
  after: string,
): Promise<{ endpoint: WebhookEndpoint; queued: number }> {
  const endpoint = await findEndpoint(em, viewer, id, version);
  const queued = await queueReplay(em, endpoint.id, after);
  if (queued === null) {
    throw badInput(`${after.slice(0, 60)} is not the cursor of an event in this endpoint's delivery log: pass a delivery's event.cursor`, 'after');
  }
  if (endpoint.status === WebhookEndpointStatus.ACTIVE) await enqueueEntityDeliveries(em, endpoint.id);
  return { endpoint, queued };
}
