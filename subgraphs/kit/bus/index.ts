import { envInt, envString } from '../config.js';
import type { Logger } from '../logger.js';
import type { EventBus } from './event-bus.js';
import { createPostgresBus } from './postgres-bus.js';
import { createRedisBus } from './redis-bus.js';

export type { BusEvent, EventBus, OutgoingEvent } from './event-bus.js';

export const retentionHours = () => envInt('EVENT_RETENTION_HOURS', 72);

/** The event bus named by EVENT_BUS: `postgres` (default, needs nothing else) or `redis` (REDIS_URL). */
export function connectEventBus(log?: Logger): Promise<EventBus> {
  const transport = envString('EVENT_BUS', 'postgres');
  if (transport === 'redis') {
    return createRedisBus(envString('REDIS_URL', 'redis://127.0.0.1:6379'), { retentionSeconds: retentionHours() * 3600, log });
  }
  if (transport !== 'postgres') throw new Error(`EVENT_BUS must be "postgres" or "redis", got "${transport}"`);
  return createPostgresBus(eventsDatabaseUrl(), { log });
}

export function eventsDatabaseUrl(): string {
  const own = process.env.EVENTS_DATABASE_URL;
  if (own) return own;
  const server = new URL(envString('DATABASE_URL'));
  server.pathname = `/${envString('DATABASE_NAME_PREFIX', 'crm_')}events`;
  return server.toString();
}
