import type { MikroORM } from '@mikro-orm/postgresql';
import type { EventBus } from './bus/index.js';
import type { Logger } from './logger.js';
import { wakeOnEventCommits } from './outbox-commit-signal.js';
import { executePrepared } from './sql.js';

const BATCH = 500;
// Background polling stays out of the query log (and out of the statement counts of tests).
const QUIET = { enabled: false };
const CHECKPOINT_PREFIX = 'seq:';
/** Another replica is relaying: look again this soon, since its pass may have begun before our events committed. */
const BUSY_RETRY_MS = 25;
const BUSY = -1;

/**
 * The relay's statements on the outbox. Each is an index range on `seq` (outbox_commit_order's primary key) and
 * lookups of those events by position, so a pass costs the same with an empty outbox as with the whole retention
 * window in it (tests/relay-cost.int.test.ts reads their plans).
 */
export const RELAY_SQL = {
  /** The next batch after the bus's checkpoint ($1 the last seq relayed, $2 the batch size). */
  nextBatch: `select o.seq, e.id, e.type, e.aggregate_type, e.aggregate_id, e.payload, e.occurred_at
    from outbox_commit_order o join outbox_event e on e.position = o.position
    where o.seq > ? order by o.seq limit ?`,
  /**
   * Relayed rows past the retention horizon ($1 the horizon, $2 the last seq relayed), found by their time: the rows
   * it reads are the rows it deletes. Their order rows go with them (on delete cascade).
   */
  prune: `delete from outbox_event e where e.occurred_at < ?
    and (select o.seq from outbox_commit_order o where o.position = e.position) <= ?`,
} as const;

/**
 * Publishes committed outbox events to the bus in commit order (`seq`, stamped at commit: ADR 5). The bus keeps
 * the checkpoint `seq:<n>` with the events it publishes, so a crash in between re-publishes (idempotent by id).
 * One relay per subgraph database works at a time (advisory lock), which keeps each aggregate's events in order.
 *
 * It wakes when a transaction of this process that wrote events commits (through any of `writers`, the ORMs the
 * process writes with), and polls every second as a safety net. A replica wakes its own relay for its own writes;
 * if another replica's relay holds the lock, it looks again a moment later. No connection is kept for LISTEN, so
 * this costs no connection and works the same behind PgBouncer in transaction mode (ADR 12).
 */
export function startOutboxRelay(options: {
  orm: MikroORM;
  writers: readonly MikroORM[];
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
  let failures = 0;

  async function relayOnce(): Promise<number> {
    // Its own ORM's fork even when a request's commit woke it (that transaction's context is still current, and a
    // plain fork would be made from it, on the request pool); quiet, `begin` and `commit` included.
    return orm.em.fork({ loggerContext: QUIET, disableContextResolution: true }).transactional(
      async (em) => {
        const run = <T extends object[]>(sql: string, params: unknown[] = []) => em.execute<T>(sql, params, 'all', QUIET);
        const [lock] = await run<Array<{ locked: boolean }>>(`select pg_try_advisory_xact_lock(hashtext('outbox-relay')) as locked`);
        if (!lock?.locked) return BUSY;
        const after = await relayedThrough(run);
        // Prepared: a pass after every write, and its text with the values written in was planned anew each time.
        const rows = await executePrepared<Record<string, unknown>>(em, RELAY_SQL.nextBatch, [after, BATCH], QUIET);
        if (rows.length === 0) return 0;
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
          `${CHECKPOINT_PREFIX}${String(rows.at(-1)!.seq)}`,
        );
        return rows.length;
      },
      { loggerContext: QUIET },
    );
  }

  /**
   * The last seq on the bus. A checkpoint from before commit-ordered numbering (a transaction-id window) restarts
   * at the oldest row that window had not covered: re-publishing a few events is harmless, skipping one is not.
   */
  async function relayedThrough(run: <T extends object[]>(sql: string, params?: unknown[]) => Promise<T>): Promise<string> {
    const saved = await bus.relayedThrough(stream);
    if (saved === null) return '0';
    if (saved.startsWith(CHECKPOINT_PREFIX)) return saved.slice(CHECKPOINT_PREFIX.length);
    // Legacy checkpoints: `<to>` (every transaction below `to` relayed) or `<from>:<to>:<position>` (part way through).
    const [from, to, position] = saved.includes(':') ? saved.split(':') : [saved, saved, '0'];
    const [oldest] = await run<Array<{ seq: string | null }>>(
      `select coalesce((select min(o.seq) - 1 from outbox_commit_order o join outbox_event e on e.position = o.position
                         where e.tx_id >= ?::xid8 or (e.tx_id >= ?::xid8 and e.position > ?)),
                       (select max(seq) from outbox_commit_order), 0)::text as seq`,
      [to, from, position],
    );
    log.info({ legacyCheckpoint: saved, from: oldest?.seq }, 'outbox relay moved to commit-ordered checkpoints');
    return oldest?.seq ?? '0';
  }

  /** Past the retention window events leave the bus, and relayed rows leave the outbox. */
  async function prune(): Promise<void> {
    if (Date.now() - lastPrune < 10 * 60_000) return;
    lastPrune = Date.now();
    const horizon = new Date(Date.now() - options.retentionHours * 3_600_000);
    await bus.prune(horizon);
    const saved = await bus.relayedThrough(stream);
    if (saved?.startsWith(CHECKPOINT_PREFIX)) {
      await orm.em.getConnection().execute(RELAY_SQL.prune, [horizon, saved.slice(CHECKPOINT_PREFIX.length)], 'run', undefined, QUIET);
    }
  }

  async function drain(): Promise<void> {
    do {
      again = false;
      try {
        let relayed: number;
        while ((relayed = await relayOnce()) === BATCH);
        if (relayed === BUSY) setTimeout(nudge, BUSY_RETRY_MS).unref();
        else await prune();
        if (failures > 0) log.info({ failures }, 'outbox relay recovered');
        failures = 0;
      } catch (error) {
        failures++;
        // The first failure and then every 30th: an outage of a minute must not flood the log.
        if (failures === 1 || failures % 30 === 0) log.warn({ err: error, failures }, 'outbox relay failed; retrying');
      }
    } while (again && !stopped);
  }

  /** Asks for a relay pass now; passes never overlap. */
  function nudge(): void {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    running = drain().finally(() => (running = undefined));
  }

  const unwatch = options.writers.map((writer) => wakeOnEventCommits(writer, nudge));
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
      unwatch.forEach((stopWatching) => stopWatching());
      await running;
    },
  };
}
