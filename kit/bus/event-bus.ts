import { DomainError } from '../errors.js';
import type { ErasureMatch } from '../erasure.js';

/** A committed domain event as every consumer sees it. `cursor` orders the whole bus and resumes a reader. */
export interface BusEvent {
  id: string;
  /** The subgraph that emitted it. */
  stream: string;
  type: string;
  aggregateType: string;
  aggregateId: string;
  payload: Record<string, unknown>;
  occurredAt: string;
  cursor: string;
}

export type OutgoingEvent = Omit<BusEvent, 'cursor'>;

export interface ReadOptions {
  /**
   * The types whose payloads the reader will look at. Events of other types still come, in their place and with
   * their cursors (a reader passes over them), but a transport may leave their payload out (`{}`): the PostgreSQL
   * bus does, so a subgraph's consumers do not fetch and parse every page view's payload only to pass it over.
   */
  payloadsOf?: ReadonlySet<string>;
}

/** What `readTypes` answers: a reader's types among the next events, and whether it read as many as it could. */
export interface TypedPage {
  /**
   * Oldest first: the events of the types asked for among the next `limit`, then the last of those `limit` whatever
   * its type (its payload `{}` unless asked for), so that a reader's cursor passes over the ones left out.
   */
  events: BusEvent[];
  /** `limit` events were read: more may follow. Otherwise the reader has seen everything published so far. */
  full: boolean;
}

/**
 * The transport between the outbox relays and the consumers (subscriptions, automations).
 * Delivery is at-least-once; `publish` is idempotent by event id, so a relay may retry freely.
 */
export interface EventBus {
  readonly name: string;
  /** Appends events and records how far the `stream`'s outbox has been relayed (an opaque checkpoint). */
  publish(stream: string, events: OutgoingEvent[], checkpoint: string): Promise<void>;
  /** The checkpoint of `stream`'s relay, null before its first pass. */
  relayedThrough(stream: string): Promise<string | null>;
  /**
   * Events after `cursor` (null: from the oldest retained), oldest first. A malformed cursor or one beyond the
   * newest event fails with BAD_USER_INPUT; only a cursor whose events were pruned fails with CURSOR_EXPIRED.
   */
  read(cursor: string | null, limit: number, options?: ReadOptions): Promise<BusEvent[]>;
  /**
   * `read` for a reader of a few types (a subgraph's consumers): the events of other types stay in the transport
   * instead of each being sent, parsed and passed over. Optional: a transport without it is read with `read`.
   */
  readTypes?(cursor: string | null, limit: number, types: ReadonlySet<string>, options?: ReadOptions): Promise<TypedPage>;
  /** The cursor of the newest event, for a reader that wants only what comes next. */
  head(): Promise<string | null>;
  /** Orders two valid cursors of this bus: negative when `a` comes first, 0 when equal, positive after. */
  compare(a: string, b: string): number;
  /** Calls `onWake` whenever new events may be readable. Returns an unsubscribe function. */
  onPublish(onWake: () => void): Promise<() => Promise<void>>;
  /** Drops events older than the retention window. */
  prune(olderThan: Date): Promise<void>;
  /**
   * Erasure: the retained events about a person lose everything but ids and codes (erasure.ts); returns how many.
   * (Redis stream entries and JetStream messages cannot change: those transports delete them.)
   */
  redact(match: ErasureMatch): Promise<number>;
  /** Answers when the transport is reachable (readiness). */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export const cursorExpired = (cursor: string) =>
  new DomainError('CURSOR_EXPIRED', `Cursor ${cursor} is older than the retention window; resubscribe without a cursor`, { cursor });

export const cursorMalformed = (cursor: string) =>
  new DomainError('BAD_USER_INPUT', `"${cursor.slice(0, 40)}" is not a cursor: pass back the event.cursor of an event you received`, { field: 'after' });

export const cursorAhead = (cursor: string) =>
  new DomainError('BAD_USER_INPUT', `Cursor ${cursor} is ahead of the newest event; pass back the event.cursor of an event you received`, { field: 'after' });

/** Reads everything after `cursor`, page by page. */
export async function* readAll(bus: EventBus, cursor: string | null, pageSize = 500): AsyncGenerator<BusEvent> {
  let position = cursor;
  for (;;) {
    const page = await bus.read(position, pageSize);
    for (const event of page) yield event;
    if (page.length < pageSize) return;
    position = page.at(-1)!.cursor;
  }
}
