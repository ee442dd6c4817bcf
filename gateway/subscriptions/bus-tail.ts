import type { BusEvent, EventBus } from '@crm/kit/bus/index.js';
import { DomainError } from '@crm/kit/errors.js';
import type { Logger } from '@crm/kit/logger.js';

const PAGE = 500;
/** LISTEN/pub-sub wakes the tail; these polls only cover a lost notification. */
const SAFETY_POLL_MS = 10_000;
const IDLE_POLL_MS = 60_000;

/** A live subscription as the tail sees it: a filter and a place to put what matches. */
export interface TailListener {
  /** The gateway's own listener (e.g. dropping cached callers when identity changes), not a client subscription. */
  internal?: boolean;
  matches(event: BusEvent): boolean;
  push(event: BusEvent): void;
  end(error: Error): void;
}

/**
 * The one reader of the bus in a gateway: it follows the newest events and hands each to every subscription
 * whose filter matches, so the bus is read once per event, not once per subscriber, and an idle socket costs
 * nothing. Subscriptions that resume from an older cursor read that part themselves, then join here.
 */
export class BusTail {
  /** The last event handed to listeners; everything after it will be. */
  cursor: string | null = null;
  private readonly listeners = new Set<TailListener>();
  private wake?: () => void;
  private stopped = false;
  private running?: Promise<void>;
  private unsubscribe?: () => Promise<void>;

  constructor(
    readonly bus: EventBus,
    private readonly log: Logger,
  ) {}

  async start(): Promise<void> {
    this.cursor = await this.bus.head();
    this.unsubscribe = await this.bus.onPublish(() => this.wake?.());
    this.running = this.follow();
  }

  /** Client subscriptions on the tail (the gateway's own listeners are not counted). */
  get listenerCount(): number {
    let count = 0;
    for (const listener of this.listeners) if (!listener.internal) count++;
    return count;
  }

  /** Joins synchronously: every event after `this.cursor` at this moment reaches the listener. */
  join(listener: TailListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.running;
    await this.unsubscribe?.();
  }

  private async follow(): Promise<void> {
    let failures = 0;
    while (!this.stopped) {
      // Armed before reading, so a publish during the read is not slept through.
      const woken = this.nextWake(failures ? Math.min(500 * 2 ** failures, 10_000) : this.listenerCount ? SAFETY_POLL_MS : IDLE_POLL_MS);
      try {
        // Read even with nobody listening: jumping to the head instead would skip what a subscriber joining
        // during that read is owed.
        await this.readToHead();
        failures = 0;
      } catch (error) {
        failures++;
        if (error instanceof DomainError && error.extensions.code === 'CURSOR_EXPIRED') await this.skipToHeadAfterExpiry(error).catch(() => undefined);
        else if (failures === 1 || failures % 20 === 0)
          this.log.warn({ err: (error as Error).message, failures }, 'subscription feed cannot read the bus; retrying');
      }
      await woken;
    }
  }

  private async readToHead(): Promise<void> {
    for (;;) {
      const page = await this.bus.read(this.cursor, PAGE);
      for (const event of page) {
        this.cursor = event.cursor;
        for (const listener of this.listeners) if (listener.matches(event)) listener.push(event);
      }
      if (page.length < PAGE || this.stopped) return;
    }
  }

  /** Only after the gateway could not read for the whole retention window: its subscribers are told to resume. */
  private async skipToHeadAfterExpiry(error: Error): Promise<void> {
    this.log.error({ metric: 'subscription_feed_behind_retention' }, 'subscription feed fell behind the retention window; ending subscriptions');
    for (const listener of [...this.listeners]) listener.end(error);
    this.listeners.clear();
    this.cursor = await this.bus.head();
  }

  private nextWake(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        if (this.wake === done) this.wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      timer.unref();
      this.wake = done;
    });
  }
}
