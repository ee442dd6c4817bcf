import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from '@jest/globals';
import type { Viewer } from '@crm/kit/access/viewer.js';
import { planOf, rowsReadBy, statementsSentBy } from '../../../tests/helpers/query-plan.js';
import { CaseChannel, CaseLine, CaseOrder } from '../src/modules/case/case.enums.js';
import type { CaseFilter } from '../src/modules/case/case.inputs.js';
import { casesPage } from '../src/modules/case/case.queries.js';
import { openCase } from '../src/modules/case/case.service.js';
import { desk, em, orm, serviceAgent, useFreshServiceDatabase, write } from './database.js';

// Query.cases on a dealer's service history: 20,000 cases, all but a few hundred resolved long ago. Two filters read
// the whole table, for a page and again for its count. breachingBefore: `resolution_due_at < ?` holds for almost
// every old resolved case, so the due-date indexes did not narrow it (partial indexes over the unresolved cases do).
// An agent's row scope: `line::text = any(…)` kept the line index from serving, so the OR with the assignee could not
// be answered from two indexes (BitmapOr); an agent of a line or with no line at all read every case. A page and its
// count read about the rows they match.

useFreshServiceDatabase();

const CASES = 20_000;
const PAGE = 10;
/** Case n was opened n × 10 minutes before BASE; its first response is due 2 hours after, its resolution 48. */
const BASE = new Date('2026-12-01T12:00:00Z');
const MINUTE = 60_000;
const openedAt = (n: number) => new Date(BASE.getTime() - n * 10 * MINUTE);
/** Every 52nd case is still open (384); every other of them still waits for its first response. */
const isOpen = (n: number) => n % 52 === 0;
const awaitsFirstResponse = (n: number) => n % 104 === 0;
/** Every 50th case is the second line's (400). */
const isSecondLine = (n: number) => n % 50 === 0;
const SECOND_LINE_AGENT = randomUUID();
const LONE_AGENT = randomUUID();
/** 50 first-line cases are assigned to the second-line agent, 50 to the agent of no line; the rest to 40 others. */
const assigneeOf = (n: number) => (n % 400 === 7 ? SECOND_LINE_AGENT : n % 400 === 207 ? LONE_AGENT : null);

const numbers = Array.from({ length: CASES }, (_, i) => i + 1);
/** Open, with the first response or the resolution due before BASE (breachingBefore: BASE). */
const breaching = numbers.filter(
  (n) =>
    isOpen(n) &&
    ((awaitsFirstResponse(n) && openedAt(n).getTime() + 2 * 60 * MINUTE < BASE.getTime()) || openedAt(n).getTime() + 48 * 60 * MINUTE < BASE.getTime()),
);
const seenBy = (agent: string, lines: string[]) => numbers.filter((n) => (isSecondLine(n) && lines.includes(CaseLine.SECOND)) || assigneeOf(n) === agent);

beforeAll(async () => {
  // No statistics but those the tests gather: autovacuum must not analyze the table while the tests look at the plans.
  await em().getConnection().execute('alter table support_case set (autovacuum_enabled = false)');
  // One case opened by the service, copied in SQL: a dealer's history in a second.
  const template = await write((em) => openCase(em, { customerId: randomUUID(), subject: 'Template', channel: CaseChannel.EMAIL, line: CaseLine.FIRST }));
  const connection = em().getConnection();
  await connection.transactional(async (trx) => {
    await connection.execute('set local statement_timeout = 0', [], 'all', trx);
    await connection.execute(
      `insert into support_case
       select (jsonb_populate_record(null::support_case, to_jsonb(c) || jsonb_build_object(
         'id', md5('case-list-' || n)::uuid, 'subject', 'Case ' || n, 'created_at', opened, 'updated_at', opened,
         'status', case when open then 'OPEN' else 'CLOSED' end,
         'line', case when n % 50 = 0 then 'SECOND' else 'FIRST' end,
         'assignee_id', case when n % 400 = 7 then ?::uuid when n % 400 = 207 then ?::uuid else md5('agent-' || n % 40)::uuid end,
         'first_response_due_at', opened + interval '2 hours', 'resolution_due_at', opened + interval '48 hours',
         'first_responded_at', case when open and n % 104 = 0 then null else opened + interval '1 hour' end,
         'resolved_at', case when open then null else opened + interval '20 hours' end,
         'first_response_at_risk_at', null, 'resolution_at_risk_at', null))).*
       from support_case c, generate_series(1, ?) n,
         lateral (select ?::timestamptz - n * interval '10 minutes' as opened, n % 52 = 0 as open) made
       where c.id = ?`,
      [SECOND_LINE_AGENT, LONE_AGENT, CASES, BASE.toISOString(), template.id],
      'all',
      trx,
    );
    await connection.execute('delete from support_case where id = ?', [template.id], 'all', trx);
  });
  await connection.execute('analyze support_case');
}, 120_000);

