import type { MikroORM } from '@mikro-orm/postgresql';

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

/**
 * Runs the statement under EXPLAIN ANALYZE in a transaction that is rolled back, and returns its plan's nodes.
 * `settings` are planner settings for that transaction (e.g. `enable_seqscan: 'off'`, to plan a test's small table as
 * a large one, where reading all of it is never the cheap way).
 */
export async function planOf(orm: MikroORM, sql: string, params: unknown[], settings: Record<string, string> = {}): Promise<PlanNode[]> {
  const connection = orm.em.getConnection();
  let plan: PlanNode | undefined;
  await connection
    .transactional(async (trx) => {
      for (const [name, value] of Object.entries(settings)) await connection.execute('select set_config(?, ?, true)', [name, value], 'all', trx);
      const [row] = await connection.execute<Array<{ 'QUERY PLAN': Array<{ Plan: PlanNode }> }>>(`explain (analyze, format json) ${sql}`, params, 'all', trx);
      plan = row!['QUERY PLAN'][0]!.Plan;
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
