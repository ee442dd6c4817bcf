import pg from 'pg';
import { platform } from '../config.js';
import { ensureDatabase } from '../database.js';
import { createLogger, type Logger } from '../logger.js';
import { cursorAhead, cursorExpired, cursorMalformed, type BusEvent, type EventBus } from './event-bus.js';
import { mentionsSql, redactPayload } from '../erasure.js';

const CHANNEL = 'crm_events';

// The bus's own storage in its own database: like a topic, not any subgraph's tables.
const SCHEMA = `
  create table if not exists event_log (
    seq bigserial primary key,
    id uuid not null unique,
    stream text not null,
    type text not null,
    aggregate_type text not null,
    aggregate_id text not null,
    payload jsonb not null,
    occurred_at timestamptz not null,
    published_at timestamptz not null default now()
  );
  create index if not exists event_log_published_at on event_log (published_at);
  create table if not exists event_log_pruned (id int primary key default 1, through bigint not null);
  create table if not exists relay_checkpoint (stream text primary key, checkpoint text not null);
`;

interface Row {
  seq: string;
  id: string;
  stream: string;
  type: string;
  aggregate_type: string;
  aggregate_id: string;
  payload: Record<string, unknown>;
  occurred_at: Date;
}

const toEvent = (row: Row): BusEvent => ({
  id: row.id,
  stream: row.stream,
  type: row.type,
  aggregateType: row.aggregate_type,
  aggregateId: row.aggregate_id,
  payload: row.payload,
  occurredAt: row.occurred_at.toISOString(),
  cursor: row.seq,
});

/**
 * The default transport: PostgreSQL itself. The event log table is the source of truth; NOTIFY only wakes readers.
 * Publishers take one lock for their whole transaction, so sequence numbers commit in order: once a reader sees
 * `seq` N, no smaller one can still appear, and a cursor never skips an event committed late.
 * A lost connection is never fatal: pooled queries fail until the server is back, the wake-up listener reconnects.
 */
