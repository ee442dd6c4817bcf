import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { OptimisticLockError } from '@mikro-orm/core';
import type { MikroORM } from '@mikro-orm/postgresql';
import { openDatabase } from '@crm/kit/database.js';
import { createLogger } from '@crm/kit/logger.js';
import { identityEntities } from '../subgraphs/identity/src/entities.js';
import { identityMigrations } from '../subgraphs/identity/src/migrations/index.js';
import { Customer } from '../subgraphs/identity/src/modules/customer/customer.entity.js';
import { eventually } from './helpers/eventually.js';

const name = `crm_t${randomBytes(4).toString('hex')}_locks`;
const server = process.env.DATABASE_URL!;
let orm: MikroORM;
beforeAll(async () => {
  const url = Object.assign(new URL(server), { pathname: `/${name}` }).toString();
  orm = await openDatabase({ url, entities: identityEntities, migrations: identityMigrations, log: createLogger('optimistic-lock-test') });
});
afterAll(async () => {
  await orm.close();
  const admin = new pg.Client({ connectionString: server });
  await admin.connect();
  await admin.query(`drop database if exists "${name}" with (force)`);
  await admin.end();
});

async function twoCustomers(): Promise<string[]> {
  const em = orm.em.fork();
  const pair = ['One', 'Two'].map((firstName) => em.create(Customer, { firstName, lastName: 'Locked' }));
  await em.flush();
  return pair.map((c) => c.id);
}

/** A transaction that read both customers and changed both, not flushed yet. */
async function changing(ids: string[], jobTitle: string) {
  const em = orm.em.fork();
  await em.begin();
  for (const customer of await em.find(Customer, { id: { $in: ids } })) customer.jobTitle = jobTitle;
  return em;
}

const stored = (ids: string[]) => orm.em.fork().getConnection().execute('select job_title, version from customer where id in (?, ?)', ids);

const waitingToUpdate = async () =>
  (
    await orm.em
      .fork()
      .getConnection()
      .execute<Array<{ n: number }>>(
        `select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock' and query like 'update "customer"%'`,
      )
  )[0]!.n;

describe('optimistic locking of a flush changing several rows', () => {
  it.each([
    ['after the first committed', false],
    ['while the first holds the rows, its UPDATE waiting for them', true],
  ])('refuses the second of two transactions that read the same versions, flushing %s; neither row takes its change', async (_, overlapping) => {
    const ids = await twoCustomers();
    const first = await changing(ids, 'first');
    const second = await changing(ids, 'second');
    try {
      await first.flush();
      if (!overlapping) await first.commit();
      const flushed = second.flush().then(
        () => 'flushed',
        (error: unknown) => error,
      );
      if (overlapping) {
        await eventually(async () => expect(await waitingToUpdate()).toBe(1));
        await first.commit();
      }
      expect(await flushed).toBeInstanceOf(OptimisticLockError);
    } finally {
      for (const em of [first, second]) if (em.isInTransaction()) await em.rollback();
    }
    expect(await stored(ids)).toEqual([
      { job_title: 'first', version: 2 },
      { job_title: 'first', version: 2 },
    ]);
  });
});
