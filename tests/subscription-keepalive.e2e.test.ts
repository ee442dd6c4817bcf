import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import WebSocket from 'ws';
import { startPlatform, type Platform } from './helpers/platform.js';

// The gateway pings each subscription socket every SUBSCRIPTION_KEEPALIVE_MS and drops one that has not answered by
// the next: a client that vanished without closing (a laptop lid, a dead NAT) stops holding a socket and its share
// of the caller's socket limit. Ping and pong are WebSocket control frames; browsers and the ws library answer them.

const KEEPALIVE_MS = 300;

let platform: Platform;
beforeAll(async () => {
  platform = await startPlatform({ subscriptionKeepAliveMs: KEEPALIVE_MS });
});
afterAll(() => platform.stop());

/** A graphql-transport-ws socket, acknowledged, that records when it was pinged and how it closed. */
async function open(answersPings: boolean) {
  const socket = new WebSocket(platform.wsUrl, 'graphql-transport-ws', { autoPong: answersPings });
  const pings: number[] = [];
  socket.on('ping', () => pings.push(performance.now()));
  const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => socket.once('open', resolve).once('error', reject));
  socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: platform.admin.authorization } }));
  await new Promise<void>((resolve) =>
    socket.on('message', (data: Buffer) => {
      if ((JSON.parse(data.toString()) as { type: string }).type === 'connection_ack') resolve();
    }),
  );
  return { socket, pings, closed };
}

/** Resolves once `condition` holds, checked at every ping the socket receives (or fails after `ms`). */
function untilPinged(socket: WebSocket, condition: () => boolean, ms: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`not within ${ms} ms`)), ms);
    const check = () => {
      if (!condition()) return;
      clearTimeout(timer);
      socket.off('ping', check);
      resolve();
    };
    socket.on('ping', check);
    check();
  });
}

describe('subscription sockets', () => {
  it('are pinged at the keep-alive interval, and one that stops answering is dropped while the others stay', async () => {
    const [answering, silent] = await Promise.all([open(true), open(false)]);
    try {
      // The silent one is pinged, does not answer, and is terminated by the next round (no close frame: 1006).
      const code = await Promise.race([
        silent.closed,
        new Promise<never>((_, reject) => setTimeout(() => reject(new Error('the silent socket was not dropped')), 20 * KEEPALIVE_MS)),
      ]);
      expect({ code, pingedFirst: silent.pings.length >= 1 }).toEqual({ code: 1006, pingedFirst: true });

      // The answering one outlives it, pinged again and again, about KEEPALIVE_MS apart.
      await untilPinged(answering.socket, () => answering.pings.length >= 3, 20 * KEEPALIVE_MS);
      const gaps = answering.pings.slice(1).map((at, i) => at - answering.pings[i]!);
      expect(answering.socket.readyState).toBe(WebSocket.OPEN);
      expect(Math.min(...gaps)).toBeGreaterThanOrEqual(KEEPALIVE_MS * 0.8);
    } finally {
      answering.socket.close();
      silent.socket.terminate();
    }
  });
});
