import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createOrm } from '@crm/kit/database.js';
import { createLogger } from '@crm/kit/logger.js';
import { startPrivatePostgres } from './helpers/private-postgres.js';

// A DATABASE_URL's parameters (libpq's: host as a Unix socket directory, startup options, sslmode) are honoured by
// pg's own pools (the event bus, the jobs). MikroORM reads only the URL's host, port, user, password and database,
// so the ORM's pool connected to the URL's host over TCP with none of them: half of a subgraph's connections
// ignored the URL. A server of the test's own, so that its socket is on this machine, where the test can reach it.

let database: Awaited<ReturnType<typeof startPrivatePostgres>>;
beforeAll(async () => {
  database = await startPrivatePostgres();
}, 60_000);
afterAll(() => database.dispose());

describe('the database URL', () => {
  it("reaches the ORM's pool whole: a Unix socket directory as host, startup options", async () => {
    const url = new URL(database.socketUrl);
    expect(url.searchParams.get('host')).toMatch(/^\//); // the embedded server's socket directory
    url.searchParams.set('options', '-c lock_timeout=4321');
    const orm = await createOrm({ url: url.toString(), entities: [], migrations: [], log: createLogger('database-url-test'), pool: { max: 1 } });
    try {
      const [row] = await orm.em
        .getConnection()
        .execute<Array<{ client: string | null; lock_timeout: string }>>(
          `select inet_client_addr()::text as client, current_setting('lock_timeout') as lock_timeout`,
        );
      // No client address: the session came through the socket, not over TCP.
      expect(row).toEqual({ client: null, lock_timeout: '4321ms' });
    } finally {
      await orm.close();
    }
  });
});
