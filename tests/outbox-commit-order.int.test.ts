import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/postgresql';
import pg from 'pg';
import { freshSubgraphDatabase } from './helpers/subgraph-database.js';
import { salesEntities } from '../subgraphs/sales/src/entities.js';
import { salesMigrations } from '../subgraphs/sales/src/migrations/index.js';

// ADR 5: the relay publishes in commit order. The database numbers a transaction's events as it commits, in a table
// of their own (outbox_commit_order), so a transaction that began first but committed last comes last, and
// numbering rewrites no event.

let database: { orm: MikroORM; drop(): Promise<void> };
const clients: pg.Client[] = [];

const connect = async () => {
  const client = new pg.Client({ connectionString: String(database.orm.config.get('clientUrl')) });
  client.on('error', () => undefined);
  await client.connect();
  clients.push(client);
  return client;
};
const write = (client: pg.Client, id: string) =>
  client.query(
    `insert into outbox_event (id, type, aggregate_type, aggregate_id, payload, occurred_at) values ($1::uuid, 'OpportunityUpdated', 'Opportunity', $1::text, '{}', now())`,
    [id],
  );
const inCommitOrder = async (ids: string[]) =>
  (
    await database.orm.em
      .getConnection()
      .execute<Array<{ id: string }>>(
        'select e.id from outbox_commit_order o join outbox_event e on e.position = o.position where e.id = any(?::uuid[]) order by o.seq',
        [`{${ids.join(',')}}`],
      )
  ).map((row) => row.id);

beforeAll(async () => {
  database = await freshSubgraphDatabase({ name: 'sales', entities: salesEntities, migrations: salesMigrations });
});
afterAll(async () => {
  await Promise.all(clients.map((client) => client.end()));
  await database?.drop();
});

describe('the outbox in commit order', () => {
  it('numbers each committed event once, in commit order across transactions and write order within one', async () => {
    const [first, second] = [await connect(), await connect()];
    const [a1, a2, b1] = [randomUUID(), randomUUID(), randomUUID()];
    await first.query('begin');
    await write(first, a1);
    await write(first, a2);
    await second.query('begin');
    await write(second, b1);
    await second.query('commit'); // began later, committed first
    expect(await inCommitOrder([a1, a2, b1])).toEqual([b1]); // the other transaction's events are not numbered yet
    await first.query('commit');
    expect(await inCommitOrder([a1, a2, b1])).toEqual([b1, a1, a2]);
  });

  it('numbers nothing that was rolled back, whole or to a savepoint', async () => {
    const client = await connect();
    const [gone, kept, undone] = [randomUUID(), randomUUID(), randomUUID()];
    await client.query('begin');
    await write(client, gone);
    await client.query('rollback');
    await client.query('begin');
    await write(client, kept);
    await client.query('savepoint item');
    await write(client, undone);
    await client.query('rollback to savepoint item');
    await client.query('commit');
    expect(await inCommitOrder([gone, kept, undone])).toEqual([kept]);
    // Every committed event has exactly one number.
    const [counts] = await database.orm.em
      .getConnection()
      .execute<Array<{ events: number; numbers: number; distinct: number }>>(
        'select (select count(*)::int from outbox_event) as events, count(*)::int as numbers, count(distinct position)::int as distinct from outbox_commit_order',
      );
    expect(counts).toEqual({ events: counts!.numbers, numbers: counts!.distinct, distinct: counts!.events });
  });
});
