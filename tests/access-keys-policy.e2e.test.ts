import { createHash, randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SUBGRAPHS, type SubgraphName } from '@crm/kit/config.js';
import { signInternalToken } from '@crm/kit/access/internal-token.js';
import type { Role } from '@crm/kit/access/permissions.js';
import { personViewer } from '../gateway/auth/authenticator.js';
import {
  CreateApiKeyDocument,
  CreateCustomerDocument,
  CustomerChangedDocument,
  GapsAccessRulesDocument,
  GapsApiKeysDocument,
  GapsCustomerVersionDocument,
  RemoveAccessRuleDocument,
  RevokeApiKeyDocument,
  RotateApiKeyDocument,
  SetAccessRuleDocument,
  UpdateCustomerDocument,
} from './generated/graphql.js';
import { errorCodes, execute, executeOk, type GraphQLResponse } from './helpers/graphql.js';
import { eventually } from './helpers/eventually.js';
import { startPlatform, type Platform, type StaffMember } from './helpers/platform.js';
import { connect, subscribe } from './helpers/subscriptions.js';

// Issue 8.2, 8.3 and 8.4: an expired key is refused, only admins manage keys and the access policy, a key's secret
// is never stored, and each subgraph enforces permissions on its own for a caller the gateway vouched for.

let platform: Platform;
let url: string;
let customerId: string;
beforeAll(async () => {
  platform = await startPlatform();
  url = platform.gatewayUrl;
  customerId = (await executeOk(url, CreateCustomerDocument, { input: { kind: 'PERSON', firstName: 'Klára', lastName: 'Klíčová', emails: [], phones: [] } }))
    .createCustomer.id;
});
afterAll(() => platform.stop());

/** A raw POST, to see the HTTP status as well as the body. */
async function post(target: string, query: string, headers: Record<string, string>, variables?: Record<string, unknown>) {
  const response = await fetch(target, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, body: (await response.json()) as GraphQLResponse<Record<string, unknown>> };
}
const CUSTOMERS = '{ customers(first: 1) { totalCount } }';
/** A secret is `crmk_xxxxxxxx_<random>`; the first part is its prefix. */
const PREFIX = 'crmk_xxxxxxxx';

/**
 * Waits until the gateway's bus tail has passed every identity event committed so far (e.g. the ApiKeyCreated
 * that empties its cache of keys): identity changes the customer, and a subscriber of that gateway receives it.
 */
async function gatewayHasReadIdentityEvents(): Promise<void> {
  const client = connect(platform.wsUrl);
  try {
    const head = await eventually(async () => {
      const cursor = await platform.bus.head();
      expect(cursor).not.toBeNull();
      return cursor!;
    });
    const changes = subscribe(client, CustomerChangedDocument, { id: customerId, after: head });
    const { customer } = await executeOk(url, GapsCustomerVersionDocument, { id: customerId });
    await executeOk(url, UpdateCustomerDocument, { id: customerId, version: customer.version, input: { lastName: `Klíčová ${customer.version}` } });
    await eventually(async () => expect(changes.results.map((r) => r.data?.customerChanged.event.type)).toContain('CustomerChanged'));
    await changes.close();
  } finally {
    await client.dispose();
  }
}

