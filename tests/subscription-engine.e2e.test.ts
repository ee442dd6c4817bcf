import { randomUUID } from 'node:crypto';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  CreateCustomerDocument,
  CreateOpportunityDocument,
  DefaultPipelineDocument,
  InteractionCursorsDocument,
  UpdateOpportunityDocument,
  VersionedOpportunityChangedDocument,
  type VersionedOpportunityChangedSubscription,
} from './generated/graphql.js';
import { executeOk } from './helpers/graphql.js';
import { eventually, idleWindow } from './helpers/eventually.js';
import { catalogEvent, opportunitySnapshot } from './helpers/events.js';
import { startPlatform, type Platform } from './helpers/platform.js';
import { connect, subscribe } from './helpers/subscriptions.js';

// A slow subscriber below selects 60 aliases, so that each message is large and a reader that stops fills the
// socket buffers quickly: more than a client may ask by default (MAX_QUERY_ALIASES, 15, over WebSocket as over
// HTTP), so this platform's gateway allows them through that setting, as an operator would.
process.env.MAX_QUERY_ALIASES = '60';

let platform: Platform;
beforeAll(async () => {
  platform = await startPlatform({ maxStallMs: 1500 });
});
const extraBuses: Array<{ close(): Promise<void> }> = [];
afterAll(async () => {
  await platform.stop();
  await Promise.all(extraBuses.map((bus) => bus.close()));
});

/** Test events on the bus, as marketing's relay would publish them (under the test's own relay checkpoint). */
async function publishInteractions(customerId: string, count: number, relay = 'test-engine'): Promise<void> {
  const events = Array.from({ length: count }, () => {
    const interactionId = randomUUID();
    return catalogEvent('InteractionRecorded', interactionId, {
      interactionId,
      customerId,
      anonymousId: null,
      channel: 'WEB',
      type: 'PAGE_VIEW',
      campaignId: null,
    });
  });
  for (let i = 0; i < events.length; i += 500) await platform.bus.publish(relay, events.slice(i, i + 500), 'test');
}

/** A WebSocket whose instances the test can reach, to stop reading like a frozen browser tab. */
const sockets: WebSocket[] = [];
class TrackedWebSocket extends WebSocket {
  constructor(...args: ConstructorParameters<typeof WebSocket>) {
    super(...args);
    sockets.push(this);
  }
}
const subscriptionHealth = async () =>
  (
    (await (await fetch(new URL('/health/ready', platform.gatewayUrl))).json()) as {
      checks: { subscriptions: { closedAsSlow: number; sockets: number; subscriptions: number } };
    }
  ).checks.subscriptions;
const rawSocket = (socket: WebSocket) => (socket as unknown as { _socket: { pause(): void; resume(): void } })._socket;

describe('a slow subscriber on the stock graphql-ws client', () => {
  it('is told with close code 4100, resumes with after: as the README shows, and misses nothing', async () => {
    const customerId = randomUUID();
    // 60 aliases make each message ~8 kB, so a reader that stops fills the socket buffers quickly.
    const query = `subscription($customerId: ID!, $after: String) { interactionRecorded(customerId: $customerId, after: $after) {
      ${Array.from({ length: 60 }, (_, i) => `e${i}: event { cursor type occurredAt aggregateId }`).join(' ')} } }`;
    const closes: number[] = [];
    const cursors: string[] = [];
    // The README's client code: keep the last cursor in the variables the client re-sends on reconnect.
    await publishInteractions(randomUUID(), 1);
    const variables: { customerId: string; after: string | null } = { customerId, after: await platform.bus.head() };
    const client = createClient({
      url: platform.wsUrl,
      webSocketImpl: TrackedWebSocket,
      connectionParams: { authorization: platform.admin.authorization },
      retryAttempts: Infinity,
      retryWait: () => new Promise((resolve) => setTimeout(resolve, 100)),
      on: { closed: (event) => void closes.push((event as { code: number }).code) },
    });
    client.subscribe<{ interactionRecorded: { e0: { cursor: string } } }>(
      { query, variables },
      {
        next: ({ data }) => {
          variables.after = data!.interactionRecorded.e0.cursor;
          cursors.push(variables.after);
        },
        error: (error) => void closes.push(-1, (error as { code?: number }).code ?? 0),
        complete: () => undefined,
      },
    );
    await publishInteractions(customerId, 1);
    await eventually(async () => expect(cursors).toHaveLength(1));

    // The tab freezes while 1,500 events arrive; the gateway gives up on it after maxStallMs.
    const frozen = sockets.at(-1)!;
    const slowBefore = (await subscriptionHealth()).closedAsSlow;
    rawSocket(frozen).pause();
    await publishInteractions(customerId, 1500);
    // The gateway gives up on it after maxStallMs (its /health counts it); the tab then reads the close frame.
    await eventually(async () => expect((await subscriptionHealth()).closedAsSlow).toBe(slowBefore + 1), 30_000);
    rawSocket(frozen).resume();

    await eventually(async () => expect(cursors).toHaveLength(1501), 60_000);
    expect(closes[0]).toBe(4100);
    expect(new Set(cursors).size).toBe(1501);
    const sorted = [...cursors].sort((a, b) => platform.bus.compare(a, b));
    expect(cursors).toEqual(sorted);
    await client.dispose();
  }, 120_000);
});

