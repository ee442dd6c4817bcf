import { createHash } from 'node:crypto';
import type pg from 'pg';

/**
 * Statement texts one connection keeps prepared at most. A new one beyond them drops them all (`deallocate all`) and
 * starts again, outside a transaction; in one it is sent unnamed. The texts are the code's, but an enum filter's values
 * are written into them (`enumArray`, kit/sql.ts), so a client could ask for many: the ones in use then come back
 * after one more preparing each, where a cap that took no more would have left a text first needed later unprepared.
 */
const MAX_PER_CONNECTION = 200;
/** Texts marked for preparing, process-wide; the marks start again when full (each read marks its text as it runs). */
const MAX_MARKED = 1000;
const nameOf = (text: string): string => `crm_${createHash('sha1').update(text).digest('base64url')}`;

/** Each marked text with its statement's name, worked out once (a hash of the text at every call showed in profiles). */
const marked = new Map<string, string>();

/** PostgreSQL's answer when a prepared `select t.*` meets a table whose columns a migration has since changed. */
const planOutdated = (error: unknown) => {
  const { code, routine } = error as { code?: string; routine?: string };
  return code === '0A000' && routine === 'RevalidateCachedQuery';
};

/** `text` (with `$1`, … placeholders) is to be sent as a prepared statement on connections that prepare (`executePrepared`). */
export function markForPreparing(text: string): void {
  if (marked.has(text)) return;
  if (marked.size >= MAX_MARKED) marked.clear();
  marked.set(text, nameOf(text));
}

type Query = (config: pg.QueryConfig) => Promise<pg.QueryResult>;
interface PgConnection {
  parsedStatements: Record<string, string>;
}

/**
 * Makes `client` send the statements marked for it (`markForPreparing`: the reads of `executePrepared`, `kit/sql.ts`)
 * as named prepared statements, which PostgreSQL parses and plans once per connection instead of at every call. A
 * read on the 360° query's path spent more of PostgreSQL's time being planned than being run (0.8 ms against 0.2 in
 * EXPLAIN for a page of a customer's interactions, whose table has many indexes), and the 360° query's six statements
 * cost half the CPU prepared that they cost sent as text (ADR 12). Every other statement stays unnamed:
 * MikroORM's, with their values written in, are each a new text, and writes (`executeBound`) are not worth what a
 * changed table would cost them (below).
 *
 * A prepared statement outlives a change of its table: after a migration adds a column, PostgreSQL refuses a prepared
 * `select t.*` (0A000, "cached plan must not change result type"). The connection's statements are then dropped and
 * prepared again: at once outside a transaction, where the statement runs once more; after it in one, which the
 * refusal has already failed (the caller's error, as for any failed statement). The reads run outside transactions.
 *
 * Not behind PgBouncer before 1.22 in transaction mode, which hands consecutive statements to different server
 * connections: set DB_PREPARED_STATEMENTS=false there (README, PgBouncer).
 */
export function prepareMarkedStatements(client: pg.ClientBase): void {
  const original = client.query.bind(client) as (...args: unknown[]) => unknown;
  const query = original as unknown as Query;
  const connection = (client as unknown as { connection: PgConnection }).connection;
  const prepared = new Set<string>();
  let stale = false;
  const forgetAll = async () => {
    await query({ text: 'deallocate all' });
    for (const name of prepared) delete connection.parsedStatements[name];
    prepared.clear();
    stale = false;
  };
  const idle = () => client.getTransactionStatus() === 'I';
  const run = async (text: string, name: string, values: unknown[]): Promise<pg.QueryResult> => {
    const full = !prepared.has(name) && prepared.size >= MAX_PER_CONNECTION;
    if ((stale || full) && idle()) await forgetAll();
    if (stale || (!prepared.has(name) && prepared.size >= MAX_PER_CONNECTION)) return query({ text, values });
    prepared.add(name);
    try {
      return await query({ name, text, values });
    } catch (error) {
      if (!planOutdated(error)) throw error;
      stale = true;
      if (!idle()) throw error;
      await forgetAll();
      prepared.add(name);
      return query({ name, text, values });
    }
  };
  const replaced = (text: unknown, values?: unknown, callback?: unknown) => {
    const name = typeof text === 'string' && Array.isArray(values) && callback === undefined ? marked.get(text) : undefined;
    return name !== undefined
      ? run(text as string, name, values as unknown[])
      : original(...[text, values, callback].filter((argument) => argument !== undefined));
  };
  client.query = replaced as unknown as typeof client.query;
}
