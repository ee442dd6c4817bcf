// A subgraph's /graphql is served on Node's HTTP server without Express (kit/graphql-http.ts): what Express and its
// body parser refused before is refused the same way, with a code and before anything runs, and the subgraph answers
// the next request as usual.
import { randomUUID } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { signInternalToken } from '@crm/kit/access/internal-token.js';
import { personViewer } from '../gateway/auth/authenticator.js';
import { startPlatform, type Platform } from './helpers/platform.js';

let platform: Platform;
let url: string;
let authorization: string;
beforeAll(async () => {
  platform = await startPlatform();
  url = platform.subgraphs.sales.url;
  authorization = `Bearer ${await signInternalToken(personViewer({ id: randomUUID(), teamMemberIds: [], supportLines: [] }, 'ADMIN', '127.0.0.1'), 'sales')}`;
});
afterAll(() => platform.stop());

interface Answer {
  status: number;
  connection: string | null;
  body: { data?: Record<string, unknown>; errors?: Array<{ message: string; extensions?: { code?: string } }> };
}

const OPERATION = JSON.stringify({ query: '{ pipeline { name } }' });

async function post(body: string | Uint8Array | ReadableStream<Uint8Array>, headers: Record<string, string> = {}): Promise<Answer> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization, ...headers },
    body,
    ...(body instanceof ReadableStream ? { duplex: 'half' } : {}),
  } as RequestInit);
  return { status: response.status, connection: response.headers.get('connection'), body: (await response.json()) as Answer['body'] };
}

const refusal = (answer: Answer) => [answer.status, answer.body.errors?.[0]?.extensions?.code, answer.body.data];

/** The refusal ran nothing, and the subgraph answers a good request right after it. */
async function expectRefusedAndStillServing(answer: Answer, status: number, code: string): Promise<void> {
  expect(refusal(answer)).toEqual([status, code, undefined]);
  expect(platform.sql.sales).toEqual([]);
  const next = await post(OPERATION);
  expect([next.status, next.body.errors]).toEqual([200, undefined]);
  expect(next.body.data?.pipeline).toEqual({ name: expect.any(String) });
}

describe("a subgraph's /graphql", () => {
  it('answers an operation signed by the platform, with its statements', async () => {
    await platform.resetSqlLog();
    const answer = await post(OPERATION);
    expect([answer.status, answer.body.errors]).toEqual([200, undefined]);
    expect(answer.body.data?.pipeline).toEqual({ name: expect.any(String) });
    expect(platform.sql.sales.length).toBeGreaterThan(0);
  });

  it('refuses a caller without a token of the platform', async () => {
    await platform.resetSqlLog();
    const answer = await post(OPERATION, { authorization: 'Bearer not-a-token' });
    await expectRefusedAndStillServing(answer, 401, 'UNAUTHENTICATED');
    expect(answer.body.errors?.[0]?.message).toMatch(/call the gateway/);
  });

  it.each([
    ['text/plain', {}],
    ['application/json; charset=latin1', {}],
    ['application/json', { 'content-encoding': 'gzip' }],
  ])('refuses a body as %s %j', async (contentType, headers) => {
    await platform.resetSqlLog();
    const body = 'content-encoding' in headers ? gzipSync(OPERATION) : OPERATION;
    await expectRefusedAndStillServing(await post(body, { 'content-type': contentType, ...headers }), 415, 'UNSUPPORTED_MEDIA_TYPE');
  });

  it('refuses a body that is not JSON, without quoting it', async () => {
    await platform.resetSqlLog();
    const answer = await post('{"query": "{ pipeline { name } }", secret-value');
    await expectRefusedAndStillServing(answer, 400, 'BAD_REQUEST');
    expect(JSON.stringify(answer.body)).not.toContain('secret-value');
  });

  it('refuses a body over 5 MB, announced or streamed, and closes that connection', async () => {
    await platform.resetSqlLog();
    const large = JSON.stringify({ query: '{ pipeline { name } }', variables: { pad: 'x'.repeat(5 * 1024 * 1024) } });
    const announced = await post(large);
    expect(announced.connection).toBe('close');
    await expectRefusedAndStillServing(announced, 413, 'PAYLOAD_TOO_LARGE');

    await platform.resetSqlLog();
    const chunk = new TextEncoder().encode('x'.repeat(64 * 1024));
    let sent = 0;
    const streamed = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent === 0) controller.enqueue(new TextEncoder().encode('{"query": "{ pipeline { name } }", "variables": {"pad": "'));
        if (sent++ < 100) controller.enqueue(chunk);
        else controller.close();
      },
    });
    await expectRefusedAndStillServing(await post(streamed), 413, 'PAYLOAD_TOO_LARGE');
  });

  it('leaves the other routes to the subgraph as before', async () => {
    expect((await fetch(url.replace(/\/graphql$/, '/health/live'))).status).toBe(200);
    expect((await fetch(url.replace(/\/graphql$/, '/nothing-here'))).status).toBe(404);
  });
});
