import { beforeAll, describe, expect, it } from '@jest/globals';
import { planOf, rowsReadBy, statementsSentBy } from '../../../tests/helpers/query-plan.js';
import { AuditOutcome } from '../src/modules/audit/audit-entry.entity.js';
import type { AuditLogFilter } from '../src/modules/audit/audit.inputs.js';
import { auditLogPage } from '../src/modules/audit/audit.queries.js';
import { appendAuditEntries } from '../src/modules/audit/audit.service.js';
import { useFreshIdentityDatabase } from './database.js';

// Query.auditLog(filter: { outcome | entityType | operation }) — the refusals, a kind of record's changes, the sign-ins —
// on a log that gets an entry for every mutation, sign-in and key use. No index had `outcome` or `entity_type`: a page
// and its count each read the whole table (40,020 rows for 10 refusals among 20,010 entries, millions in production).
// A page and its count read about the entries they match, a page of a common operation about the page.

const { orm, em, write } = useFreshIdentityDatabase();
const ENTRIES = 20_000;
/** Entry n was recorded n minutes before this. */
const NEWEST = Date.parse('2026-12-01T12:00:00Z');
/** Every 2,000th entry is a refusal, every 1,000th (from the 7th) a webhook's change, every 7th a sign-in. */
const isDenied = (n: number) => n % 2_000 === 0;
const isWebhook = (n: number) => n % 1_000 === 7;
const isSignIn = (n: number) => n % 7 === 0;
const PAGE = 10;

const idOf = (n: number) => `00000000-0000-4000-8000-${n.toString().padStart(12, '0')}`;
/** The entries matching `test`, newest first (the log's order). */
const matching = (test: (n: number) => boolean) => Array.from({ length: ENTRIES }, (_, i) => i + 1).filter(test);

beforeAll(async () => {
  // The statistics are those of the load below: autovacuum must not vacuum or analyze the table while the tests look at the plans.
  await em().getConnection().execute('alter table audit_entry set (autovacuum_enabled = false)');
  // One entry recorded by the service, copied in SQL: a busy log in a second rather than minutes.
  const template = idOf(0);
  await write((em) =>
    appendAuditEntries(em, [
      {
        id: template,
        at: new Date(NEWEST).toISOString(),
        actorId: 'system:audit-test',
        actorKind: 'system',
        operation: 'Mutation.updateCustomer',
        outcome: AuditOutcome.DONE,
        entityType: 'Customer',
        entityId: idOf(0),
        details: { changed: { lastName: { before: '[redacted]', after: '[redacted]' } } },
        service: 'identity',
      },
    ]),
  );
  const connection = em().getConnection();
  // Without the pool's statement timeout: on a loaded machine, 20,000 inserts into six indexes can take seconds.
  await connection.transactional(async (trx) => {
    await connection.execute('set local statement_timeout = 0', [], 'all', trx);
    await connection.execute(
      `insert into audit_entry
       select (jsonb_populate_record(null::audit_entry, to_jsonb(a) || jsonb_build_object(
         'id', ('00000000-0000-4000-8000-' || lpad(n::text, 12, '0'))::uuid,
         'at', a.at - n * interval '1 minute',
         'operation', case when n % 7 = 0 then 'SIGN_IN' else a.operation end,
         'outcome', case when n % 2000 = 0 then 'DENIED' else a.outcome::text end,
         'entity_type', case when n % 1000 = 7 then 'WebhookEndpoint' else a.entity_type end))).*
       from audit_entry a, generate_series(1, ?) n
       where a.id = ?`,
      [ENTRIES, template],
      'all',
      trx,
    );
  });
  await connection.transactional(async (trx) => {
    await connection.execute('set local statement_timeout = 0', [], 'all', trx);
    await connection.execute('analyze audit_entry', [], 'all', trx);
  });
}, 120_000);

/** The first page of the log filtered by `filter`, its totalCount, and what each of their statements read (EXPLAIN ANALYZE, rolled back). */
async function auditLog(filter: AuditLogFilter): Promise<{ ids: string[]; total: number; pageRead: number; countRead: number }> {
  const { result, sent } = await statementsSentBy(em(), async () => {
    const page = await auditLogPage(em(), filter, { first: PAGE });
    return { ids: page.edges.map((edge) => edge.node.id), total: await page.count() };
  });
  expect(sent).toHaveLength(2); // the page, then its count
  const [pageRead, countRead] = await Promise.all(sent.map(async ({ sql, params }) => rowsReadBy(await planOf(orm(), sql, params))));
  return { ...result, pageRead: pageRead!, countRead: countRead! };
}

describe('the audit log filtered by a rare value, on a busy log', () => {
  it.each([
    ['outcome: DENIED', { outcome: AuditOutcome.DENIED }, isDenied],
    ['entityType: WebhookEndpoint', { entityType: 'WebhookEndpoint' }, isWebhook],
  ] as const)('%s: a page and its count read about the entries they match, newest first', async (_, filter, test) => {
    const matches = matching(test);
    const { ids, total, pageRead, countRead } = await auditLog(filter);
    expect(total).toBe(matches.length);
    expect(ids).toEqual(matches.slice(0, PAGE).map(idOf));
    expect(pageRead + countRead).toBeLessThan(ENTRIES / 20);
  });
});

describe('the audit log filtered by a common operation, on a busy log', () => {
  it('operation: SIGN_IN: a page reads about the page, not every sign-in; the count reads the sign-ins, not the log', async () => {
    const matches = matching(isSignIn);
    const { ids, total, pageRead, countRead } = await auditLog({ operation: 'SIGN_IN' });
    expect(total).toBe(matches.length);
    expect(ids).toEqual(matches.slice(0, PAGE).map(idOf));
    expect(pageRead).toBeLessThan(ENTRIES / 200);
    // Counting every match reads every match (its index entry and, until a vacuum marks the pages all-visible, its
    // row), never the rest of the log.
    expect(countRead).toBeLessThanOrEqual(2 * matches.length);
    expect(pageRead + countRead).toBeLessThan(ENTRIES / 3);
  });
});
