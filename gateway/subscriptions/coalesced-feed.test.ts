import { describe, expect, it } from '@jest/globals';
import { CoalescedFeed, type Schedule } from './coalesced-feed.js';

/** A timer the test fires by hand: the window "passes" when the test says so. */
function handTimer() {
  const waiting: Array<{ run: () => void; ms: number; cancelled: boolean }> = [];
  const schedule: Schedule = (run, ms) => {
    const entry = { run, ms, cancelled: false };
    waiting.push(entry);
    return { cancel: () => void (entry.cancelled = true) };
  };
  return {
    schedule,
    pending: () => waiting.filter((entry) => !entry.cancelled).length,
    /** Ends every window now. */
    elapse() {
      for (const entry of waiting.splice(0)) if (!entry.cancelled) entry.run();
    },
  };
}

/** A source whose reads the test answers: each read waits until released with a value. */
function source<T>() {
  const reads: Array<(value: T) => void> = [];
  let answered = 0;
  return {
    read: () => new Promise<T>((resolve) => reads.push(resolve)),
    get asked() {
      return reads.length;
    },
    answer(value: T) {
      reads[answered++]!(value);
    },
  };
}

const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('CoalescedFeed', () => {
  it('sends the current value at once, then one read and one frame per window however many changes came', async () => {
    const timer = handTimer();
    const totals = source<{ count: number }>();
    const feed = new CoalescedFeed({ read: totals.read, windowMs: 250, schedule: timer.schedule });
    const frames = feed.subscribe();
    const first = frames.next();
    await settle();
    totals.answer({ count: 0 });
    expect((await first).value).toEqual({ count: 0 });

    for (let i = 0; i < 1000; i++) feed.changed();
    expect(timer.pending()).toBe(1);
    expect(totals.asked).toBe(1);
    timer.elapse();
    await settle();
    expect(totals.asked).toBe(2);
    totals.answer({ count: 1000 });
    expect((await frames.next()).value).toEqual({ count: 1000 });
    expect(feed.reads).toBe(2);
    await frames.return!();
    expect(feed.size).toBe(0);
  });

  it('does not send a frame equal to the last one, and reads once more for changes during a read', async () => {
    const timer = handTimer();
    const totals = source<number>();
    const feed = new CoalescedFeed({ read: totals.read, windowMs: 250, schedule: timer.schedule });
    const frames = feed.subscribe();
    const first = frames.next();
    await settle();
    totals.answer(5);
    expect((await first).value).toBe(5);

    feed.changed();
    timer.elapse();
    await settle();
    feed.changed(); // during the read: one more read after it, not now
    expect(timer.pending()).toBe(0);
    totals.answer(5); // unchanged: no frame
    await settle();
    expect(timer.pending()).toBe(1);
    timer.elapse();
    await settle();
    totals.answer(7);
    expect((await frames.next()).value).toBe(7);
    expect(totals.asked).toBe(3);
    await frames.return!();
  });

  it('shares one read among subscribers, gives a slow one only the newest frame, and a late one the current value without a read', async () => {
    const timer = handTimer();
    const totals = source<number>();
    const feed = new CoalescedFeed({ read: totals.read, windowMs: 250, schedule: timer.schedule });
    const a = feed.subscribe();
    const b = feed.subscribe();
    const [firstA, firstB] = [a.next(), b.next()];
    await settle();
    expect(totals.asked).toBe(1);
    totals.answer(1);
    expect([(await firstA).value, (await firstB).value]).toEqual([1, 1]);

    const nextA = a.next();
    for (const value of [2, 3]) {
      feed.changed();
      timer.elapse();
      await settle();
      totals.answer(value);
      await settle();
    }
    expect((await nextA).value).toBe(2);
    expect((await a.next()).value).toBe(3);
    expect((await b.next()).value).toBe(3); // b took nothing meanwhile: 2 was superseded

    const late = feed.subscribe();
    expect((await late.next()).value).toBe(3);
    expect(totals.asked).toBe(3);
    await Promise.all([a.return!(), b.return!(), late.return!()]);
  });

  it("hands the first read's failure to the subscriber, and keeps the last value when a later read fails", async () => {
    const timer = handTimer();
    const failures: unknown[] = [];
    let calls = 0;
    const feed = new CoalescedFeed({
      read: async () => {
        calls++;
        if (calls === 1) throw new Error('Pipeline not found');
        if (calls === 3) throw new Error('subgraph restarting');
        return calls;
      },
      windowMs: 250,
      schedule: timer.schedule,
      onError: (error) => failures.push(error),
    });
    await expect(feed.subscribe().next()).rejects.toThrow('Pipeline not found');
    const frames = feed.subscribe();
    expect((await frames.next()).value).toBe(2);
    feed.changed();
    timer.elapse();
    await settle();
    expect(failures).toHaveLength(1);
    feed.changed();
    timer.elapse();
    expect((await frames.next()).value).toBe(4);
    await frames.return!();
  });
});