describe('API keys stop at their expiry', () => {
  it('refuses a key whose expiresAt has passed with 401 UNAUTHENTICATED, even one the gateway has just seen', async () => {
    const expiresAt = new Date(Date.now() + 3_000);
    const { createApiKey } = await executeOk(url, CreateApiKeyDocument, {
      input: { name: 'Short-lived partner', scopes: ['customers:read'], expiresAt: expiresAt.toISOString() },
    });
    const key = { authorization: `Bearer ${createApiKey.secret}` };
    await gatewayHasReadIdentityEvents();
    // The first use: the gateway now knows the key (and caches what identity told it about it).
    const before = await post(url, CUSTOMERS, key);
    expect([before.status, before.body.errors]).toEqual([200, undefined]);

    // The condition waited for is the clock itself passing the key's expiry.
    await eventually(async () => expect(Date.now()).toBeGreaterThan(expiresAt.getTime() + 50));
    const after = await post(url, CUSTOMERS, key);
    expect([after.status, after.body.errors?.[0]?.extensions?.code, after.body.data ?? null]).toEqual([401, 'UNAUTHENTICATED', null]);
    expect(after.body.errors?.[0]?.message).toBe('This API key is unknown, revoked or expired');
    const listed = (await executeOk(url, GapsApiKeysDocument, {})).apiKeys.edges.find((e) => e.node.id === createApiKey.apiKey.id);
    expect(listed?.node.status).toBe('EXPIRED');
  });

  it('refuses to make a key that has already expired', async () => {
    const result = await execute(url, CreateApiKeyDocument, {
      input: { name: 'Born expired', scopes: ['customers:read'], expiresAt: new Date(Date.now() - 60_000).toISOString() },
    });
    expect(errorCodes(result)).toEqual(['BAD_USER_INPUT']);
    expect(result.errors?.[0]?.message).toContain('expiresAt');
  });
});

describe('only admins manage keys and the access policy', () => {
  it('refuses every non-admin role createApiKey, rotateApiKey, revokeApiKey, setAccessRule and removeAccessRule, changing nothing', async () => {
    const key = await platform.createApiKey(['customers:read'], { name: 'Kept partner' });
    await executeOk(url, SetAccessRuleDocument, { input: { scope: 'ROLE', role: 'SERVICE_AGENT', cidrs: ['0.0.0.0/0', '::/0'] } });
    const keysBefore = await executeOk(url, GapsApiKeysDocument, {});
    const rulesBefore = await executeOk(url, GapsAccessRulesDocument, {});
    expect(rulesBefore.accessRules).toEqual([{ appliesTo: 'ROLE:SERVICE_AGENT', version: 1, cidrs: ['0.0.0.0/0', '::/0'] }]);

    const roles: Role[] = ['SALES_REP', 'SALES_MANAGER', 'MARKETER', 'SERVICE_AGENT', 'ANALYST'];
    const members = await Promise.all(roles.map((role) => platform.createStaff(role)));
    const refusals: string[] = [];
    for (const member of members) {
      const as = { authorization: member.authorization };
      const attempts: Array<[string, Promise<GraphQLResponse<unknown>>]> = [
        ['apikeys:manage', execute(url, CreateApiKeyDocument, { input: { name: 'Mine now', scopes: ['customers:read', 'pii:read'] } }, as)],
        ['apikeys:manage', execute(url, RotateApiKeyDocument, { id: key.id, version: key.version }, as)],
        ['apikeys:manage', execute(url, RevokeApiKeyDocument, { id: key.id, version: key.version }, as)],
        ['access:manage', execute(url, SetAccessRuleDocument, { input: { scope: 'ORGANIZATION', cidrs: ['203.0.113.0/24'] } }, as)],
        ['access:manage', execute(url, RemoveAccessRuleDocument, { scope: 'ROLE', role: 'SERVICE_AGENT' }, as)],
        ['apikeys:manage', execute(url, GapsApiKeysDocument, {}, as)],
      ];
      for (const [permission, attempt] of attempts) {
        const result = await attempt;
        const refused = errorCodes(result).join() === 'FORBIDDEN' && !!result.errors?.[0]?.message.includes(permission) && !result.data;
        if (!refused) refusals.push(`${member.id}: ${JSON.stringify(result)}`);
      }
    }
    expect(refusals).toEqual([]);

    // Nothing changed: the same keys at the same versions, the same rule, and the key still works.
    expect(await executeOk(url, GapsApiKeysDocument, {})).toEqual(keysBefore);
    expect(await executeOk(url, GapsAccessRulesDocument, {})).toEqual(rulesBefore);
    expect((await post(url, CUSTOMERS, { authorization: key.authorization })).status).toBe(200);
    expect((await post(url, CUSTOMERS, { authorization: platform.admin.authorization })).status).toBe(200); // no organisation rule was set
    await executeOk(url, RemoveAccessRuleDocument, { scope: 'ROLE', role: 'SERVICE_AGENT' });
  });
});

