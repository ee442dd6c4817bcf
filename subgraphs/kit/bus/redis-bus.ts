import { Redis } from 'ioredis';
import { cursorExpired, type BusEvent, type EventBus, type OutgoingEvent } from './event-bus.js';

// Appends an event once: a key per event id (kept for the retention window) makes retries no-ops.
const PUBLISH_ONCE = `
  if redis.call('SET', KEYS[2], '1', 'NX', 'EX', ARGV[2]) then
    return redis.call('XADD', KEYS[1], '*', 'event', ARGV[1])
  end
  return false`;

/** The scale-out transport: one Redis stream; its entry ids are the cursors. */
export async function createRedisBus(url: string, options: { key?: string; retentionSeconds: number }): Promise<EventBus> {
  const key = options.key ?? 'crm:events';
  const redis = new Redis(url, { maxRetriesPerRequest: 3, lazyConnect: true });
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
      if (cursor !== null) {
        if (!/^\d+-\d+$/.test(cursor)) throw cursorExpired(cursor);
        const prunedBefore = (await redis.get(`${key}:pruned-before`)) ?? '0-0';
        if (compareIds(cursor, prunedBefore) < 0) throw cursorExpired(cursor);
      }
      const entries = (await redis.xrange(key, cursor === null ? '-' : `(${cursor}`, '+', 'COUNT', limit)) as Array<[string, string[]]>;
      return toEvents(entries);
    },
    async head() {
      const last = (await redis.xrevrange(key, '+', '-', 'COUNT', 1)) as Array<[string, string[]]>;
      return last[0]?.[0] ?? null;
    },
    async onPublish(onWake) {
      const subscriber = redis.duplicate();
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
    async close() {
      subscribers.splice(0).forEach((s) => s.disconnect());
      redis.disconnect();
    },
  };
}

function compareIds(a: string, b: string): number {
  const [am, as] = a.split('-').map(BigInt) as [bigint, bigint];
  const [bm, bs] = b.split('-').map(BigInt) as [bigint, bigint];
  return am === bm ? Number(as - bs) : am < bm ? -1 : 1;
}
