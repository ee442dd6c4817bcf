import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { eventually } from './eventually.js';

/** One database's line of PgBouncer's `SHOW POOLS`/`SHOW STATS`, the columns the tests read. */
export interface PoolFigures {
  database: string;
  /** Client connections (active and waiting) and server connections (all states) right now. */
  clients: number;
  servers: number;
}

/** A real PgBouncer (Debian's `pgbouncer`) in front of a PostgreSQL server, in transaction mode. */
export interface PgBouncer {
  /** `postgres://…@127.0.0.1:<port>/`: the server's databases, through PgBouncer. */
  url: string;
  /** Transactions PgBouncer has passed to the server, by database. */
  transactions(): Promise<Map<string, number>>;
  pools(): Promise<PoolFigures[]>;
  /** PgBouncer's own log: what it refused or closed. */
  log(): Promise<string>;
  stop(): Promise<void>;
}

const PGBOUNCER = '/usr/sbin/pgbouncer';

/**
 * Starts PgBouncer with `pool_mode = transaction` and `serverConnections` server connections per database and user,
 * so every client connection's transactions land on whichever server connection is free: session state does not
 * survive between them. Every database of `server` is reachable under its own name (the `*` entry).
 */
export async function startPgBouncer(server: string, serverConnections: number): Promise<PgBouncer> {
  const target = new URL(server);
  const user = decodeURIComponent(target.username || 'postgres');
  const dir = await mkdtemp(path.join(tmpdir(), 'crm-pgbouncer-'));
  // PgBouncer refuses to run as root; CI runs as root, so it runs as the `postgres` user there and reads its files.
  const asRoot = process.getuid?.() === 0;
  if (asRoot) await chmod(dir, 0o777);
  const port = await freePort();
  const logFile = path.join(dir, 'pgbouncer.log');
  await writeFile(path.join(dir, 'users.txt'), `"${user}" "${decodeURIComponent(target.password)}"\n`);
  await writeFile(
    path.join(dir, 'pgbouncer.ini'),
    [
      '[databases]',
      `* = host=${target.hostname} port=${target.port || 5432}`,
      '[pgbouncer]',
      'listen_addr = 127.0.0.1',
      `listen_port = ${port}`,
      'unix_socket_dir =',
      'auth_type = trust',
      `auth_file = ${path.join(dir, 'users.txt')}`,
      `admin_users = ${user}`,
      'pool_mode = transaction',
      // Each transaction on the next server connection in turn (not the last one used, PgBouncer's default): state a
      // client left on one server connection is then missing on the next, as under real concurrency.
      'server_round_robin = 1',
      `default_pool_size = ${serverConnections}`,
      'max_client_conn = 1000',
      // node-postgres sends it at connect; PgBouncer would otherwise refuse the connection.
      'ignore_startup_parameters = extra_float_digits',
      `logfile = ${logFile}`,
      '',
    ].join('\n'),
  );
  const child: ChildProcess = spawn(PGBOUNCER, [...(asRoot ? ['-u', 'postgres'] : []), path.join(dir, 'pgbouncer.ini')], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let failure = '';
  child.stderr!.on('data', (chunk: Buffer) => (failure += chunk.toString()));
  const spawned = new Promise<void>((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', (error) => reject(new Error(`PgBouncer could not start (${PGBOUNCER}: apt-get install pgbouncer): ${error.message}`)));
  });
  await spawned;
  const url = `postgres://${encodeURIComponent(user)}@127.0.0.1:${port}/`;
  const admin = async <T>(statement: string): Promise<T[]> => {
    const client = new pg.Client({ connectionString: `${url}pgbouncer` });
    client.on('error', () => {});
    await client.connect();
    try {
      // The admin console speaks only the simple protocol.
      return (await client.query({ text: statement, queryMode: 'simple' } as pg.QueryConfig)).rows as T[];
    } finally {
      await client.end();
    }
  };
  await eventually(async () => {
    if (child.exitCode !== null) throw new Error(`PgBouncer exited: ${failure || (await readFile(logFile, 'utf8').catch(() => ''))}`);
    await admin('SHOW VERSION');
  }, 15_000);
  return {
    url,
    async transactions() {
      const rows = await admin<{ database: string; total_xact_count: string }>('SHOW STATS');
      return new Map(rows.map((row) => [row.database, Number(row.total_xact_count)]));
    },
    async pools() {
      const rows = await admin<Record<string, string>>('SHOW POOLS');
      return rows.map((row) => ({
        database: row.database!,
        clients: Number(row.cl_active) + Number(row.cl_waiting),
        servers: Number(row.sv_active) + Number(row.sv_idle) + Number(row.sv_used) + Number(row.sv_tested) + Number(row.sv_login),
      }));
    },
    log: () => readFile(logFile, 'utf8'),
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGINT');
        await once(child, 'exit');
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function freePort(): Promise<number> {
  const probe = createServer().listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}
