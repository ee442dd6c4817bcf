import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CreateCustomerDocument, CreateKnowledgeArticleDocument, CreateProductDocument, GlobalSearchDocument } from './generated/graphql.js';
import { errorCodes, execute, executeOk } from './helpers/graphql.js';
import { startPlatform, type Platform } from './helpers/platform.js';

let platform: Platform;
beforeAll(async () => {
  platform = await startPlatform();
  await executeOk(platform.gatewayUrl, CreateCustomerDocument, {
    input: { kind: 'PERSON', firstName: 'Octavia', lastName: 'Kodiaková', emails: ['octavia@example.cz'], phones: ['+420 777 111 222'] },
  });
  await executeOk(platform.gatewayUrl, CreateProductDocument, {
    input: { sku: 'KODIAQ-RS', name: 'Kodiaq RS 4x4', category: 'CAR', listPrice: { amount: '1249900', currency: 'CZK' } },
  });
  await executeOk(platform.gatewayUrl, CreateKnowledgeArticleDocument, {
    input: { title: 'Kodiaq: resetting the service interval', body: 'How to reset the service interval indicator on a Kodiaq.', status: 'PUBLISHED' },
  });
  await executeOk(platform.gatewayUrl, CreateKnowledgeArticleDocument, {
    input: { title: 'Pairing your phone', body: 'Bluetooth pairing steps.', status: 'PUBLISHED' },
  });
});
afterAll(() => platform.stop());

describe('one search box across domains', () => {
  it('answers customers, products and knowledge articles for one query, ranked, with their entities', async () => {
    const { search } = await executeOk(platform.gatewayUrl, GlobalSearchDocument, { query: 'kodiaq', first: 10 });
    expect(search.map((hit) => hit.kind).sort()).toEqual(['CUSTOMER', 'KNOWLEDGE_ARTICLE', 'PRODUCT']);
    const scores = search.map((hit) => hit.score);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
    expect(search.find((hit) => hit.kind === 'CUSTOMER')?.customer).toMatchObject({ displayName: 'Octavia Kodiaková', emails: ['octavia@example.cz'] });
    expect(search.find((hit) => hit.kind === 'PRODUCT')?.product?.name).toBe('Kodiaq RS 4x4');
    expect(search.find((hit) => hit.kind === 'KNOWLEDGE_ARTICLE')?.article?.title).toBe('Kodiaq: resetting the service interval');
  });

  it('finds a customer by e-mail and by phone', async () => {
    const byEmail = await executeOk(platform.gatewayUrl, GlobalSearchDocument, { query: 'octavia@example.cz' });
    expect(byEmail.search[0]).toMatchObject({ kind: 'CUSTOMER', title: 'Octavia Kodiaková' });
    const byPhone = await executeOk(platform.gatewayUrl, GlobalSearchDocument, { query: '+420777111' });
    expect(byPhone.search[0]).toMatchObject({ kind: 'CUSTOMER', title: 'Octavia Kodiaková' });
  });

  it('rejects a query too short to be useful and an out-of-range page size', async () => {
    expect(errorCodes(await execute(platform.gatewayUrl, GlobalSearchDocument, { query: ' k ' }))).toEqual(['BAD_USER_INPUT']);
    expect(errorCodes(await execute(platform.gatewayUrl, GlobalSearchDocument, { query: 'kodiaq', first: 500 }))).toEqual(['BAD_USER_INPUT']);
  });
});
