import { randomUUID } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { checkCustomerId, checkCustomerReferences } from './customer-references.js';
import type { GraphClient } from './graph-client.js';

/** identity as the helper sees it: `_entities` answering each representation with its customer (a merged one's survivor) or null. */
function identity(customers: Record<string, string>) {
  const requests: number[] = [];
  const graph: GraphClient = {
    async query<T>(_subgraph: string, _query: string, variables: Record<string, unknown> = {}): Promise<T> {
      const representations = variables.representations as Array<{ id: string }>;
      requests.push(representations.length);
      return { _entities: representations.map(({ id }) => (customers[id] ? { id: customers[id] } : null)) } as T;
    },
  };
  return { graph, requests };
}

describe('checkCustomerReferences', () => {
  const [alice, bob, merged] = [randomUUID(), randomUUID(), randomUUID()];
  const known = { [alice]: alice, [bob]: bob, [merged]: alice };

  it('answers each id with the customer to store, a merged one with its survivor, in one request for 1,000 ids', async () => {
    const { graph, requests } = identity(known);
    const references = Array.from({ length: 1000 }, (_, index) => ({ index, field: 'customerId', id: [alice, bob, merged.toUpperCase()][index % 3]! }));
    const live = await checkCustomerReferences(graph, references);
    expect([live.get(alice), live.get(bob), live.get(merged)]).toEqual([alice, bob, alice]);
    expect(requests).toEqual([3]); // distinct ids only
  });

  it('asks in pages of 1,000 distinct ids', async () => {
    const many = Object.fromEntries(Array.from({ length: 2500 }, () => randomUUID()).map((id) => [id, id]));
    const { graph, requests } = identity(many);
    await checkCustomerReferences(
      graph,
      Object.keys(many).map((id, index) => ({ index, field: 'customerIds', id })),
    );
    expect(requests).toEqual([1000, 1000, 500]);
  });

  it('refuses the whole call with NOT_FOUND naming every unknown item, the first in the message', async () => {
    const { graph } = identity(known);
    const [ghost, phantom] = [randomUUID(), randomUUID()];
    const references = [alice, ghost, bob, phantom].map((id, index) => ({ index, field: 'customerId', id }));
    const refusal = await checkCustomerReferences(graph, references).catch((error: unknown) => error);
    expect(refusal).toMatchObject({
      message: `2 of 4 customer ids are unknown, so none was written: item 1 (customerId): Customer ${ghost} does not exist; item 3 (customerId): Customer ${phantom} does not exist`,
      extensions: {
        code: 'NOT_FOUND',
        field: 'input',
        items: [
          { index: 1, field: 'customerId', message: `Customer ${ghost} does not exist` },
          { index: 3, field: 'customerId', message: `Customer ${phantom} does not exist` },
        ],
      },
    });
  });

  it('leaves a malformed id to the caller (BAD_USER_INPUT there) and asks identity nothing for it', async () => {
    const { graph, requests } = identity(known);
    expect(await checkCustomerId(graph, 'not-an-id', 'customerId')).toBe('not-an-id');
    expect(await checkCustomerId(graph, null, 'customerId')).toBeNull();
    expect(requests).toEqual([]);
  });

  it('says SERVICE_UNAVAILABLE when identity cannot answer, without passing on what it said', async () => {
    const graph: GraphClient = { query: () => Promise.reject(new Error('identity answered: connect ECONNREFUSED 127.0.0.1:4001')) };
    const refusal = await checkCustomerId(graph, alice, 'customerId').catch((error: unknown) => error);
    expect(refusal).toMatchObject({ extensions: { code: 'SERVICE_UNAVAILABLE' } });
    expect(JSON.stringify(refusal)).not.toContain('ECONNREFUSED');
  });
});
