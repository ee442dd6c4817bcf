import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { parse, type GraphQLFormattedError } from 'graphql';
import WebSocket from 'ws';
import { CreateCustomerDocument, CustomerChangedDocument, RecordInteractionsDocument, UpdateCustomerDocument } from './generated/graphql.js';
import { executeOk } from './helpers/graphql.js';
import { startPlatform, type Platform } from './helpers/platform.js';
import { connect, subscribe } from './helpers/subscriptions.js';

// A subscription is an operation like any other: over WebSocket it meets the limits of HTTP (README, Limits), with
// the same codes and messages, before the gateway reads anything for it.

let platform: Platform;
beforeAll(async () => {
  platform = await startPlatform();
});
afterAll(() => platform.stop());

const subgraphStatements = () => Object.values(platform.sql).reduce((sum, statements) => sum + statements.length, 0);

/** What the gateway answers a subscribe message with on a socket that stays usable: the errors it refuses it with. */
async function refusal(client: ReturnType<typeof connect>, query: string, variables: Record<string, unknown> = {}): Promise<GraphQLFormattedError> {
  // The first thing the subscription gets: the errors it ends with, or (were it accepted) a result or its end.
  const answer = await new Promise<unknown>((resolve) => {
    const dispose = client.subscribe(
      { query, variables },
      { next: (result) => (resolve({ served: result }), dispose()), error: resolve, complete: () => resolve('completed') },
    );
  });
  expect(answer).toEqual([expect.objectContaining({ message: expect.any(String) })]);
  return (answer as GraphQLFormattedError[])[0]!;
}

/** The same operation over HTTP, where the limits were always applied (a query: HTTP serves no subscriptions). */
async function overHttp(query: string, variables: Record<string, unknown> = {}): Promise<GraphQLFormattedError> {
  const response = await fetch(platform.gatewayUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: platform.admin.authorization },
    body: JSON.stringify({ query, variables }),
  });
  return ((await response.json()) as { errors: GraphQLFormattedError[] }).errors[0]!;
}

const shape = (error: GraphQLFormattedError) => ({ code: error.extensions?.code, message: error.message });

