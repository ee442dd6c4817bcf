import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { numbered } from '@crm/kit/sql.js';

/** One node of an `EXPLAIN (ANALYZE, FORMAT JSON)` plan. */
export interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  'Actual Rows'?: number;
  'Actual Loops'?: number;
  /** Rows a scan read and dropped for its filter. */
  'Rows Removed by Filter'?: number;
  Plans?: PlanNode[];
}

const nodes = (plan: PlanNode): PlanNode[] => [plan, ...(plan.Plans ?? []).flatMap(nodes)];

/** Statements statementsSentBy heard sent as prepared statements (kit/sql.ts executePrepared): planned as such. */
const sentPrepared = new Set<string>();
/** Runs before PostgreSQL's plan cache may settle on a generic plan for a prepared statement (after five custom ones). */
const RUNS_BEFORE_GENERIC = 6;
let probes = 0;

/**
 * Runs the statement under EXPLAIN ANALYZE in a transaction that is rolled back, and returns its plan's nodes.
 * `settings` are planner settings for that transaction (e.g. `enable_seqscan: 'off'`, to plan a test's small table as
 * a large one, where reading all of it is never the cheap way). A statement the code sends prepared is prepared and
 * run as often as it takes PostgreSQL's plan cache to choose between a generic plan and the values' own, and the plan
 * of the run after is returned: the one it keeps.
 */
export async function planOf(orm: MikroORM, sql: string, params: unknown[], settings: Record<string, string> = {}): Promise<PlanNode[]> {
  const connection = orm.em.getConnection();
  let plan: PlanNode | undefined;
  await connection
    .transactional(async (trx) => {
      for (const [name, value] of Object.entries(settings)) await connection.execute('select set_config(?, ?, true)', [name, value], 'all', trx);
      let statement = sql;
      // A prepared statement outlives the transaction: a name of its own, dropped before the rollback.
      const name = `plan_probe_${++probes}`;
      if (sentPrepared.has(sql)) {
        await connection.execute(`prepare ${name} as ${numbered(sql, params.length)}`, [], 'all', trx);
        statement = params.length ? `execute ${name}(${params.map(() => '?').join(', ')})` : `execute ${name}`;
        for (let run = 0; run < RUNS_BEFORE_GENERIC; run++) await connection.execute(statement, params, 'all', trx);
      }
      const [row] = await connection.execute<Array<{ 'QUERY PLAN': Array<{ Plan: PlanNode }> }>>(
        `explain (analyze, format json) ${statement}`,
        params,
        'all',
        trx,
      );
      plan = row!['QUERY PLAN'][0]!.Plan;
      if (statement !== sql) await connection.execute(`deallocate ${name}`, [], 'all', trx);
      throw new Error('rollback');
    })
    .catch((error: Error) => {
      if (error.message !== 'rollback') throw error;
    });
  return nodes(plan!);
}

/** The rows a plan read from a table: rows × loops of every node on it. */
export const rowsReadFrom = (plan: PlanNode[], table: string) =>
  plan.filter((node) => node['Relation Name'] === table).reduce((sum, node) => sum + (node['Actual Rows'] ?? 0) * (node['Actual Loops'] ?? 1), 0);

/** A statement as it was sent: its SQL (with `?` placeholders) and its parameters. */
export interface SentStatement {
  sql: string;
  params: unknown[];
}

/**
 * The statements `run` sends through the connection of `em` (the ORM's), as sent, and what `run` returned: to plan
 * them again under EXPLAIN ANALYZE (`planOf`).
 */
export async function statementsSentBy<R>(em: EntityManager, run: () => Promise<R>): Promise<{ result: R; sent: SentStatement[] }> {
  const connection = em.getConnection();
  const execute = connection.execute.bind(connection);
  type LogQuery = (sql: string, context?: { prepared?: boolean; params?: unknown[] }) => void;
  const logged = connection as unknown as { logQuery: LogQuery };
  const logQuery = logged.logQuery.bind(connection);
  const sent: SentStatement[] = [];
  connection.execute = ((sql: string, params: unknown[] = [], ...rest: unknown[]) => {
    sent.push({ sql, params });
    return (execute as (...args: unknown[]) => unknown)(sql, params, ...rest);
  }) as typeof connection.execute;
  // A prepared statement (kit/sql.ts executePrepared) is bound, not executed as text: it is heard of in the log.
  logged.logQuery = (sql, context = {}) => {
    if (context.prepared) {
      sent.push({ sql, params: context.params ?? [] });
      sentPrepared.add(sql);
    }
    logQuery(sql, context);
  };
  try {
    return { result: await run(), sent };
  } finally {
    connection.execute = execute;
    logged.logQuery = logQuery;
  }
}

/**
 * What a plan read: the rows and index entries of every node on a table or an index, and the rows such a node read
 * and dropped for its filter (walking a list and testing every row), times its loops.
 */
export const rowsReadBy = (plan: PlanNode[]): number =>
  plan
    .filter((node) => node['Relation Name'] || node['Index Name'])
    .reduce((sum, node) => sum + ((node['Actual Rows'] ?? 0) + (node['Rows Removed by Filter'] ?? 0)) * (node['Actual Loops'] ?? 1), 0);
