import type { MikroORM } from '@mikro-orm/postgresql';
import type { EventBus } from './bus/index.js';
import type { Logger } from './logger.js';

const BATCH = 500;
// Background polling stays out of the query log (and out of the statement counts of tests).
const QUIET = { enabled: false };

/**
 * Publishes committed outbox events to the bus, in outbox order. Only rows whose transaction is older than
 * every transaction still running are taken, so a position committed late is never skipped. One relay per
 * subgraph database works at a time (advisory lock), which keeps each aggregate's events in order.
 */
export function startOutboxRelay(options: {
  orm: MikroORM;
  bus: EventBus;
  stream: string;
  log: Logger;
  retentionHours: number;
  intervalMs?: number;
}) {
  const { orm, bus, stream, log } = options;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let again = false;
  let stopped = false;
  let lastPrune = 0;

  /**
   * The checkpoint is a window of transaction ids `[from, to)` plus the last position taken in it: every
   * transaction below `to` has finished, so the window's rows are final and none is skipped, whatever
   * order positions were committed in. A pass either completes its window or pages on inside it.
   */
  async function relayOnce(): Promise<number> {
    const connection = orm.em.getConnection();
    return connection.transactional(async (trx) => {
      const run = <T extends object[]>(sql: string, params: unknown[] = []) => connection.execute<T>(sql, params, 'all', trx, QUIET);
      const [lock] = await run<Array<{ locked: boolean }>>(`select pg_try_advisory_xact_lock(hashtext('outbox-relay')) as locked`);
      if (!lock?.locked) return 0;
      const saved = (await bus.relayedThrough(stream))?.split(':');
      const [current] = await run<Array<{ xmin: string }>>('select pg_snapshot_xmin(pg_current_snapshot())::text as xmin');
      const from = saved?.[0] ?? '0';
      const to = saved?.[1] ?? current!.xmin;
      const afterPosition = saved?.[2] ?? '0';
      const rows = await run<Array<Record<string, unknown>>>(
        `select position, id, type, aggregate_type, aggregate_id, payload, occurred_at from outbox_event
         where tx_id >= ?::xid8 and tx_id < ?::xid8 and position > ? order by position limit ?`,
        [from, to, afterPosition, BATCH],
      );
      const windowDone = rows.length < BATCH;
      const checkpoint = windowDone ? `${to}` : `${from}:${to}:${String(rows.at(-1)!.position)}`;
      if (rows.length === 0 && from === to) return 0;
      await bus.publish(
        stream,
        rows.map((row) => ({
          id: String(row.id),
          stream,
          type: String(row.type),
          aggregateType: String(row.aggregate_type),
          aggregateId: String(row.aggregate_id),
          payload: (typeof row.payload === 'string' ? JSON.parse(row.payload) : row.payload) as Record<string, unknown>,
          occurredAt: new Date(row.occurred_at as string).toISOString(),
        })),
        checkpoint,
      );
      return rows.length;
    }, { loggerContext: QUIET });
  }

  /** Past the retention window events leave the bus, and relayed rows leave the outbox. */
  async function prune(): Promise<void> {
    if (Date.now() - lastPrune < 10 * 60_000) return;
    lastPrune = Date.now();
    const horizon = new Date(Date.now() - options.retentionHours * 3_600_000);
    await bus.prune(horizon);
    const watermark = (await bus.relayedThrough(stream))?.split(':')[0];
    if (watermark) {
      await orm.em.getConnection().execute('delete from outbox_event where occurred_at < ? and tx_id < ?::xid8', [horizon, watermark], 'run', undefined, QUIET);
    }
  }

  async function drain(): Promise<void> {
    do {
      again = false;
      try {
        while ((await relayOnce()) === BATCH);
        await prune();
      } catch (error) {
        log.warn({ err: error }, 'outbox relay failed; retrying');
      }
    } while (again && !stopped);
  }

  /** Asks for a relay pass now (after a flush); passes never overlap. */
  function nudge(): void {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    running = drain().finally(() => (running = undefined));
  }

  const tick = () => {
    nudge();
    if (!stopped) timer = setTimeout(tick, options.intervalMs ?? 1000);
  };
  tick();

  return {
    nudge,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