describe('subscriptions over WebSocket', () => {
  it('are refused past the limits of HTTP, with the same codes and messages, and the socket serves the next one', async () => {
    // Each subscription starts before the customer was made: one the gateway accepted would be sent that at once.
    const before = await platform.bus.head();
    const customer = (
      await executeOk(platform.gatewayUrl, CreateCustomerDocument, {
        input: { kind: 'PERSON', firstName: 'Limit', lastName: 'Socket', emails: [], phones: [] },
      })
    ).createCustomer;
    const client = connect(platform.wsUrl);
    const refusedChange = (customerSelection: string, variables: Record<string, unknown> = {}) =>
      refusal(client, `subscription($id: ID!, $after: String) { customerChanged(id: $id, after: $after) { customer { ${customerSelection} } } }`, {
        id: customer.id,
        after: before,
        ...variables,
      });
    await platform.resetSqlLog();

    const aliases = Array.from({ length: 16 }, (_, i) => `a${i}: id`).join(' ');
    const tooManyAliases = await refusedChange(aliases);
    expect(shape(tooManyAliases)).toEqual({ code: 'GRAPHQL_VALIDATION_FAILED', message: expect.stringMatching(/Aliases limit of 15 exceeded/) });
    expect(shape(tooManyAliases)).toEqual(shape(await overHttp(`query($id: ID!) { customer(id: $id) { ${aliases} } }`, { id: customer.id })));

    const tooDeep = await refusedChange(`organization { ${'organization { '.repeat(12)}id${' }'.repeat(12)} }`);
    expect(shape(tooDeep)).toEqual({ code: 'GRAPHQL_VALIDATION_FAILED', message: expect.stringMatching(/Query depth limit of 12 exceeded/) });

    const tooManyDirectives = await refusedChange(Array.from({ length: 21 }, () => 'id @include(if: true)').join(' '));
    expect(shape(tooManyDirectives)).toEqual({ code: 'GRAPHQL_VALIDATION_FAILED', message: expect.stringMatching(/Directives limit of 20 exceeded/) });

    const tooLong = await refusedChange(Array.from({ length: 3100 }, () => 'id').join(' '));
    expect(shape(tooLong)).toEqual({ code: 'GRAPHQL_PARSE_FAILED', message: expect.stringMatching(/more that 3000 tokens/) });

    const costly = await refusedChange('interactions(first: 100) { edges { node { customer { interactions(first: 100) { totalCount } } } } }');
    expect(costly.extensions).toMatchObject({ code: 'QUERY_TOO_COSTLY', maxCost: 10_000 });
    expect(costly.extensions?.cost as number).toBeGreaterThan(10_000);
    expect(costly.message).toMatch(/ask for smaller pages/);

    const nulVariable = await refusedChange('id', { note: 'a\u0000b' });
    expect(nulVariable.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'variables.note' });
    const nulLiteral = await refusedChange('id interactions(first: 1, after: "a\\u0000b") { totalCount }');
    expect(nulLiteral.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'customerChanged.customer.interactions(after)' });
    for (const error of [tooManyAliases, tooDeep, tooManyDirectives, tooLong, costly, nulVariable, nulLiteral]) {
      expect(Object.keys(error.extensions ?? {})).not.toContain('http');
      expect(JSON.stringify(error)).not.toMatch(/stack|at \w+ \(/);
    }
    // Refused before anything was read for them.
    expect(subgraphStatements()).toBe(0);

    // The socket is still open, and a subscription within the limits is served on it.
    const watcher = subscribe(client, CustomerChangedDocument, { id: customer.id, after: await platform.bus.head() });
    const current = await executeOk(platform.gatewayUrl, UpdateCustomerDocument, {
      id: customer.id,
      version: customer.version,
      input: { jobTitle: 'Tester' },
    });
    const [change] = await watcher.waitFor(1);
    expect(change!.errors).toBeUndefined();
    expect(change!.data!.customerChanged.customer?.id).toBe(current.updateCustomer.id);
    await client.dispose();
  });

  it('reads the records of many events at once without their batch meeting the limits meant for a client', async () => {
    // The gateway reads the records of the events matched in one tick in one query, `e0: interaction(id: …) e1: …`:
    // the aliases and cost are its own, so the batch is cut to fit the limits rather than refused by them.
    const customer = (
      await executeOk(platform.gatewayUrl, CreateCustomerDocument, {
        input: { kind: 'PERSON', firstName: 'Batch', lastName: 'Reader', emails: [], phones: [] },
      })
    ).createCustomer;
    const before = await platform.bus.head();
    const count = 60;
    const { recordInteractions } = await executeOk(platform.gatewayUrl, RecordInteractionsDocument, {
      input: Array.from({ length: count }, () => ({ customerId: customer.id, channel: 'WEB' as const, type: 'PAGE_VIEW' as const, properties: {} })),
    });
    const client = connect(platform.wsUrl);
    try {
      // Within every limit: 12 aliases of its own, and 60 interactions' worth of records stays far below the cost limit.
      const aliases = Array.from({ length: 12 }, (_, i) => `f${i}: type`).join(' ');
      const subscriber = subscribe(
        client,
        parse(`subscription($c: ID!, $after: String) { interactionRecorded(customerId: $c, after: $after) { interaction { id ${aliases} } } }`),
        { c: customer.id, after: before },
      );
      const results = (await subscriber.waitFor(count)) as Array<{ data?: { interactionRecorded: { interaction: { id: string } | null } }; errors?: unknown }>;
      expect(results.flatMap((result) => result.errors ?? [])).toEqual([]);
      expect(results.map((result) => result.data?.interactionRecorded.interaction?.id).sort()).toEqual([...recordInteractions.ids].sort());
    } finally {
      await client.dispose();
    }
  });

  it('closes a socket whose message is larger than a request body may be (MAX_BODY_BYTES), before reading it', async () => {
    const socket = new WebSocket(platform.wsUrl, 'graphql-transport-ws');
    await once(socket, 'open');
    const messages: string[] = [];
    let received!: () => void;
    socket.on('message', (data) => (messages.push(String(data)), received()));
    const acked = new Promise<void>((resolve) => (received = resolve));
    socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: platform.admin.authorization } }));
    await acked;
    expect(JSON.parse(messages[0]!)).toEqual({ type: 'connection_ack' });
    // Either the socket is closed, or the gateway read the message and answers it.
    const answered = new Promise<{ message: string }>((resolve) => (received = () => resolve({ message: messages.at(-1)! })));
    const closed = once(socket, 'close').then(([code]) => ({ code: code as number }));
    // The gateway runs in this process: it does not report the client's oversized message as its own failure.
    const consoleErrors = jest.spyOn(console, 'error');
    const padding = 'x'.repeat(1_048_576 + 1);
    socket.send(JSON.stringify({ id: randomUUID(), type: 'subscribe', payload: { query: `subscription { __typename } # ${padding}` } }));
    expect(await Promise.race([closed, answered])).toEqual({ code: 1009 }); // Message Too Big
    expect(consoleErrors).not.toHaveBeenCalled();
    consoleErrors.mockRestore();
  });
});
