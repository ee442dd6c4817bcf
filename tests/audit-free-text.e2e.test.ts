import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SUBGRAPHS } from '@crm/kit/config.js';
import { ERASED } from '@crm/kit/erasure.js';
import {
  AddQuoteLineDocument,
  AuditLogDocument,
  CreateCustomerDocument,
  CreateProductDocument,
  CreateQuoteDocument,
  CreateQuotesDocument,
  EraseCustomerDocument,
  ErasureRequestDocument,
  RecordConsentDocument,
  RegisterAssetDocument,
  SubmitWebFormDocument,
  UpdateCustomerDocument,
} from './generated/graphql.js';
import { executeOk } from './helpers/graphql.js';
import { eventually } from './helpers/eventually.js';
import { startPlatform, type Platform } from './helpers/platform.js';

// ADR 8: names and free texts are never written as before/after values of the audit log, so an erasure leaves no copy
// in it: not in identity's audit_entry, nor in the AuditRecorded events on the bus (event_log) and in the outboxes.
// An outside privacy review found lines' descriptions, a customer's industry, an asset's financing, a web form's
// submission id and an erasure's reason there, and a consent's free-text source kept by the
// erasure of the person's events.

let platform: Platform;
let url: string;
beforeAll(async () => {
  platform = await startPlatform();
  url = platform.gatewayUrl;
});
afterAll(() => platform.stop());

const tag = randomUUID().slice(0, 8);
const marker = (what: string) => `${what}-${tag}`;