describe('cursors', () => {
  const failureOf = async (after: string) => {
    const client = connect(platform.wsUrl);
    const subscriber = subscribe(client, InteractionCursorsDocument, { customerId: randomUUID(), after });
    // graphql-ws answers a subscription that fails to start with one result carrying the error.
    const [result] = await subscriber.waitFor(1);
    await client.dispose();
    expect(result!.data ?? null).toBeNull();
    return result!.errors![0]! as { message: string; extensions?: { code?: string } };
  };

  it('refuses a malformed cursor or one from the future with BAD_USER_INPUT', async () => {
    for (const after of ['abc', '-5', '1.5', '']) {
      expect((await failureOf(after)).extensions?.code).toBe('BAD_USER_INPUT');
    }
    await publishInteractions(randomUUID(), 1);
    const head = (await platform.bus.head())!;
    const future = (BigInt(head) + 1_000_000n).toString();
    const error = await failureOf(future);
    expect(error.extensions?.code).toBe('BAD_USER_INPUT');
    expect(error.message).toContain('ahead of the newest event');
  });

  it('says CURSOR_EXPIRED only for a cursor whose events were pruned', async () => {
    await publishInteractions(randomUUID(), 2);
    const old = (await platform.bus.head())!;
    await publishInteractions(randomUUID(), 1);
    await platform.bus.prune(new Date(Date.now() + 60_000));
    expect((await failureOf(old)).extensions?.code).toBe('CURSOR_EXPIRED');
  });
});

