import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import express from 'express';
import { createLogger } from './logger.js';
import { publicRouter } from './server.js';

const TOKEN = 'eyJhbGciOiJFZERTQSJ9.c2lnbmVk.secret-part';
const lines: string[] = [];
let server: Server;
let base: string;

beforeAll(async () => {
  const sink = new Writable({ write: (chunk: Buffer, _enc, done) => (lines.push(chunk.toString()), done()) });
  const app = express();
  app.use(
    '/public',
    publicRouter(
      (router) => {
        router.get('/quotes/:token', () => {
          throw new Error('the quote could not be read');
        });
      },
      createLogger('test', { to: sink, level: 'info' }),
    ),
  );
  server = createServer(app).listen(0, '127.0.0.1');
  await once(server, 'listening');
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/public`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe("a subgraph's public routes", () => {
  it('answer a link with broken %-encoding 400 with the page of a link that is not valid, and log no part of it', async () => {
    lines.length = 0;
    const response = await fetch(`${base}/quotes/%ZZ${TOKEN}`);
    expect(response.status).toBe(400);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(await response.text()).toContain('This link is not valid');
    expect(lines.join('')).not.toMatch(/secret-part|%ZZ/);
    expect(JSON.parse(lines[0]!)).toMatchObject({ status: 400, msg: 'public route refused a malformed request' });
  });

  it('log a failure by the route, never by the path that holds the token', async () => {
    lines.length = 0;
    const response = await fetch(`${base}/quotes/${TOKEN}`);
    expect(response.status).toBe(500);
    expect(lines.join('')).not.toContain('secret-part');
    expect(JSON.parse(lines[0]!)).toMatchObject({ route: '/quotes/:token', msg: 'public route failed' });
  });
});
