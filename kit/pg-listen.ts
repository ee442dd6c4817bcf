import pg from 'pg';
import type { Logger } from './logger.js';

/**
 * One LISTEN connection on `channel`, shared by every waiter of the process. NOTIFY is only a wake-up: waiters
 * still read the table they care about. When the server drops the connection it reconnects with backoff and
 * wakes every waiter, since notifications sent meanwhile were lost.
 */
export function listenForNotifications(url: string, channel: string, log: Logger) {
  if (!/^[a-z_][a-z0-9_]*$/.test(channel)) throw new Error(`Unsupported channel name "${channel}"`);
  const waiters = new Set<() => void>();
  let client: pg.Client | undefined;
  let connecting: Promise<void> | undefined;
  let retryTimer: NodeJS.Timeout | undefined;
  let failures = 0;
  let closed = false;
  const wakeAll = () => [...waiters].forEach((wake) => wake());

  function reconnectLater(): void {
    if (closed || retryTimer) return;
    const delay = Math.min(250 * 2 ** failures, 5000);
    failures++;
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      void connect().catch(() => reconnectLater());
    }, delay);
  }

  function connect(): Promise<void> {
    connecting ??= (async () => {
      const candidate = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
      // Without a listener, a connection the server drops is an uncaught exception that ends the process.
      candidate.on('error', (error) => {
        if (failures === 0) log.warn({ err: error.message, channel }, 'notification listener lost its connection; reconnecting');
      });
      candidate.on('end', () => {
        if (client === candidate) client = undefined;
        reconnectLater();
      });
      candidate.on('notification', wakeAll);
      try {
        await candidate.connect();
        await candidate.query(`listen ${channel}`);
      } catch (error) {
        await candidate.end().catch(() => undefined);
        throw error;
      }
      if (closed) return void (await candidate.end().catch(() => undefined));
      client = candidate;
      if (failures > 0) log.info({ channel }, 'notification listener reconnected');
      failures = 0;
      wakeAll();
    })().finally(() => (connecting = undefined));
    return connecting;
  }

  return {
    /** Calls `onWake` on every notification (and after a reconnect); returns the function that stops it. */
    async add(onWake: () => void): Promise<() => Promise<void>> {
      waiters.add(onWake);
      // Waiters still poll: a server that is down now only delays their wake-ups until it is back.
      if (!client) await connect().catch(() => reconnectLater());
      return async () => {
        waiters.delete(onWake);
      };
    },
    async close(): Promise<void> {
      closed = true;
      clearTimeout(retryTimer);
      waiters.clear();
      await connecting?.catch(() => undefined);
      await client?.end().catch(() => undefined);
    },
  };
}