describe('entities in subscription payloads', () => {
  it('carry the version each event produced and say when the record shown is newer', async () => {
    const { pipeline } = await executeOk(platform.gatewayUrl, DefaultPipelineDocument, {});
    const { createCustomer } = await executeOk(platform.gatewayUrl, CreateCustomerDocument, {
      input: { kind: 'PERSON', firstName: 'Vera', lastName: 'Version', emails: [], phones: [] },
    });
    const client = connect(platform.wsUrl);
    const board = subscribe(client, VersionedOpportunityChangedDocument, { pipelineId: pipeline.id, after: await platform.bus.head() });
    const { createOpportunity } = await executeOk(platform.gatewayUrl, CreateOpportunityDocument, {
      input: { customerId: createCustomer.id, pipelineId: pipeline.id, title: 'v1', amount: { amount: '1.00', currency: 'CZK' } },
    });
    const v2 = await executeOk(platform.gatewayUrl, UpdateOpportunityDocument, { id: createOpportunity.id, version: 1, input: { title: 'v2' } });
    await executeOk(platform.gatewayUrl, UpdateOpportunityDocument, {
      id: createOpportunity.id,
      version: v2.updateOpportunity.version,
      input: { title: 'v3' },
    });
    const results = (await board.waitFor(3)).map((r) => r.data!.pipelineChanged) as Array<VersionedOpportunityChangedSubscription['pipelineChanged']>;
    expect(results.map((r) => r.event.aggregateVersion)).toEqual([1, 2, 3]);
    for (const change of results) {
      expect(change.opportunity!.version).toBeGreaterThanOrEqual(change.event.aggregateVersion!);
      expect(change.newerThanEvent).toBe(change.opportunity!.version > change.event.aggregateVersion!);
    }
    await client.dispose();
  });

  it('are read once per event for all subscribers with the same selection, in batches', async () => {
    const { pipeline } = await executeOk(platform.gatewayUrl, DefaultPipelineDocument, {});
    const { createCustomer } = await executeOk(platform.gatewayUrl, CreateCustomerDocument, {
      input: { kind: 'PERSON', firstName: 'Bea', lastName: 'Batch', emails: [], phones: [] },
    });
    const { createOpportunity } = await executeOk(platform.gatewayUrl, CreateOpportunityDocument, {
      input: { customerId: createCustomer.id, pipelineId: pipeline.id, title: 'Shared', amount: { amount: '1.00', currency: 'CZK' } },
    });
    const after = await platform.bus.head();
    const client = connect(platform.wsUrl);
    const boards = Array.from({ length: 20 }, () => subscribe(client, VersionedOpportunityChangedDocument, { pipelineId: pipeline.id, after }));
    // Ten events about the same opportunity, as its relay would publish them.
    await platform.resetSqlLog();
    await platform.bus.publish(
      'test-batch',
      Array.from({ length: 10 }, () =>
        catalogEvent('OpportunityChanged', createOpportunity.id, {
          ...opportunitySnapshot({ opportunityId: createOpportunity.id, customerId: createCustomer.id, pipelineId: pipeline.id, ownerId: null }),
          changedFields: [],
        }),
      ),
      'test',
    );
    for (const board of boards) expect((await board.waitFor(10)).every((r) => r.data?.pipelineChanged.opportunity?.title === 'Shared')).toBe(true);
    const reads = platform.sql.sales.filter((sql) => /select .* from "opportunity"/.test(sql));
    // 200 payloads; without sharing and batching that would be 200 reads.
    expect(reads.length).toBeGreaterThan(0);
    expect(reads.length).toBeLessThanOrEqual(2);
    await client.dispose();
  });
});

describe('idle subscribers', () => {
  it('cost no database traffic and no CPU: 500 sockets wait on one shared tail', async () => {
    // A gateway with a bus connection of its own, so every read it makes is counted here.
    const bus = await platform.connectBus();
    let busReads = 0;
    for (const method of ['read', 'head'] as const) {
      const original = bus[method].bind(bus) as (...args: unknown[]) => Promise<unknown>;
      (bus as unknown as Record<string, unknown>)[method] = (...args: unknown[]) => (busReads++, original(...args));
    }
    const gateway = await platform.startGateway({ bus });
    const health = async () =>
      ((await (await fetch(new URL('/health/ready', gateway.url))).json()) as { checks: { subscriptions: { subscriptions: number } } }).checks.subscriptions;
    const measure = async (ms: number) => {
      const [reads, cpu, started] = [busReads, process.cpuUsage(), Date.now()];
      await idleWindow(ms); // the experiment: an idle window of fixed length
      const used = process.cpuUsage(cpu);
      return { reads: busReads - reads, cpuShare: (used.user + used.system) / 1000 / (Date.now() - started) };
    };

    const customerId = randomUUID();
    await publishInteractions(randomUUID(), 1);
    const after = await platform.bus.head();
    const clients = Array.from({ length: 500 }, () => connect(gateway.wsUrl));
    const subscribers = clients.map((client) => subscribe(client, InteractionCursorsDocument, { customerId, after }));
    await publishInteractions(customerId, 1);
    await eventually(async () => expect(subscribers.every((s) => s.results.length === 1)).toBe(true), 30_000);
    await eventually(async () => expect((await health()).subscriptions).toBe(500)); // all caught up, on the shared tail
    const withSockets = await measure(3000);
    await Promise.all(clients.map((client) => client.dispose()));
    await eventually(async () => expect((await health()).subscriptions).toBe(0));
    const without = await measure(3000);

    // At most the tail's one safety poll; the old engine read the bus for every subscription every 2 s.
    expect(withSockets.reads).toBeLessThanOrEqual(1);
    expect(withSockets.cpuShare).toBeLessThan(without.cpuShare + 0.05);
    // The platform stops its gateways (this one too); its bus connection closes after them.
    extraBuses.push(bus);
  }, 90_000);
});
