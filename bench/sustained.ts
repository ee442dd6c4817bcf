/**
 * Sustained events: interactions recorded at a steady rate (batches of recordInteractions every 100 ms) for one
 * customer, followed on interactionRecorded by the stock graphql-ws client. Each event's latency runs from its
 * batch's answer (the commit) to its arrival at the subscriber; the rate is what the subscriber received per second.
 */
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { graphql, type Caller } from './graphql.js';
import { percentile } from './load.js';

export interface SustainedEvents {
  /** Events per second asked for, and received by the subscriber over the run. */
  offeredPerSecond: number;
  deliveredPerSecond: number;
  events: number;
  p50: number;
  p95: number;
  p99: number;
}

const TICK_MS = 100;
const RECORD_MANY = 'mutation($input: [RecordInteractionInput!]!) { recordInteractions(input: $input) { ids } }';
const SUBSCRIPTION = 'subscription($id: ID!) { interactionRecorded(customerId: $id) { interaction { id } } }';

export async function measureSustainedEvents(caller: Caller, wsUrl: string, customerId: string, perSecond: number, seconds: number): Promise<SustainedEvents> {
  const arrived = new Map<string, number>();
  const committed = new Map<string, number>();
  let onArrival: (() => void) | undefined;
  const client = createClient({ url: wsUrl, webSocketImpl: WebSocket, connectionParams: { authorization: caller.authorization }, retryAttempts: 0 });
  const dispose = client.subscribe<{ interactionRecorded: { interaction: { id: string } | null } }>(
    { query: SUBSCRIPTION, variables: { id: customerId } },
    {
      next: ({ data }) => {
        const id = data?.interactionRecorded.interaction?.id;
        if (!id) return;
        arrived.set(id, performance.now());
        onArrival?.();
      },
      error: () => undefined,
      complete: () => undefined,
    },
  );
  const record = async (count: number) => {
    const input = Array.from({ length: count }, () => ({ customerId, channel: 'WEB', type: 'PAGE_VIEW', properties: { page: '/bench/sustained' } }));
    const { recordInteractions } = await graphql<{ recordInteractions: { ids: string[] } }>(caller, RECORD_MANY, { input });
    const at = performance.now();
    for (const id of recordInteractions.ids) committed.set(id, at);
    return recordInteractions.ids;
  };
  const allArrived = (ids: string[], ms: number) =>
    new Promise<void>((resolve, reject) => {
      const check = () => ids.every((id) => arrived.has(id)) && (clearTimeout(timer), (onArrival = undefined), resolve());
      const timer = setTimeout(() => {
        onArrival = undefined;
        reject(new Error(`${ids.filter((id) => !arrived.has(id)).length} of ${ids.length} events did not arrive within ${ms} ms`));
      }, ms);
      onArrival = check;
      check();
    });
  try {
    // The subscription is live once a first event comes through (the server registers it asynchronously).
    for (let attempt = 0; ; attempt++) {
      try {
        await allArrived(await record(1), 2000);
        break;
      } catch (error) {
        if (attempt >= 10) throw error;
      }
    }
    arrived.clear();
    committed.clear();
    const perTick = Math.max(1, Math.round((perSecond * TICK_MS) / 1000));
    const started = performance.now();
    const batches: Array<Promise<string[]>> = [];
    for (let tick = 0; tick < (seconds * 1000) / TICK_MS; tick++) {
      batches.push(record(perTick));
      const next = started + (tick + 1) * TICK_MS;
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, next - performance.now())));
    }
    const ids = (await Promise.all(batches)).flat();
    await allArrived(ids, 60_000);
    const last = Math.max(...ids.map((id) => arrived.get(id)!));
    const latencies = ids.map((id) => Math.max(0, arrived.get(id)! - committed.get(id)!)).sort((a, b) => a - b);
    return {
      offeredPerSecond: perSecond,
      deliveredPerSecond: ids.length / ((last - started) / 1000),
      events: ids.length,
      p50: percentile(latencies, 50),
      p95: percentile(latencies, 95),
      p99: percentile(latencies, 99),
    };
  } finally {
    dispose();
    await client.dispose();
  }
}
