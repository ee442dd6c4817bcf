import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  CreateActivityDocument,
  CreateCustomerDocument,
  CreateOpportunityDocument,
  CustomerSalesDocument,
  Full360Document,
  OpenCaseDocument,
  RecordInteractionDocument,
} from './generated/graphql.js';
import { execute, executeOk, type GraphQLResponse } from './helpers/graphql.js';
import { idleWindow } from './helpers/eventually.js';
import { startPlatform, type Platform } from './helpers/platform.js';

// Issue 7.3, no false outages. The subgraphs keep an idle socket open for KEEP_ALIVE_MS (and advertise it); the
// gateway drops its idle sockets after IDLE_SOCKET_MS, before they do, so it never sends a request on a socket the
// subgraph is closing. Small values so that the pauses between bursts age the pooled sockets past both.
// (With a keep-alive of 2 s undici would not pool at all: it subtracts a 2 s margin from the advertised timeout.)
const KEEP_ALIVE_MS = 4000;
const IDLE_SOCKET_MS = 1500;

// What is tested is that no request fails on a socket the subgraph is closing, which fails at once. A request that
// is merely slow is not a false outage: the bursts of 150 federated queries once overran the gateway's 15 s deadline
// while the other jest worker's platform and browser held CI's two cores, and failed as SERVICE_UNAVAILABLE. So
// this test's gateway waits longer than that for the subgraphs.
const REQUEST_TIMEOUT_MS = 90_000;

let platform: Platform;
let patientGatewayUrl: string;
const customers: string[] = [];
beforeAll(async () => {
  platform = await startPlatform({ keepAliveMs: KEEP_ALIVE_MS, subgraphIdleSocketMs: IDLE_SOCKET_MS });
  patientGatewayUrl = (await platform.startGateway({ limits: { requestTimeoutMs: REQUEST_TIMEOUT_MS } })).url;
  for (const name of ['Kept', 'Alive', 'Socket']) {
    const { createCustomer } = await executeOk(platform.gatewayUrl, CreateCustomerDocument, {
      input: { kind: 'PERSON', firstName: name, lastName: 'Burst', emails: [`${name.toLowerCase()}@keep-alive.example`], phones: [] },
    });
    customers.push(createCustomer.id);
    await executeOk(platform.gatewayUrl, CreateOpportunityDocument, {
      input: { customerId: createCustomer.id, title: `${name} deal`, amount: { amount: '100000.00', currency: 'CZK' } },
    });
    await executeOk(platform.gatewayUrl, OpenCaseDocument, {
      input: { customerId: createCustomer.id, subject: `${name} case`, channel: 'EMAIL', priority: 'NORMAL' },
    });
  }
});
afterAll(() => platform?.stop());

const count = async (subgraph: 'sales' | 'service' | 'marketing', sql: string, params: unknown[]): Promise<number> => {
  const [row] = await platform.subgraphs[subgraph].orm.em.fork().getConnection().execute<Array<{ count: string }>>(sql, params);
  return Number(row!.count);
};

