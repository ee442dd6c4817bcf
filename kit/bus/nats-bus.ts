import { connect, nanos, type Subscription } from '@nats-io/transport-node';
import { jetstream, jetstreamManager, JetStreamApiCodes, JetStreamApiError, StorageType, type StoredMsg, type StreamConfig } from '@nats-io/jetstream';
import { createLogger, type Logger } from '../logger.js';
import { cursorAhead, cursorExpired, cursorMalformed, type BusEvent, type EventBus, type OutgoingEvent } from './event-bus.js';
import { CUSTOMER_ID_KEYS } from '../erasure.js';

/** Messages read from the stream at once (in parallel), by sequence. */
const CHUNK = 100;
/** How long JetStream remembers an event id to drop a repeated publish (bounded by the retention). */
const DUPLICATE_WINDOW_MS = 3_600_000;

export interface NatsBusOptions {
  /** The JetStream stream of events (letters, digits, `_`, `-`); its relay checkpoints live in `<stream>_RELAYED`. */
  stream?: string;
  /** max_age of the stream: JetStream drops older events by itself; 0 keeps them until `prune`. */
  retentionSeconds: number;
  log?: Logger;
}

/**
 * The NATS JetStream transport (ADR 11). One stream holds the events, one subject per stream and type
 * (`<stream>.events.<subgraph>.<type>`); its sequence numbers are the cursors. A second stream keeps the newest
 * relay checkpoint per subgraph (`<stream>.relayed.<subgraph>`, one message per subject, no age limit). A plain
 * NATS message on `<stream>.wake` wakes the readers. The client reconnects for ever; a restart of the server is
 * logged, operations fail until it is back, and the readers are woken when it is.
 */
export async function createNatsBus(url: string, options: NatsBusOptions): Promise<EventBus> {
  const name = options.stream ?? 'CRM_EVENTS';
  if (!/^[A-Za-z0-9_-]{1,200}$/.test(name)) throw new Error(`NATS_STREAM "${name}" is not a stream name: use letters, digits, _ and -`);
  const log = options.log ?? createLogger('event-bus');
  const relayedName = `${name}_RELAYED`;
  const eventSubject = (stream: string, type: string) => `${name}.events.${token(stream)}.${token(type)}`;
  const relayedSubject = (stream: string) => `${name}.relayed.${token(stream)}`;
  const wakeSubject = `${name}.wake`;

  const nc = await connect({ servers: url, name: `crm-event-bus ${name}`, maxReconnectAttempts: -1, reconnectTimeWait: 1000 });
  const maxAgeMs = options.retentionSeconds * 1000;
  const jsm = await (async () => {
    try {
      const manager = await jetstreamManager(nc);
      await ensureStream(manager, {
        name,
        subjects: [`${name}.events.>`],
        max_age: nanos(maxAgeMs),
        duplicate_window: nanos(maxAgeMs > 0 ? Math.min(DUPLICATE_WINDOW_MS, maxAgeMs) : DUPLICATE_WINDOW_MS),
      });
      await ensureStream(manager, { name: relayedName, subjects: [`${name}.relayed.>`], max_msgs_per_subject: 1 });
      return manager;
    } catch (error) {
      // e.g. JetStream is not enabled (`nats-server -js`): a connection left open would reconnect for ever.
      await nc.close();
      throw error;
    }
  })();
  const js = jetstream(nc);

  // Woken on every publish, and after a reconnect: wake-ups sent while the connection was down are lost.
  const listeners = new Set<() => void>();
  let closing = false;
  let connected = true;
  void (async () => {
    for await (const status of nc.status()) {
      if (status.type === 'disconnect') {
        connected = false;
        log.warn({ server: status.server }, 'event bus connection lost; reconnecting');
      } else if (status.type === 'reconnect') {
        connected = true;
        log.info({ server: status.server }, 'event bus reconnected');
        listeners.forEach((wake) => wake());
      } else if (status.type === 'error') log.warn({ err: status.error.message }, 'event bus connection error');
    }
  })().catch((error: unknown) => log.warn({ err: error }, 'event bus status stopped'));
  void nc.closed().then((error) => {
    if (!closing) log.error({ err: error?.message }, 'event bus connection closed; operations fail until the service restarts');
  });

  // While reconnecting the client would hold requests until they time out: fail at once instead (the relay retries).
  const reachable = () => {
    if (!connected || nc.isClosed()) throw new Error('the event bus is not connected to NATS (reconnecting)');
  };
  const info = async () => (await jsm.streams.info(name)).state;
  /** The messages at sequences from..to that still exist, oldest first (a gap is an event deleted by an erasure or expired). */
  const range = async (from: number, to: number) => {
    const messages: StoredMsg[] = [];
    let gaps = false;
    for (let start = from; start <= to; start += CHUNK) {
      const seqs = Array.from({ length: Math.min(CHUNK, to - start + 1) }, (_, i) => start + i);
      for (const message of await Promise.all(seqs.map((seq) => jsm.streams.getMessage(name, { seq })))) {
        if (message) messages.push(message);
        else gaps = true;
      }
    }
    return { messages, gaps };
  };
  const toEvent = (message: StoredMsg): BusEvent => ({ ...message.json<OutgoingEvent>(), cursor: String(message.seq) });

  return {
    name: 'nats',
    async publish(stream, events, checkpoint) {
      reachable();
      // One at a time, each acknowledged before the next: a failure leaves a prefix stored, and the relay's retry
      // stores the rest after it (the repeated prefix is dropped by event id), so each aggregate's order holds.
      for (const event of events) {
        await js.publish(eventSubject(stream, event.type), JSON.stringify(event), { msgID: event.id, expect: { streamName: name } });
      }
      // Saved after the events: a crash in between re-publishes, and the duplicate window drops the repeats.
      await js.publish(relayedSubject(stream), checkpoint, { expect: { streamName: relayedName } });
      if (events.length) nc.publish(wakeSubject);
    },
    async relayedThrough(stream) {
      const message = await jsm.streams.getMessage(relayedName, { last_by_subj: relayedSubject(stream) });
      return message?.string() ?? null;
    },
    async read(cursor, limit) {
      const after = cursor === null ? 0 : parseCursor(cursor);
      const state = await info();
      // The last sequence stays when events are purged or expire; the first one moves past what is gone.
      if (cursor !== null && after > state.last_seq) throw cursorAhead(cursor);
      const expired = (firstSeq: number) => cursor !== null && after + 1 < firstSeq;
      if (expired(state.first_seq)) throw cursorExpired(cursor!);
      const events: BusEvent[] = [];
      let from = Math.max(after + 1, state.first_seq);
      while (events.length < limit && from <= state.last_seq) {
        const to = Math.min(state.last_seq, from + (limit - events.length) - 1);
        const { messages, gaps } = await range(from, to);
        // A gap may be events that expired since `info`: then the cursor has expired too.
        if (gaps && expired((await info()).first_seq)) throw cursorExpired(cursor!);
        events.push(...messages.map(toEvent));
        from = to + 1;
      }
      return events;
    },
    async head() {
      const { last_seq } = await info();
      return last_seq > 0 ? String(last_seq) : null;
    },
    compare(a, b) {
      return Math.sign(parseCursor(a) - parseCursor(b));
    },
    async onPublish(onWake) {
      const subscription: Subscription = nc.subscribe(wakeSubject, {
        callback: (error) => {
          if (!error) onWake();
        },
      });
      listeners.add(onWake);
      return async () => {
        listeners.delete(onWake);
        subscription.unsubscribe();
      };
    },
    async prune(olderThan) {
      // JetStream drops events past max_age by itself; this purges what is older than `olderThan` now (a shorter
      // retention than the stream's, or the stream's own age limit before the server got to it).
      const state = await info();
      if (state.messages === 0) return;
      const nextFrom = async (seq: number) => jsm.streams.getMessage(name, nextMessageAt(seq, `${name}.events.>`));
      const oldest = await nextFrom(state.first_seq);
      if (!oldest || oldest.time >= olderThan) return;
      // Binary search for the first event not older than `olderThan` (publish times grow with the sequence):
      // `lo` is an event older than it, every event from `hi` on is not.
      let [lo, hi] = [oldest.seq, state.last_seq + 1];
      while (hi - lo > 1) {
        const mid = Math.floor((lo + hi) / 2);
        const found = await nextFrom(mid);
        if (found && found.seq < hi && found.time < olderThan) lo = found.seq;
        else hi = mid;
      }
      await jsm.streams.purge(name, { seq: hi });
    },
    async redact(match) {
      const ids = new Set([...match.aggregateIds, ...match.customerIds]);
      const about = (event: OutgoingEvent) =>
        ids.has(event.aggregateId) || CUSTOMER_ID_KEYS.some((k) => typeof event.payload[k] === 'string' && ids.has(event.payload[k] as string));
      // A stored message cannot change: the events about the person are deleted, and their bytes erased on disk.
      const state = await info();
      let removed = 0;
      for (let from = state.first_seq; from <= state.last_seq; from += CHUNK * 5) {
        const { messages } = await range(from, Math.min(state.last_seq, from + CHUNK * 5 - 1));
        for (const message of messages.filter((m) => about(m.json<OutgoingEvent>()))) {
          if (await jsm.streams.deleteMessage(name, message.seq, true)) removed++;
        }
      }
      return removed;
    },
    async ping() {
      reachable();
      await jsm.streams.info(name);
    },
    async close() {
      closing = true;
      listeners.clear();
      await nc.close();
    },
  };
}

