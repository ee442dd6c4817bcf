import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { GraphQLError } from 'graphql';
import type { GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { ANONYMOUS } from '@crm/kit/access/viewer.js';
import { verifyInternalToken } from '@crm/kit/access/internal-token.js';
import { DEADLINE_HEADER } from '@crm/kit/deadline.js';
import { SubgraphDataSource, subgraphAgent, type GatewayContext } from './subgraph-data-source.js';

/** What the data source sent, and how a real HTTP server on loopback answers it (by the operation's name). */
interface Seen {
  headers: http.IncomingHttpHeaders;
  body: { query: string; variables?: unknown; operationName?: string };
}

describe("the gateway's data source for a subgraph", () => {
  const seen: Seen[] = [];
  let resets = 0;
  let server: http.Server;
  let source: SubgraphDataSource;
  const agent = subgraphAgent(2_000);

  beforeAll(async () => {
    process.env.PLATFORM_SECRET ??= 'a-test-secret-of-at-least-thirty-two-characters';
    server = http.createServer((req, res) => {
      let text = '';
      req.on('data', (chunk: Buffer) => (text += chunk.toString()));
      req.on('end', () => {
        const body = JSON.parse(text) as Seen['body'];
        seen.push({ headers: req.headers, body });
        const answer = (status: number, type: string, payload: string) => res.writeHead(status, { 'content-type': type }).end(payload);
        switch (body.operationName) {
          case 'Refused':
            return answer(
              400,
              'application/json',
              JSON.stringify({ errors: [{ message: 'Variable "$id" got an invalid value', extensions: { code: 'BAD_USER_INPUT' } }] }),
            );
          case 'Proxy':
            return answer(502, 'text/html', '<html>Bad gateway</html>');
          case 'NotJson':
            return answer(200, 'text/plain', 'ok');
          case 'ResetOnce':
            if (resets++ === 0) return req.socket.destroy();
            return answer(200, 'application/json', JSON.stringify({ data: { again: true } }));
          case 'ResetMutation':
            return req.socket.destroy();
          case 'Slow':
            return; // never answered: the caller gives up at its deadline
          default:
            return answer(200, 'application/graphql-response+json; charset=utf-8', JSON.stringify({ data: { ok: true }, errors: [{ message: 'partial' }] }));
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    source = new SubgraphDataSource('sales', `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`, agent);
  });

  afterAll(async () => {
    await agent.close();
    await new Promise((resolve) => server.close(resolve));
  });

  const context: GatewayContext = {
    requestId: 'req-1',
    viewer: { ...ANONYMOUS, id: 'someone', kind: 'user' },
    idempotencyKey: 'key-1',
    deadline: Date.now() + 30_000,
  };
  const call = (query: string, operationName: string, variables?: Record<string, unknown>) =>
    source.process({
      // GraphQLDataSourceRequestKind.INCOMING_OPERATION, an enum @apollo/gateway does not export by name.
      kind: 'incoming operation',
      request: { query, operationName, variables },
      context,
      incomingRequestContext: {},
    } as unknown as GraphQLDataSourceProcessOptions<GatewayContext>);

  it("sends the operation with the caller's token for this subgraph, the request id, the deadline and the idempotency key", async () => {
    const answer = await call('query Plain($id: ID!) { ok(id: $id) }', 'Plain', { id: 'x' });
    expect(answer).toEqual({ data: { ok: true }, errors: [{ message: 'partial' }] });
    const { headers, body } = seen.at(-1)!;
    expect(body).toEqual({ query: 'query Plain($id: ID!) { ok(id: $id) }', operationName: 'Plain', variables: { id: 'x' } });
    expect(headers['content-type']).toBe('application/json');
    expect(headers['x-request-id']).toBe('req-1');
    expect(headers['idempotency-key']).toBe('key-1');
    expect(Number(headers[DEADLINE_HEADER])).toBe(context.deadline);
    expect((await verifyInternalToken(headers.authorization, 'sales')).id).toBe('someone');
    await expect(verifyInternalToken(headers.authorization, 'identity')).rejects.toThrow();
  });

  it("keeps a subgraph's request-level error (HTTP 400) with its code and message, naming the subgraph", async () => {
    const error = (await call('query Refused { ok }', 'Refused').catch((e: unknown) => e)) as GraphQLError;
    expect(error).toBeInstanceOf(GraphQLError);
    expect(error.message).toBe('Variable "$id" got an invalid value');
    expect(error.extensions).toEqual({ code: 'BAD_USER_INPUT', serviceName: 'sales' });
  });

  it("names the subgraph and its status for a proxy's error page, and answers SERVICE_UNAVAILABLE for an answer that is not JSON", async () => {
    const proxy = (await call('query Proxy { ok }', 'Proxy').catch((e: unknown) => e)) as GraphQLError;
    expect(proxy.extensions).toEqual({ code: 'INTERNAL_SERVER_ERROR', serviceName: 'sales' });
    expect(proxy.message).toBe('sales answered 502');
    const text = (await call('query NotJson { ok }', 'NotJson').catch((e: unknown) => e)) as GraphQLError;
    expect(text.extensions).toEqual({ code: 'SERVICE_UNAVAILABLE', serviceName: 'sales' });
    // Nothing to send is this call's failure too, not an unexplained error of the gateway's.
    const before = seen.length;
    const empty = (await call('', 'Empty').catch((e: unknown) => e)) as GraphQLError;
    expect(empty.extensions).toEqual({ code: 'SERVICE_UNAVAILABLE', serviceName: 'sales' });
    expect(seen.length).toBe(before);
  });

  it('sends a query again once when its socket broke, and a mutation never', async () => {
    expect(await call('query ResetOnce { again }', 'ResetOnce')).toEqual({ data: { again: true } });
    expect(resets).toBe(2);
    const before = seen.length;
    const error = (await call('mutation ResetMutation { change }', 'ResetMutation').catch((e: unknown) => e)) as GraphQLError;
    expect(error.extensions).toEqual({ code: 'SERVICE_UNAVAILABLE', serviceName: 'sales' });
    expect(error.message).toContain('may or may not have been made');
    expect(seen.length - before).toBe(1);
  });

  it("abandons a request's calls at its deadline, and sends none once it has passed", async () => {
    const late: GatewayContext = { ...context, requestId: 'req-late', deadline: Date.now() + 1000 };
    const slow = (name: string) =>
      source
        .process({
          kind: 'incoming operation',
          request: { query: `query Slow { ${name} }`, operationName: 'Slow' },
          context: late,
          incomingRequestContext: {},
        } as unknown as GraphQLDataSourceProcessOptions<GatewayContext>)
        .catch((e: unknown) => e as GraphQLError);
    expect((await slow('first')).extensions).toEqual({ code: 'SERVICE_UNAVAILABLE', serviceName: 'sales' });
    // The same request's next call: its deadline has passed, so it is not sent at all.
    expect((await slow('second')).extensions).toEqual({ code: 'SERVICE_UNAVAILABLE', serviceName: 'sales' });
    expect(seen.filter((call) => call.body.query.includes('second'))).toEqual([]);
  });
});