describe('idle sockets between the gateway and the subgraphs', () => {
  it('answers bursts of queries and mutations separated by idle pauses around the keep-alive without an error', async () => {
    const run = randomUUID();
    const failures: string[] = [];
    const check = async (label: string, request: () => Promise<GraphQLResponse<unknown>>) => {
      try {
        const response = await request();
        if (response.errors?.length || !response.data) failures.push(`${label}: ${JSON.stringify(response.errors)}`);
      } catch (error) {
        failures.push(`${label}: ${String(error)} ${String((error as { cause?: unknown }).cause ?? '')}`);
      }
    };
    const QUERIES = 150;
    const WRITES = 10; // of each kind, per burst
    // Below the gateway's idle timeout (pooled sockets reused), past it, and either side of the subgraphs' keep-alive.
    // With the pooling the gateway had before (Apollo's default fetcher, no retry) these pauses gave dozens of
    // ECONNRESET / socket hang up in bursts 2 and 3.
    const pauses = [0, IDLE_SOCKET_MS - 100, KEEP_ALIVE_MS - 100, KEEP_ALIVE_MS + 100];
    for (const [burst, pause] of pauses.entries()) {
      await idleWindow(pause); // the experiment: the pooled sockets age for this long; nothing is awaited through it
      await Promise.all([
        ...Array.from({ length: QUERIES }, (_, i) =>
          check(`burst ${burst} Full360 ${i}`, () => execute(patientGatewayUrl, Full360Document, { id: customers[i % customers.length]!, first: 5 })),
        ),
        ...Array.from({ length: WRITES }, (_, i) => [
          check(`burst ${burst} createActivity ${i}`, () =>
            execute(
              patientGatewayUrl,
              CreateActivityDocument,
              { input: { type: 'CALL', subject: `${run} ${burst}/${i}`, customerId: customers[0] } },
              { 'idempotency-key': randomUUID() },
            ),
          ),
          check(`burst ${burst} openCase ${i}`, () =>
            execute(
              patientGatewayUrl,
              OpenCaseDocument,
              { input: { customerId: customers[1]!, subject: `${run} ${burst}/${i}`, channel: 'PHONE', priority: 'NORMAL' } },
              { 'idempotency-key': randomUUID() },
            ),
          ),
          check(`burst ${burst} recordInteraction ${i}`, () =>
            execute(patientGatewayUrl, RecordInteractionDocument, {
              input: { customerId: customers[2]!, channel: 'WEB', type: 'PAGE_VIEW', sourceSystem: run, externalEventId: `${burst}/${i}`, properties: {} },
            }),
          ),
        ]).flat(),
      ]);
    }

    expect(failures).toEqual([]);
    // Every write made exactly once: none lost to a broken socket, none doubled by a retry.
    const writes = pauses.length * WRITES;
    expect(await count('sales', `select count(*) from sales_activity where subject like ?`, [`${run} %`])).toBe(writes);
    expect(await count('service', `select count(*) from support_case where subject like ?`, [`${run} %`])).toBe(writes);
    expect(await count('marketing', `select count(*) from interaction where source_system = ?`, [run])).toBe(writes);
    // ~10 s of pauses plus four bursts of 180 federated requests, which take long on a loaded 2-core machine.
  }, 180_000);
});

type Kind = 'query' | 'mutation';

/**
 * A real TCP hop between the gateway and a subgraph. Everything passes through, except that it can be told to break
 * the connection to the gateway once the subgraph has started to answer a request of one kind: the subgraph
 * received and ran it, the gateway never gets the answer. `reset` sends a TCP RST (ECONNRESET), `close` a FIN.
 */
