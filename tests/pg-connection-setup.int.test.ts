import { afterAll, afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createOrm } from '@crm/kit/database.js';
import { createPostgresBus } from '@crm/kit/bus/postgres-bus.js';
import { createLogger } from '@crm/kit/logger.js';

// A pooled connection's own setup (the ORM's statement timeout, the bus's LISTEN) is awaited before the statement the
// connection was opened for. Queued beside it instead, pg warns that a query was sent while another was executing,
// which pg@9 will refuse (CI logs showed the warning from both pools).

const name = `crm_t${randomBytes(4).toString('hex')}_setup`;
const server = process.env.DATABASE_URL!;
const url = Object.assign(new URL(server), { pathname: `/${name}` }).toString();
const log = createLogger('connection-setup-test');

// pg's own check (pg 8.23, Client.query): a statement sent while the client's queue is not empty is the deprecated
// case. Its warning goes to the real process, out of the test's reach, so the check is made here around every query.
type QueuingClient = pg.Client & { _queryQueue?: unknown[] };
const originalQuery = pg.Client.prototype.query;
let queuedBeside: string[] = [];
let seen = 0;
beforeEach(() => {
  queuedBeside = [];
  seen = 0;
  pg.Client.prototype.query = function (this: QueuingClient, ...args: unknown[]) {
    expect(Array.isArray(this._queryQueue)).toBe(true); // the field this check reads still exists
    seen += 1;
    if (this._queryQueue!.length > 0) queuedBeside.push(String(typeof args[0] === 'string' ? args[0] : (args[0] as { text?: string }).text));
    return (originalQuery as (...a: unknown[]) => unknown).apply(this, args);
  } as typeof originalQuery;
});
afterEach(() => void (pg.Client.prototype.query = originalQuery));
afterAll(async () => {
  const admin = new pg.Client({ connectionString: server });
  await admin.connect();
  await admin.query(`drop database if exists "${name}" with (force)`);
  await admin.end();
});

describe('a pooled connection’s setup', () => {
  it('the event bus LISTENs before the first statement, and is woken by a publish', async () => {
    const bus = await createPostgresBus(url, { log, poolMax: 2 });
    try {
      let woken = 0;
      const unsubscribe = await bus.onPublish(() => (woken += 1));
      await Promise.all([bus.head(), bus.read(null, 10)]); // two statements at once: the second opens a connection
      await bus.publish('sales', [], 'setup-test');
      expect(seen).toBeGreaterThan(3);
      expect(queuedBeside).toEqual([]);
      expect(await bus.relayedThrough('sales')).toBe('setup-test');
      await unsubscribe();
      expect(woken).toBeGreaterThan(0); // each new connection wakes the readers once it listens
    } finally {
      await bus.close();
    }
  });

  it('the ORM sets the statement timeout before the first statement', async () => {
    const orm = await createOrm({ url, entities: [], migrations: [], log, statementTimeoutMs: 1234, pool: { max: 2 } });
    try {
      const answers = await Promise.all([1, 2].map(() => orm.em.fork().getConnection().execute<{ statement_timeout: string }[]>('show statement_timeout')));
      expect(answers.map(([row]) => row!.statement_timeout)).toEqual(['1234ms', '1234ms']);
      expect(seen).toBeGreaterThan(3);
      expect(queuedBeside).toEqual([]);
    } finally {
      await orm.close();
    }
  });
});
