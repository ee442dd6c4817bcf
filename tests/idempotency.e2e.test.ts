import { randomUUID } from 'node:crypto';
import { print } from 'graphql';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  CreateActivityDocument,
  CreateCustomerDocument,
  CreateKnowledgeArticleDocument,
  CreateLeadDocument,
  CreateOpportunityDocument,
  CreateProductDocument,
  CreateSegmentDocument,
  CreateSequenceDocument,
  CreateTeamDocument,
  CreateUserDocument,
  OpenCaseDocument,
  RecordConsentDocument,
  RecordInteractionDocument,
  RegisterAssetDocument,
  SubmitWebFormDocument,
} from './generated/graphql.js';
import { execute, executeOk, type GraphQLResponse } from './helpers/graphql.js';
import { startPlatform, type Platform } from './helpers/platform.js';

let platform: Platform;
let customerId: string;
beforeAll(async () => {
  platform = await startPlatform();
  ({
    createCustomer: { id: customerId },
  } = await executeOk(platform.gatewayUrl, CreateCustomerDocument, {
    input: { kind: 'PERSON', firstName: 'Ida', lastName: 'Empotent', emails: ['ida@idempotent.example'], phones: [] },
  }));
});
afterAll(() => platform.stop());

const withKey = <T, V>(document: TypedDocumentNode<T, V>, variables: V, key: string): Promise<GraphQLResponse<T>> =>
  execute(platform.gatewayUrl, document, variables, { 'idempotency-key': key });

/** The id of whatever a create returned (its single root field's value). */
const idOf = (response: GraphQLResponse<unknown>): string => {
  if (response.errors?.length) throw new Error(JSON.stringify(response.errors));
  const [created] = Object.values(response.data as Record<string, { id?: string; leadId?: string }>);
  return created!.id ?? created!.leadId!;
};

// Every create of every subgraph, each with input that creates a new record when it runs.
const creates: Array<[string, () => [TypedDocumentNode<unknown, never>, unknown]]> = [
  ['createCustomer', () => [CreateCustomerDocument, { input: { kind: 'PERSON', firstName: 'Retry', lastName: randomUUID(), emails: [], phones: [] } }]],
  ['createUser', () => [CreateUserDocument, { input: { name: 'Retry Rep', email: `${randomUUID()}@dealer.example`, role: 'SALES_REP' } }]],
  ['createTeam', () => [CreateTeamDocument, { input: { name: `Team ${randomUUID()}` } }]],
  [
    'recordConsent',
    () => [RecordConsentDocument, { input: { customerId, purpose: 'MARKETING', channel: 'EMAIL', status: 'GRANTED', source: 'test', textVersion: 'v1' } }],
  ],
  ['createLead', () => [CreateLeadDocument, { input: { source: 'PHONE', contactName: 'Retry Caller', customerId } }]],
  ['createOpportunity', () => [CreateOpportunityDocument, { input: { customerId, title: 'Retry deal', amount: { amount: '1000.00', currency: 'CZK' } } }]],
  ['createActivity', () => [CreateActivityDocument, { input: { type: 'CALL', subject: 'Retry call', customerId } }]],
  [
    'createProduct',
    () => [CreateProductDocument, { input: { sku: randomUUID(), name: 'Retry car', category: 'CAR', listPrice: { amount: '500000.00', currency: 'CZK' } } }],
  ],
  [
    'submitWebForm',
    () => [
      SubmitWebFormDocument,
      { input: { formKey: platform.webFormKey, submissionId: randomUUID(), firstName: 'Web', lastName: 'Retry', email: `${randomUUID()}@web.example` } },
    ],
  ],
  ['recordInteraction', () => [RecordInteractionDocument, { input: { customerId, channel: 'WEB', type: 'PAGE_VIEW', properties: {} } }]],
  ['createSegment', () => [CreateSegmentDocument, { input: { name: `Segment ${randomUUID()}`, kind: 'STATIC' } }]],
  [
    'createSequence',
    () => [
      CreateSequenceDocument,
      { input: { name: `Sequence ${randomUUID()}`, steps: [{ channel: 'EMAIL', template: 'welcome-from-your-dealer', delayHours: 0 }] } },
    ],
  ],
  ['openCase', () => [OpenCaseDocument, { input: { customerId, subject: 'Retry case', channel: 'EMAIL', priority: 'NORMAL' } }]],
  ['registerAsset', () => [RegisterAssetDocument, { input: { customerId, identifier: randomUUID().slice(0, 17).toUpperCase(), model: 'Octavia' } }]],
  ['createKnowledgeArticle', () => [CreateKnowledgeArticleDocument, { input: { title: 'Retry article', body: 'How to retry safely.' } }]],
];