async function startCuttingProxy(target: string) {
  const upstreamPort = Number(new URL(target).port);
  const answered: Kind[] = [];
  const cut: Kind[] = [];
  let plan: { kind: Kind; how: 'reset' | 'close'; times: number } | undefined;
  const open = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(upstreamPort, '127.0.0.1');
    for (const socket of [client, upstream]) {
      open.add(socket);
      socket.on('close', () => open.delete(socket));
    }
    let request = '';
    client.on('data', (chunk: Buffer) => {
      request += chunk.toString('latin1');
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      // The gateway sends one request at a time per connection: the first bytes back start the answer to `request`.
      if (request) {
        const kind: Kind = /"query":"\s*mutation\b/.test(request) ? 'mutation' : 'query';
        request = '';
        if (plan?.kind === kind && plan.times > 0) {
          plan.times -= 1;
          cut.push(kind);
          if (plan.how === 'reset') client.resetAndDestroy();
          else client.destroy();
          upstream.destroy();
          return;
        }
        answered.push(kind);
      }
      client.write(chunk);
    });
    client.on('end', () => upstream.end());
    upstream.on('end', () => client.end());
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`,
    answered,
    cut,
    /** Break the connection under the next `times` requests of this kind. */
    cutNext(kind: Kind, how: 'reset' | 'close', times = 1) {
      plan = { kind, how, times };
    },
    async stop() {
      open.forEach((socket) => socket.destroy());
      await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  };
}

describe('a connection to a subgraph that breaks under a request', () => {
  let proxy: Awaited<ReturnType<typeof startCuttingProxy>>;
  let gatewayUrl: string;
  beforeAll(async () => {
    proxy = await startCuttingProxy(platform.subgraphs.sales.url);
    ({ url: gatewayUrl } = await platform.startGateway({ subgraphUrls: { sales: proxy.url } }));
  });
  afterAll(() => proxy?.stop());

  const activities = (subject: string) => count('sales', `select count(*) from sales_activity where subject = ?`, [subject]);

  it.each(['reset', 'close'] as const)('(%s) does not send a mutation again: the client is told it may or may not have been made', async (how) => {
    const subject = `Cut ${how} ${randomUUID()}`;
    const key = randomUUID();
    const variables = { input: { type: 'CALL' as const, subject, customerId: customers[0] } };
    proxy.cutNext('mutation', how);
    const cutBefore = proxy.cut.length;
    const broken = await execute(gatewayUrl, CreateActivityDocument, variables, { 'idempotency-key': key });

    expect(proxy.cut.length).toBe(cutBefore + 1);
    expect(broken.data?.createActivity ?? null).toBeNull();
    expect(broken.errors).toHaveLength(1);
    expect(broken.errors![0]!.extensions).toMatchObject({ code: 'SERVICE_UNAVAILABLE', serviceName: 'sales' });
    expect(broken.errors![0]!.message).toContain('may or may not have been made');
    expect(broken.errors![0]!.message).toContain('Idempotency-Key');
    // The subgraph ran it, once: the gateway did not send it again on a new connection.
    expect(await activities(subject)).toBe(1);

    // Retried as told, with the same key: the answer is the activity that was made, and still only one exists.
    const retried = await execute(gatewayUrl, CreateActivityDocument, variables, { 'idempotency-key': key });
    expect(retried.errors).toBeUndefined();
    expect(retried.data?.createActivity.subject).toBe(subject);
    expect(await activities(subject)).toBe(1);
  });

  it.each(['reset', 'close'] as const)('(%s) sends a query again once, and answers it', async (how) => {
    const subject = `Read ${how} ${randomUUID()}`;
    // A due date, so that the customer's activities (soonest due first) list it.
    const dueAt = new Date(Date.now() + 86_400_000).toISOString();
    await executeOk(gatewayUrl, CreateActivityDocument, { input: { type: 'CALL', subject, customerId: customers[1], dueAt } });
    proxy.cutNext('query', how);
    const [cutBefore, answeredBefore] = [proxy.cut.length, proxy.answered.filter((k) => k === 'query').length];

    const read = await execute(gatewayUrl, CustomerSalesDocument, { id: customers[1]! });

    expect(read.errors).toBeUndefined();
    expect(read.data?.customer?.activities?.edges.map((e) => e.node.subject)).toContain(subject);
    expect(proxy.cut.length).toBe(cutBefore + 1);
    // The sales part of the plan is one fetch: cut once, then answered on the retry.
    expect(proxy.answered.filter((k) => k === 'query').length).toBe(answeredBefore + 1);
  });

  it('reports a subgraph whose connection breaks twice for a query as unavailable, and sends it no third time', async () => {
    proxy.cutNext('query', 'reset', 2);
    const [cutBefore, answeredBefore] = [proxy.cut.length, proxy.answered.length];

    const read = await execute(gatewayUrl, CustomerSalesDocument, { id: customers[1]! });

    expect(read.errors?.[0]?.extensions).toMatchObject({ code: 'SERVICE_UNAVAILABLE', serviceName: 'sales' });
    expect(read.errors?.[0]?.message).toContain('unavailable right now');
    expect(proxy.cut.length).toBe(cutBefore + 2);
    expect(proxy.answered.length).toBe(answeredBefore);
  });
});