describe('a key’s secret is never stored', () => {
  it('keeps only the SHA-256 of the secret in identity’s api_key table, and the secret nowhere in any database', async () => {
    const key = await platform.createApiKey(['customers:read', 'interactions:write'], { name: 'Hashed partner' });
    const secret = key.authorization.slice('Bearer '.length);
    expect((await post(url, CUSTOMERS, { authorization: key.authorization })).status).toBe(200); // used once: lastUsedAt, audit
    const { rotateApiKey } = await executeOk(url, RotateApiKeyDocument, { id: key.id, version: key.version });
    const rotated = rotateApiKey.secret;
    expect((await post(url, CUSTOMERS, { authorization: `Bearer ${rotated}` })).status).toBe(200);

    const identity = new pg.Client({ connectionString: platform.subgraphs.identity.orm.config.get('clientUrl') });
    await identity.connect();
    try {
      const { rows } = await identity.query<Record<string, unknown>>('select * from api_key where id = $1', [key.id]);
      expect(rows).toHaveLength(1);
      const row = rows[0]!;
      expect(row.secret_hash).toBe(createHash('sha256').update(rotated).digest('hex'));
      const stored = JSON.stringify(row);
      for (const s of [secret, rotated]) {
        expect(stored).not.toContain(s);
        expect(stored).not.toContain(s.slice(PREFIX.length + 1)); // nor the random part on its own
      }
      expect(row.prefix).toBe(rotated.slice(0, PREFIX.length)); // what is kept to tell keys apart: crmk_ and 8 characters
    } finally {
      await identity.end();
    }

    // Not in any table of any of the platform's databases either: the outbox, the audit log, the bus.
    const databases = [
      ...SUBGRAPHS.map((name: SubgraphName) => platform.subgraphs[name].orm.config.get('clientUrl') as string),
      (platform.subgraphs.identity.orm.config.get('clientUrl') as string).replace(/identity$/, 'events'),
    ];
    const found: string[] = [];
    for (const database of databases) {
      const client = new pg.Client({ connectionString: database });
      await client.connect();
      try {
        const { rows: tables } = await client.query<{ name: string }>(
          `select format('%I.%I', table_schema, table_name) as name from information_schema.tables
           where table_type = 'BASE TABLE' and table_schema not in ('pg_catalog', 'information_schema')`,
        );
        expect(tables.length).toBeGreaterThan(0);
        for (const { name } of tables) {
          for (const s of [secret, rotated]) {
            const { rows } = await client.query<{ n: number }>(`select count(*)::int as n from ${name} t where strpos(t::text, $1) > 0`, [s]);
            if (rows[0]!.n > 0) found.push(`${database.split('/').pop()} ${name}`);
          }
        }
      } finally {
        await client.end();
      }
    }
    expect(found).toEqual([]);
  });
});

