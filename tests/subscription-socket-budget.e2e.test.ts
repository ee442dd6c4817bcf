import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import WebSocket from 'ws';
import { eventually } from './helpers/eventually.js';
import { catalogEvent } from './helpers/events.js';
import { startPlatform, type Platform } from './helpers/platform.js';

// A socket holds at most 1,000 matched events not yet taken, across its subscriptions (SocketBudget). When one
// subscription spends that budget, another on the same socket that is waiting with nothing queued must still hear of
// its next event: it leaves the shared tail and reads from the bus. It used to be left asleep, its events passed over
// for as long as the socket stayed open. Messages of 60 aliases (~10 kB) fill the kernel's buffers quickly once the
// reader pauses; the gateway is allowed that many aliases, as an operator would allow them.
process.env.MAX_QUERY_ALIASES = '60';

let platform: Platform;
beforeAll(async () => {
  // The default stall limit (30 s): the reader pauses for less than that, so the socket is not closed as slow.
  platform = await startPlatform();
});
afterAll(() => platform.stop());

const QUERY = `subscription($c: ID!, $after: String) { interactionRecorded(customerId: $c, after: $after) { ${Array.from({ length: 60 }, (_, i) => `e${i}: event { cursor type occurredAt aggregateId }`).join(' ')} } }`;

/** A raw graphql-transport-ws client, so the test can stop reading from its socket. */
async function rawSocket(url: string) {
  const socket = new WebSocket(url, 'graphql-transport-ws');
  const received: Array<{ id?: string; type: string; payload?: unknown }> = [];
  let acknowledged!: () => void;
  const acked = new Promise<void>((resolve) => (acknowledged = resolve));
  socket.on('message', (data) => {
    const message = JSON.parse(String(data)) as { id?: string; type: string; payload?: unknown };
    received.push(message);
    if (message.type === 'connection_ack') acknowledged();
  });
  await once(socket, 'open');
  socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: platform.admin.authorization } }));
  await acked;
  const subscribe = (id: string, customerId: string, after: string | null) =>
    socket.send(JSON.stringify({ id, type: 'subscribe', payload: { query: QUERY, variables: { c: customerId, after } } }));
  const nexts = (id: string) => received.filter((m) => m.type === 'next' && m.id === id).length;
  const tcp = (socket as unknown as { _socket: { pause(): void; resume(): void } })._socket;
  return { socket, subscribe, nexts, pause: () => tcp.pause(), resume: () => tcp.resume() };
}

const pageView = (customerId: string) =>
  catalogEvent('InteractionRecorded', randomUUID(), {
    interactionId: randomUUID(),
    customerId,
    anonymousId: null,
    channel: 'WEB',
    type: 'PAGE_VIEW',
    campaignId: null,
  });

describe('a socket whose budget one subscription spent', () => {
  it('still delivers to its other, idle subscription, which reads what it missed from the bus', async () => {
    const busy = randomUUID();
    const quiet = randomUUID();
    const after = await platform.bus.head();
    const client = await rawSocket(platform.wsUrl);
    client.subscribe('busy', busy, after);
    client.subscribe('quiet', quiet, after);
    // The reader pauses while 1,500 of the busy customer's events come, so the quiet customer's event after them
    // finds the socket's budget spent.
    client.pause();
    await platform.bus.publish(
      'test-budget',
      Array.from({ length: 1500 }, () => pageView(busy)),
      'test',
    );
    await platform.bus.publish('test-budget', [pageView(quiet)], 'test');
    const head = await platform.bus.head();
    await eventually(async () => {
      const health = (await (await fetch(new URL('/health/ready', platform.gatewayUrl))).json()) as { checks: { subscriptions: { cursor: string } } };
      expect(health.checks.subscriptions.cursor).toBe(head);
    });
    client.resume();
    await eventually(async () => expect({ busy: client.nexts('busy'), quiet: client.nexts('quiet') }).toEqual({ busy: 1500, quiet: 1 }), 60_000);
    client.socket.close();
  }, 90_000);
});
