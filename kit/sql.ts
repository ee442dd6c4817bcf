import { randomUUID } from 'node:crypto';
import type { EntityManager, Kysely } from '@mikro-orm/postgresql';

/** A SQL condition with `?` placeholders and the values for them, in order. */
export interface SqlCondition {
  sql: string;
  params: unknown[];
}

/**
 * MikroORM expands an array parameter into a list of placeholders; a PostgreSQL array literal
 * keeps it one parameter for `= any(?::type[])`.
 */
export function pgArray(values: readonly string[]): string {
  return `{${values.map((v) => `"${v.replace(/["\\]/g, '\\$&')}"`).join(',')}}`;
}

/** Makes user text literal inside a LIKE/ILIKE pattern (`%`, `_` and `\` lose their meaning). */
export const escapeLike = (text: string): string => text.replace(/[\\%_]/g, '\\$&');

type CompiledQuery = Parameters<Kysely<unknown>['executeQuery']>[0];

/**
 * One statement with its values bound as parameters (`$1`, `$2`, …), in the transaction `em` is in (or on the pool).
 * `em.execute` writes every value into the SQL text, escaping it character by character: for a bulk write's one
 * JSON parameter of a few hundred KB (1,000 rows) that was about a tenth of marketing's CPU in the bench's ingestion.
 * Logged like `em.execute` (the query, without its values) and failing with the same MikroORM exceptions.
 */
export async function executeBound<T extends object>(em: EntityManager, sql: string, params: readonly unknown[]): Promise<T[]> {
  const driver = em.getDriver();
  const connection = driver.getConnection();
  const client: Pick<Kysely<unknown>, 'executeQuery'> = em.getTransactionContext<Kysely<unknown>>() ?? connection.getClient();
  // What kysely's CompiledQuery.raw builds (kysely is MikroORM's, not a dependency of ours).
  const compiled = { sql, parameters: [...params], query: { kind: 'RawNode', sqlFragments: [sql], parameters: [] }, queryId: { queryId: randomUUID() } };
  const started = Date.now();
  try {
    const { rows } = await client.executeQuery(compiled as unknown as CompiledQuery);
    logQuery(connection, sql, { took: Date.now() - started, results: rows.length });
    return rows as T[];
  } catch (error) {
    logQuery(connection, sql, { took: Date.now() - started, level: 'error' });
    throw error instanceof Error ? driver.convertException(error) : error;
  }
}

/** MikroORM's query log (debug mode, the slow-query log, tests counting a request's statements) hears of it too. */
function logQuery(connection: object, query: string, context: Record<string, unknown>): void {
  (connection as { logQuery(query: string, context: Record<string, unknown>): void }).logQuery(query, context);
}
