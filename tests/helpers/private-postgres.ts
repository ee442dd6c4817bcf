import { createServer } from 'node:net';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '@crm/kit/embedded-postgres.js';
import { createLogger } from '@crm/kit/logger.js';

/** A PostgreSQL server of the test's own, which it may stop and start (outages) without touching other tests. */
export async function startPrivatePostgres(): Promise<EmbeddedDatabase & { socketUrl: string; dispose(): Promise<void> }> {
  const dataDir = path.join(tmpdir(), `crm-private-pg-${randomBytes(4).toString('hex')}`);
  const server = await startEmbeddedPostgres({ dataDir, port: await freePort(), log: createLogger('private-postgres') });
  return {
    ...server,
    url: server.tcpUrl, // as the tests' shared server is reached (scripts/test.ts)
    socketUrl: server.url, // through its Unix socket (in its data dir), as npm start reaches it
    dispose: async () => {
      await server.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * A free port below the ephemeral range (32768+): while the server is stopped for an outage, no socket another
 * test opens with port 0 can take it.
 */
async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = 27000 + ((process.pid * 7 + attempt * 131 + Date.now()) % 5000);
    if (await isFree(port)) return port;
  }
  throw new Error('no free port for a private PostgreSQL');
}

const isFree = (port: number) =>
  new Promise<boolean>((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