export async function createPostgresBus(
  url: string,
  options: { log?: Logger; poolMax?: number; /** DB_PREPARED_STATEMENTS unless given */ prepared?: boolean } = {},
): Promise<EventBus> {
  const log = options.log ?? createLogger('event-bus');
  // The statements every process runs at every publish (its readers, the relays) are prepared once per connection,
  // named, instead of planned at every call (50 µs of PostgreSQL's time a read); not behind PgBouncer before 1.22 in
  // transaction mode, where DB_PREPARED_STATEMENTS is off (kit/prepared-statements.ts).
  const prepared = options.prepared ?? platform().DB_PREPARED_STATEMENTS;
  const statement = (name: string, text: string, values: unknown[]): pg.QueryConfig =>
    prepared ? { name: `crm-bus-${name}`, text, values } : { text, values };
  await ensureDatabase(url);
  // Its connections are kept (no idle timeout), and each LISTENs: NOTIFY wakes the readers of this process through
  // whichever connection is idle, so no connection is held for LISTEN alone (ADR 12's budget). One that the server
  // dropped is replaced at the next query, which the readers' polls make within seconds; it listens again and wakes
  // every reader, since notifications sent meanwhile were lost.
  const waiters = new Set<() => void>();
  const wakeAll = () => [...waiters].forEach((wake) => wake());
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolMax ?? 1,
    connectionTimeoutMillis: 5000,
    idleTimeoutMillis: 0,
    // Awaited by pg-pool before the connection serves the statement it was opened for.
    onConnect: async (client: pg.ClientBase) => {
      // pg-pool listens for errors only on idle clients; one in use (between two statements) needs its own listener.
      client.on('error', () => undefined);
      client.on('notification', wakeAll);
      // A read's plan is the same for every cursor and page size (the primary key's range), but PostgreSQL judged
      // each call's own plan cheaper than the generic one and planned the prepared read at every call.
      await client.query(prepared ? `listen ${CHANNEL}; set plan_cache_mode = force_generic_plan` : `listen ${CHANNEL}`);
      wakeAll();
    },
  });
  // Without a listener, a connection the server drops (restart, failover) is an uncaught exception.
  pool.on('error', (error) => log.warn({ err: error.message }, 'event bus connection lost; it reconnects on next use'));
  // Every service creates the schema at start; the lock keeps simultaneous starts from colliding.
  await pool.query(`begin; select pg_advisory_xact_lock(hashtext('crm-event-log-schema')); ${SCHEMA} commit;`);
  /**
   * A cursor whose events were pruned, or that no event ever had, fails (as EventBus.read says). Pruning can have
   * taken events after it only where the range read is not gap-free from it on: a range of the very next numbers
   * needs no second statement (most reads, one per wake-up of every subgraph's consumers). Numbers also skip when a
   * publish rolled back or repeated an event; those ranges are checked.
   */
  const checkCursor = async (cursor: string | null, after: bigint, range: { count: number; first: string | null; last: string | null }) => {
    if (cursor === null) return;
    if (range.count > 0 && BigInt(range.first!) === after + 1n && BigInt(range.last!) === after + BigInt(range.count)) return;
    const { rows: bounds } = await pool.query<{ through: string | null; newest: string | null }>(
      'select (select through from event_log_pruned) as through, (select max(seq) from event_log) as newest',
    );
    const prunedThrough = BigInt(bounds[0]?.through ?? '0');
    if (after < prunedThrough) throw cursorExpired(cursor);
    // Nothing after it: fine at the head, but a cursor no event ever had would wait forever.
    const newest = BigInt(bounds[0]?.newest ?? '0');
    if (range.count === 0 && after > (newest > prunedThrough ? newest : prunedThrough)) throw cursorAhead(cursor);
  };
  return {
    name: 'postgres',
    async publish(stream, events, checkpoint) {
      const client = await pool.connect();
      try {
        await client.query('begin');
        await client.query(`select pg_advisory_xact_lock(hashtext('crm-event-log'))`);
        await client.query(
          statement(
            'append',
            `insert into event_log (id, stream, type, aggregate_type, aggregate_id, payload, occurred_at)
             select * from jsonb_to_recordset($1::jsonb) as e(id uuid, stream text, type text, "aggregateType" text, "aggregateId" text, payload jsonb, "occurredAt" timestamptz)
             on conflict (id) do nothing`,
            [JSON.stringify(events)],
          ),
        );
        await client.query(
          statement(
            'checkpoint',
            `insert into relay_checkpoint (stream, checkpoint) values ($1, $2)
             on conflict (stream) do update set checkpoint = excluded.checkpoint`,
            [stream, checkpoint],
          ),
        );
        if (events.length) await client.query(`select pg_notify($1, '')`, [CHANNEL]);
        await client.query('commit');
      } catch (error) {
        await client.query('rollback').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
    async relayedThrough(stream) {
      const { rows } = await pool.query<{ checkpoint: string }>(statement('relayed', 'select checkpoint from relay_checkpoint where stream = $1', [stream]));
      return rows[0]?.checkpoint ?? null;
    },
    async read(cursor, limit, options) {
      const after = cursor === null ? 0n : parseCursor(cursor);
      const payloadsOf = options?.payloadsOf ? [...options.payloadsOf] : null;
      const { rows } = await pool.query<Row>(
        statement(
          'read',
          `select seq, id, stream, type, aggregate_type, aggregate_id,
             case when $3::text[] is null or type = any($3::text[]) then payload else '{}'::jsonb end as payload, occurred_at
           from event_log where seq > $1 order by seq limit $2`,
          [after.toString(), limit, payloadsOf],
        ),
      );
      await checkCursor(cursor, after, { count: rows.length, first: rows[0]?.seq ?? null, last: rows.at(-1)?.seq ?? null });
      return rows.map(toEvent);
    },
    async readTypes(cursor, limit, types, options) {
      const after = cursor === null ? 0n : parseCursor(cursor);
      const payloadsOf = options?.payloadsOf ? [...options.payloadsOf] : null;
      // The range is read as by `read`; only its rows of the types asked for, and its last, leave the server.
      const { rows } = await pool.query<Row & { scanned: string; first: string | null; last: string | null }>(
        statement(
          'read-types',
          `with page as (
             select seq, id, stream, type, aggregate_type, aggregate_id, payload, occurred_at
             from event_log where seq > $1 order by seq limit $2
           ), span as (select count(*) as scanned, min(seq) as first, max(seq) as last from page)
           select p.seq, p.id, p.stream, p.type, p.aggregate_type, p.aggregate_id,
             case when $3::text[] is null or p.type = any($3::text[]) then p.payload else '{}'::jsonb end as payload,
             p.occurred_at, s.scanned, s.first, s.last
           from span s left join page p on p.type = any($4::text[]) or p.seq = s.last
           order by p.seq`,
          [after.toString(), limit, payloadsOf, [...types]],
        ),
      );
      const span = rows[0]!;
      const scanned = Number(span.scanned);
      await checkCursor(cursor, after, { count: scanned, first: span.first, last: span.last });
      return { events: scanned === 0 ? [] : rows.map(toEvent), full: scanned >= limit };
    },
    async head() {
      const { rows } = await pool.query<{ seq: string | null }>('select max(seq) as seq from event_log');
      return rows[0]?.seq ?? null;
    },
    compare(a, b) {
      const [x, y] = [parseCursor(a), parseCursor(b)];
      return x === y ? 0 : x < y ? -1 : 1;
    },
    async onPublish(onWake) {
      waiters.add(onWake);
      return async () => void waiters.delete(onWake);
    },
    async prune(olderThan) {
      // The time written in, not bound: the session plans bound values generically (above), and a generic plan of
      // `published_at < $1` expects a third of the log, where the index finds the few rows past the window.
      await pool.query(
        `with gone as (delete from event_log where published_at < '${olderThan.toISOString()}'::timestamptz returning seq)
         insert into event_log_pruned (id, through) select 1, max(seq) from gone having count(*) > 0
         on conflict (id) do update set through = greatest(event_log_pruned.through, excluded.through)`,
      );
    },
    async redact(match) {
      const where = mentionsSql(match);
      let n = 0;
      const sql = where.sql.replace(/\?/g, () => `$${++n}`);
      const { rows } = await pool.query<{ seq: string; payload: Record<string, unknown> }>(`select seq, payload from event_log where ${sql}`, where.params);
      for (const row of rows)
        await pool.query('update event_log set payload = $1::jsonb where seq = $2', [JSON.stringify(redactPayload(row.payload)), row.seq]);
      return rows.length;
    },
    async ping() {
      await pool.query('select 1');
    },
    async close() {
      waiters.clear();
      await pool.end();
    },
  };
}

function parseCursor(cursor: string): bigint {
  if (!/^\d{1,19}$/.test(cursor)) throw cursorMalformed(cursor);
  return BigInt(cursor);
}
