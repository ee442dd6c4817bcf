import pg from 'pg';
import { MikroORM, type EntityManager, type Options } from '@mikro-orm/postgresql';
import { Migrator } from '@mikro-orm/migrations';
import { ReflectMetadataProvider } from '@mikro-orm/decorators/legacy';
import type { Constructor } from '@mikro-orm/core';
import type { Migration } from '@mikro-orm/migrations';
import { AggregateVersionStamp } from './events.js';
import { AuditTrail } from './audit.js';
import type { Logger } from './logger.js';
import { platform } from './config.js';
import { prepareMarkedStatements } from './prepared-statements.js';

const DUPLICATE_DATABASE = '42P04';
const UNIQUE_VIOLATION = '23505';

/** Creates the database named in `url` on its server when it does not exist yet. */
export async function ensureDatabase(url: string): Promise<void> {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.slice(1));
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`Unsupported database name "${name}"`);
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString(), connectionTimeoutMillis: 5000 });
  client.on('error', () => undefined); // a dropped connection fails the query below; it must not crash the process
  await client.connect();
  try {
    const { rowCount } = await client.query('select 1 from pg_database where datname = $1', [name]);
    if (rowCount === 0) await client.query(`create database "${name}"`);
  } catch (error) {
    // Two services or replicas starting at once may race to create it: the one that loses gets 42P04, or a duplicate
    // key in pg_database when both passed the check above. Either way it exists now (tests/migrations-replicas).
    const code = (error as { code?: string }).code;
    if (code !== DUPLICATE_DATABASE && code !== UNIQUE_VIOLATION) throw error;
  } finally {
    await client.end();
  }
}

export interface OrmOptions {
  url: string;
  entities: Options['entities'];
  migrations: Array<{ name: string; class: Constructor<Migration> }>;
  log: Logger;
  pool?: { min?: number; max?: number };
  onQuery?: (sql: string) => void;
  /** Any statement running longer is cancelled by PostgreSQL (0: no limit, for migrations). */
  statementTimeoutMs?: number;
  /** What its connections are called in pg_stat_activity (e.g. `crm-sales` for requests, `crm-sales-background`). */
  applicationName?: string;
}

/**
 * `work` in the caller's transaction when there is one (a mutation's, an event handler's): a transaction of its own
 * would be a savepoint there, two more round trips that buy nothing, since nothing catches a failed write to carry
 * on. Else in a new transaction.
 */
export const inTransaction = <T>(em: EntityManager, work: (tx: EntityManager) => Promise<T>): Promise<T> =>
  em.isInTransaction() ? work(em) : em.transactional(work);

/** DB_STATEMENT_TIMEOUT_MS: no request keeps the database busy longer than this. */
export const statementTimeoutMs = () => platform().DB_STATEMENT_TIMEOUT_MS;

/**
 * Kysely (under MikroORM) does not give a pooled connection back when the ROLLBACK or COMMIT of a transaction
 * fails, which is what happens when the server drops the connection mid-transaction (kysely-org/kysely#1990).
 * Every outage would leak a connection until the pool starves. A connection that ended while checked out is
 * therefore released (and discarded) by us, a moment later, unless its user released it meanwhile.
 */
function releaseDeadConnections(pool: pg.Pool): void {
  const checkedOut = new Set<pg.PoolClient>();
  pool.on('acquire', (client) => {
    checkedOut.add(client);
    if ((client as { watched?: boolean }).watched) return;
    (client as { watched?: boolean }).watched = true;
    client.on('end', () => {
      setTimeout(() => {
        if (checkedOut.delete(client)) client.release(new Error('connection lost while in use'));
      }, 1000).unref();
    });
  });
  pool.on('release', (_error, client) => checkedOut.delete(client));
}

