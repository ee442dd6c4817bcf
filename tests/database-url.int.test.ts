import { describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { createOrm } from '@crm/kit/database.js';
import { createLogger } from '@crm/kit/logger.js';

// A DATABASE_URL's parameters (libpq's: host as a Unix socket directory, startup options, sslmode) are honoured by
// pg's own pools (the event bus, the jobs). MikroORM reads only the URL's host, port, user, password and database,
// so the ORM's pool connected to the URL's host over TCP with none of them: half of a subgraph's connections
// ignored the URL.

const server = process.env.DATABASE_URL!;
const log = createLogger('database-url-test');

async function socketDirectoryOf(url: string): Promise<string> {
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    const { rows } = await admin.query<{ unix_socket_directories: string }>('show unix_socket_directories');
    return rows[0]!.unix_socket_directories.split(',')[0]!.trim();
  } finally {
    await admin.end();
  }
}

describe('the database URL', () => {
  it("reaches the ORM's pool whole: a Unix socket directory as host, startup options", async () => {
    const directory = await socketDirectoryOf(server);
    expect(directory).not.toBe(''); // the machine's server and the embedded one both listen on a socket
    const url = new URL(server);
    url.searchParams.set('host', directory);
    url.searchParams.set('options', '-c lock_timeout=4321');
    const orm = await createOrm({ url: url.toString(), entities: [], migrations: [], log, pool: { max: 1 } });
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
