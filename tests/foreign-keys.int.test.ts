import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes, randomUUID } from 'node:crypto';
import pg from 'pg';
import { openDatabase, type OrmOptions } from '@crm/kit/database.js';
import { createLogger } from '@crm/kit/logger.js';
import { identityEntities } from '../subgraphs/identity/src/entities.js';
import { identityMigrations } from '../subgraphs/identity/src/migrations/index.js';
import { salesEntities } from '../subgraphs/sales/src/entities.js';
import { salesMigrations } from '../subgraphs/sales/src/migrations/index.js';
import { marketingEntities } from '../subgraphs/marketing/src/entities.js';
import { marketingMigrations } from '../subgraphs/marketing/src/migrations/index.js';
import { serviceEntities } from '../subgraphs/service/src/entities.js';
import { serviceMigrations } from '../subgraphs/service/src/migrations/index.js';

// Referential integrity inside each subgraph: every reference within one database has its foreign key and an index.

type Subgraph = 'identity' | 'sales' | 'marketing' | 'service';
type DeleteRule = 'CASCADE' | 'RESTRICT' | 'SET NULL';

const DEFINITIONS: Record<Subgraph, Pick<OrmOptions, 'entities' | 'migrations'>> = {
  identity: { entities: identityEntities, migrations: identityMigrations },
  sales: { entities: salesEntities, migrations: salesMigrations },
  marketing: { entities: marketingEntities, migrations: marketingMigrations },
  service: { entities: serviceEntities, migrations: serviceMigrations },
};

/** Every subgraph's outbox: an event's commit order goes with the event (ADR 5). */
const OUTBOX: Record<string, [references: string, onDelete: DeleteRule]> = { 'outbox_commit_order.position': ['outbox_event', 'CASCADE'] };

/** table.column → referenced table (its id), with the delete rule. Ids of other subgraphs' records have none. */
const EXPECTED: Record<Subgraph, Record<string, [references: string, onDelete: DeleteRule]>> = {
  identity: {
    ...OUTBOX,
    'customer.organization_id': ['customer', 'SET NULL'],
    'customer.merged_into_id': ['customer', 'SET NULL'],
    'customer_identifier.customer_id': ['customer', 'CASCADE'],
    'customer_consent.customer_id': ['customer', 'CASCADE'],
    'erasure_request.customer_id': ['customer', 'RESTRICT'],
    'staff_team.manager_id': ['staff_user', 'SET NULL'],
    'staff_team_member.team_id': ['staff_team', 'CASCADE'],
    'staff_team_member.user_id': ['staff_user', 'CASCADE'],
    'webhook_delivery.endpoint_id': ['webhook_endpoint', 'CASCADE'],
  },
  sales: {
    ...OUTBOX,
    'pipeline_stage.pipeline_id': ['pipeline', 'CASCADE'],
    'opportunity.pipeline_id': ['pipeline', 'RESTRICT'],
    'opportunity.stage_id': ['pipeline_stage', 'RESTRICT'],
    'opportunity_stage_change.opportunity_id': ['opportunity', 'CASCADE'],
    'opportunity_stage_change.from_stage_id': ['pipeline_stage', 'RESTRICT'],
    'opportunity_stage_change.to_stage_id': ['pipeline_stage', 'RESTRICT'],
    'quote.opportunity_id': ['opportunity', 'SET NULL'],
    'quote_line.quote_id': ['quote', 'CASCADE'],
    'quote_line.product_id': ['product', 'RESTRICT'],
    'quote_financing.quote_id': ['quote', 'CASCADE'],
    // The PDF sent and each open or download are parts of their quote.
    'quote_document.quote_id': ['quote', 'CASCADE'],
    'quote_view.quote_id': ['quote', 'CASCADE'],
    'sales_activity.lead_id': ['sales_lead', 'SET NULL'],
    'sales_activity.opportunity_id': ['opportunity', 'SET NULL'],
    'sales_lead.converted_opportunity_id': ['opportunity', 'SET NULL'],
    'sales_lead.interest_product_id': ['product', 'SET NULL'],
    'web_form_submission.form_id': ['web_form', 'CASCADE'],
  },
  marketing: {
    ...OUTBOX,
    'campaign.segment_id': ['segment', 'RESTRICT'],
    'segment_member.segment_id': ['segment', 'CASCADE'],
    'sequence_enrolment.sequence_id': ['marketing_sequence', 'RESTRICT'],
    'interaction.campaign_id': ['campaign', 'SET NULL'],
  },
  service: {
    ...OUTBOX,
    'case_message.case_id': ['support_case', 'CASCADE'],
    'service_visit.asset_id': ['asset', 'CASCADE'],
    'service_contract.calendar_id': ['working_calendar', 'RESTRICT'],
    'support_case.calendar_id': ['working_calendar', 'RESTRICT'],
  },
};

const SUBGRAPHS = Object.keys(DEFINITIONS) as Subgraph[];
const FOREIGN_KEY_VIOLATION = '23503';
// A RESTRICT rule reports restrict_violation on newer PostgreSQL (the embedded server) and 23503 on 15.
const RESTRICT_VIOLATION = expect.stringMatching(/^(23001|23503)$/);
const prefix = `crm_t${randomBytes(4).toString('hex')}_fk`;
const server = process.env.DATABASE_URL!;
const urlOf = (subgraph: Subgraph) => Object.assign(new URL(server), { pathname: `/${prefix}_${subgraph}` }).toString();
const clients = {} as Record<Subgraph, pg.Client>;