export async function createOrm(options: OrmOptions): Promise<MikroORM> {
  const timeout = options.statementTimeoutMs ?? statementTimeoutMs();
  // Every session of the pool: an abusive or forgotten query is cancelled by the server itself. pg-pool awaits this
  // before handing the connection out, so the setting is not queued behind (or beside) the first statement.
  const prepare = platform().DB_PREPARED_STATEMENTS;
  const onConnect = async (client: pg.ClientBase) => {
    if (timeout > 0) await client.query(`set statement_timeout = ${Math.floor(timeout)}`);
    if (prepare) prepareMarkedStatements(client);
  };
  return MikroORM.init({
    driverOptions: {
      // pg reads the whole URL, as the bus's and the jobs' pools do: MikroORM alone takes only its host, port, user,
      // password and database, and would drop a Unix socket directory (`?host=`), `sslmode` and startup `options`.
      connectionString: options.url,
      onPoolCreated: releaseDeadConnections,
      onConnect,
      ...(options.applicationName ? { application_name: options.applicationName } : {}),
    },
    clientUrl: options.url,
    entities: options.entities,
    metadataProvider: ReflectMetadataProvider,
    extensions: [Migrator],
    discovery: { warnWhenNoEntities: false },
    pool: { min: 0, max: platform().DB_POOL_MAX, ...options.pool },
    migrations: { migrationsList: options.migrations, snapshot: false, silent: true, transactional: true },
    debug: options.onQuery ? ['query'] : false,
    colors: false,
    logger: options.onQuery ? (message) => options.onQuery?.(message) : (message) => options.log.debug(message),
    forceUtcTimezone: true,
    // No accessor defined on each entity for each of its columns when it is read: that is what keeps both sides of a
    // bidirectional relation in step, and the platform has none (each subgraph owns its tables; relations are ids).
    // With it, reading a page of two interactions into the ORM cost about 64 µs; without, about 36 (ADR 12).
    propagationOnPrototype: false,
    // One UPDATE per changed row, each with its `where version = ?`: a batched update checks versions with a
    // separate unlocked select first, which lets two concurrent writers both pass.
    useBatchUpdates: false,
    subscribers: [new AggregateVersionStamp(), new AuditTrail()],
    // Triggers and functions are written by migrations, not declared on entities: the outbox's commit-order numbering
    // (ADR 5, outbox-commit-order.ts) in every subgraph and identity's append-only audit log. Without these, the
    // schema diff (db:migration:create) would drop them as unknown.
    schemaGenerator: { ignoreTriggers: true, ignoreRoutines: true },
  });
}

/**
 * Runs `work` while this process holds the database's migration lock. Every replica of a subgraph migrates its
 * database when it starts; without the lock, replicas starting at once (a first install, an upgrade rolled out to
 * all pods) all found the same migrations pending, all ran them, and all but one failed on the others' tables
 * ("relation already exists", a duplicate key in pg_type) and exited. With it, one migrates while the others wait,
 * then find nothing pending.
 *
 * The lock is an advisory lock, which PostgreSQL keeps per database: this one only orders the starts of one
 * subgraph's replicas. It is transaction-scoped, held by a transaction kept open on a connection of its own while
 * the migrator works on its own connection: the migrator creates its `mikro_orm_migrations` table before it opens
 * its transaction, so a lock taken inside that transaction would come too late. A transaction keeps its server
 * connection behind PgBouncer in transaction mode too, and the lock goes when the transaction or the connection
 * ends, so a replica that dies while migrating does not block the next one.
 */
async function withMigrationLock<T>(url: string, work: () => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  client.on('error', () => undefined); // a dropped connection fails the query or ends the lock; it must not crash the process
  await client.connect();
  try {
    await client.query('begin');
    // Waiting for the lock lasts as long as another replica's migrations, and the transaction then stays idle
    // through this one's: limits set on the role for requests (statement_timeout behind PgBouncer) must not end it.
    await client.query('set local statement_timeout = 0');
    await client.query('set local idle_in_transaction_session_timeout = 0');
    await client.query(`select pg_advisory_xact_lock(hashtext('crm-migrations'))`);
    return await work();
  } finally {
    await client.query('rollback').catch(() => undefined);
    await client.end().catch(() => undefined);
  }
}

/** Ensures the database exists, connects and applies pending migrations (one replica at a time). */
export async function openDatabase(options: OrmOptions): Promise<MikroORM> {
  await ensureDatabase(options.url);
  await withMigrationLock(options.url, async () => {
    // Migrations may rebuild an index on a large table: they run on their own connections, without the timeout.
    const migrating = await createOrm({ ...options, statementTimeoutMs: 0, onQuery: undefined, pool: { min: 0, max: 1 } });
    try {
      const applied = await migrating.migrator.up();
      if (applied.length > 0) options.log.info({ migrations: applied.map((m) => m.name) }, 'migrations applied');
    } finally {
      await migrating.close();
    }
  });
  return createOrm(options);
}
