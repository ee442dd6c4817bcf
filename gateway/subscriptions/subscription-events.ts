import type { WebSocket } from 'ws';
import type { BusEvent } from '@crm/kit/bus/index.js';
import { DomainError } from '@crm/kit/errors.js';
import type { BusTail, TailListener } from './bus-tail.js';

/**
 * The close code of a socket whose client fell behind. It is outside graphql-ws's reserved codes (4400–4499,
 * 4500, 4004, 4005), so the stock client reports it (`on.closed`) and reconnects rather than giving up.
 */
export const SLOW_SUBSCRIBER_CODE = 4100;
export const SLOW_SUBSCRIBER_REASON = 'Too slow: resubscribe with after set to the last event.cursor received';
const CATCH_UP_PAGE = 200;

/**
 * What one socket holds for its subscriptions: at most `limit` events matched but not yet taken (a subscription
 * that would pass it reads on from the bus by itself, holding a position instead of a queue), and one message
 * in flight per subscription, as each is sent only once the previous one went out. A client that leaves an
 * event untaken for `maxStallMs` is closed with SLOW_SUBSCRIBER_CODE; the close frame waits behind no more than
 * those messages, so it reaches the client as soon as it reads again.
 */
export class SocketBudget {
  queued = 0;
  private readonly closing = new AbortController();
  /** Aborted once the socket closes, for whatever reason. */
  readonly closed = this.closing.signal;

  constructor(
    private readonly socket: WebSocket,
    readonly limit: number,
    readonly maxStallMs: number,
    private readonly onTooSlow: () => void,
  ) {
    socket.once('close', () => this.closing.abort());
  }

  tooSlow(): void {
    if (this.closed.aborted) return;
    this.closing.abort();
    this.onTooSlow();
    if (this.socket.readyState === this.socket.OPEN) this.socket.close(SLOW_SUBSCRIBER_CODE, SLOW_SUBSCRIBER_REASON);
  }
}

const ENDED = Symbol('ended');

/**
 * Waits for a promise unless `signal` aborts first (then ENDED): nothing a subscription waits on outlives it. A
 * subscription waits for one thing at a time, so one abort listener for its whole life serves every wait (adding
 * and removing one per event cost a fan-out to thousands more than the rest of the hand-over).
 */
function waitsUnlessEnded(signal: AbortSignal): <T>(promise: Promise<T>) => Promise<T | typeof ENDED> {
  let interrupt: (() => void) | undefined;
  signal.addEventListener('abort', () => interrupt?.(), { once: true });
  return <T>(promise: Promise<T>) => {
    if (signal.aborted) return Promise.resolve(ENDED);
    return new Promise<T | typeof ENDED>((resolve, reject) => {
      interrupt = () => resolve(ENDED);
      promise.then(
        (value) => ((interrupt = undefined), resolve(value)),
        (error: unknown) => ((interrupt = undefined), reject(error)),
      );
    });
  };
}

/**
 * The events, each shaped by `shape`, as an iterator whose return() ends at once: graphql-ws calls it when the
 * client unsubscribes, which must not wait for the next matching event to unblock a generator.
 */
