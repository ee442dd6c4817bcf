import type { BusEvent, EventBus } from '../../subgraphs/kit/bus/index.js';
import { DomainError } from '../../subgraphs/kit/errors.js';

const PAGE = 200;

/** One bus listener per gateway instance, waking every subscription of this instance. */
export class WakeHub {
  private readonly waiters = new Set<() => void>();
  private unsubscribe?: () => Promise<void>;

  constructor(private readonly bus: EventBus) {}

  async start(): Promise<void> {
    this.unsubscribe = await this.bus.onPublish(() => this.wakeAll());
  }

  /** Resolves on the next publish, or after `ms` as a safety net. */
  wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.waiters.add(done);
    });
  }

  wakeAll(): void {
    for (const waiter of [...this.waiters]) waiter();
  }

  async stop(): Promise<void> {
    this.wakeAll();
    await this.unsubscribe?.();
  }
}

/**
 * The events after `cursor` that match, then live ones, with no gap and no duplicate: a single reader walks the
 * bus in cursor order. It is pulled by the socket writer, so a slow client holds a position, never a queue.
 */
export async function* matchingEvents(options: {
  bus: EventBus;
  hub: WakeHub;
  after: string | null;
  matches: (event: BusEvent) => boolean;
  isClosed: () => boolean;
}): AsyncGenerator<BusEvent> {
  let cursor = options.after ?? (await options.bus.head());
  while (!options.isClosed()) {
    // Listen before reading, so a publish during the read is not slept through.
    const woken = options.hub.wait(2000);
    let page: BusEvent[];
    try {
      page = await options.bus.read(cursor, PAGE);
    } catch (error) {
      // A bus outage delays events, it does not end the subscription; a bad cursor does.
      if (error instanceof DomainError) throw error;
      await woken;
      continue;
    }
    for (const event of page) {
      cursor = event.cursor;
      if (!options.matches(event)) continue;
      yield event;
    }
    if (page.length < PAGE) await woken;
  }
}
