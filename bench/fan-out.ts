/**
 * Fan-out: one event to many subscribers of one topic with the same selection (a live dashboard on a busy
 * customer, many times over), each on its own socket with the stock graphql-ws client. Measures from the
 * mutation's answer (its commit) to each subscriber, the CPU all processes spend per event, and what the same
 * subscribers cost while nothing happens.
 */
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { inParallel, type Caller } from './graphql.js';
import { recordPageView } from './live.js';
import { percentile } from './load.js';
import { cpuBetween, sampleCpu, sumOf, type ProcessGroups } from './proc.js';

export interface FanOut {
  subscribers: number;
  events: number;
  /** Commit → each subscriber, over all events (ms). */
  p50: number;
  p99: number;
  max: number;
  /**
   * CPU seconds of all processes (gateway, subgraphs, PostgreSQL) from the commit until the last subscriber had it,
   * beyond what the same platform with the same subscribers uses idle over that time (`idleCpuMsPerSecond`).
   */
  cpuSecondsPerEvent: number;
  /** The same, background included. */
  grossCpuSecondsPerEvent: number;
  /** CPU milliseconds per second of all processes while the subscribers sat idle, and before they came. */
  idleCpuMsPerSecond: number;
  baselineCpuMsPerSecond: number;
  /** One `next` message's payload as a subscriber received it (JSON), for the floor to send (bench/fan-out-floor.ts). */
  payload: string;
}

const SUBSCRIPTION = 'subscription($id: ID!) { interactionRecorded(customerId: $id) { interaction { id channel type } } }';
const IDLE_SECONDS = 5;

export async function measureFanOut(
  caller: Caller,
  wsUrl: string,
  processes: ProcessGroups,
  customerId: string,
  subscribers: number,
  events = 3,
): Promise<FanOut> {
  const arrivals = new Map<string, number[]>();
  const waiters = new Map<string, () => void>();
  const arrived = (id: string) => {
    const times = arrivals.get(id) ?? [];
    times.push(performance.now());
    arrivals.set(id, times);
    if (times.length === subscribers) waiters.get(id)?.();
  };
  const clients: Client[] = [];
  let payload = '';
  const record = () => recordPageView(caller, customerId, '/bench/fan-out');

  const everyoneHas = (id: string, ms: number) =>
    new Promise<void>((resolve, reject) => {
      if ((arrivals.get(id)?.length ?? 0) >= subscribers) return resolve();
      const timer = setTimeout(
        () => reject(new Error(`event ${id} reached ${arrivals.get(id)?.length ?? 0} of ${subscribers} subscribers within ${ms} ms`)),
        ms,
      );
      waiters.set(id, () => (clearTimeout(timer), resolve()));
    });
  const idleCpuOver = async (seconds: number) => {
    const before = await sampleCpu(processes);
    await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
    return sumOf(cpuBetween(before, await sampleCpu(processes))) / seconds;
  };
  try {
    // What the platform spends idle without them (jobs, the relays' and consumers' safety polls), to tell theirs apart.
    const baseline = await idleCpuOver(IDLE_SECONDS);
    await inParallel(
      Array.from({ length: subscribers }, (_, i) => i),
      100,
      () =>
        new Promise<void>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error('a subscription socket was not acknowledged within 60 s')), 60_000);
          const client = createClient({
            url: wsUrl,
            webSocketImpl: WebSocket,
            connectionParams: { authorization: caller.authorization },
            retryAttempts: 0,
            lazy: false,
            on: { connected: () => (clearTimeout(timer), resolve()) },
          });
          clients.push(client);
          client.subscribe<{ interactionRecorded: { interaction: { id: string } | null } }>(
            { query: SUBSCRIPTION, variables: { id: customerId } },
            {
              next: (result) => {
                payload ||= JSON.stringify(result);
                const id = result.data?.interactionRecorded.interaction?.id;
                if (id) arrived(id);
              },
              error: () => undefined,
              complete: () => undefined,
            },
          );
        }),
    );
    // Registered asynchronously on the server: live for everyone once a first event reaches them all.
    for (let attempt = 0; ; attempt++) {
      const { id } = await record();
      try {
        await everyoneHas(id, 30_000);
        break;
      } catch (error) {
        if (attempt >= 3) throw error;
      }
    }
    const idleCpu = await idleCpuOver(IDLE_SECONDS);

    const latencies: number[] = [];
    let cpuMs = 0;
    let idleMs = 0;
    for (let i = 0; i < events; i++) {
      const before = await sampleCpu(processes);
      const started = performance.now();
      const { id, committed } = await record();
      await everyoneHas(id, 120_000);
      cpuMs += sumOf(cpuBetween(before, await sampleCpu(processes)));
      idleMs += (idleCpu * (performance.now() - started)) / 1000;
      for (const at of arrivals.get(id)!) latencies.push(Math.max(0, at - committed));
    }
    latencies.sort((a, b) => a - b);
    return {
      subscribers,
      events,
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      max: latencies.at(-1) ?? 0,
      cpuSecondsPerEvent: Math.max(0, cpuMs - idleMs) / events / 1000,
      grossCpuSecondsPerEvent: cpuMs / events / 1000,
      idleCpuMsPerSecond: idleCpu,
      baselineCpuMsPerSecond: baseline,
      payload,
    };
  } finally {
    await Promise.all(clients.map((client) => client.dispose()));
  }
}
