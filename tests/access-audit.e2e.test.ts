import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  AuditLogDocument,
  CreateCustomerDocument,
  CreateOpportunityDocument,
  CustomerNamesAndEmailsDocument,
  UpdateCustomerDocument,
} from './generated/graphql.js';
import { errorCodes, execute, executeOk } from './helpers/graphql.js';
import { eventually } from './helpers/eventually.js';
import { startPlatform, type Platform } from './helpers/platform.js';

// Issue 8.7: every mutation, sign-in, key use, refusal and bulk read of personal data is in an append-only audit
// log, with the verified actor, the request id and the client address; admins read it through the graph.

let platform: Platform;
let url: string;
beforeAll(async () => {
  platform = await startPlatform();
  url = platform.gatewayUrl;
});
afterAll(() => platform.stop());

type Entry = {
  operation: string;
  outcome: string;
  actorId: string;
  actorKind: string;
  entityType?: string | null;
  entityId?: string | null;
  details?: unknown;
  reason?: string | null;
  requestId?: string | null;
  clientIp?: string | null;
  service: string;
};

async function entries(filter: Record<string, unknown>): Promise<Entry[]> {
  const { auditLog } = await executeOk(url, AuditLogDocument, { filter, first: 100 });
  return auditLog.edges.map((e) => e.node as Entry);
}

const customerInput = () => ({
  kind: 'PERSON' as const,
  firstName: 'Audit',
  lastName: 'Trail',
  birthDate: '1980-01-01',
  emails: [`audit.${randomUUID().slice(0, 8)}@example.cz`],
  phones: [],
});

const newCustomer = async () => (await executeOk(url, CreateCustomerDocument, { input: customerInput() })).createCustomer;

