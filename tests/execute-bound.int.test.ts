import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { UniqueConstraintViolationException, type MikroORM } from '@mikro-orm/postgresql';
import { executeBound } from '@crm/kit/sql.js';
import { freshSubgraphDatabase } from './helpers/subgraph-database.js';
import { marketingEntities } from '../subgraphs/marketing/src/entities.js';
import { marketingMigrations } from '../subgraphs/marketing/src/migrations/index.js';

// kit/sql.ts executeBound: a bulk write's one large JSON value bound as a parameter instead of inlined into the SQL
// text, with em.execute's transaction, log and exceptions.

let database: { orm: MikroORM; drop(): Promise<void> };

beforeAll(async () => {
  database = await freshSubgraphDatabase({ name: 'marketing', entities: marketingEntities, migrations: marketingMigrations });
  await database.orm.em.execute('create table bound_probe (id int primary key, body jsonb not null)');
}, 60_000);

afterAll(() => database?.drop());

const count = async () => Number((await database.orm.em.fork().execute<Array<{ n: string }>>('select count(*) as n from bound_probe'))[0]!.n);

describe('executeBound', () => {
  it("writes in the caller's transaction: rolled back with it, committed with it", async () => {
    await expect(
      database.orm.em.fork().transactional(async (tx) => {
        await executeBound(tx, 'insert into bound_probe (id, body) values ($1, $2::jsonb)', [1, '{}']);
        expect(await tx.execute('select id from bound_probe where id = 1')).toHaveLength(1);
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect(await count()).toBe(0);
    await database.orm.em.fork().transactional((tx) => executeBound(tx, 'insert into bound_probe (id, body) values ($1, $2::jsonb)', [1, '{}']));
    expect(await count()).toBe(1);
  });

  it('stores text with quotes, backslashes and any character as given, and returns the rows', async () => {
    const body = { text: `it's a "quote" \\ back\\slash, ${'ž'.repeat(1000)}, $1 ? ;--` };
    const rows = await executeBound<{ id: number; body: typeof body }>(
      database.orm.em.fork(),
      'insert into bound_probe (id, body) values ($1, $2::jsonb) returning id, body',
      [2, JSON.stringify(body)],
    );
    expect(rows).toEqual([{ id: 2, body }]);
  });

  it('fails with the exceptions em.execute fails with, and is in the query log', async () => {
    const em = database.orm.em.fork();
    const log = jest.spyOn(em.getConnection() as unknown as { logQuery(query: string): void }, 'logQuery');
    try {
      const duplicate = executeBound(em, 'insert into bound_probe (id, body) values ($1, $2::jsonb)', [2, '{}']);
      await expect(duplicate).rejects.toBeInstanceOf(UniqueConstraintViolationException);
      expect(log.mock.calls.map(([query]) => query)).toContain('insert into bound_probe (id, body) values ($1, $2::jsonb)');
    } finally {
      log.mockRestore();
    }
  });
});