beforeAll(async () => {
  await Promise.all(
    SUBGRAPHS.map(async (subgraph) => {
      const orm = await openDatabase({ url: urlOf(subgraph), ...DEFINITIONS[subgraph], log: createLogger('foreign-keys-test') });
      await orm.close();
      clients[subgraph] = new pg.Client({ connectionString: urlOf(subgraph) });
      await clients[subgraph].connect();
    }),
  );
});
afterAll(async () => {
  await Promise.all(Object.values(clients).map((client) => client.end()));
  const admin = new pg.Client({ connectionString: server });
  await admin.connect();
  for (const subgraph of SUBGRAPHS) await admin.query(`drop database if exists "${prefix}_${subgraph}" with (force)`);
  await admin.end();
});

interface ForeignKeyRow {
  reference: string;
  columns: number;
  references: string;
  referenced_column: string;
  on_delete: string;
  indexed: boolean;
}

/**
 * Every foreign key of the database, as PostgreSQL's catalog has it, and whether an index starts with its column: a
 * whole one, or one of the rows where the column is not null (a parent's delete or update looks its children up by
 * a value, which such an index serves: the interaction's campaign).
 */
const foreignKeys = async (subgraph: Subgraph): Promise<ForeignKeyRow[]> =>
  (
    await clients[subgraph].query<ForeignKeyRow>(`
      select c.conrelid::regclass::text || '.' || a.attname as reference, cardinality(c.conkey) as columns,
        c.confrelid::regclass::text as references, r.attname as referenced_column,
        case c.confdeltype when 'c' then 'CASCADE' when 'r' then 'RESTRICT' when 'n' then 'SET NULL' when 'd' then 'SET DEFAULT' else 'NO ACTION' end as on_delete,
        exists (select 1 from pg_index i where i.indrelid = c.conrelid and i.indkey[0] = c.conkey[1]
          and (i.indpred is null or pg_get_expr(i.indpred, i.indrelid) = '(' || quote_ident(a.attname) || ' IS NOT NULL)')) as indexed
      from pg_constraint c
      join pg_attribute a on a.attrelid = c.conrelid and a.attnum = c.conkey[1]
      join pg_attribute r on r.attrelid = c.confrelid and r.attnum = c.confkey[1]
      where c.contype = 'f' and c.connamespace = 'public'::regnamespace
      order by 1`)
  ).rows;

describe.each(SUBGRAPHS)('the %s database', (subgraph) => {
  it('has exactly the expected foreign keys, each on one column referencing an id, with its delete rule', async () => {
    const found = await foreignKeys(subgraph);
    // The referenced column is the parent's key: its id, or an outbox event's position (its key, the order of writing).
    const keyOf = (table: string) => (table === 'outbox_event' ? 'position' : 'id');
    expect(found.filter((fk) => fk.columns !== 1 || fk.referenced_column !== keyOf(fk.references))).toEqual([]);
    expect(Object.fromEntries(found.map((fk) => [fk.reference, [fk.references, fk.on_delete]]))).toEqual(EXPECTED[subgraph]);
  });

  it('has an index starting with every referencing column (no parent delete or update scans the child table)', async () => {
    const unindexed = (await foreignKeys(subgraph)).filter((fk) => !fk.indexed).map((fk) => fk.reference);
    expect(unindexed).toEqual([]);
  });
});

describe('the constraints at work (sales)', () => {
  const sql = (text: string, values: unknown[] = []) => clients.sales.query(text, values);
  const failure = (promise: Promise<unknown>) =>
    promise.then(
      () => ({ code: 'none', constraint: undefined }),
      (error: { code?: string; constraint?: string }) => ({ code: error.code, constraint: error.constraint }),
    );

  const newProduct = async () => {
    const id = randomUUID();
    await sql(
      `insert into product (id, created_at, updated_at, sku, name, category, list_price_amount, list_price_currency) values ($1, now(), now(), $2, 'Test car', 'CAR', 1000, 'CZK')`,
      [id, `FK-${id}`],
    );
    return id;
  };
  const newQuote = async () => {
    const id = randomUUID();
    await sql(
      `insert into quote (id, created_at, updated_at, customer_id, title, status, currency, tax_rate_percent) values ($1, now(), now(), $2, 'Offer', 'DRAFT', 'CZK', 21)`,
      [id, randomUUID()],
    );
    return id;
  };
  const insertLine = (quoteId: string, productId: string) =>
    sql(
      `insert into quote_line (id, created_at, updated_at, quote_id, position, product_id, description, quantity, unit_price_amount, discount_amount, net_amount, currency)
       values ($1, now(), now(), $2, 0, $3, 'Test car', 1, 1000, 0, 1000, 'CZK')`,
      [randomUUID(), quoteId, productId],
    );

  it('refuses a quote line of a quote that does not exist', async () => {
    const productId = await newProduct();
    expect(await failure(insertLine(randomUUID(), productId))).toEqual({ code: FOREIGN_KEY_VIOLATION, constraint: 'quote_line_quote_id_foreign' });
  });

  it('deletes the lines with their quote, and refuses to delete a product a line names', async () => {
    const productId = await newProduct();
    const quoteId = await newQuote();
    await insertLine(quoteId, productId);
    expect(await failure(sql('delete from product where id = $1', [productId]))).toEqual({
      code: RESTRICT_VIOLATION,
      constraint: 'quote_line_product_id_foreign',
    });
    await sql('delete from quote where id = $1', [quoteId]);
    expect((await sql('select count(*)::int as n from quote_line where quote_id = $1', [quoteId])).rows).toEqual([{ n: 0 }]);
  });
});