describe('each subgraph enforces permissions on its own', () => {
  /** A request as the gateway would send it for this person: a correctly signed platform token for that subgraph. */
  async function direct(subgraph: SubgraphName, member: StaffMember, role: Role, query: string, variables?: Record<string, unknown>) {
    const viewer = personViewer({ id: member.id, teamMemberIds: [member.id], supportLines: ['FIRST'] }, role, '127.0.0.1');
    return post(platform.subgraphs[subgraph].url, query, { authorization: `Bearer ${await signInternalToken(viewer, subgraph)}` }, variables);
  }
  const refusal = (result: Awaited<ReturnType<typeof post>>) => [
    result.body.errors?.[0]?.extensions?.code,
    result.body.errors?.[0]?.message.match(/permission (\S+)/)?.[1],
    result.body.data ?? null,
  ];

  it('refuses a validly signed low-permission viewer the mutations their role lacks, and writes nothing', async () => {
    const [analyst, marketer, rep, admin] = await Promise.all([
      platform.createStaff('ANALYST'),
      platform.createStaff('MARKETER'),
      platform.createStaff('SALES_REP'),
      platform.createStaff('ADMIN'),
    ]);
    const opportunities = '{ opportunities(first: 5) { totalCount } }';
    const before = (await direct('sales', analyst, 'ANALYST', opportunities)).body.data as { opportunities: { totalCount: number } };
    expect(before.opportunities.totalCount).toBe(0); // the token is good: the analyst may read at the subgraph

    const createDeal = await direct('sales', analyst, 'ANALYST', 'mutation($input: CreateOpportunityInput!) { createOpportunity(input: $input) { id } }', {
      input: { customerId, title: 'Sneaked in', amount: { amount: '1.00', currency: 'CZK' } },
    });
    expect(refusal(createDeal)).toEqual(['FORBIDDEN', 'opportunities:write', null]);
    const openCase = await direct('service', marketer, 'MARKETER', 'mutation($input: OpenCaseInput!) { openCase(input: $input) { id } }', {
      input: { customerId, subject: 'Not mine to open', channel: 'EMAIL' },
    });
    expect(refusal(openCase)).toEqual(['FORBIDDEN', 'cases:write', null]);
    const createKey = await direct('identity', rep, 'SALES_REP', 'mutation { createApiKey(input: { name: "Side door", scopes: ["pii:read"] }) { secret } }');
    expect(refusal(createKey)).toEqual(['FORBIDDEN', 'apikeys:manage', null]);
    const openDoor = await direct('identity', rep, 'SALES_REP', 'mutation { setAccessRule(input: { scope: ORGANIZATION, cidrs: [] }) { id } }');
    expect(refusal(openDoor)).toEqual(['FORBIDDEN', 'access:manage', null]);
    const promote = await direct(
      'identity',
      rep,
      'SALES_REP',
      `mutation { createUser(input: { name: "Me Again", email: "${randomUUID().slice(0, 8)}@staff.example", role: ADMIN }) { id } }`,
    );
    expect(refusal(promote)).toEqual(['FORBIDDEN', 'staff:manage', null]);
    // The platform's own plumbing is not even an admin's: it needs platform:internal, which no person holds.
    const plumbing = await direct('identity', admin, 'ADMIN', '{ callerAccessRules { appliesTo } }');
    expect(refusal(plumbing)).toEqual(['FORBIDDEN', 'platform:internal', null]);

    // Nothing was written by any of them.
    expect(((await direct('sales', analyst, 'ANALYST', opportunities)).body.data as typeof before).opportunities.totalCount).toBe(0);
    const cases = await post(url, `{ customer(id: "${customerId}") { cases(first: 5) { totalCount } } }`, { authorization: platform.admin.authorization });
    expect(cases.body.data).toEqual({ customer: { cases: { totalCount: 0 } } });
    expect(await countInIdentity(`select count(*)::int as n from staff_user where name = 'Me Again'`)).toBe(0);
    expect(await countInIdentity(`select count(*)::int as n from api_key where name = 'Side door'`)).toBe(0);
    expect(await executeOk(url, GapsAccessRulesDocument, {})).toEqual({ accessRules: [] });
  });
});

async function countInIdentity(sql: string): Promise<number> {
  const client = new pg.Client({ connectionString: platform.subgraphs.identity.orm.config.get('clientUrl') });
  await client.connect();
  try {
    return (await client.query<{ n: number }>(sql)).rows[0]!.n;
  } finally {
    await client.end();
  }
}
