import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { MikroORM } from '@mikro-orm/postgresql';
import pg from 'pg';
import { RELAY_SQL } from '@crm/kit/outbox-relay.js';
import { freshSubgraphDatabase } from './helpers/subgraph-database.js';
import { planOf as planRun, rowsReadFrom, type PlanNode } from './helpers/query-plan.js';
import { salesEntities } from '../subgraphs/sales/src/entities.js';
import { salesMigrations } from '../subgraphs/sales/src/migrations/index.js';

// A relay pass runs after every write and every second: its cost must not grow with the outbox the retention window
// keeps. The plans of its statements on a full outbox prove it (issue: 50–75 ms per pass on a 72 h outbox before).

const RETAINED = 100_000;
let database: { orm: MikroORM; drop(): Promise<void> };

const planOf = (sql: string, params: unknown[]) => planRun(database.orm, sql, params);
const rowsRead = (plan: PlanNode[]) => rowsReadFrom(plan, 'outbox_event');

beforeAll(async () => {
  database = await freshSubgraphDatabase({ name: 'sales', entities: salesEntities, migrations: salesMigrations });
  // A full retention window of relayed events, numbered as commits would have numbered them (written in bulk,
  // without the commit-numbering trigger and the request statement timeout).
  const admin = new pg.Client({ connectionString: String(database.orm.config.get('clientUrl')) });
  await admin.connect();
  try {
    await admin.query(`set session_replication_role = replica; set statement_timeout = 0`);
    await admin.query(
      `insert into outbox_event (id, type, aggregate_type, aggregate_id, payload, occurred_at)
       select gen_random_uuid(), 'OpportunityUpdated', 'Opportunity', gen_random_uuid()::text, '{"title":"x"}'::jsonb,
              now() - interval '72 hours' + n * interval '2 seconds'
         from generate_series(1, ${RETAINED}) n`,
    );
    await admin.query(`insert into outbox_commit_order (seq, position) select position, position from outbox_event`);
    await admin.query(`select setval('outbox_event_seq', ${RETAINED}); analyze outbox_event; analyze outbox_commit_order`);
  } finally {
    await admin.end();
  }
}, 120_000);

afterAll(() => database?.drop());

describe('the outbox relay on a full retention window', () => {
  it('reads the next batch by the seq index, touching only the rows it relays', async () => {
    for (const after of [RETAINED, RETAINED - 10, 0]) {
      const plan = await planOf(RELAY_SQL.nextBatch, [after, 500]);
      expect(plan.map((node) => node['Node Type'])).not.toContain('Seq Scan');
      expect(plan.some((node) => node['Index Name'] === 'outbox_commit_order_pkey')).toBe(true);
      expect(rowsRead(plan)).toBeLessThanOrEqual(500);
    }
  });

  it('prunes the rows past the horizon by their time, reading only those, never the whole table', async () => {
    // All relayed; the oldest 1,000 (2 s apart from 72 h ago) are past the horizon.
    const horizon = new Date(Date.now() - 72 * 3_600_000 + 1000 * 2_000);
    const plan = await planOf(RELAY_SQL.prune, [horizon, RETAINED]);
    expect(plan.map((node) => node['Node Type'])).not.toContain('Seq Scan');
    expect(rowsRead(plan)).toBeLessThanOrEqual(1100);
  });

  it("numbers a committing transaction's rows found by its transaction id, through an index", async () => {
    const plan = await planOf('select position from outbox_event where tx_id = pg_current_xact_id() order by position', []);
    expect(plan.map((node) => node['Node Type'])).not.toContain('Seq Scan');
    expect(plan.some((node) => node['Index Name'] === 'outbox_event_tx_id_index')).toBe(true);
  });
});