describe('the audit log', () => {
  it('records a mutation with the verified actor, the entity, the changed fields, the request id and the address', async () => {
    const rep = await platform.createStaff('SALES_REP');
    const customer = await newCustomer();
    const requestId = `audit-${randomUUID().slice(0, 8)}`;
    const { createOpportunity } = await executeOk(
      url,
      CreateOpportunityDocument,
      {
        input: { customerId: customer.id, title: 'Audited deal', amount: { amount: '5000.00', currency: 'CZK' } },
      },
      { authorization: rep.authorization, 'x-request-id': requestId },
    );
    const [entry] = await eventually(async () => {
      const found = await entries({ actorId: rep.id, operation: 'Mutation.createOpportunity' });
      expect(found).toHaveLength(1);
      return found;
    });
    expect(entry).toMatchObject({ outcome: 'DONE', actorKind: 'user', entityType: 'Opportunity', entityId: createOpportunity.id, requestId, service: 'sales' });
    expect(entry!.clientIp).toMatch(/127\.0\.0\.1|::1/);
    const changes = (entry!.details as { changes: Array<{ entity: string; action: string; fields: Record<string, { before: unknown; after: unknown }> }> })
      .changes;
    expect(changes.find((c) => c.entity === 'Opportunity')).toMatchObject({
      action: 'created',
      fields: { title: { before: null, after: '[personal data]' }, ownerId: { after: rep.id }, currency: { after: 'CZK' } },
    });
  });

  it('takes the address from X-Forwarded-For only behind a proxy the gateway trusts', async () => {
    const behindProxy = await platform.startGateway({ trustProxy: 'loopback' });
    const forwarded = { 'x-forwarded-for': '203.0.113.7' };
    const { createCustomer: trusted } = await executeOk(behindProxy.url, CreateCustomerDocument, { input: customerInput() }, forwarded);
    const { createCustomer: ignored } = await executeOk(url, CreateCustomerDocument, { input: customerInput() }, forwarded);
    const addressOf = async (entityId: string) =>
      (
        await eventually(async () => {
          const found = await entries({ entityId, operation: 'Mutation.createCustomer' });
          expect(found).toHaveLength(1);
          return found;
        })
      )[0]!.clientIp;
    expect(await addressOf(trusted.id)).toBe('203.0.113.7');
    expect(await addressOf(ignored.id)).toMatch(/127\.0\.0\.1|::1/);
  });

  it('redacts personal values in before and after', async () => {
    const customer = await newCustomer();
    await executeOk(url, UpdateCustomerDocument, {
      id: customer.id,
      version: customer.version,
      input: { birthDate: '1981-02-02', lastName: 'Trailová', gender: 'FEMALE' },
    });
    const [entry] = await eventually(async () => {
      const found = await entries({ entityId: customer.id, operation: 'Mutation.updateCustomer' });
      expect(found).toHaveLength(1);
      return found;
    });
    const fields = (entry!.details as { changes: Array<{ fields: Record<string, { before: unknown; after: unknown }> }> }).changes[0]!.fields;
    expect(fields.birthDate).toEqual({ before: '[personal data]', after: '[personal data]' });
    expect(fields.lastName).toEqual({ before: '[personal data]', after: '[personal data]' }); // names are kept out too (ADR 8)
    // A code, but one the erasure blanks: no copy stays in the audit log either.
    expect(fields.gender).toEqual({ before: null, after: '[personal data]' });
    expect(JSON.stringify(entry)).not.toMatch(/1981-02-02|Trailová/);
  });

  it('records refusals, sign-ins, key use and bulk reads of personal data', async () => {
    const marketer = await platform.createStaff('MARKETER');
    const customer = await newCustomer();
    const refused = await execute(
      url,
      CreateOpportunityDocument,
      { input: { customerId: customer.id, title: 'No', amount: { amount: '1.00', currency: 'CZK' } } },
      { authorization: marketer.authorization },
    );
    expect(errorCodes(refused)).toEqual(['FORBIDDEN']);
    const anonymous = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer forged' },
      body: '{"query":"{ customers(first: 1) { totalCount } }"}',
    });
    expect(anonymous.status).toBe(401);
    const key = await platform.createApiKey(['customers:read', 'pii:read']);
    await executeOk(url, CustomerNamesAndEmailsDocument, { first: 5 }, { authorization: key.authorization });

    await eventually(async () => {
      const byMarketer = await entries({ actorId: marketer.id });
      expect(byMarketer.map((e) => e.operation).sort()).toEqual(['Mutation.createOpportunity', 'SIGN_IN']);
      expect(byMarketer.find((e) => e.operation === 'Mutation.createOpportunity')).toMatchObject({ outcome: 'DENIED', service: 'sales' });
      expect(byMarketer.find((e) => e.operation === 'Mutation.createOpportunity')!.reason).toContain('opportunities:write');
      const signIns = await entries({ operation: 'SIGN_IN', outcome: 'DENIED' });
      expect(signIns.some((e) => e.reason === 'The token is malformed or not a signed JWT')).toBe(true);
      const byKey = await entries({ actorId: key.id });
      expect(byKey.map((e) => e.operation)).toEqual(expect.arrayContaining(['API_KEY_USED', 'PERSONAL_DATA_READ']));
      const bulk = byKey.find((e) => e.operation === 'PERSONAL_DATA_READ')!;
      expect((bulk.details as { fields: Record<string, number> }).fields['Customer.emails']).toBeGreaterThan(1);
    });
  });

  it('is readable only with audit:read', async () => {
    const rep = await platform.createStaff('SALES_REP');
    const denied = await execute(url, AuditLogDocument, { first: 1 }, { authorization: rep.authorization });
    expect(errorCodes(denied)).toEqual(['FORBIDDEN']);
  });

  it('cannot be changed or deleted by the application', async () => {
    await eventually(async () => expect((await entries({})).length).toBeGreaterThan(0));
    const identity = platform.subgraphs.identity.orm.em.fork().getConnection();
    await expect(identity.execute(`update audit_entry set actor_id = 'someone else'`)).rejects.toThrow(/append-only/);
    await expect(identity.execute('delete from audit_entry')).rejects.toThrow(/append-only/);
  });
});