type Manager = Awaited<ReturnType<typeof jetstreamManager>>;

/** Creates the stream, or brings an existing one to this configuration (e.g. after EVENT_RETENTION_HOURS changed). */
async function ensureStream(jsm: Manager, config: Pick<StreamConfig, 'name' | 'subjects'> & Partial<StreamConfig>): Promise<void> {
  const { name, ...wanted } = config;
  let current: StreamConfig;
  try {
    current = (await jsm.streams.info(name)).config;
  } catch (error) {
    if (!(error instanceof JetStreamApiError && error.code === JetStreamApiCodes.StreamNotFound)) throw error;
    // Services start together: adding the same configuration twice is no error.
    await jsm.streams.add({ ...config, storage: StorageType.File });
    return;
  }
  const differs = (Object.keys(wanted) as Array<keyof typeof wanted>).some((key) => JSON.stringify(current[key]) !== JSON.stringify(wanted[key]));
  if (differs) await jsm.streams.update(name, wanted);
}

/**
 * The first message at or after `seq` on `subject` (MSG.GET's `next_by_subj`, servers 2.9+). The client's type for
 * `streams.getMessage` names only `seq` and `last_by_subj`; the request is passed to the server as it is.
 */
const nextMessageAt = (seq: number, subject: string): { seq: number } => ({ seq, next_by_subj: subject }) as { seq: number };

/** A subject token: names of subgraphs and event types are words already; anything else becomes `_`. */
const token = (value: string) => value.replace(/[^A-Za-z0-9_-]/g, '_') || '_';

function parseCursor(cursor: string): number {
  const seq = /^\d{1,16}$/.test(cursor) ? Number(cursor) : NaN;
  if (!Number.isSafeInteger(seq)) throw cursorMalformed(cursor);
  return seq;
}
