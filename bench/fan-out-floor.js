// The fan-out's floor: a bare `ws` server that sends one ready-made message to every open socket, with nothing else
// on its path (no bus, no matching, no GraphQL, no graphql-ws). What its process spends to write one message to N
// loopback sockets is what the gateway's WebSocket library and the kernel's TCP writes cost on this machine before
// anything else a server does; the bench prints the gateway's fan-out next to it (bench/fan-out-floor.ts).
//
// POST /send with a graphql-ws `next` message's payload (JSON) sends it to every socket under that socket's own
// subscription id, as graphql-ws would, and answers once every write has been handed to the kernel.
import { createServer } from 'node:http';
import { randomUUID } from 'node:crypto';
import process from 'node:process';
import { WebSocketServer } from 'ws';

const ids = new Map();
const http = createServer((request, response) => {
  if (request.method !== 'POST' || request.url !== '/send') return response.writeHead(404).end();
  let body = '';
  request.on('data', (chunk) => (body += chunk));
  request.on('end', async () => {
    const writes = [];
    for (const [socket, id] of ids) writes.push(new Promise((resolve) => socket.send(`{"id":"${id}","type":"next","payload":${body}}`, resolve)));
    await Promise.all(writes);
    response.writeHead(200, { 'content-type': 'text/plain' }).end(String(writes.length));
  });
});
const sockets = new WebSocketServer({ server: http });
sockets.on('connection', (socket) => {
  ids.set(socket, randomUUID());
  socket.on('close', () => ids.delete(socket));
});
http.listen(Number(process.env.BENCH_FLOOR_PORT), '127.0.0.1');
for (const signal of ['SIGTERM', 'SIGINT']) process.once(signal, () => process.exit(0));
