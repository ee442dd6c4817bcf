import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { errorCodes, queryOk, type GraphQLResponse } from './helpers/graphql.js';
import { eventually } from './helpers/eventually.js';
import { startPlatform, type Platform, type StaffMember } from './helpers/platform.js';
import { deactivatedAmong, keepNames } from '../subgraphs/sales/src/modules/staff/staff-names.js';

let platform: Platform;
beforeAll(async () => {
  platform = await startPlatform();
});
afterAll(() => platform.stop());

const OWNER = 'query Owner($id: ID!) { opportunity(id: $id) { owner { id name } } }';

/** The name sales keeps for a member of staff, and the version of identity's user it is from. */
async function keptName(userId: string): Promise<{ name: string; user_version: number } | undefined> {
  const rows = await platform.subgraphs.sales.orm.em
    .fork()
    .execute<Array<{ name: string; user_version: number }>>('select name, user_version from staff_name where user_id = ?', [userId]);
  return rows[0];
}

/** An answer with its errors, as `authorization`. */
async function post(authorization: string, query: string, variables: Record<string, unknown>): Promise<GraphQLResponse<unknown>> {
  const response = await fetch(platform.gatewayUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as GraphQLResponse<unknown>;
}

const customerOf = async (id: string) =>
  (await queryOk<{ opportunity: { customer: { id: string } } }>(platform.gatewayUrl, 'query($id: ID!) { opportunity(id: $id) { customer { id } } }', { id }))
    .opportunity.customer;

describe("owners' names, answered by sales from its copy (@provides)", () => {
  let rep: StaffMember;
  let opportunityId: string;
  beforeAll(async () => {
    rep = await platform.createStaff('SALES_REP', { name: 'Eva Malá' });
    const { createCustomer } = await queryOk<{ createCustomer: { id: string } }>(
      platform.gatewayUrl,
      'mutation($input: CreateCustomerInput!) { createCustomer(input: $input) { id } }',
      { input: { kind: 'PERSON', firstName: 'Karel', lastName: 'Veselý', emails: [], phones: [] } },
    );
    const { createOpportunity } = await queryOk<{ createOpportunity: { id: string } }>(
      platform.gatewayUrl,
      'mutation($input: CreateOpportunityInput!) { createOpportunity(input: $input) { id } }',
      { input: { customerId: createCustomer.id, title: 'Škoda Octavia', amount: { amount: '30000', currency: 'EUR' }, ownerId: rep.id } },
    );
    opportunityId = createOpportunity.id;
  });

  it('reads a name it never heard of from identity once, and keeps it', async () => {
    // Created straight in identity's database (as staff that predates the copy): no event told sales.
    expect(await keptName(rep.id)).toBeUndefined();
    const { opportunity } = await queryOk<{ opportunity: { owner: { id: string; name: string } } }>(platform.gatewayUrl, OWNER, { id: opportunityId });
    expect(opportunity.owner).toEqual({ id: rep.id, name: 'Eva Malá' });
    expect((await keptName(rep.id))?.name).toBe('Eva Malá');

    await platform.resetSqlLog();
    await queryOk(platform.gatewayUrl, OWNER, { id: opportunityId });
    // Known now: identity is not asked at all, and sales reads its copy in one statement.
    expect(platform.sql.identity).toEqual([]);
    expect(platform.sql.sales.filter((statement) => statement.includes('staff_name'))).toHaveLength(1);
  });

  it("follows a rename from identity's event", async () => {
    const { user } = await queryOk<{ user: { version: number } }>(platform.gatewayUrl, 'query($id: ID!) { user(id: $id) { version } }', { id: rep.id });
    await queryOk(platform.gatewayUrl, 'mutation($id: ID!, $version: Int!) { updateUser(id: $id, version: $version, input: { name: "Eva Nová" }) { id } }', {
      id: rep.id,
      version: user.version,
    });
    await eventually(async () => {
      const { opportunity } = await queryOk<{ opportunity: { owner: { name: string } } }>(platform.gatewayUrl, OWNER, { id: opportunityId });
      expect(opportunity.owner.name).toBe('Eva Nová');
    });
    expect(await keptName(rep.id)).toEqual({ name: 'Eva Nová', user_version: user.version + 1 });
  });

  it('never lets an older name or status overwrite a newer one', async () => {
    const em = platform.subgraphs.sales.orm.em.fork();
    const userId = (await platform.createStaff('SALES_REP')).id;
    await keepNames(em, [{ userId, name: 'Jana Nová', active: true, userVersion: 3 }]);
    // A read of identity that started before the rename finishes after its event: it must not undo it.
    await keepNames(em, [{ userId, name: 'Jana Stará', active: false, userVersion: 2 }]);
    expect(await keptName(userId)).toEqual({ name: 'Jana Nová', user_version: 3 });
    expect(await deactivatedAmong(em, [userId])).toEqual(new Set());
    await keepNames(em, [{ userId, name: 'Jana Dvořáková', active: false, userVersion: 4 }]);
    expect(await keptName(userId)).toEqual({ name: 'Jana Dvořáková', user_version: 4 });
    expect(await deactivatedAmong(em, [userId])).toEqual(new Set([userId]));
  });

  it('answers the names it keeps while identity is down, and SERVICE_UNAVAILABLE for one it would have to ask', async () => {
    const other = await platform.createStaff('SALES_REP', { name: 'Petr Nový' });
    const { createOpportunity } = await queryOk<{ createOpportunity: { id: string } }>(
      platform.gatewayUrl,
      'mutation($input: CreateOpportunityInput!) { createOpportunity(input: $input) { id } }',
      { input: { customerId: (await customerOf(opportunityId)).id, title: 'Škoda Kodiaq', amount: { amount: '41000', currency: 'EUR' }, ownerId: other.id } },
    );
    // Known to sales before identity goes: nothing to ask it. Petr Nový is forgotten, to be asked for again.
    await queryOk(platform.gatewayUrl, OWNER, { id: createOpportunity.id });
    await platform.subgraphs.sales.orm.em.fork().execute('delete from staff_name where user_id = ?', [other.id]);
    await platform.stopSubgraph('identity');
    try {
      const { opportunity } = await queryOk<{ opportunity: { owner: { name: string } } }>(platform.gatewayUrl, OWNER, { id: opportunityId });
      expect(opportunity.owner.name).toBe('Eva Nová');
      const result = await post(platform.admin.authorization, OWNER, { id: createOpportunity.id });
      expect(errorCodes(result)).toEqual(['SERVICE_UNAVAILABLE']);
      expect(result.errors?.[0]?.path).toEqual(['opportunity', 'owner', 'name']);
    } finally {
      await platform.restartSubgraph('identity');
    }
    const { opportunity } = await queryOk<{ opportunity: { owner: { name: string } } }>(platform.gatewayUrl, OWNER, { id: createOpportunity.id });
    expect(opportunity.owner.name).toBe('Petr Nový');
  });

  it('gives a caller without staff:read no name, as identity would not', async () => {
    const key = await platform.createApiKey(['opportunities:read']);
    const result = await post(key.authorization, OWNER, { id: opportunityId });
    expect(errorCodes(result)).toEqual(['FORBIDDEN']);
    expect(result.errors?.[0]?.path).toEqual(['opportunity', 'owner', 'name']);
    expect(JSON.stringify(result.data)).not.toContain('Eva');
  });
});
