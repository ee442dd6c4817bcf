import { Redis } from 'ioredis';
import { createLogger, type Logger } from '../logger.js';
import { cursorAhead, cursorExpired, cursorMalformed, type BusEvent, type EventBus, type OutgoingEvent } from './event-bus.js';
import { CUSTOMER_ID_KEYS } from '../erasure.js';

// Appends an event once: a key per event id (kept for the retention window) makes retries no-ops.
const PUBLISH_ONCE = `
  if redis.call('SET', KEYS[2], '1', 'NX', 'EX', ARGV[2]) then
    return redis.call('XADD', KEYS[1], '*', 'event', ARGV[1])
  end
  return false`;

/** The scale-out transport: one Redis stream; its entry ids are the cursors. */
export async function createRedisBus(url: string, options: { key?: string; retentionSeconds: number; log?: Logger }): Promise<EventBus> {
  const key = options.key ?? 'crm:events';
  const log = options.log ?? createLogger('event-bus');
  const redis = new Redis(url, { maxRetriesPerRequest: 3, lazyConnect: true });
  // ioredis reconnects by itself; the listener keeps a lost connection from being reported as unhandled.
  const onError = (error: Error) => log.warn({ err: error.message }, 'event bus connection lost; reconnecting');
  redis.on('error', onError);
  await redis.connect();
  const subscribers: Redis[] = [];

  const toEvents = (entries: Array<[string, string[]]>): BusEvent[] =>
    entries.map(([id, fields]) => ({ ...(JSON.parse(fields[1]!) as OutgoingEvent), cursor: id }));

  return {
    name: 'redis',
    async publish(stream, events, checkpoint) {
      for (const event of events) {
        await redis.eval(PUBLISH_ONCE, 2, key, `${key}:id:${event.id}`, JSON.stringify(event), String(options.retentionSeconds));
      }
      // Saved after the events: a crash in between re-publishes, and PUBLISH_ONCE drops the repeats.
      await redis.hset(`${key}:relayed`, stream, checkpoint);
      if (events.length) await redis.publish(`${key}:wake`, '1');
    },
    async relayedThrough(stream) {
      return redis.hget(`${key}:relayed`, stream);
    },
    async read(cursor, limit) {
      let prunedBefore = '0-0';
      if (cursor !== null) {
        if (!/^\d{1,16}-\d{1,16}$/.test(cursor)) throw cursorMalformed(cursor);
        prunedBefore = (await redis.get(`${key}:pruned-before`)) ?? '0-0';
        if (compareIds(cursor, prunedBefore) < 0) throw cursorExpired(cursor);
      }
      const entries = (await redis.xrange(key, cursor === null ? '-' : `(${cursor}`, '+', 'COUNT', limit)) as Array<[string, string[]]>;
      if (entries.length === 0 && cursor !== null) {
        const newest = (await redis.xrevrange(key, '+', '-', 'COUNT', 1)) as Array<[string, string[]]>;
        const newestId = newest[0]?.[0] ?? '0-0';
        if (compareIds(cursor, newestId) > 0 && compareIds(cursor, prunedBefore) > 0) throw cursorAhead(cursor);
      }
      return toEvents(entries);
    },
    async head() {
      const last = (await redis.xrevrange(key, '+', '-', 'COUNT', 1)) as Array<[string, string[]]>;
      return last[0]?.[0] ?? null;
    },
    compare: compareIds,
    async onPublish(onWake) {
      const subscriber = redis.duplicate();
      subscriber.on('error', onError);
      // Messages published while it was reconnecting are lost: wake the reader so it reads what it missed.
      subscriber.on('ready', () => onWake());
      subscribers.push(subscriber);
      subscriber.on('message', () => onWake());
      await subscriber.subscribe(`${key}:wake`);
      return async () => {
        subscribers.splice(subscribers.indexOf(subscriber), 1);
        subscriber.disconnect();
      };
    },
    async prune(olderThan) {
      const minId = `${olderThan.getTime()}-0`;
      await redis.xtrim(key, 'MINID', minId);
      await redis.set(`${key}:pruned-before`, minId);
    },
    async redact(match) {
      const ids = new Set([...match.aggregateIds, ...match.customerIds]);
      const about = (event: OutgoingEvent) =>
        ids.has(event.aggregateId) || CUSTOMER_ID_KEYS.some((k) => typeof event.payload[k] === 'string' && ids.has(event.payload[k] as string));
      let removed = 0;
      for (let from = '-'; ;) {
        const page = (await redis.xrange(key, from, '+', 'COUNT', 500)) as Array<[string, string[]]>;
        const doomed = page.filter(([, fields]) => about(JSON.parse(fields[1]!) as OutgoingEvent)).map(([id]) => id);
        if (doomed.length) removed += await redis.xdel(key, ...doomed);
        if (page.length < 500) return removed;
        from = `(${page.at(-1)![0]}`;
      }
    },
    async ping() {
      await redis.ping();
    },
    async close() {
      subscribers.splice(0).forEach((s) => s.disconnect());
      redis.disconnect();
    },
  };
}

function compareIds(a: string, b: string): number {
  const [am, as] = a.split('-').map(BigInt) as [bigint, bigint];
  const [bm, bs] = b.split('-').map(BigInt) as [bigint, bigint];
  return am === bm ? (as === bs ? 0 : as < bs ? -1 : 1) : am < bm ? -1 : 1;
}