/** The first page of Query.cases and its totalCount, and what their statements read (EXPLAIN ANALYZE, rolled back). */
async function listCases(filter: CaseFilter | null, orderBy: CaseOrder, viewer: Viewer): Promise<{ numbers: number[]; total: number; rowsRead: number }> {
  const { result, sent } = await statementsSentBy(em(), async () => {
    const page = await casesPage(em(), filter, orderBy, viewer, { first: PAGE });
    return { numbers: page.edges.map((edge) => Number(edge.node.subject.replace('Case ', ''))), total: await page.count() };
  });
  expect(sent).toHaveLength(2); // the page, then its count
  let rowsRead = 0;
  for (const { sql, params } of sent) rowsRead += rowsReadBy(await planOf(orm(), sql, params));
  return { ...result, rowsRead };
}

const newestFirst = (cases: number[]) => [...cases].sort((a, b) => a - b).slice(0, PAGE);

describe("Query.cases on a dealer's service history, most of it resolved", () => {
  it('the data is as the tests count it', () => {
    expect(breaching.length).toBeGreaterThan(300);
    expect(breaching.length).toBeLessThan(numbers.filter(isOpen).length); // a few open cases are not due yet
    expect(seenBy(SECOND_LINE_AGENT, [CaseLine.SECOND])).toHaveLength(450);
    expect(seenBy(LONE_AGENT, [])).toHaveLength(50);
  });

  it('finds the cases breaching a deadline reading about them, newest first and the resolution due soonest first', async () => {
    const filter = { breachingBefore: BASE };
    const newest = await listCases(filter, CaseOrder.NEWEST_FIRST, desk);
    expect(newest.total).toBe(breaching.length);
    expect(newest.numbers).toEqual(newestFirst(breaching));
    expect(newest.rowsRead).toBeLessThan(CASES / 10);

    const dueSoonest = await listCases(filter, CaseOrder.RESOLUTION_DUE_SOONEST, desk);
    expect(dueSoonest.total).toBe(breaching.length);
    expect(dueSoonest.numbers).toEqual([...breaching].sort((a, b) => b - a).slice(0, PAGE));
    expect(dueSoonest.rowsRead).toBeLessThan(CASES / 10);
  });

  it("shows an agent of the second line that line's cases and those assigned to them, reading about them", async () => {
    const { numbers, total, rowsRead } = await listCases(null, CaseOrder.NEWEST_FIRST, serviceAgent(SECOND_LINE_AGENT, [CaseLine.SECOND]));
    const seen = seenBy(SECOND_LINE_AGENT, [CaseLine.SECOND]);
    expect(total).toBe(seen.length);
    expect(numbers).toEqual(newestFirst(seen));
    expect(rowsRead).toBeLessThan(CASES / 10);
  });

  it('shows an agent of no line the cases assigned to them, reading next to nothing', async () => {
    const { numbers, total, rowsRead } = await listCases(null, CaseOrder.NEWEST_FIRST, serviceAgent(LONE_AGENT, []));
    const seen = seenBy(LONE_AGENT, []);
    expect(total).toBe(seen.length);
    expect(numbers).toEqual(newestFirst(seen));
    expect(rowsRead).toBeLessThan(CASES / 50);
  });

  it('shows an agent of a line the database does not know only the cases assigned to them', async () => {
    const { total } = await listCases(null, CaseOrder.NEWEST_FIRST, serviceAgent(LONE_AGENT, ['THIRD']));
    expect(total).toBe(seenBy(LONE_AGENT, []).length);
  });
});
