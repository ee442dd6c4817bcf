import { createHash, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { connect as connectSocket, createServer, type AddressInfo } from 'node:net';
import { once } from 'node:events';
import { Writable } from 'node:stream';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { ExecutionResult, GraphQLFormattedError } from 'graphql';
import type { Client } from 'graphql-ws';
import { signInternalToken } from '@crm/kit/access/internal-token.js';
import { SUBGRAPHS, type SubgraphName } from '@crm/kit/config.js';
import { ERROR_CODES } from '@crm/kit/errors.js';
import { createLogger } from '@crm/kit/logger.js';
import { createGateway } from '../gateway/app.js';
import { personViewer } from '../gateway/auth/authenticator.js';
import { CreateCustomerDocument } from './generated/graphql.js';
import { executeOk } from './helpers/graphql.js';
import { eventually } from './helpers/eventually.js';
import { startPlatform, type Platform } from './helpers/platform.js';
import { connect } from './helpers/subscriptions.js';

// Bad input the gateway itself answers (an outside review, defects 1, 6, 7, 10, 11 and 12): each gets a 4xx with a
// code and a message a person understands, over HTTP and graphql-ws alike, and nothing the client sent in the logs.

let platform: Platform;
let customerId: string;
beforeAll(async () => {
  platform = await startPlatform();
  customerId = (
    await executeOk(platform.gatewayUrl, CreateCustomerDocument, { input: { kind: 'PERSON', firstName: 'Bad', lastName: 'Input', emails: [], phones: [] } })
  ).createCustomer.id;
});
afterAll(() => platform.stop());

interface Answer {
  status: number;
  errors: GraphQLFormattedError[];
}

/** A request body as a client may send it, not as codegen would. */
async function post(body: unknown, url = platform.gatewayUrl): Promise<Answer> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: platform.admin.authorization },
    body: JSON.stringify(body),
  });
  return { status: response.status, errors: ((await response.json()) as { errors?: GraphQLFormattedError[] }).errors ?? [] };
}

const shape = (error: GraphQLFormattedError | undefined) => ({ code: error?.extensions?.code, message: error?.message });

/** The first thing a subscribe message gets: the errors it is refused with, or what was served instead. */
async function overSocket(client: Client, payload: { query: string; operationName?: string; variables?: Record<string, unknown> }): Promise<unknown> {
  return new Promise<unknown>((resolve) => {
    const dispose = client.subscribe(payload, {
      next: (result) => (resolve({ served: result }), dispose()),
      error: resolve,
      complete: () => resolve('completed'),
    });
  });
}

/**
 * The one error a subscribe message was refused with: before it runs (graphql-ws's error message), or by the field's
 * subscribe function (a result with only errors, then complete).
 */
async function refusedOverSocket(client: Client, payload: Parameters<typeof overSocket>[1]): Promise<GraphQLFormattedError> {
  const answer = await overSocket(client, payload);
  const served = (answer as { served?: ExecutionResult }).served;
  const errors = Array.isArray(answer) ? answer : served && !('data' in served) ? served.errors : undefined;
  expect(errors).toEqual([expect.objectContaining({ message: expect.any(String) })]);
  return errors![0]!;
}

describe('the operation to run', () => {
  it('is refused with BAD_USER_INPUT and 400 when operationName names none, or several need one, over HTTP and graphql-ws alike', async () => {
    const unknown = await post({ query: 'query A { __typename }', operationName: 'B' });
    expect(unknown.status).toBe(400);
    expect(unknown.errors).toEqual([{ message: 'The document has no operation named "B"', extensions: { code: 'BAD_USER_INPUT', field: 'operationName' } }]);

    const several = await post({ query: 'query A { __typename } query B { __typename }' });
    expect(several.status).toBe(400);
    expect(shape(several.errors[0])).toEqual({ code: 'BAD_USER_INPUT', message: 'The document has several operations: name the one to run in operationName' });

    // A NUL is not echoed raw: the name is quoted as JSON.
    const nul = await post({ query: 'query A { __typename }', operationName: 'A\u0000' });
    expect(nul.status).toBe(400);
    expect(shape(nul.errors[0])).toEqual({ code: 'BAD_USER_INPUT', message: 'The document has no operation named "A\\u0000"' });

    const url = new URL(platform.gatewayUrl);
    url.search = new URLSearchParams({ query: 'query A { __typename }', operationName: 'B' }).toString();
    const overGet = await fetch(url, { headers: { 'apollo-require-preflight': '1', authorization: platform.admin.authorization } });
    expect(overGet.status).toBe(400);
    expect(shape(((await overGet.json()) as { errors: GraphQLFormattedError[] }).errors[0])).toEqual(shape(unknown.errors[0]));

    const client = connect(platform.wsUrl);
    try {
      const subscription = `subscription A { customerChanged(id: "${customerId}") { event { type } } }`;
      expect(shape(await refusedOverSocket(client, { query: subscription, operationName: 'B' }))).toEqual(shape(unknown.errors[0]));
      expect(
        shape(await refusedOverSocket(client, { query: `${subscription} subscription B { customerChanged(id: "${customerId}") { event { type } } }` })),
      ).toEqual(shape(several.errors[0]));
    } finally {
      await client.dispose();
    }
  });
});

