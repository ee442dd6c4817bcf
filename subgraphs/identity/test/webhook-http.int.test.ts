import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { postDelivery, RESPONSE_BODY_LIMIT } from '../src/modules/webhooks/webhook.http.js';

// The delivery half of the SSRF guard against a real local server: a name or address that is loopback is refused
// before anything is sent unless private networks are allowed; redirects are never followed; long answers are cut.

let server: Server;
let port: number;
const hits: string[] = [];
beforeAll(async () => {
  server = createServer((request, response) => {
    hits.push(request.url!);
    if (request.url === '/redirect') return void response.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' }).end();
    if (request.url === '/long') return void response.writeHead(200).end('x'.repeat(100_000));
    if (request.url === '/silent') return; // a partner that never answers (its connection is cut in afterAll)
    response.writeHead(200).end('ok');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const send = (url: string, allowPrivate = false, timeoutMs = 5000) => postDelivery(url, { 'webhook-id': 'msg_1' }, '{}', { allowPrivate, timeoutMs });

describe('a webhook delivery', () => {
  it('refuses loopback addresses and names that resolve to them, without connecting', async () => {
    const before = hits.length;
    await expect(send(`http://127.0.0.1:${port}/`)).resolves.toMatchObject({
      ok: false,
      responseStatus: null,
      error: 'refused: 127.0.0.1 is a private or reserved address',
    });
    await expect(send(`http://localhost:${port}/`)).resolves.toMatchObject({
      ok: false,
      error: expect.stringMatching(/^refused: localhost resolves only to private or reserved addresses/),
    });
    await expect(send(`http://[::ffff:127.0.0.1]:${port}/`)).resolves.toMatchObject({ ok: false, error: expect.stringMatching(/^refused/) });
    expect(hits.length).toBe(before);
  });

  it('reaches them where private networks are allowed', async () => {
    await expect(send(`http://localhost:${port}/`, true)).resolves.toMatchObject({ ok: true, responseStatus: 200, responseBody: 'ok', error: null });
  });

  it('never follows a redirect', async () => {
    const outcome = await send(`http://127.0.0.1:${port}/redirect`, true);
    expect(outcome).toMatchObject({ ok: false, responseStatus: 302, error: 'redirect not followed (to http://169.254.169.254/latest/meta-data/)' });
  });

  it('keeps the start of a long answer and gives up on one that never answers', async () => {
    const long = await send(`http://127.0.0.1:${port}/long`, true);
    expect(long).toMatchObject({ ok: true, responseStatus: 200 });
    expect(long.responseBody).toHaveLength(RESPONSE_BODY_LIMIT);
    const slow = await send(`http://127.0.0.1:${port}/silent`, true, 300);
    expect(slow).toMatchObject({ ok: false, responseStatus: null });
    expect(slow.error).toMatch(/timeout|aborted/i);
  });
});
