import { describe, expect, it } from '@jest/globals';
import { writeAudit } from '@crm/kit/audit.js';
import { serviceEntities } from '../subgraphs/service/src/entities.js';
import { serviceMigrations } from '../subgraphs/service/src/migrations/index.js';
import { useFreshSubgraphDatabase } from './helpers/subgraph-database.js';

// Every write with events inserts them with one statement (kit/events.ts); it is prepared once per connection and
// PostgreSQL keeps its plan. It answers no rows, so a migration of the outbox (a column added while the process runs)
// cannot make PostgreSQL refuse it, as it refuses a prepared `select t.*` whose columns changed.

const database = useFreshSubgraphDatabase({ name: 'service', entities: serviceEntities, migrations: serviceMigrations });

/** One audit record written in a transaction; the connection it ran on and how its insert was planned there. */
const write = () =>
  database
    .orm()
    .em.fork()
    .transactional(async (tx) => {
      await writeAudit(tx, {
        at: new Date().toISOString(),
        actorId: 'system:test',
        actorKind: 'system',
        operation: 'TEST',
        outcome: 'DONE',
        service: 'service',
      });
      const [session] = await tx.execute<Array<{ pid: number }>>('select pg_backend_pid() as pid');
      const plans = await tx.execute<Array<{ generic_plans: string; custom_plans: string }>>(
        `select generic_plans, custom_plans from pg_prepared_statements where statement like 'insert into outbox_event%'`,
      );
      return { pid: session!.pid, plans };
    });

describe("the outbox's event insert", () => {
  it('is prepared once per connection, planned no more after five calls, and still writes after a migration of its table', async () => {
    const runs = [];
    for (let call = 0; call < 8; call++) runs.push(await write());
    // One connection served them all (the pool hands back the one released last); the statement is prepared on it once.
    expect(new Set(runs.map((run) => run.pid)).size).toBe(1);
    expect(runs.at(-1)!.plans).toHaveLength(1);
    expect(Number(runs.at(-1)!.plans[0]!.generic_plans)).toBeGreaterThan(0);
    expect(Number(runs.at(-1)!.plans[0]!.custom_plans)).toBeLessThanOrEqual(5);

    await database.em().execute('alter table outbox_event add column probe text');
    const after = await write();
    expect(after.pid).toBe(runs[0]!.pid);
    const [written] = await database.em().execute<Array<{ n: number }>>(`select count(*)::int as n from outbox_event where type = 'AuditRecorded'`);
    expect(written?.n).toBe(9);
  });
});
