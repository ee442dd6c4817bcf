/** How often eventually() checks again. */
const POLL_MS = 100;

/** Automations run asynchronously: poll until the check passes, or fail with its last error. */
export async function eventually<T>(check: () => Promise<T>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, POLL_MS)); // the poll interval, between two checks
    }
  }
}

/**
 * An experiment's measured idle window: the time passing IS the thing under test (pooled sockets ageing past a
 * keep-alive, idle subscribers costing nothing over a window). It is not a way to wait for something to happen:
 * for that, use eventually() or an event the test can await. tests/no-fixed-sleeps.test.ts allows it only in the
 * experiments it lists.
 */
export const idleWindow = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
