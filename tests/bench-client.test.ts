import { createServer, type IncomingMessage, type Server } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from '@jest/globals';
import { graphql } from '../bench/graphql.js';

// The bench's data set writes go with an Idempotency-Key and are sent once more when the connection fails before any
// answer (a pooled socket the gateway had closed). A real server here drops the first request without an answer.

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
});

/** A server that hangs up on the first request, then answers; the Idempotency-Key of every request it got. */
async function serverDroppingTheFirst(): Promise<{ url: string; keys: Array<string | undefined> }> {
  const keys: Array<string | undefined> = [];
  server = createServer((request: IncomingMessage, response) => {
    keys.push(request.headers['idempotency-key'] as string | undefined);
    if (keys.length === 1) return void request.socket.destroy();
    response.setHeader('content-type', 'application/json');
    response.end(JSON.stringify({ data: { ok: true } }));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`, keys };
}

describe("the bench's GraphQL client", () => {
  it('sends a write with an idempotency key once more, with the same key, when the connection drops', async () => {
    const { url, keys } = await serverDroppingTheFirst();
    const data = await graphql<{ ok: boolean }>({ url, authorization: 'Bearer x' }, 'mutation { ok }', {}, undefined, { idempotencyKey: 'bench-dataset-1' });
    expect(data).toEqual({ ok: true });
    expect(keys).toEqual(['bench-dataset-1', 'bench-dataset-1']);
  });

  it('does not send a call without a key again: it fails, as a measured call must', async () => {
    const { url, keys } = await serverDroppingTheFirst();
    await expect(graphql({ url, authorization: 'Bearer x' }, 'mutation { ok }')).rejects.toThrow('fetch failed');
    expect(keys).toEqual([undefined]);
  });
});
