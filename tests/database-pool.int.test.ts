import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { eventually } from './helpers/eventually.js';
import { createOrm } from '@crm/kit/database.js';
import { createLogger } from '@crm/kit/logger.js';
import { startPrivatePostgres } from './helpers/private-postgres.js';

let database: Awaited<ReturnType<typeof startPrivatePostgres>>;
beforeAll(async () => {
  database = await startPrivatePostgres();
}, 60_000);
afterAll(() => database.dispose());

describe('the database connection pool', () => {
  it('gets back the connections of transactions the server dropped, so an outage cannot starve it', async () => {
    const orm = await createOrm({ url: database.url, entities: [], migrations: [], log: createLogger('pool-test'), pool: { max: 2 } });
    const connection = orm.em.getConnection();
    // Both pooled connections are inside a transaction when the server goes away.
    const dropped = [1, 2].map(() =>
      orm.em
        .fork()
        .transactional((em) => em.execute('select pg_sleep(5)'))
        .then(
          () => 'committed',
          (error: Error) => error.message,
        ),
    );
    await eventually(async () => {
      const watcher = new pg.Client({ connectionString: database.url });
      await watcher.connect();
      const { rows } = await watcher.query(`select count(*)::int as n from pg_stat_activity where query like 'select pg_sleep(5)%' and state = 'active'`);
      await watcher.end();
      expect(rows[0].n).toBe(2);
    });
    await database.stop();
    expect(await Promise.all(dropped)).toEqual([expect.stringMatching(/terminat/i), expect.stringMatching(/terminat/i)]);
    await database.start();
    // With the connections leaked, this would wait for a free one for ever.
    // (A deadline that fails the test, not a wait: the answer comes as soon as a connection is free.)
    const answer = await Promise.race([
      connection.execute<Array<{ ok: number }>>('select 1 as ok'),
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error('starved: no pooled connection within 10 s')), 10_000)),
    ]);
    expect(answer).toEqual([{ ok: 1 }]);
    await orm.close();
  }, 60_000);
});