describe('Idempotency-Key on mutations', () => {
  it.each(creates)('%s: a retry with the same key returns the original record and creates nothing', async (name, make) => {
    const [document, variables] = make();
    const key = randomUUID();
    const first = idOf(await withKey(document, variables as never, key));
    const retried = idOf(await withKey(document, variables as never, key));
    expect(retried).toBe(first);
    // A web form is idempotent by its submissionId even without a key (tested below).
    if (name === 'submitWebForm') return;
    // The same request without a key is a new request: a new record, or a refusal where a value must be unique.
    const again = await execute(platform.gatewayUrl, document, variables as never);
    if (again.errors?.length) expect(again.errors[0]?.extensions?.code).toBe('CONFLICT');
    else expect(idOf(again)).not.toBe(first);
  });

  it('answers retries sent at the same time with one record', async () => {
    const key = randomUUID();
    const variables = { input: { customerId, subject: 'Sent twice at once', channel: 'EMAIL' as const, priority: 'NORMAL' as const } };
    const answers = await Promise.all(Array.from({ length: 5 }, () => withKey(OpenCaseDocument, variables, key)));
    expect(new Set(answers.map(idOf)).size).toBe(1);
    const [row] = await platform.subgraphs.service.orm.em
      .fork()
      .getConnection()
      .execute<Array<{ count: string }>>(`select count(*) from support_case where subject = 'Sent twice at once'`);
    expect(Number(row!.count)).toBe(1);
  });

  it('refuses the same key with other arguments, and a malformed key', async () => {
    const key = randomUUID();
    const input = { customerId, title: 'First use of the key', amount: { amount: '10.00', currency: 'CZK' } };
    idOf(await withKey(CreateOpportunityDocument, { input }, key));
    const reused = await withKey(CreateOpportunityDocument, { input: { ...input, title: 'Something else' } }, key);
    expect(reused.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'IDEMPOTENCY_KEY_REUSED' });
    expect(reused.errors?.[0]?.message).toContain('other arguments');

    const response = await fetch(platform.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': 'has spaces and ünïcode' },
      body: JSON.stringify({ query: print(CreateOpportunityDocument), variables: { input } }),
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as GraphQLResponse<unknown>;
    expect(body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('refuses a known web-form submissionId sent with other data instead of returning the old lead', async () => {
    const submissionId = randomUUID();
    const input = { formKey: platform.webFormKey, submissionId, firstName: 'Form', lastName: 'Twice', email: `${submissionId}@form.example` };
    const first = await executeOk(platform.gatewayUrl, SubmitWebFormDocument, { input });
    const same = await executeOk(platform.gatewayUrl, SubmitWebFormDocument, { input });
    expect(same.submitWebForm.id).toBe(first.submitWebForm.id);
    const other = await execute(platform.gatewayUrl, SubmitWebFormDocument, { input: { ...input, lastName: 'Different' } });
    expect(other.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    expect(other.errors?.[0]?.message).toContain(submissionId);
  });

  it('records one interaction for one external event sent twice at once', async () => {
    const externalEventId = randomUUID();
    const input = { customerId, channel: 'WEB' as const, type: 'PAGE_VIEW' as const, sourceSystem: 'partner-cms', externalEventId, properties: {} };
    const answers = await Promise.all(Array.from({ length: 5 }, () => executeOk(platform.gatewayUrl, RecordInteractionDocument, { input })));
    expect(new Set(answers.map((a) => a.recordInteraction.id)).size).toBe(1);
  });
});

describe('Idempotency-Key on mutations that answer with a secret', () => {
  const graph = async (query: string, variables: Record<string, unknown>, key: string) => {
    const response = await fetch(platform.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: platform.admin.authorization, 'idempotency-key': key },
      body: JSON.stringify({ query, variables }),
    });
    const text = await response.text();
    return { text, body: JSON.parse(text) as GraphQLResponse<Record<string, { secret: string; apiKey: { id: string; version: number } }>> };
  };
  /** Every row identity keeps of idempotency keys, as text: what a database dump or backup would hold. */
  const stored = async () =>
    (
      await platform.subgraphs.identity.orm.em
        .fork()
        .getConnection()
        .execute<Array<{ row: string }>>('select row_to_json(k)::text as row from idempotency_key k')
    ).map((r) => r.row);
  const keyCount = async () =>
    Number((await platform.subgraphs.identity.orm.em.fork().getConnection().execute<Array<{ count: string }>>('select count(*) from api_key'))[0]!.count);

  it('keeps no secret, and a retry is told the secret was shown once instead of seeing it again', async () => {
    const create = 'mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret apiKey { id version } } }';
    const rotate = 'mutation($id: ID!, $version: Int!) { rotateApiKey(id: $id, version: $version) { secret apiKey { id version } } }';
    const createKey = randomUUID();
    const input = { name: 'Retrying partner', scopes: ['customers:read'], allowedCidrs: [] };
    const created = await graph(create, { input }, createKey);
    const { secret, apiKey } = created.body.data!.createApiKey!;
    expect(secret).toMatch(/^crmk_/);
    const rotateKey = randomUUID();
    const rotated = await graph(rotate, { id: apiKey.id, version: apiKey.version }, rotateKey);
    const newSecret = rotated.body.data!.rotateApiKey!.secret;
    expect(newSecret).toMatch(/^crmk_/);

    // Both requests are remembered (a retry must not run them again), but not what they answered with.
    const rows = await stored();
    expect(rows.filter((row) => row.includes(createKey) || row.includes(rotateKey))).toHaveLength(2);
    for (const row of rows) {
      expect(row).not.toContain(secret);
      expect(row).not.toContain(newSecret);
      expect(row).not.toContain(secret.slice(14)); // not even the part after the prefix shown in lists
      expect(row).not.toContain(newSecret.slice(14));
    }

    // A retry changes nothing and shows no secret: it names the key, and says how to get a new secret.
    const keys = await keyCount();
    for (const [retry, field] of [
      [await graph(create, { input }, createKey), 'createApiKey'],
      [await graph(rotate, { id: apiKey.id, version: apiKey.version }, rotateKey), 'rotateApiKey'],
    ] as const) {
      expect(retry.body.data ?? null).toBeNull();
      expect(retry.body.errors).toHaveLength(1);
      expect(retry.body.errors![0]!.path).toEqual([field]);
      expect(retry.body.errors![0]!.extensions).toMatchObject({
        code: 'CONFLICT',
        reason: 'SECRET_SHOWN_ONCE',
        field: 'Idempotency-Key',
        type: 'ApiKey',
        id: apiKey.id,
      });
      expect(retry.body.errors![0]!.message).toMatch(/shown once.*rotateApiKey/);
      expect(retry.text).not.toContain(secret);
      expect(retry.text).not.toContain(newSecret);
    }
    expect(await keyCount()).toBe(keys);
    // The secret from the rotation still works: the retry did not rotate again.
    const check = await fetch(platform.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${newSecret}` },
      body: JSON.stringify({ query: '{ customers(first: 1) { totalCount } }' }),
    });
    expect(((await check.json()) as GraphQLResponse<unknown>).errors).toBeUndefined();
  });
});
