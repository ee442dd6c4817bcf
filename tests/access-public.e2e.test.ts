import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  AddQuoteLineDocument,
  CreateCustomerDocument,
  CreateOpportunityDocument,
  CreateProductDocument,
  CreateQuoteDocument,
  QuoteViewTokenDocument,
  RecordQuoteViewDocument,
  SendQuoteDocument,
  SubmitWebFormDocument,
} from './generated/graphql.js';
import { errorCodes, execute, executeOk } from './helpers/graphql.js';
import { startPlatform, type Platform } from './helpers/platform.js';

// Issue 8.1 and 8.8: the two operations open without a user are protected otherwise: the web-form intake by its
// form key and throttling (per form, client address and e-mail), the quote link by a signed, expiring token.

let platform: Platform;
let url: string;
beforeAll(async () => {
  platform = await startPlatform();
  url = platform.gatewayUrl;
});
afterAll(() => platform.stop());

const anonymous = { authorization: '' };
const form = (email: string) => ({ formKey: platform.webFormKey, submissionId: randomUUID(), firstName: 'Ema', lastName: 'Formová', email });
/** Made (the public caller reads no personal data back, so field errors come with it), or why not. */
const outcome = (result: { data?: { submitWebForm?: { id: string } | null } | null; errors?: Array<{ extensions?: Record<string, unknown> }> }) =>
  result.data?.submitWebForm?.id ? 'OK' : result.errors?.[0]?.extensions?.code;
const leadsFor = async (email: string) =>
  Number(
    (
      await platform.subgraphs.sales.orm.em
        .fork()
        .getConnection()
        .execute<Array<{ n: string }>>('select count(*) as n from sales_lead where contact_email = ?', [email])
    )[0]!.n,
  );

describe('the public web-form intake', () => {
  it('refuses an unknown form key', async () => {
    const result = await execute(url, SubmitWebFormDocument, { input: { ...form('nobody@example.cz'), formKey: 'wf_guessed' } }, anonymous);
    expect(errorCodes(result)).toEqual(['FORBIDDEN']);
  });

  it('takes at most two forms an hour naming one e-mail address, so a stranger is not flooded with mail', async () => {
    const email = `stranger.${randomUUID().slice(0, 8)}@example.cz`;
    const results = [];
    for (let i = 0; i < 5; i++) results.push(await execute(url, SubmitWebFormDocument, { input: form(email) }, anonymous));
    expect(results.map(outcome)).toEqual(['OK', 'OK', 'RATE_LIMITED', 'RATE_LIMITED', 'RATE_LIMITED']);
    expect(results[2]!.errors?.[0]?.extensions?.retryAfterSeconds).toBe(3600);
    expect(await leadsFor(email)).toBe(2);
    // A retry of an accepted submission is still answered (idempotent), not counted again.
    const retry = await execute(
      url,
      SubmitWebFormDocument,
      { input: { ...form(email), submissionId: results[0]!.data!.submitWebForm.submissionId! } },
      anonymous,
    );
    expect(retry.data?.submitWebForm.id).toBe(results[0]!.data!.submitWebForm.id);
  });

  it('throttles one client address, then lets it in again when the limit allows', async () => {
    const previous = process.env.WEB_FORM_LIMIT_PER_ADDRESS_PER_MINUTE;
    process.env.WEB_FORM_LIMIT_PER_ADDRESS_PER_MINUTE = '3';
    try {
      await platform.subgraphs.sales.orm.em.fork().getConnection().execute('delete from web_form_submission');
      const codes = [];
      for (let i = 0; i < 4; i++) {
        const result = await execute(url, SubmitWebFormDocument, { input: form(`visitor.${randomUUID().slice(0, 8)}@example.cz`) }, anonymous);
        codes.push(outcome(result));
      }
      expect(codes).toEqual(['OK', 'OK', 'OK', 'RATE_LIMITED']);
    } finally {
      process.env.WEB_FORM_LIMIT_PER_ADDRESS_PER_MINUTE = previous;
    }
    const after = await execute(url, SubmitWebFormDocument, { input: form(`visitor.${randomUUID().slice(0, 8)}@example.cz`) }, anonymous);
    expect(outcome(after)).toBe('OK');
  });
});

describe('the quote link', () => {
  it('records an open through its signed token without sign-in, and refuses a forged or foreign token', async () => {
    const { createCustomer } = await executeOk(url, CreateCustomerDocument, {
      input: { kind: 'PERSON', firstName: 'Quote', lastName: 'Reader', emails: [], phones: [] },
    });
    const { createOpportunity } = await executeOk(url, CreateOpportunityDocument, {
      input: { customerId: createCustomer.id, title: 'Linked', amount: { amount: '10.00', currency: 'CZK' } },
    });
    const { createProduct } = await executeOk(url, CreateProductDocument, {
      input: { sku: `LINK-${randomUUID().slice(0, 6)}`, name: 'Linked car', category: 'CAR', listPrice: { amount: '10.00', currency: 'CZK' } },
    });
    const draft = (
      await executeOk(url, CreateQuoteDocument, { input: { opportunityId: createOpportunity.id, title: 'Offer', currency: 'CZK', taxRatePercent: '21' } })
    ).createQuote;
    const quote = (
      await executeOk(url, AddQuoteLineDocument, { quoteId: draft.id, version: draft.version, input: { productId: createProduct.id, quantity: 1 } })
    ).addQuoteLine;
    expect((await executeOk(url, QuoteViewTokenDocument, { id: quote.id })).quote.viewToken).toBeNull(); // a draft has no link
    await executeOk(url, SendQuoteDocument, { id: quote.id, version: quote.version });
    const { quote: sent } = await executeOk(url, QuoteViewTokenDocument, { id: quote.id });

    const forged = await execute(url, RecordQuoteViewDocument, { token: `${sent.viewToken!.slice(0, -4)}AAAA` }, anonymous);
    expect(errorCodes(forged)).toEqual(['BAD_USER_INPUT']);
    const byId = await execute(url, RecordQuoteViewDocument, { token: quote.id }, anonymous);
    expect(errorCodes(byId)).toEqual(['BAD_USER_INPUT']);
    expect((await executeOk(url, QuoteViewTokenDocument, { id: quote.id })).quote.status).toBe('SENT');

    const opened = await execute(url, RecordQuoteViewDocument, { token: sent.viewToken!, channel: 'EMAIL' }, anonymous);
    expect(opened.data?.recordQuoteView).toBe(true);
    expect((await executeOk(url, QuoteViewTokenDocument, { id: quote.id })).quote.status).toBe('VIEWED');
  });
});
