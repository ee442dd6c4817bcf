import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { createDevIssuer } from '../gateway/auth/dev-issuer.js';
import {
  ApiKeysDocument,
  CreateCustomerDocument,
  CustomerEmailsDocument,
  CustomerNamesAndEmailsDocument,
  GapsApiKeysDocument,
  RemoveAccessRuleDocument,
  RevokeApiKeyDocument,
  RotateApiKeyDocument,
  SetAccessRuleDocument,
  SubmitWebFormDocument,
} from './generated/graphql.js';
import { errorCodes, execute, executeOk } from './helpers/graphql.js';
import { eventually } from './helpers/eventually.js';
import { startPlatform, type Platform } from './helpers/platform.js';
import { connect, subscribe } from './helpers/subscriptions.js';

// Issue 8.1, 8.2, 8.4, 8.5, 8.6: who is calling is verified (OIDC tokens, API keys), subgraphs answer only the
// gateway, and the access policy (networks and hours) applies, changed at run time.

let platform: Platform;
let url: string;
let foreignDir: string;
beforeAll(async () => {
  platform = await startPlatform();
  url = platform.gatewayUrl;
  foreignDir = await mkdtemp(path.join(tmpdir(), 'crm-foreign-issuer-'));
});
afterAll(async () => {
  await platform.stop();
  await rm(foreignDir, { recursive: true, force: true });
});

/** A raw POST, to see the HTTP status as well as the body. */
async function post(query: string, headers: Record<string, string> = {}) {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query }) });
  return { status: response.status, body: (await response.json()) as { data?: unknown; errors?: Array<{ message: string; extensions?: { code?: string } }> } };
}
const CUSTOMERS = '{ customers(first: 5) { totalCount edges { node { displayName emails } } } }';

describe('staff sign in with tokens of the configured issuer', () => {
  it('refuses every missing, malformed, expired, foreign, wrong-audience or unknown-user token with 401, never anonymous access', async () => {
    const member = await platform.createStaff('SALES_REP');
    const foreign = await createDevIssuer(foreignDir); // same issuer name, other keys: a forged token
    const attempts: Array<[string, Record<string, string>, RegExp]> = [
      ['no credentials', {}, /needs credentials/],
      ['not a bearer', { authorization: 'Basic dXNlcjpwYXNz' }, /Bearer/],
      ['malformed', { authorization: 'Bearer not-a-jwt' }, /malformed/],
      ['expired', { authorization: `Bearer ${await platform.issuer.mint(member.subject, 'crm-api', -60)}` }, /expired/],
      ['signed by another key', { authorization: `Bearer ${await foreign.mint(member.subject, 'crm-api')}` }, /not signed by the configured issuer/],
      ['for another audience', { authorization: `Bearer ${await platform.issuer.mint(member.subject, 'other-api')}` }, /aud/],
      ['unknown user', { authorization: `Bearer ${await platform.issuer.mint('dev|nobody@example.cz', 'crm-api')}` }, /No active member of staff/],
    ];
    for (const [label, headers, message] of attempts) {
      const { status, body } = await post(CUSTOMERS, headers);
      expect({ label, status, code: body.errors?.[0]?.extensions?.code, data: body.data ?? null }).toEqual({
        label,
        status: 401,
        code: 'UNAUTHENTICATED',
        data: null,
      });
      expect(body.errors?.[0]?.message).toMatch(message);
    }
    const signedIn = await post(CUSTOMERS, { authorization: member.authorization });
    expect(signedIn.status).toBe(200);
    expect(signedIn.body.errors).toBeUndefined();
  });

  it('keeps the public web-form intake open, and nothing else', async () => {
    const form = {
      formKey: platform.webFormKey,
      submissionId: randomUUID(),
      firstName: 'Open',
      lastName: 'Door',
      email: `open.${randomUUID().slice(0, 8)}@example.cz`,
    };
    const lead = await execute(url, SubmitWebFormDocument, { input: form }, { authorization: '' });
    // The lead is made; a stranger reads back neither personal data nor the dealer's working: whose it is (customer),
    // who works it (owner), why.
    expect(lead.data?.submitWebForm).toMatchObject({ status: 'NEW', contactEmail: null, customer: null, owner: null, assignmentReason: null });
    expect(lead.errors?.map((e) => [e.path?.at(-1), e.extensions?.code]).sort()).toEqual(
      ['assignmentReason', 'contactEmail', 'contactPhone', 'customer', 'owner'].map((field) => [field, 'UNAUTHENTICATED']),
    );
    const mixed = await post(
      `mutation { submitWebForm(input: { formKey: "${platform.webFormKey}", submissionId: "${randomUUID()}", email: "x@example.cz" }) { id } createCustomer(input: { kind: PERSON, firstName: "Sneaky", emails: [], phones: [] }) { id } }`,
    );
    expect(mixed.status).toBe(401);
    expect(mixed.body.errors?.[0]?.message).toContain('Mutation.createCustomer');
  });

  it('closes a socket opened with bad credentials with 4401, and one whose token expires with 4101', async () => {
    const bad = connect(platform.wsUrl, 'Bearer forged');
    const refused = (await subscribe(bad, CustomerEmailsDocument, { id: randomUUID() }).failure) as { code?: number };
    expect(refused.code).toBe(4401);
    await bad.dispose();

    const member = await platform.createStaff('SALES_REP');
    const shortLived = connect(platform.wsUrl, `Bearer ${await platform.issuer.mint(member.subject, 'crm-api', 2)}`);
    const closed = (await subscribe(shortLived, CustomerEmailsDocument, { id: randomUUID() }).failure) as { code?: number; reason?: string };
    expect(closed.code).toBe(4101);
    expect(closed.reason).toMatch(/fresh token/);
    await shortLived.dispose();
  });
});

