import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import WebSocket from 'ws';
import { eventually } from './helpers/eventually.js';
import { catalogEvent } from './helpers/events.js';
import { startPlatform, type Platform } from './helpers/platform.js';

// A slow subscriber below selects 60 aliases, so that each message is large and a reader that stops fills the
// socket buffers quickly: more than a client may ask by default (MAX_QUERY_ALIASES, 15, over WebSocket as over
// HTTP), so this platform's gateway allows them through that setting, as an operator would.
process.env.MAX_QUERY_ALIASES = '60';

let platform: Platform;
beforeAll(async () => {
  platform = await startPlatform({ maxStallMs: 1500 });
});
afterAll(() => platform.stop());

// Aliases make each message ~10 kB, so a stuck reader fills the kernel's socket buffers quickly.
const QUERY = `subscription($c: ID!, $after: String) { interactionRecorded(customerId: $c, after: $after) { ${Array.from({ length: 60 }, (_, i) => `e${i}: event { cursor type occurredAt aggregateId }`).join(' ')} } }`;

/** A raw graphql-transport-ws client, so the test can stop reading from its socket like a stuck dashboard. */
async function rawSubscriber(url: string, customerId: string, after: string | null) {
  const socket = new WebSocket(url, 'graphql-transport-ws');
  const received: Array<{ type: string; payload?: unknown }> = [];
  let acknowledged!: () => void;
  const acked = new Promise<void>((resolve) => (acknowledged = resolve));
  socket.on('message', (data) => {
    const message = JSON.parse(String(data)) as { type: string; payload?: unknown };
    received.push(message);
    if (message.type === 'connection_ack') acknowledged();
  });
  await once(socket, 'open');
  socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: platform.admin.authorization } }));
  await acked;
  // From a known cursor, so what is published next reaches it however long subscribing takes.
  socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: QUERY, variables: { c: customerId, after } } }));
  return { socket, received, nexts: () => received.filter((m) => m.type === 'next').length };
}

describe('a slow subscriber', () => {
  it('holds one event in flight, is told to resume by cursor once it stalls, and never delays a fast one', async () => {
    const customerId = randomUUID();
    await platform.bus.publish(
      'test-slow',
      [
        {
          id: randomUUID(),
          stream: 'test-slow',
          type: 'Probe',
          aggregateType: 'Probe',
          aggregateId: randomUUID(),
          payload: {},
          occurredAt: new Date().toISOString(),
        },
      ],
      'test',
    );
    const after = await platform.bus.head();
    const slow = await rawSubscriber(platform.wsUrl, customerId, after);
    const fast = await rawSubscriber(platform.wsUrl, customerId, after);
    // The slow dashboard stops reading; once the kernel buffers are full its subscription stalls.
    (slow.socket as unknown as { _socket: { pause(): void } })._socket.pause();
    const closed = once(slow.socket, 'close');

    const total = 1500;
    const events = Array.from({ length: total }, () => {
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
    await platform.bus.publish('test-slow', events, 'test');

    await eventually(async () => expect(fast.nexts()).toBe(total), 60_000);

    // The gateway gives up on the stuck one after maxStallMs (its /health counts it); then it reads again.
    await eventually(async () => {
      const health = (await (await fetch(new URL('/health/ready', platform.gatewayUrl))).json()) as { checks: { subscriptions: { closedAsSlow: number } } };
      expect(health.checks.subscriptions.closedAsSlow).toBe(1);
    });
    (slow.socket as unknown as { _socket: { resume(): void } })._socket.resume();
    const [code, reason] = (await closed) as [number, Buffer];
    expect(code).toBe(4100);
    expect(String(reason)).toContain('resubscribe with after');
    expect(slow.nexts()).toBeLessThan(total);
    fast.socket.close();
  }, 90_000);
});