describe('text in variables', () => {
  it('is refused with BAD_USER_INPUT when a key of a JSON object holds a lone surrogate or a NUL, naming the object', async () => {
    const record = (properties: Record<string, unknown>) =>
      post({
        query: 'mutation($i: RecordInteractionInput!) { recordInteraction(input: $i) { id } }',
        variables: { i: { customerId, channel: 'WEB', type: 'PAGE_VIEW', properties: { ok: { fine: 1, ...properties } } } },
      });
    for (const key of ['k\ud800', 'k\u0000']) {
      const answer = await record({ [key]: 1 });
      expect(answer.status).toBe(400);
      expect(answer.errors).toEqual([
        {
          message: 'variables.i.properties.ok has a key that holds a NUL byte or a broken character (a lone surrogate): send plain UTF-8 text',
          extensions: { code: 'BAD_USER_INPUT', field: 'variables.i.properties.ok' },
        },
      ]);
    }
  });
});

describe('bytes of the body', () => {
  it('refuses a body that is not UTF-8 with BAD_REQUEST, at the gateway and at a subgraph, and stores nothing', async () => {
    const name = `Broken${randomUUID().slice(0, 8)}`;
    const json = JSON.stringify({
      query: 'mutation($i: CreateCustomerInput!) { createCustomer(input: $i) { id } }',
      variables: { i: { firstName: `${name}#` } },
    });
    // The "#" replaced by two bytes that are no UTF-8 (Latin-1 "é" and a lone continuation byte).
    const [before, after] = json.split('#') as [string, string];
    const body = Buffer.concat([Buffer.from(before), Buffer.from([0xe9, 0x80]), Buffer.from(after)]);
    const send = async (url: string, authorization: string) => {
      const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization }, body });
      return { status: response.status, errors: ((await response.json()) as { errors?: GraphQLFormattedError[] }).errors ?? [] };
    };
    const expected = { status: 400, errors: [{ message: 'The request body is not valid UTF-8: send the JSON as UTF-8', extensions: { code: 'BAD_REQUEST' } }] };
    expect(await send(platform.gatewayUrl, platform.admin.authorization)).toEqual(expected);
    const internal = `Bearer ${await signInternalToken(personViewer({ id: platform.admin.id, teamMemberIds: [], supportLines: [] }, 'ADMIN', '127.0.0.1'), 'identity')}`;
    expect(await send(platform.subgraphs.identity.url, internal)).toEqual(expected);
    const stored = await platform.subgraphs.identity.orm.em.fork().execute('select id from customer where first_name like ?', [`${name}%`]);
    expect(stored).toEqual([]);
  });

  it('reads a body compressed with gzip, deflate or br, and refuses one that is corrupt or inflates past the limit', async () => {
    const send = async (body: Buffer, encoding: string) => {
      const response = await fetch(platform.gatewayUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-encoding': encoding, authorization: platform.admin.authorization },
        body,
      });
      const answer = (await response.json()) as ExecutionResult;
      return { status: response.status, data: answer.data, errors: (answer.errors ?? []).map(shape) };
    };
    const operation = Buffer.from(JSON.stringify({ query: 'query($id: ID!) { customer(id: $id) { id } }', variables: { id: customerId } }));
    for (const [encoding, compress] of [
      ['gzip', gzipSync],
      ['deflate', deflateSync],
      ['br', brotliCompressSync],
    ] as const) {
      expect(await send(compress(operation), encoding)).toEqual({ status: 200, data: { customer: { id: customerId } }, errors: [] });
    }
    // 6 MB of padding in a few kilobytes: counted as it inflates, refused like a body that large.
    const bomb = gzipSync(JSON.stringify({ query: '{ __typename }', variables: { pad: 'x'.repeat(6 * 1024 * 1024) } }));
    expect(bomb.length).toBeLessThan(64 * 1024);
    expect(await send(bomb, 'gzip')).toMatchObject({ status: 413, errors: [{ code: 'PAYLOAD_TOO_LARGE' }] });
    expect(await send(gzipSync(operation).subarray(0, 20), 'gzip')).toEqual({
      status: 400,
      data: undefined,
      errors: [{ code: 'BAD_REQUEST', message: 'The request body could not be decompressed' }],
    });
    expect(await send(operation, 'compress')).toMatchObject({ status: 415, errors: [{ code: 'UNSUPPORTED_MEDIA_TYPE' }] });
  });

  it('settles a compressed body its client abandons half-way: logged by kind, the decoder dropped, the gateway serving on', async () => {
    const gateway = await gatewayWithLog();
    try {
      const body = gzipSync(JSON.stringify({ query: '{ __typename }', variables: { pad: randomUUID().repeat(2000) } }));
      const socket = connectSocket(Number(new URL(gateway.origin).port), '127.0.0.1');
      await once(socket, 'connect');
      socket.write(
        `POST /graphql HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Encoding: gzip\r\n` +
          `Authorization: ${gateway.authorization}\r\nContent-Length: ${body.length}\r\n\r\n`,
      );
      socket.write(body.subarray(0, body.length >> 1));
      // Sent before the socket goes: the gateway has begun to inflate what came.
      await new Promise<void>((resolve) => socket.write('', () => resolve()));
      socket.destroy();
      await eventually(async () => expect(gateway.logged()).toContainEqual(expect.objectContaining({ msg: 'request failed', path: '/graphql' })));
      const answer = await fetch(`${gateway.origin}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: gateway.authorization },
        body: '\ufeff{"query": "{ __typename }"}',
      });
      expect(await answer.json()).toEqual({ data: { __typename: 'Query' } });
    } finally {
      await gateway.stop();
    }
  });

  it('answers a POST with the security headers of every answer, the same for each and with no ETag', async () => {
    const answers = await Promise.all(
      ['{ __typename }', '{ nothing }'].map((query) =>
        fetch(platform.gatewayUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: platform.admin.authorization },
          body: JSON.stringify({ query }),
        }),
      ),
    );
    expect(answers.map((answer) => answer.status)).toEqual([200, 400]);
    for (const answer of answers) {
      expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
      expect(answer.headers.get('strict-transport-security')).toMatch(/^max-age=/);
      expect(answer.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
      expect(answer.headers.get('content-type')).toBe('application/json; charset=utf-8');
      expect(answer.headers.get('etag')).toBeNull();
    }
    const refused = await fetch(platform.gatewayUrl, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{}' });
    expect(refused.status).toBe(415);
    expect(refused.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it("reads an export's body as /graphql reads its own: the same refusals with their codes, a compressed body taken", async () => {
    const exportUrl = platform.gatewayUrl.replace(/\/graphql$/, '/export');
    const send = (body: string | Buffer, headers: Record<string, string> = {}) =>
      fetch(exportUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: platform.admin.authorization, ...headers },
        body,
      });
    const errorOf = async (response: Response) => ({
      status: response.status,
      error: ((await response.json()) as { errors: GraphQLFormattedError[] }).errors[0],
    });
    expect(await errorOf(await send('{}', { 'content-type': 'text/plain' }))).toEqual({
      status: 415,
      error: { message: 'Send the operation as JSON (Content-Type: application/json)', extensions: { code: 'UNSUPPORTED_MEDIA_TYPE' } },
    });
    expect(await errorOf(await send('{"query": '))).toEqual({
      status: 400,
      error: { message: 'The request body is not valid JSON', extensions: { code: 'BAD_REQUEST' } },
    });
    expect(await errorOf(await send(Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x7d])))).toEqual({
      status: 400,
      error: { message: 'The request body is not valid UTF-8: send the JSON as UTF-8', extensions: { code: 'BAD_REQUEST' } },
    });
    const query = '{ customers(first: 2) { edges { node { id } } } }';
    const gzipped = await send(gzipSync(JSON.stringify({ query })), { 'content-encoding': 'gzip' });
    // Unread, the body would have had no query: 400, 'Send the query to export as "query"'.
    expect(gzipped.status).toBe(200);
    expect(gzipped.headers.get('content-type')).toMatch(/^application\/x-ndjson/);
    await gzipped.text();
  });

  it('refuses an export whose variables are not an object, rather than export with none', async () => {
    const response = await fetch(platform.gatewayUrl.replace(/\/graphql$/, '/export'), {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: platform.admin.authorization },
      body: JSON.stringify({ query: 'query($f: Int) { customers(first: $f) { edges { node { id } } } }', variables: [5] }),
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { errors: GraphQLFormattedError[] }).errors).toEqual([
      { message: 'variables must be a JSON object, e.g. { "id": "…" }', extensions: { code: 'BAD_USER_INPUT', field: 'variables' } },
    ]);
  });
});

describe('persisted queries (Apollo APQ)', () => {
  const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

  it('refuse a hash that is not the query’s, or another version, with BAD_REQUEST and 400', async () => {
    const mismatch = await post({ query: '{ __typename }', extensions: { persistedQuery: { version: 1, sha256Hash: 'abc' } } });
    expect(mismatch.status).toBe(400);
    expect(shape(mismatch.errors[0])).toEqual({
      code: 'BAD_REQUEST',
      message: 'extensions.persistedQuery.sha256Hash is not the SHA-256 (hex) of the query sent with it',
    });
    const version = await post({ extensions: { persistedQuery: { version: 2, sha256Hash: 'abc' } } });
    expect(version.status).toBe(400);
    expect(shape(version.errors[0])).toEqual({ code: 'BAD_REQUEST', message: 'Only version 1 of extensions.persistedQuery is supported' });
  });

  it('answer an unknown hash with PERSISTED_QUERY_NOT_FOUND, a documented code, and run it once its text was sent', async () => {
    const query = '{ __typename }';
    const persisted = { persistedQuery: { version: 1, sha256Hash: sha256(query) } };
    const unknown = await post({ extensions: persisted });
    expect(unknown.errors.map((e) => e.extensions?.code)).toEqual(['PERSISTED_QUERY_NOT_FOUND']);
    expect(Object.keys(ERROR_CODES)).toContain('PERSISTED_QUERY_NOT_FOUND');
    expect((await post({ query, extensions: persisted })).errors).toEqual([]);
    expect((await post({ extensions: persisted })).errors).toEqual([]);
  });
});

describe('graphql-ws', () => {
  it('refuses a query or a mutation with BAD_REQUEST, pointing to HTTP', async () => {
    const client = connect(platform.wsUrl);
    try {
      expect(shape(await refusedOverSocket(client, { query: `{ customer(id: "${customerId}") { displayName } }` }))).toEqual({
        code: 'BAD_REQUEST',
        message: 'Queries run over HTTP, not WebSocket: POST them to /graphql; this socket serves subscriptions',
      });
      const mutation = 'mutation($id: ID!, $version: Int!) { archiveCustomer(id: $id, version: $version) { id } }';
      expect(shape(await refusedOverSocket(client, { query: mutation, variables: { id: customerId, version: 1 } }))).toEqual({
        code: 'BAD_REQUEST',
        message: 'Mutations run over HTTP, not WebSocket: POST them to /graphql; this socket serves subscriptions',
      });
    } finally {
      await client.dispose();
    }
  });

  it('refuses a malformed id on an event topic or in its filter with BAD_USER_INPUT, as campaignMetricsChanged does', async () => {
    const client = connect(platform.wsUrl);
    try {
      const topics: Array<[string, string, string]> = [
        ['customerChanged', 'id', 'Customer'],
        ['pipelineChanged', 'pipelineId', 'Pipeline'],
        ['interactionRecorded', 'customerId', 'Customer'],
        ['leadChanged', 'id', 'Lead'],
        ['quoteChanged', 'id', 'Quote'],
      ];
      for (const [field, argument, type] of topics) {
        const refusal = await refusedOverSocket(client, { query: `subscription { ${field}(${argument}: "zz") { event { type } } }` });
        expect(refusal).toEqual(
          expect.objectContaining({ message: `"zz" is not a valid ${type} id`, extensions: { code: 'BAD_USER_INPUT', field: argument } }),
        );
      }
      for (const [field, filter, type] of [
        ['opportunityChanged', 'pipelineId', 'Pipeline'],
        ['opportunityChanged', 'ownerId', 'User'],
        ['assetChanged', 'customerId', 'Customer'],
      ] as const) {
        const refusal = await refusedOverSocket(client, { query: `subscription { ${field}(filter: { ${filter}: "zz" }) { event { type } } }` });
        expect(refusal).toEqual(
          expect.objectContaining({ message: `"zz" is not a valid ${type} id`, extensions: { code: 'BAD_USER_INPUT', field: `filter.${filter}` } }),
        );
      }
      const campaign = await refusedOverSocket(client, { query: 'subscription { campaignMetricsChanged(id: "zz") { sent } }' });
      expect(shape(campaign)).toEqual({ code: 'BAD_USER_INPUT', message: '"zz" is not a valid Campaign id' });
    } finally {
      await client.dispose();
    }
  });

  it('logs a refused subscription by its codes, never the values the client sent', async () => {
    const gateway = await gatewayWithLog();
    const client = connect(gateway.wsUrl, gateway.authorization);
    try {
      const refusal = await refusedOverSocket(client, {
        query: 'subscription($id: ID!) { customerChanged(id: $id) { event { type } } }',
        variables: { id: { email: 'jan.novak@example.cz', birthDate: '1980-04-01' } },
      });
      expect(refusal.extensions?.code).toBe('BAD_USER_INPUT');
      const logged = await eventually(async () => {
        const line = gateway.logged().find((entry) => entry.msg === 'subscription error');
        expect(line).toBeDefined();
        return line!;
      });
      expect(logged).toMatchObject({ codes: ['BAD_USER_INPUT'], err: expect.stringMatching(/^Variable "…" got invalid value \{ email: "…"/) });
      expect(JSON.stringify(gateway.logged())).not.toMatch(/jan\.novak|1980-04-01/);
    } finally {
      await client.dispose();
      await gateway.stop();
    }
  });
});

describe('public links', () => {
  it('never climb out of the subgraph’s /public routes: dot segments, plain or encoded, are not found', async () => {
    const { port } = new URL(platform.gatewayUrl);
    for (const path of [
      '/public/sales/%2e%2e/health',
      '/public/sales/../health',
      '/public/identity/%2E%2E/health/live',
      '/public/sales/x/%2e%2e/%2e%2e/graphql',
    ]) {
      // Sent as written: fetch would resolve the dots before sending.
      const socket = connectSocket(Number(port), '127.0.0.1');
      await once(socket, 'connect');
      socket.end(`GET ${path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n`);
      let answer = '';
      for await (const chunk of socket) answer += String(chunk);
      expect([path, answer.split('\r\n')[0]]).toEqual([path, 'HTTP/1.1 404 Not Found']);
      expect(answer).not.toContain('consumers');
    }
  });

  it('log a link the subgraph could not answer by its route, never the token in its path', async () => {
    // Sales reached at a port nothing listens on: the gateway cannot forward the customer's quote link.
    const gateway = await gatewayWithLog({ sales: `http://127.0.0.1:${await closedPort()}/graphql` });
    try {
      const token = `secret${randomUUID().replaceAll('-', '')}`;
      const answer = await fetch(`${gateway.origin}/public/sales/quotes/${token}`);
      expect(answer.status).toBe(502);
      const logged = await eventually(async () => {
        const line = gateway.logged().find((entry) => entry.msg === 'public route not answered');
        expect(line).toBeDefined();
        return line!;
      });
      expect(logged).toMatchObject({ subgraph: 'sales', route: '/quotes' });
      expect(JSON.stringify(gateway.logged())).not.toContain(token);
    } finally {
      await gateway.stop();
    }
  });
});

/** A gateway of its own on the platform's subgraphs (or others) and bus, whose log the test reads. */
async function gatewayWithLog(subgraphUrls: Partial<Record<SubgraphName, string>> = {}) {
  const lines: string[] = [];
  const sink = new Writable({ write: (chunk: Buffer, _encoding, done) => (lines.push(chunk.toString()), done()) });
  const devIssuerDir = await mkdtemp(path.join(tmpdir(), 'crm-dev-issuer-'));
  const gateway = await createGateway(
    {
      port: 0,
      supergraph: 'file',
      supergraphPath: 'schema/supergraph.graphql',
      subgraphUrls: Object.fromEntries(SUBGRAPHS.map((name) => [name, subgraphUrls[name] ?? platform.subgraphs[name].url])) as Record<SubgraphName, string>,
      maxStallMs: 30_000,
      subgraphIdleSocketMs: 30_000,
      auth: { devIssuerDir, audience: 'crm-api' },
      trustProxy: false,
    },
    createLogger('gateway', { to: sink, level: 'warn' }),
    { bus: platform.bus },
  );
  await new Promise<void>((resolve) => gateway.httpServer.listen(0, resolve));
  const origin = `http://localhost:${(gateway.httpServer.address() as AddressInfo).port}`;
  return {
    origin,
    wsUrl: `${origin.replace('http', 'ws')}/graphql`,
    authorization: `Bearer ${await gateway.devIssuer!.mint(platform.admin.subject, 'crm-api')}`,
    logged: () => lines.map((text) => JSON.parse(text) as Record<string, unknown>),
    stop: async () => {
      await gateway.stop();
      await rm(devIssuerDir, { recursive: true, force: true });
    },
  };
}

/** A port that was free a moment ago and that nothing listens on now. */
async function closedPort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('limits and routes', () => {
  it('refuse too deep or too many aliases as validation, not as "Syntax Error", over HTTP and graphql-ws alike', async () => {
    const deep = `organization { ${'organization { '.repeat(12)}id${' }'.repeat(12)} }`;
    const aliases = Array.from({ length: 16 }, (_, i) => `a${i}: id`).join(' ');
    const client = connect(platform.wsUrl);
    try {
      for (const [selection, wording] of [
        [deep, /^Query depth limit of 12 exceeded/],
        [aliases, /^Aliases limit of 15 exceeded/],
      ] as const) {
        const overHttp = await post({ query: `query($id: ID!) { customer(id: $id) { ${selection} } }`, variables: { id: customerId } });
        expect(overHttp.status).toBe(400);
        expect(shape(overHttp.errors[0])).toEqual({ code: 'GRAPHQL_VALIDATION_FAILED', message: expect.stringMatching(wording) });
        const overWs = await refusedOverSocket(client, {
          query: `subscription($id: ID!) { customerChanged(id: $id) { customer { ${selection} } } }`,
          variables: { id: customerId },
        });
        expect(shape(overWs)).toEqual({ code: 'GRAPHQL_VALIDATION_FAILED', message: expect.stringMatching(wording) });
      }
    } finally {
      await client.dispose();
    }
  });

  it('answer headers too large with 431 and a broken request line with 400, as JSON with BAD_REQUEST, at the gateway and a subgraph', async () => {
    for (const url of [platform.gatewayUrl, platform.subgraphs.sales.url]) {
      // A token or cookies past Node's header limit (16 KiB): Node itself answered 431 with an empty body.
      const tooLarge = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', cookie: `c=${'x'.repeat(20_000)}` }, body: '{}' });
      expect(tooLarge.status).toBe(431);
      expect(tooLarge.headers.get('content-type')).toMatch(/^application\/json/);
      expect(await tooLarge.json()).toEqual({
        errors: [{ message: "The request's headers are larger than 16384 bytes: send a shorter token and fewer cookies", extensions: { code: 'BAD_REQUEST' } }],
      });
      const { port } = new URL(url);
      const socket = connectSocket(Number(port), '127.0.0.1');
      socket.end('NOT A REQUEST\r\n\r\n');
      const raw = Buffer.concat(await socket.toArray()).toString();
      expect(raw).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
      expect(JSON.parse(raw.slice(raw.indexOf('\r\n\r\n') + 4))).toEqual({
        errors: [{ message: 'The HTTP request is malformed', extensions: { code: 'BAD_REQUEST' } }],
      });
    }
  });

  it('answer an unknown route with a JSON 404 NOT_FOUND, and GET /export with 405 saying it takes POST', async () => {
    const origin = new URL(platform.gatewayUrl).origin;
    const nope = await fetch(`${origin}/nope`);
    expect(nope.status).toBe(404);
    expect(nope.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await nope.json()).toEqual({ errors: [{ message: 'There is nothing at GET /nope', extensions: { code: 'NOT_FOUND' } }] });

    const exportByGet = await fetch(`${origin}/export`);
    expect(exportByGet.status).toBe(405);
    expect(exportByGet.headers.get('allow')).toBe('POST');
    expect(await exportByGet.json()).toEqual({
      errors: [{ message: '/export takes POST with a JSON body { query, variables, format }', extensions: { code: 'BAD_REQUEST' } }],
    });
  });
});