describe('the gateway is the only door', () => {
  const subgraphCall = (subgraph: 'identity' | 'sales', query: string, headers: Record<string, string>) =>
    fetch(platform.subgraphs[subgraph].url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query }) });

  it('refuses direct, forged, foreign-signed, mis-addressed and expired calls to a subgraph with 401', async () => {
    const forgedViewer = JSON.stringify({ id: 'impostor', kind: 'user', roles: ['ADMIN'] });
    const sign = async (claims: { aud: string; secret: string; exp: number }) =>
      new SignJWT({ kind: 'user', perms: ['customers:read', 'pii:read'], owners: null, lines: null })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject('impostor')
        .setIssuer('crm-platform')
        .setAudience(claims.aud)
        .setIssuedAt()
        .setExpirationTime(claims.exp)
        .sign(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(claims.secret))));
    const now = Math.floor(Date.now() / 1000);
    const secret = process.env.PLATFORM_SECRET!;
    const attempts: Array<[string, 'identity' | 'sales', string, Record<string, string>]> = [
      ['plain', 'identity', CUSTOMERS, {}],
      ['forged x-viewer', 'identity', CUSTOMERS, { 'x-viewer': forgedViewer }],
      ['_service', 'identity', '{ _service { sdl } }', {}],
      ['_entities', 'identity', `{ _entities(representations: [{ __typename: "Customer", id: "${randomUUID()}" }]) { ... on Customer { id } } }`, {}],
      ['another secret', 'identity', CUSTOMERS, { authorization: `Bearer ${await sign({ aud: 'identity', secret: `${secret}-not`, exp: now + 60 })}` }],
      ['signed for sales', 'identity', CUSTOMERS, { authorization: `Bearer ${await sign({ aud: 'sales', secret, exp: now + 60 })}` }],
      ['replayed after expiry', 'identity', CUSTOMERS, { authorization: `Bearer ${await sign({ aud: 'identity', secret, exp: now - 120 })}` }],
      ["a client's own token", 'sales', '{ products(first: 1) { totalCount } }', { authorization: platform.admin.authorization }],
    ];
    for (const [label, subgraph, query, headers] of attempts) {
      const response = await subgraphCall(subgraph, query, headers);
      const body = (await response.json()) as { errors?: Array<{ extensions?: { code?: string } }>; data?: unknown };
      expect({ label, status: response.status, code: body.errors?.[0]?.extensions?.code, data: body.data }).toEqual({
        label,
        status: 401,
        code: 'UNAUTHENTICATED',
        data: undefined,
      });
    }
    // The same token the platform would sign is accepted: the door is the signature, not the network.
    const valid = await subgraphCall('identity', '{ customers(first: 1) { totalCount } }', {
      authorization: `Bearer ${await sign({ aud: 'identity', secret, exp: now + 60 })}`,
    });
    expect(valid.status).toBe(200);
  });

  it('keeps plumbing operations out of the client API', async () => {
    const attempt = await post('mutation { upsertMarketingProjections(input: { consents: [] }) { consents } }');
    expect(attempt.body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    const lookup = await post('{ staffCaller(subject: "dev|x") { id } }');
    expect(lookup.body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });
});