export function subscriptionStream<T, P>(
  options: Omit<Parameters<typeof subscriptionEvents<T>>[0], 'signal'>,
  shape: (item: { event: BusEvent; prepared: T }) => P,
): AsyncIterableIterator<P> {
  const stop = new AbortController();
  const events = subscriptionEvents({ ...options, signal: AbortSignal.any([stop.signal, options.budget.closed]) });
  const end = () => {
    stop.abort();
    void events.return(undefined);
  };
  return {
    next: () => events.next().then((step): IteratorResult<P> => (step.done ? { done: true, value: undefined } : { done: false, value: shape(step.value) })),
    async return() {
      end();
      return { done: true, value: undefined };
    },
    async throw(error: unknown) {
      end();
      throw error;
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}

/**
 * One subscription's events, in bus order with no gap and no repeat: first those after `after`, read from the
 * bus until level with the shared tail, then the tail's live ones. `prepare` runs as an event is matched (the
 * entity read starts then, batched with the other subscribers'), and its result is awaited before the event
 * is handed over, so the stall clock only measures the client.
 */
async function* subscriptionEvents<T>(options: {
  tail: BusTail;
  after: string | null;
  matches: (event: BusEvent) => boolean;
  prepare: (event: BusEvent) => Promise<T>;
  budget: SocketBudget;
  signal: AbortSignal;
}): AsyncGenerator<{ event: BusEvent; prepared: T }> {
  const { tail, budget, signal } = options;
  const bus = tail.bus;
  const unlessEnded = waitsUnlessEnded(signal);
  const queue: Array<{ event: BusEvent; prepared: Promise<T> }> = [];
  let wake: (() => void) | undefined;
  let failure: Error | undefined;
  let overflowed = false;
  const listener: TailListener = {
    matches: options.matches,
    push(event) {
      if (overflowed) return;
      if (budget.queued >= budget.limit) {
        // Behind by a whole buffer: stop holding events and read them from the bus once the queue is drained. The
        // socket's budget may have been spent by another of its subscriptions while this one waits with nothing
        // queued: woken, it reads on from the bus at once (asleep, it would never be pushed to again).
        overflowed = true;
        wake?.();
        return;
      }
      queue.push({ event, prepared: options.prepare(event) });
      budget.queued++;
      wake?.();
    },
    end(error) {
      failure = error;
      wake?.();
    },
  };
  let position = options.after;
  // Null before joining the tail means "from now on"; after, that the bus was empty when it joined, so everything
  // on the bus since is owed (a subscription that overflows before its first event reads it all from the bus).
  let joined = false;
  let leave: (() => void) | undefined;
  let caughtUp: Array<{ event: BusEvent; prepared: Promise<T> }> = [];
  /** The next matched event, null once the subscription ended: caught up from the bus, then live from the tail. */
  const nextMatched = async (): Promise<{ event: BusEvent; prepared: Promise<T> } | null> => {
    while (!signal.aborted) {
      if (caughtUp.length) return caughtUp.shift()!;
      if (!leave) {
        // Catch up from the bus until level with the tail, then join it in the same tick, so nothing falls between.
        const tailAt = tail.cursor;
        if (tailAt === null || (position === null ? !joined : bus.compare(position, tailAt) >= 0)) {
          position ??= tailAt;
          leave = tail.join(listener);
          joined = true;
          continue;
        }
        const page = await unlessEnded(readPage(tail, position, signal));
        if (page === ENDED) return null;
        if (page.length === 0) leave = tail.join(listener);
        else {
          caughtUp = page.filter(options.matches).map((event) => ({ event, prepared: options.prepare(event) }));
          position = page.at(-1)!.cursor;
        }
        continue;
      }
      // Live: what the tail matched for us, in order.
      if (failure) throw failure;
      const next = queue.shift();
      if (!next) {
        if (overflowed) {
          // Overflowed and drained: leave the tail and read the rest from the bus, from the last event handed over.
          leave();
          leave = undefined;
          overflowed = false;
        } else {
          const woken = await unlessEnded(new Promise<void>((resolve) => (wake = resolve)));
          wake = undefined;
          if (woken === ENDED) return null;
        }
        continue;
      }
      budget.queued--;
      // The tail may hand over what catching up already read.
      if (position !== null && bus.compare(next.event.cursor, position) <= 0) continue;
      position = next.event.cursor;
      return next;
    }
    return null;
  };

  try {
    // One place hands events over (no generator per event: a fan-out to thousands pays for each).
    for (;;) {
      const next = await nextMatched();
      if (!next) return;
      const prepared = await unlessEnded(next.prepared);
      if (prepared === ENDED) return;
      const stalled = setTimeout(() => budget.tooSlow(), budget.maxStallMs);
      try {
        yield { event: next.event, prepared };
      } finally {
        clearTimeout(stalled);
      }
    }
  } finally {
    leave?.();
    budget.queued -= queue.length;
  }
}

/** A page of the bus; a bus outage delays it, a bad cursor (a DomainError) ends the subscription. */
async function readPage(tail: BusTail, cursor: string | null, signal: AbortSignal): Promise<BusEvent[]> {
  for (let attempt = 0; !signal.aborted; attempt++) {
    try {
      return await tail.bus.read(cursor, CATCH_UP_PAGE);
    } catch (error) {
      if (error instanceof DomainError) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.min(250 * 2 ** attempt, 5000)));
    }
  }
  return [];
}
