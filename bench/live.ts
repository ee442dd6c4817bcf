/**
 * Live, with the stock graphql-ws client: event latency from a mutation's commit (its answer) to the subscriber,
 * and the gateway's memory per subscribed socket (its RSS before and after opening idle subscriptions, and after
 * they leave).
 */
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { graphql, inParallel, type Caller } from './graphql.js';
import { percentile } from './load.js';
import { RECORD_INTERACTION } from './queries.js';
import { openInspector } from './inspector.js';

export interface EventLatency {
  events: number;
  p50: number;
  p95: number;
  p99: number;
}

export interface SocketMemory {
  sockets: number;
  /** Resident memory after a full collection: before the sockets, with them open, after they left (MB). */
  rssBeforeMb: number;
  rssOpenMb: number;
  rssAfterMb: number;
  /** Growth per socket while open, of the resident memory and of the JavaScript heap (KB). */
  kbPerSocket: number;
  heapKbPerSocket: number;
  /** What stays per socket after they left (KB of resident memory). */
  keptKbPerSocket: number;
}

const connect = (wsUrl: string, authorization: string, onConnected?: () => void): Client =>
  createClient({
    url: wsUrl,
    webSocketImpl: WebSocket,
    connectionParams: { authorization },
    retryAttempts: 0,
    lazy: false,
    on: onConnected ? { connected: onConnected } : {},
  });

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One page view of the customer through recordInteraction; `committed` is when its answer (after the commit) came. */
export async function recordPageView(caller: Caller, customerId: string, page: string): Promise<{ id: string; committed: number }> {
  const { recordInteraction } = await graphql<{ recordInteraction: { id: string } }>(caller, RECORD_INTERACTION, {
    input: { customerId, channel: 'WEB', type: 'PAGE_VIEW', properties: { page } },
  });
  return { id: recordInteraction.id, committed: performance.now() };
}

export async function measureEventLatency(caller: Caller, wsUrl: string, customerId: string, events: number): Promise<EventLatency> {
  const arrived = new Map<string, number>();
  const waiting = new Map<string, () => void>();
  const client = connect(wsUrl, caller.authorization);
  const dispose = client.subscribe<{ interactionRecorded: { interaction: { id: string } | null } }>(
    { query: 'subscription($id: ID!) { interactionRecorded(customerId: $id) { event { cursor } interaction { id } } }', variables: { id: customerId } },
    {
      next: ({ data }) => {
        const id = data?.interactionRecorded.interaction?.id;
        if (!id) return;
        arrived.set(id, performance.now());
        waiting.get(id)?.();
      },
      error: (error) => console.error('subscription failed:', error),
      complete: () => undefined,
    },
  );
  const record = () => recordPageView(caller, customerId, '/bench/live');

  const delivered = (id: string, ms: number) =>
    new Promise<void>((resolve, reject) => {
      if (arrived.has(id)) return resolve();
      const timer = setTimeout(() => reject(new Error(`event of interaction ${id} not delivered within ${ms} ms`)), ms);
      waiting.set(id, () => (clearTimeout(timer), resolve()));
    });
  try {
    // The subscription is live once a first event comes through (the server registers it asynchronously).
    for (let attempt = 0; ; attempt++) {
      const { id } = await record();
      try {
        await delivered(id, 2000);
        break;
      } catch (error) {
        if (attempt >= 10) throw error;
      }
    }
    const latencies: number[] = [];
    for (let i = 0; i < events; i++) {
      const { id, committed } = await record();
      await delivered(id, 15_000);
      // The answer left after the commit: an event that beat the answer took no measurable time from the commit.
      latencies.push(Math.max(0, arrived.get(id)! - committed));
    }
    latencies.sort((a, b) => a - b);
    return { events, p50: percentile(latencies, 50), p95: percentile(latencies, 95), p99: percentile(latencies, 99) };
  } finally {
    dispose();
    await client.dispose();
  }
}

export async function measureSocketMemory(
  caller: Caller,
  wsUrl: string,
  gateway: { pid: number; port: number },
  customerIds: string[],
  sockets: number,
): Promise<SocketMemory> {
  const inspector = await openInspector(gateway.pid, gateway.port);
  const clients: Client[] = [];
  try {
    const before = await inspector.memoryAfterGc();
    await inParallel(
      Array.from({ length: sockets }, (_, i) => i),
      50,
      (i) =>
        new Promise<void>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error('a subscription socket was not acknowledged within 30 s')), 30_000);
          const client = connect(wsUrl, caller.authorization, () => (clearTimeout(timer), resolve()));
          clients.push(client);
          client.subscribe(
            {
              query: 'subscription($id: ID!) { customerChanged(id: $id) { event { type } customer { displayName } } }',
              variables: { id: customerIds[i % customerIds.length] },
            },
            { next: () => undefined, error: () => undefined, complete: () => undefined },
          );
        }),
    );
    await sleep(2000);
    const open = await inspector.memoryAfterGc();
    await Promise.all(clients.splice(0).map((client) => client.dispose()));
    await sleep(3000);
    const after = await inspector.memoryAfterGc();
    const mb = (bytes: number) => bytes / 1024 / 1024;
    const kb = (bytes: number) => bytes / 1024 / sockets;
    return {
      sockets,
      rssBeforeMb: mb(before.rssBytes),
      rssOpenMb: mb(open.rssBytes),
      rssAfterMb: mb(after.rssBytes),
      kbPerSocket: kb(open.rssBytes - before.rssBytes),
      heapKbPerSocket: kb(open.heapUsedBytes - before.heapUsedBytes),
      keptKbPerSocket: kb(Math.max(0, after.rssBytes - before.rssBytes)),
    };
  } finally {
    await Promise.all(clients.map((client) => client.dispose()));
    inspector.close();
  }
}
