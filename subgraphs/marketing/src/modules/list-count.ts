import type { EntityManager } from '@mikro-orm/postgresql';

/** totalCount of a top-level list: the same filter as its page, counted. */
export async function countWhere(em: EntityManager, table: string, where?: { sql: string; params: unknown[] }): Promise<number> {
  const [row] = await em.execute<Array<{ total: string }>>(
    `select count(*) as total from ${table}${where ? ` where ${where.sql}` : ''}`,
    where?.params ?? [],
  );
  return Number(row?.total ?? 0);
}
