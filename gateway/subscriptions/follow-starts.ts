import type { BusTail } from './bus-tail.js';

/** How many records' starts are kept (the newest; a web form's client follows its lead within minutes). */
const MAX_KEPT = 20_000;

/**
 * Where on the bus each record a follow token may name begins: the cursor just before the first of its events the
 * gateway's tail saw. A web form's client gets its token with submitWebForm's answer, and routing may be done before
 * it subscribes; a follow subscription without `after` starts here, so it replays what it missed instead of waiting
 * for a change that already happened. A record the tail has not seen yet starts at the tail (everything of it is
 * still to come). One the tail never saw because this gateway started later, or forgot among more than MAX_KEPT
 * newer ones, starts at the tail too: its client learns its next change, or passes `after`.
 */
export class FollowStarts {
  private readonly starts = new Map<string, string>();
  private last: string | null;
  private readonly leave: () => void;

  constructor(tail: BusTail, types: ReadonlySet<string>) {
    this.last = tail.cursor;
    this.leave = tail.join({
      internal: true,
      matches: (event) => {
        if (types.has(event.type) && this.last !== null && !this.starts.has(event.aggregateId)) {
          this.starts.set(event.aggregateId, this.last);
          if (this.starts.size > MAX_KEPT) this.starts.delete(this.starts.keys().next().value!);
        }
        this.last = event.cursor;
        return false;
      },
      push: () => undefined,
      end: () => undefined,
    });
  }

  /** The cursor to replay the record's events after; null: it starts at the tail. */
  startOf(id: string): string | null {
    return this.starts.get(id) ?? null;
  }

  stop(): void {
    this.leave();
  }
}
