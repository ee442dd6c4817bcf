/** How a feed waits out its window: setTimeout in the gateway, a hand-driven timer in unit tests. */
export type Schedule = (run: () => void, ms: number) => { cancel(): void };

export const timerSchedule: Schedule = (run, ms) => {
  const timer = setTimeout(run, ms);
  timer.unref();
  return { cancel: () => clearTimeout(timer) };
};

interface Subscriber<T> {
  /** The newest frame not yet taken (older ones are superseded: only the current totals matter). */
  pending: T | undefined;
  /** What was last handed to this subscriber, to send no frame equal to it. */
  lastSent: string | undefined;
  wake?: () => void;
  closed: boolean;
}

/**
 * The current value of one aggregate (a pipeline's totals, a queue's counts) for every subscriber that asked for it
 * the same way, kept fresh by re-reading it when told it changed, coalesced: the first change marks it, the read
 * happens `windowMs` later however many more changes arrive meanwhile (a burst of 1,000 events is one read), and a
 * change during a read schedules exactly one more read after it. Each subscriber gets the newest value only (a slow
 * one skips stale frames) and never a frame equal to the last one it got.
 */
export class CoalescedFeed<T> {
  private last: { value: T; json: string } | undefined;
  private reading: Promise<T> | undefined;
  private scheduled: { cancel(): void } | undefined;
  private changedDuringRead = false;
  private closed = false;
  private readonly subscribers = new Set<Subscriber<T>>();
  /** Reads made so far (for tests and the health endpoint's curiosity). */
  reads = 0;

  constructor(
    private readonly options: {
      read: () => Promise<T>;
      windowMs: number;
      /** A read that failed after the first (e.g. a subgraph restarting): the last value stays, the next change reads again. */
      onError?: (error: unknown) => void;
      schedule?: Schedule;
    },
  ) {}

  get size(): number {
    return this.subscribers.size;
  }

  /** The aggregate changed (or may have): read it again at the end of the window, once for the whole burst. */
  changed(): void {
    if (this.closed || this.scheduled) return;
    if (this.reading) {
      this.changedDuringRead = true;
      return;
    }
    this.scheduled = (this.options.schedule ?? timerSchedule)(() => {
      this.scheduled = undefined;
      void this.refresh().catch((error: unknown) => this.options.onError?.(error));
    }, this.options.windowMs);
  }

  /**
   * The subscriber's frames: first the current value (read now unless a read is under way or a value is known), then
   * each new one. The first read's failure is the subscriber's (e.g. NOT_FOUND): the iterator throws it.
   */
  subscribe(): AsyncIterableIterator<T> {
    const subscriber: Subscriber<T> = { pending: undefined, lastSent: undefined, closed: false };
    this.subscribers.add(subscriber);
    const leave = () => {
      subscriber.closed = true;
      subscriber.wake?.();
      this.subscribers.delete(subscriber);
    };
    const iterator = this.frames(subscriber, leave);
    return {
      next: () => iterator.next(),
      // graphql-ws calls return() when the client completes: end at once, even while waiting for a frame.
      return: (value?: unknown) => (leave(), iterator.return(value as T)),
      throw: (error?: unknown) => (leave(), iterator.throw(error)),
      [Symbol.asyncIterator]() {
        return this;
      },
    };
  }

  private async *frames(subscriber: Subscriber<T>, leave: () => void): AsyncGenerator<T> {
    try {
      const first = this.last?.value ?? (await this.refresh());
      subscriber.lastSent = JSON.stringify(first);
      if (subscriber.pending !== undefined && JSON.stringify(subscriber.pending) === subscriber.lastSent) subscriber.pending = undefined;
      yield first;
      while (!subscriber.closed) {
        if (subscriber.pending === undefined) {
          await new Promise<void>((resolve) => (subscriber.wake = resolve));
          subscriber.wake = undefined;
          continue;
        }
        const frame = subscriber.pending;
        subscriber.pending = undefined;
        subscriber.lastSent = JSON.stringify(frame);
        yield frame;
      }
    } finally {
      leave();
    }
  }

  close(): void {
    this.closed = true;
    this.scheduled?.cancel();
    this.scheduled = undefined;
    for (const subscriber of this.subscribers) {
      subscriber.closed = true;
      subscriber.wake?.();
    }
  }

  /** One read at a time: a caller during a read shares it. A value unlike the last one goes to every subscriber. */
  private refresh(): Promise<T> {
    if (this.reading) return this.reading;
    this.reads++;
    const reading = this.options.read().then((value) => {
      this.publish(value);
      return value;
    });
    this.reading = reading;
    void reading
      .catch(() => undefined)
      .finally(() => {
        this.reading = undefined;
        if (this.changedDuringRead) {
          this.changedDuringRead = false;
          this.changed();
        }
      });
    return reading;
  }

  private publish(value: T): void {
    const json = JSON.stringify(value);
    if (this.last?.json === json) return;
    this.last = { value, json };
    for (const subscriber of this.subscribers) {
      if (subscriber.lastSent === json) {
        subscriber.pending = undefined;
        continue;
      }
      subscriber.pending = value;
      subscriber.wake?.();
    }
  }
}
