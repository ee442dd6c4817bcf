import type { Logger } from './logger.js';

/** Runs `run` now and then every `intervalMs`; runs never overlap, a failure is logged and retried next time. */
export function startPeriodicJob(options: { name: string; intervalMs: number; run: () => Promise<void>; log: Logger }): {
  stop(): Promise<void>;
} {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();

  async function runOnce(): Promise<void> {
    try {
      await options.run();
    } catch (error) {
      options.log.error({ err: error, job: options.name }, 'periodic job failed; retrying at the next interval');
    }
  }
  function schedule(delayMs: number): void {
    if (stopped) return;
    timer = setTimeout(() => {
      running = runOnce().finally(() => schedule(options.intervalMs));
    }, delayMs);
  }

  schedule(0);
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