describe('partner applications use API keys', () => {
  it('work within their scopes, show their secret once, keep lastUsedAt, and stop when revoked or rotated', async () => {
    const key = await platform.createApiKey(['customers:read']);
    const read = await execute(url, CustomerNamesAndEmailsDocument, { first: 2 }, { authorization: key.authorization });
    expect(read.errors?.every((e) => e.extensions?.code === 'FORBIDDEN' && /pii:read/.test(e.message))).toBe(true); // e-mails need pii:read
    expect(read.data?.customers.edges.length).toBeGreaterThan(0);
    const write = await execute(
      url,
      CreateCustomerDocument,
      { input: { kind: 'PERSON', firstName: 'Keyed', emails: [], phones: [] } },
      { authorization: key.authorization },
    );
    expect(errorCodes(write)).toEqual(['FORBIDDEN']);
    expect(write.errors?.[0]?.message).toContain('customers:write');

    const { apiKeys } = await executeOk(url, ApiKeysDocument, {});
    const listed = apiKeys.edges.find((e) => e.node.id === key.id)!.node;
    expect(listed).toMatchObject({ scopes: ['customers:read'], status: 'ACTIVE' });
    expect(listed.lastUsedAt).not.toBeNull();
    expect(JSON.stringify(apiKeys)).not.toContain(key.authorization.slice(7));

    const { rotateApiKey } = await executeOk(url, RotateApiKeyDocument, { id: key.id, version: key.version });
    await eventually(async () => expect((await post(CUSTOMERS, { authorization: key.authorization })).status).toBe(401));
    expect((await post('{ customers(first: 1) { totalCount } }', { authorization: `Bearer ${rotateApiKey.secret}` })).status).toBe(200);
    await executeOk(url, RevokeApiKeyDocument, { id: key.id, version: rotateApiKey.apiKey.version });
    await eventually(async () => {
      const revoked = await post(CUSTOMERS, { authorization: `Bearer ${rotateApiKey.secret}` });
      expect([revoked.status, revoked.body.errors?.[0]?.message]).toEqual([401, 'This API key is unknown, revoked or expired']);
    });
    // A revoked key's state forbids a new secret: CONFLICT, as any transition its status forbids.
    const gone = (await executeOk(url, GapsApiKeysDocument, {})).apiKeys.edges.find((e) => e.node.id === key.id)!.node;
    const rotateRevoked = await execute(url, RotateApiKeyDocument, { id: key.id, version: gone.version });
    expect(rotateRevoked.errors?.map((e) => [e.extensions?.code, e.message, e.extensions?.field])).toEqual([
      ['CONFLICT', 'A revoked key cannot be rotated: create a new one', 'id'],
    ]);
  });

  it('refuses a call from outside its networks with 403 naming them', async () => {
    const key = await platform.createApiKey(['customers:read'], { allowedCidrs: ['192.0.2.0/24'] });
    const outside = await post(CUSTOMERS, { authorization: key.authorization });
    expect(outside.status).toBe(403);
    expect(outside.body.errors?.[0]?.message).toMatch(/only from 192\.0\.2\.0\/24; this one came from .*127\.0\.0\.1/);
    const local = await platform.createApiKey(['customers:read'], { allowedCidrs: ['127.0.0.0/8', '::1/128'] });
    expect((await post('{ customers(first: 1) { totalCount } }', { authorization: local.authorization })).status).toBe(200);
  });

  it('refuses scopes that do not exist', async () => {
    const response = await post('mutation { createApiKey(input: { name: "Bad", scopes: ["everything"] }) { secret } }', {
      authorization: platform.admin.authorization,
    });
    expect(response.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});

describe('the access policy by place and time', () => {
  it("applies a role's networks and hours at once, without a restart, and leaves other roles alone", async () => {
    const rep = await platform.createStaff('SALES_REP');
    const query = '{ customers(first: 1) { totalCount } }';
    expect((await post(query, { authorization: rep.authorization })).status).toBe(200);

    await executeOk(url, SetAccessRuleDocument, { input: { scope: 'ROLE', role: 'SALES_REP', cidrs: ['198.51.100.0/24'] } });
    await eventually(async () => {
      const refused = await post(query, { authorization: rep.authorization });
      expect([refused.status, refused.body.errors?.[0]?.extensions?.code]).toEqual([403, 'FORBIDDEN']);
      expect(refused.body.errors?.[0]?.message).toMatch(/SALES_REP allows calls only from 198\.51\.100\.0\/24/);
    });
    expect((await post(query, { authorization: platform.admin.authorization })).status).toBe(200); // the admin's role has no rule

    // Hours: a day that is not today, in the dealer's time zone.
    const today = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Prague', weekday: 'short' }).format(new Date()).toUpperCase().slice(0, 3);
    const otherDay = ['MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT', 'SUN'].find((day) => day !== today)!;
    await executeOk(url, SetAccessRuleDocument, {
      input: { scope: 'ROLE', role: 'SALES_REP', cidrs: [], hours: { from: '00:00', to: '23:59', days: [otherDay as never], timeZone: 'Europe/Prague' } },
    });
    await eventually(async () => {
      const refused = await post(query, { authorization: rep.authorization });
      expect(refused.body.errors?.[0]?.message).toMatch(new RegExp(`only ${otherDay} 00:00–23:59 \\(Europe/Prague\\)`));
    });
    await executeOk(url, RemoveAccessRuleDocument, { scope: 'ROLE', role: 'SALES_REP' });
    await eventually(async () => expect((await post(query, { authorization: rep.authorization })).status).toBe(200));
  });

  it("applies the organisation's rule to every person", async () => {
    await executeOk(url, SetAccessRuleDocument, { input: { scope: 'ORGANIZATION', cidrs: ['203.0.113.0/24'] } });
    try {
      await eventually(async () =>
        expect((await post('{ customers(first: 1) { totalCount } }', { authorization: platform.admin.authorization })).status).toBe(403),
      );
    } finally {
      // Locked out by its own rule, the organisation is let in again by the platform (as an operator would).
      await platform.internal('identity', 'mutation { removeAccessRule(scope: ORGANIZATION) }');
    }
    await eventually(async () =>
      expect((await post('{ customers(first: 1) { totalCount } }', { authorization: platform.admin.authorization })).status).toBe(200),
    );
  });

  it('refuses a malformed network or time zone with BAD_USER_INPUT', async () => {
    const bad = await execute(url, SetAccessRuleDocument, { input: { scope: 'ROLE', role: 'ANALYST', cidrs: ['10.0.0.0/33'] } });
    expect(errorCodes(bad)).toEqual(['BAD_USER_INPUT']);
    const zone = await execute(url, SetAccessRuleDocument, {
      input: { scope: 'ROLE', role: 'ANALYST', cidrs: [], hours: { from: '08:00', to: '17:00', days: ['MON'], timeZone: 'Mars/Olympus' } },
    });
    expect(errorCodes(zone)).toEqual(['BAD_USER_INPUT']);
  });
});

describe("a dealer's own OpenID Connect issuer", () => {
  it('is trusted through its JWKS URL (issuer, audience, signature, expiry), and the development issuer is not', async () => {
    // A stand-in for Keycloak: its key set served over HTTP, as AUTH_JWKS_URL points to it.
    const { privateKey, publicKey } = await generateKeyPair('RS256');
    const jwk = { ...(await exportJWK(publicKey)), kid: 'dealer-key-1', alg: 'RS256', use: 'sig' };
    const jwks = http.createServer((req, res) => {
      if (req.url === '/realms/dealer/protocol/openid-connect/certs')
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] }));
      else res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
    const issuer = 'https://keycloak.example/realms/dealer';
    try {
      const gateway = await platform.startGateway({
        auth: { issuer, audience: 'crm-api', jwksUrl: `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/realms/dealer/protocol/openid-connect/certs` },
      });
      const member = await platform.createStaff('SALES_MANAGER');
      const token = (claims: { iss?: string; aud?: string; exp?: number }) =>
        new SignJWT({})
          .setProtectedHeader({ alg: 'RS256', kid: 'dealer-key-1' })
          .setSubject(member.subject)
          .setIssuer(claims.iss ?? issuer)
          .setAudience(claims.aud ?? 'crm-api')
          .setIssuedAt()
          .setExpirationTime(claims.exp ?? Math.floor(Date.now() / 1000) + 300)
          .sign(privateKey);
      const call = async (authorization: string) =>
        (
          await fetch(gateway.url, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization },
            body: JSON.stringify({ query: '{ customers(first: 1) { totalCount } }' }),
          })
        ).status;
      expect(await call(`Bearer ${await token({})}`)).toBe(200);
      expect(await call(`Bearer ${await token({ iss: 'https://evil.example/realms/dealer' })}`)).toBe(401);
      expect(await call(`Bearer ${await token({ aud: 'account' })}`)).toBe(401);
      expect(await call(`Bearer ${await token({ exp: Math.floor(Date.now() / 1000) - 60 })}`)).toBe(401);
      expect(await call(member.authorization)).toBe(401); // the development issuer's token means nothing here
      expect((await fetch(gateway.url.replace('/graphql', '/dev-issuer/jwks.json'))).status).toBe(404);
    } finally {
      jwks.close();
    }
  });
});
