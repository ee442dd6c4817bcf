import type { EntityManager, Kysely } from '@mikro-orm/postgresql';
import { markForPreparing } from './prepared-statements.js';

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

/**
 * Ids for `= any(…)` or `unnest(…)` in a statement with bound values: `sql` stands where the array goes, `params` are
 * its values. One id (a request about one customer, the commonest read) is bound as `array[?]::uuid[]`, whose length
 * PostgreSQL sees, so the generic plan of a prepared read costs what the plan for that id does and the plan cache
 * keeps it after five calls. A whole array counts as ten values to the planner: the generic plan of a read of one id
 * always looked dearer, and every call was planned anew (ADR 12, "Prepared reads"). Only for ids, whose rows are
 * alike, and only for one, so that a read keeps two texts: an enum filter's values are not alike (a rare type
 * needs the plan for its value), and each length of a list would be a text of its own.
 */
export function uuidArray(ids: readonly string[]): SqlCondition {
  return ids.length === 1 ? { sql: 'array[?]::uuid[]', params: [ids[0]] } : { sql: '?::uuid[]', params: [pgArray(ids)] };
}

/**
 * Values of one of the schema's enums for `= any(…)`, written into the statement (`'{EMAIL,PHONE}'::interaction_channel[]`)
 * rather than bound. A bound array hides its values from the plan cache: PostgreSQL judged the generic plan of a page
 * filtered by a bound list of channels dearer than each call's own and planned the statement at every call (three
 * times the CPU of running it: 163-193 µs against 60 for a customer's interactions among 200,000, ADR 12). Written
 * in, the values are part of the text: each combination is a statement of its own, whose plan the cache keeps after
 * five calls, planned for those very values (a rare one among common ones keeps its own plan); a connection keeps
 * 200 such texts and then starts again (prepared-statements.ts), so many combinations cost planning, as before. A filter's values
 * come sorted and once each, so a combination is one text whatever order a client sends it in. Only an enum's
 * values, which GraphQL has checked against the schema: anything but `A-Z`, digits and `_` is refused here.
 */
export function enumArray(values: readonly string[], type: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(type)) throw new Error(`Not an enum type's name: ${type}`);
  const chosen = [...new Set(values)].sort();
  if (chosen.length === 0 || !chosen.every((value) => /^[A-Z][A-Z0-9_]*$/.test(value))) throw new Error(`Not values of ${type}`);
  return `'{${chosen.join(',')}}'::${type}[]`;
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
export function executeBound<T extends object>(em: EntityManager, sql: string, params: readonly unknown[]): Promise<T[]> {
  return run<T>(em, sql, params, {});
}

/**
 * `sql` with `?` placeholders, as `em.execute` takes it, its values bound rather than written into the text: the
 * statement is then prepared once per connection and planned once (`prepared-statements.ts`), where `em.execute`
 * sends a new text, parsed and planned again, at every call. For the reads a request makes most (lookups by id,
 * pages, counts). A value is typed by where it stands, so one PostgreSQL cannot type alone needs a cast (`?::uuid[]`).
 */
export function executePrepared<T extends object>(
  em: EntityManager,
  sql: string,
  params: readonly unknown[],
  /** MikroORM's logger context, as `em.execute` takes it: `{ enabled: false }` keeps background work out of the query log. */
  loggerContext?: { enabled?: boolean },
): Promise<T[]> {
  // MikroORM writes an array value as a list (`in (?)`), which a bound value is not: such a statement goes as it did.
  if (params.some(Array.isArray)) return em.execute<T[]>(sql, [...params], 'all', loggerContext);
  const bound = boundTextOf(sql, params.length);
  markForPreparing(bound);
  // Logged as written, with its values: what tests/helpers/query-plan.ts plans again (its `prepared` mark).
  return run<T>(em, bound, params, { logged: sql, prepared: true, loggerContext });
}

/** Texts `executePrepared` has numbered, by their `?` text: the code's statements, with enum filters' values written in. */
const boundTexts = new Map<string, string>();
const MAX_BOUND_TEXTS = 1000;

/**
 * `numbered` once per text: the reads run it at every call, and its regular expression showed in their profiles. A
 * text's placeholders are the same at every call, so the text alone is the key (with no values it stays as it is).
 */
function boundTextOf(sql: string, values: number): string {
  if (values === 0) return sql;
  let bound = boundTexts.get(sql);
  if (bound === undefined) {
    bound = numbered(sql, values);
    if (boundTexts.size >= MAX_BOUND_TEXTS) boundTexts.clear();
    boundTexts.set(sql, bound);
  }
  return bound;
}

/** `?` placeholders as `$1`, `$2`, … (`\?` is a literal `?`, and with no values `?` is left alone, as em.execute does). */
export function numbered(sql: string, values: number): string {
  if (values === 0) return sql;
  let n = 0;
  return sql.replace(/\\\?|\?\??/g, (match) => {
    if (match === '\\?') return '?';
    if (match === '??') throw new Error('identifier placeholders (??) are not bound: write the identifier into the statement');
    return `$${++n}`;
  });
}

// kysely tells its plugins' calls apart by this object; no plugin reads its text, so a counter does (a random UUID
// per statement showed in the reads' profiles).
let queryCount = 0;
const nextQueryId = () => `q${++queryCount}`;

async function run<T extends object>(
  em: EntityManager,
  sql: string,
  params: readonly unknown[],
  log: { logged?: string; prepared?: boolean; loggerContext?: { enabled?: boolean } },
): Promise<T[]> {
  const driver = em.getDriver();
  const connection = driver.getConnection();
  const client: Pick<Kysely<unknown>, 'executeQuery'> = em.getTransactionContext<Kysely<unknown>>() ?? connection.getClient();
  // What kysely's CompiledQuery.raw builds (kysely is MikroORM's, not a dependency of ours).
  const compiled = { sql, parameters: [...params], query: { kind: 'RawNode', sqlFragments: [sql], parameters: [] }, queryId: { queryId: nextQueryId() } };
  const logged = log.logged ?? sql;
  const context = { ...log.loggerContext, ...(log.prepared ? { params: [...params], prepared: true } : {}) };
  const started = Date.now();
  try {
    const { rows } = await client.executeQuery(compiled as unknown as CompiledQuery);
    logQuery(connection, logged, { ...context, took: Date.now() - started, results: rows.length });
    return rows as T[];
  } catch (error) {
    logQuery(connection, logged, { ...context, took: Date.now() - started, level: 'error' });
    // As MikroORM's own rethrow: whatever the driver threw (a socket's error may come from another realm, which
    // `instanceof Error` would miss, and then reach GraphQL as a non-error instead of an unavailable database).
    throw driver.convertException(error as Error);
  }
}

/** MikroORM's query log (debug mode, the slow-query log, tests counting a request's statements) hears of it too. */
function logQuery(connection: object, query: string, context: Record<string, unknown>): void {
  (connection as { logQuery(query: string, context: Record<string, unknown>): void }).logQuery(query, context);
}
