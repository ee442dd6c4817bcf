import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { MikroORM } from '@mikro-orm/postgresql';
import { createOrm, openDatabase } from '@crm/kit/database.js';
import { withinDeadline } from '@crm/kit/deadline.js';
import { DomainError } from '@crm/kit/errors.js';
import { createLogger } from '@crm/kit/logger.js';
import { identityEntities } from '../subgraphs/identity/src/entities.js';
import { identityMigrations } from '../subgraphs/identity/src/migrations/index.js';

// Issue 9.6: no statement keeps the database busy past its limit, and work the caller stopped waiting for stops.

const name = `crm_t${randomBytes(4).toString('hex')}_timeouts`;
const server = process.env.DATABASE_URL!;
const url = Object.assign(new URL(server), { pathname: `/${name}` }).toString();
const log = createLogger('statement-timeout-test');
let limited: MikroORM;
let unlimited: MikroORM;
beforeAll(async () => {
  // Migrations run without the limit; the ORM the requests use has it.
  limited = await openDatabase({ url, entities: identityEntities, migrations: identityMigrations, log, statementTimeoutMs: 300 });
  unlimited = await createOrm({ url, entities: identityEntities, migrations: identityMigrations, log, statementTimeoutMs: 0 });
});
afterAll(async () => {
  await limited.close();
  await unlimited.close();
  const admin = new pg.Client({ connectionString: server });
  await admin.connect();
  await admin.query(`drop database if exists "${name}" with (force)`);
  await admin.end();
});

const canceled = (error: unknown) => (error as { code?: string; cause?: { code?: string } }).code ?? (error as { cause?: { code?: string } }).cause?.code;

describe('time limits on the database', () => {
  it('cancels any statement of a session past the statement timeout', async () => {
    const started = Date.now();
    const error = await limited.em
      .fork()
      .getConnection()
      .execute('select pg_sleep(5)')
      .catch((e: unknown) => e);
    expect(canceled(error)).toBe('57014'); // query_canceled
    expect(Date.now() - started).toBeLessThan(4000);
    expect(await limited.em.fork().getConnection().execute('select 1 as one')).toEqual([{ one: 1 }]);
  });

  it('cancels work at the request deadline, and refuses work whose deadline has passed', async () => {
    const em = unlimited.em.fork();
    const error = await withinDeadline(em, Date.now() + 300, (tx) => tx.execute('select pg_sleep(5)')).catch((e: unknown) => e);
    expect(canceled(error)).toBe('57014');
    const late = await withinDeadline(em, Date.now() - 1, (tx) => tx.execute('select 1')).catch((e: unknown) => e);
    expect(late).toBeInstanceOf(DomainError);
    expect((late as DomainError).extensions.code).toBe('TIMEOUT');
    expect(await withinDeadline(em, Date.now() + 5000, (tx) => tx.execute('select 1 as one'))).toEqual([{ one: 1 }]);
  });
});
