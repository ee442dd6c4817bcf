import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { verifyInternalToken } from './access/internal-token.js';
import { createGraphClient } from './graph-client.js';

// A subgraph stand-in on a real HTTP server: what it answers depends on the query it is sent.
process.env.PLATFORM_SECRET ??= randomBytes(32).toString('hex');
let server: Server;
let url: string;
const sockets = new Set<unknown>();
const callers: string[] = [];

async function answer(request: IncomingMessage, response: ServerResponse): Promise<void> {
  let text = '';
  for await (const chunk of request) text += String(chunk);
  const { query, variables } = JSON.parse(text) as { query: string; variables: Record<string, unknown> };
  const viewer = await verifyInternalToken(request.headers.authorization, 'identity');
  callers.push(viewer.id);
  const send = (status: number, type: string, body: string) => void response.writeHead(status, { 'content-type': type }).end(body);
  if (query.includes('broken')) return send(502, 'text/html', '<html><body>Bad gateway</body></html>');
  if (query.includes('refused'))
    return send(200, 'application/json', JSON.stringify({ errors: [{ message: 'Customer "x" was not found' }, { message: 'and another' }] }));
  send(200, 'application/json', JSON.stringify({ data: { echo: variables } }));
}

beforeAll(async () => {
  server = createServer((request, response) => void answer(request, response).catch(() => response.writeHead(401).end()));
  server.on('connection', (socket) => sockets.add(socket));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe("a subgraph's client of the others (kit/graph-client.ts)", () => {
  const graph = createGraphClient(() => url, 'marketing');

  it("returns the data, calling as the platform's own caller with a token signed for the subgraph called, over kept-alive sockets", async () => {
    const answers: unknown[] = [];
    for (const id of ['a', 'b', 'c', 'd', 'e'])
      answers.push((await graph.query<{ echo: unknown }>('identity', 'query($id: ID!) { customer(id: $id) { id } }', { id })).echo);
    expect(answers).toEqual([{ id: 'a' }, { id: 'b' }, { id: 'c' }, { id: 'd' }, { id: 'e' }]);
    expect(new Set(callers)).toEqual(new Set(['system:marketing']));
    // Sockets are reused (a call right after another may open a second one while the first is being released).
    expect(sockets.size).toBeLessThanOrEqual(2);
  });

  it("fails with the subgraph's messages when it answers errors", async () => {
    await expect(graph.query('identity', '{ refused }')).rejects.toThrow('identity answered: Customer "x" was not found; and another');
  });

  it("fails with the HTTP status when the answer is not JSON (a proxy's error page)", async () => {
    await expect(graph.query('identity', '{ broken }')).rejects.toThrow(/^identity answered: 502$/);
  });
});
