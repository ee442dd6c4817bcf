import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { MikroORM } from '@mikro-orm/postgresql';
import { createOrm, ensureDatabase } from '@crm/kit/database.js';
import { createLogger } from '@crm/kit/logger.js';
import { uuidArray, executeBound, executePrepared, pgArray } from '@crm/kit/sql.js';
import { dropDatabases, unusedDatabase } from './helpers/subgraph-database.js';

// kit/prepared-statements.ts: a statement with bound values (executePrepared) is prepared once per connection, and
// still answers after a migration has changed its table. One connection (a pool of one), so that every call meets
// the statements the ones before it prepared.

const database = unusedDatabase('prepared');
let orm: MikroORM;
const open = (prepared: boolean) => {
  process.env.DB_PREPARED_STATEMENTS = String(prepared);
  try {
    return createOrm({ url: database.url, entities: [], migrations: [], log: createLogger('test'), pool: { min: 0, max: 1 } });
  } finally {
    delete process.env.DB_PREPARED_STATEMENTS;
  }
};
const READ = 'select t.* from prepared_probe t where t.id = any(?::int[]) order by t.id';
const preparedTexts = async () =>
  (await orm.em.fork().execute<Array<{ statement: string }>>('select statement from pg_prepared_statements')).map((row) => row.statement);

beforeAll(async () => {
  await ensureDatabase(database.url);
  orm = await open(true);
  await orm.em.execute('create table prepared_probe (id int primary key, name text not null)');
  await orm.em.execute(`insert into prepared_probe values (1, 'Jan Novák'), (2, 'Eva Svobodová')`);
}, 60_000);

afterAll(async () => {
  await orm?.close();
  await dropDatabases(database.url, [database.name]);
});

describe('prepared statements', () => {
  it('prepares a read once on its connection; a write, or a statement with its values written in, stays unnamed', async () => {
    for (let call = 0; call < 3; call++) {
      expect(await executePrepared(orm.em.fork(), READ, ['{1,2}'])).toEqual([
        { id: 1, name: 'Jan Novák' },
        { id: 2, name: 'Eva Svobodová' },
      ]);
    }
    await orm.em.fork().execute('select name from prepared_probe where id = ?', [1]);
    // A write's values are bound too (executeBound), but it is not prepared: after a migration a prepared
    // `returning *` would fail its transaction.
    await orm.em.fork().transactional((tx) => executeBound(tx, 'insert into prepared_probe (id, name) values ($1, $2) returning *', [3, 'Petr Malý']));
    expect(await preparedTexts()).toEqual(['select t.* from prepared_probe t where t.id = any($1::int[]) order by t.id']);
  });

  it('plans a read of one id once: PostgreSQL keeps that plan after five calls and plans no more', async () => {
    await orm.em.execute('create table prepared_owner (id uuid primary key, name text not null)');
    const people = Array.from({ length: 8 }, (_, n) => ({ id: randomUUID(), name: `Zákazník ${n}` }));
    await orm.em.execute(`insert into prepared_owner select * from unnest(?::uuid[], ?::text[])`, [
      pgArray(people.map((p) => p.id)),
      pgArray(people.map((p) => p.name)),
    ]);
    const read = (list: string) => `select t.name from prepared_owner t where t.id = any(${list})`;
    const namesOf = async (ids: string[]) => {
      const list = uuidArray(ids);
      const rows = await executePrepared<{ name: string }>(orm.em.fork(), read(list.sql), list.params);
      return rows.map((row) => row.name).sort();
    };
    for (const person of people) expect(await namesOf([person.id])).toEqual([person.name]);
    expect(await namesOf(people.slice(0, 2).map((p) => p.id))).toEqual(['Zákazník 0', 'Zákazník 1']);
    // The same read of one id with the id in a whole array: it counts as ten ids to the planner, so its generic plan
    // looks dearer than the one id's own plan, and each call is planned again as if the read were not prepared.
    for (const person of people) await executePrepared(orm.em.fork(), read('?::uuid[]'), [pgArray([person.id])]);
    const plans = await orm.em
      .fork()
      .execute<Array<{ statement: string; generic_plans: string; custom_plans: string }>>(
        `select statement, generic_plans, custom_plans from pg_prepared_statements where statement like '%prepared_owner%'`,
      );
    expect(plans.sort((a, b) => a.statement.length - b.statement.length)).toEqual([
      { statement: read('$1::uuid[]'), generic_plans: '0', custom_plans: '9' },
      { statement: read('array[$1]::uuid[]'), generic_plans: '3', custom_plans: '5' },
    ]);
  });

  it('answers after a migration added a column to its table, outside a transaction, prepared again', async () => {
    await executePrepared(orm.em.fork(), READ, ['{1}']);
    await orm.em.fork().execute(`alter table prepared_probe add column city text not null default 'Brno'`);
    expect(await executePrepared(orm.em.fork(), READ, ['{1}'])).toEqual([{ id: 1, name: 'Jan Novák', city: 'Brno' }]);
    expect(await preparedTexts()).toHaveLength(1);
  });

  it('fails the transaction the change meets, then prepares the statement again for the next call', async () => {
    await executePrepared(orm.em.fork(), READ, ['{2}']);
    await orm.em.fork().execute(`alter table prepared_probe add column country text not null default 'CZ'`);
    await expect(orm.em.fork().transactional((tx) => executePrepared(tx, READ, ['{2}']))).rejects.toThrow(/cached plan must not change result type/);
    expect(await executePrepared(orm.em.fork(), READ, ['{2}'])).toEqual([{ id: 2, name: 'Eva Svobodová', city: 'Brno', country: 'CZ' }]);
    expect(await orm.em.fork().transactional((tx) => executePrepared(tx, READ, ['{1}']))).toEqual([{ id: 1, name: 'Jan Novák', city: 'Brno', country: 'CZ' }]);
    expect(await preparedTexts()).toHaveLength(1);
  });

  it('starts again when a connection holds its 200 texts, so a text first needed then is still prepared', async () => {
    // Enum filters' values are written into their texts (enumArray), so a client can ask for many texts.
    const text = (n: number) => `select t.id from prepared_probe t where t.id = any(?::int[]) and ${n} >= 0 order by t.id`;
    const before = (await preparedTexts()).length;
    for (let n = 0; n < 200 - before; n++) await executePrepared(orm.em.fork(), text(n), ['{1}']);
    expect(await preparedTexts()).toHaveLength(200);
    // The 201st drops the others (deallocate all) and is prepared; the ones in use come back as they are asked for.
    expect(await executePrepared(orm.em.fork(), text(200), ['{1,2}'])).toEqual([{ id: 1 }, { id: 2 }]);
    expect(await preparedTexts()).toEqual([text(200).replace('?', '$1')]);
    expect(await executePrepared(orm.em.fork(), READ, ['{2}'])).toHaveLength(1);
    expect(await executePrepared(orm.em.fork(), text(0), ['{2}'])).toEqual([{ id: 2 }]);
    expect((await preparedTexts()).sort()).toEqual([READ, text(0), text(200)].map((t) => t.replace('?', '$1')).sort());
  });

  it('prepares nothing with DB_PREPARED_STATEMENTS=false (PgBouncer before 1.22 in transaction mode)', async () => {
    const unprepared = await open(false);
    try {
      const em = unprepared.em.fork();
      expect(await executePrepared(em, READ, ['{1}'])).toHaveLength(1);
      expect(await em.execute('select statement from pg_prepared_statements')).toEqual([]);
    } finally {
      await unprepared.close();
    }
  });
});
