import { databaseOnServer, platform } from '../config.js';
import type { Logger } from '../logger.js';
import type { EventBus } from './event-bus.js';
import { createPostgresBus } from './postgres-bus.js';
import { createRedisBus } from './redis-bus.js';
import { createNatsBus } from './nats-bus.js';

export type { BusEvent, EventBus, OutgoingEvent, ReadOptions, TypedPage } from './event-bus.js';

export const retentionHours = () => platform().EVENT_RETENTION_HOURS;

/** The event bus named by EVENT_BUS: `postgres` (default, needs nothing else), `redis` (REDIS_URL) or `nats` (NATS_URL, NATS_STREAM). */
export function connectEventBus(log?: Logger): Promise<EventBus> {
  const settings = platform();
  if (settings.EVENT_BUS === 'redis') return createRedisBus(settings.REDIS_URL, { retentionSeconds: settings.EVENT_RETENTION_HOURS * 3600, log });
  if (settings.EVENT_BUS === 'nats')
    return createNatsBus(settings.NATS_URL, { stream: settings.NATS_STREAM, retentionSeconds: settings.EVENT_RETENTION_HOURS * 3600, log });
  return createPostgresBus(eventsDatabaseUrl(), { log, poolMax: settings.BUS_POOL_MAX, prepared: settings.DB_PREPARED_STATEMENTS });
}

export function eventsDatabaseUrl(): string {
  const settings = platform();
  return settings.EVENTS_DATABASE_URL ?? databaseOnServer(`${settings.DATABASE_NAME_PREFIX}events`);
}