/** Runs SQL on the bus's own database (the event log), next to the subgraphs'. */
async function onEventLog<T extends pg.QueryResultRow>(sql: string, params: unknown[]): Promise<T[]> {
  const identityUrl = new URL(platform.subgraphs.identity.orm.config.get('clientUrl')!);
  const client = new pg.Client({ connectionString: Object.assign(identityUrl, { pathname: identityUrl.pathname.replace(/identity$/, 'events') }).toString() });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

/** Where the audit log's copies of `value` are: audit entries, AuditRecorded events on the bus and in each outbox. */
async function auditCopiesOf(value: string): Promise<string[]> {
  const like = `%${value}%`;
  const found: string[] = [];
  const identity = platform.subgraphs.identity.orm.em.fork().getConnection();
  if ((await identity.execute('select 1 from audit_entry t where t::text ilike ? limit 1', [like])).length) found.push('identity.audit_entry');
  for (const subgraph of SUBGRAPHS) {
    const outbox = platform.subgraphs[subgraph].orm.em.fork().getConnection();
    const rows = await outbox.execute("select 1 from outbox_event where type = 'AuditRecorded' and payload::text ilike ? limit 1", [like]);
    if (rows.length) found.push(`${subgraph}.outbox_event`);
  }
  if ((await onEventLog("select 1 from event_log where type = 'AuditRecorded' and payload::text ilike $1 limit 1", [like])).length) found.push('event_log');
  return found;
}

/** Waits for the audit entry of a mutation (it comes through the outbox and the bus), returns its changes. */
async function auditedChanges(operation: string, entityId: string) {
  return eventually(async () => {
    const { auditLog } = await executeOk(url, AuditLogDocument, { filter: { operation, entityId }, first: 10 });
    expect(auditLog.edges).toHaveLength(1);
    return (auditLog.edges[0]!.node.details as { changes: Array<{ entity: string; fields: Record<string, { before: unknown; after: unknown }> }> }).changes;
  });
}

const newCustomer = async (lastName: string) =>
  (
    await executeOk(url, CreateCustomerDocument, {
      input: { kind: 'PERSON', firstName: 'Auditovaný', lastName, emails: [`${lastName}@example.cz`], phones: [] },
    })
  ).createCustomer;

describe('the audit log', () => {
  it('keeps free texts, names and identifying numbers out of before and after, on the bus and in the outboxes', async () => {
    const markers = {
      createQuoteLine: marker('deliver to Createquote'),
      addQuoteLine: marker('deliver to Addquoteline'),
      createQuotesLine: marker('deliver to Createquotes'),
      industry: marker('industry'),
      contractNumber: marker('contract'),
      financingProvider: marker('financier'),
      submissionId: marker('submission.jana@example.cz'),
    };
    const customer = await newCustomer(`auditfree${tag}`);
    const product = (
      await executeOk(url, CreateProductDocument, {
        input: { sku: `AF-${tag}`, name: 'Octavia', category: 'CAR', listPrice: { amount: '600000.00', currency: 'CZK' } },
      })
    ).createProduct;
    const quoteInput = (description: string) => ({ customerId: customer.id, title: 'Quote', currency: 'CZK', lines: [{ productId: product.id, description }] });

    const { createQuote: quote } = await executeOk(url, CreateQuoteDocument, { input: quoteInput(markers.createQuoteLine) });
    await executeOk(url, AddQuoteLineDocument, {
      quoteId: quote.id,
      version: quote.version,
      input: { productId: product.id, description: markers.addQuoteLine },
    });
    const { createQuotes } = await executeOk(url, CreateQuotesDocument, { input: [quoteInput(markers.createQuotesLine)] });
    const updated = (
      await executeOk(url, UpdateCustomerDocument, { id: customer.id, version: customer.version, input: { industry: markers.industry, gender: 'FEMALE' } })
    ).updateCustomer;
    const model = marker('Kodiaq');
    const { registerAsset: asset } = await executeOk(url, RegisterAssetDocument, {
      input: {
        customerId: customer.id,
        kind: 'VEHICLE',
        identifier: marker('VIN'),
        model,
        financing: { provider: markers.financingProvider, contractNumber: markers.contractNumber, monthlyPayment: { amount: '9000.00', currency: 'CZK' } },
      },
    });
    const { submitWebForm: lead } = await executeOk(url, SubmitWebFormDocument, {
      input: { formKey: platform.webFormKey, submissionId: markers.submissionId, firstName: 'Jana', email: `jana.${tag}@example.cz` },
    });

    // Every mutation is audited (through the outbox and the bus), with what it changed.
    const lines = (changes: Awaited<ReturnType<typeof auditedChanges>>) => changes.filter((change) => change.entity === 'QuoteLine');
    const created = lines(await auditedChanges('Mutation.createQuote', quote.id));
    const added = lines(await auditedChanges('Mutation.addQuoteLine', quote.id));
    const createdInBulk = lines(await auditedChanges('Mutation.createQuotes', createQuotes[0]!.id));
    const customerChange = (await auditedChanges('Mutation.updateCustomer', updated.id)).find((change) => change.entity === 'Customer')!;
    const assetChange = (await auditedChanges('Mutation.registerAsset', asset.id)).find((change) => change.entity === 'Asset')!;
    await auditedChanges('Mutation.submitWebForm', lead.id);

    const copies: Record<string, string[]> = {};
    for (const [what, value] of Object.entries(markers)) copies[what] = await auditCopiesOf(value);
    expect(copies).toEqual(Object.fromEntries(Object.keys(markers).map((what) => [what, []])));

    // The fields are there, their values redacted.
    const redacted = { before: null, after: '[personal data]' };
    expect([...created, ...added, ...createdInBulk].map((line) => line.fields.description)).toEqual([redacted, redacted, redacted]);
    expect(customerChange.fields).toMatchObject({ industry: redacted, gender: redacted });
    // The model names a product, as a quote line's product does, not the person: it stays readable.
    expect(assetChange.fields).toMatchObject({ financingContractNumber: redacted, financingProvider: redacted, model: { after: model } });
  });

  it("keeps an erasure's reason out, and the erasure leaves no free-text consent source in the person's events", async () => {
    const customer = await newCustomer(`auditerase${tag}`);
    const source = marker('phone call with Jana Nováková');
    await executeOk(url, RecordConsentDocument, {
      input: { customerId: customer.id, purpose: 'MARKETING', channel: 'EMAIL', status: 'GRANTED', source, textVersion: 'v3' },
    });
    const reason = marker('Jana Nováková wrote: please erase me');
    const { eraseCustomer } = await executeOk(url, EraseCustomerDocument, { customerId: customer.id, reason });
    await eventually(async () => {
      expect((await executeOk(url, ErasureRequestDocument, { id: eraseCustomer.id })).erasureRequest.status).toBe('COMPLETED');
    }, 30_000);
    await eventually(async () => {
      const { auditLog } = await executeOk(url, AuditLogDocument, { filter: { operation: 'Mutation.eraseCustomer', entityId: eraseCustomer.id }, first: 10 });
      expect(auditLog.edges).toHaveLength(1);
    });
    expect({ reason: await auditCopiesOf(reason), source: await auditCopiesOf(source) }).toEqual({ reason: [], source: [] });

    // The consent's event stays, with its codes (purpose, channel, status), without what the caller wrote as its source.
    const consentEvents = await onEventLog<{ payload: Record<string, unknown> }>(
      "select payload from event_log where type = 'ConsentChanged' and payload->>'customerId' = $1",
      [customer.id],
    );
    expect(consentEvents.map((event) => event.payload)).toEqual([
      expect.objectContaining({ erased: true, purpose: 'MARKETING', channel: 'EMAIL', status: 'GRANTED', source: ERASED }),
    ]);
    const outbox = await platform.subgraphs.identity.orm.em
      .fork()
      .getConnection()
      .execute<Array<{ payload: Record<string, unknown> }>>("select payload from outbox_event where type = 'ConsentChanged' and payload->>'customerId' = ?", [
        customer.id,
      ]);
    expect(outbox.map((event) => event.payload.source)).toEqual(outbox.map(() => ERASED));
  }, 90_000);
});
