import type { IncomingHttpHeaders } from 'node:http';
import { GraphQLError } from 'graphql';
import { RemoteGraphQLDataSource } from '@apollo/gateway';
import { Agent } from 'undici';
import { REQUEST_ID_HEADER, type Viewer } from '@crm/kit/context.js';
import { INTERNAL_TOKEN_HEADER, signInternalToken } from '@crm/kit/access/internal-token.js';
import { DomainError } from '@crm/kit/errors.js';
import { systemViewer } from '@crm/kit/access/viewer.js';
import { IDEMPOTENCY_KEY_HEADER, readIdempotencyKey } from '@crm/kit/mutations.js';
import { DEADLINE_HEADER } from '@crm/kit/deadline.js';

export interface GatewayContext {
  requestId: string;
  viewer: Viewer;
  /** Forwarded to the subgraph that runs each mutation, which remembers its result. */
  idempotencyKey?: string;
  /** How many records the operation could return (see limits/query-limits.ts), for the cost rate limit. */
  cost?: number;
  /** When the gateway stops waiting for the subgraphs (epoch ms); they cancel what runs past it. */
  deadline?: number;
}

type ProcessOptions = Parameters<RemoteGraphQLDataSource<GatewayContext>['process']>[0];
type Fetcher = NonNullable<ConstructorParameters<typeof RemoteGraphQLDataSource>[0]>['fetcher'];

/**
 * The gateway's connection pool to the subgraphs. An idle socket is dropped after `idleSocketMs`, before the
 * subgraph would close it (their keep-alive, HTTP_KEEP_ALIVE_MS, is longer; undici also honours the server's
 * Keep-Alive hint), so a request never leaves on a socket the other side is closing.
 */
export function subgraphAgent(idleSocketMs: number): Agent {
  return new Agent({ keepAliveTimeout: idleSocketMs, keepAliveMaxTimeout: idleSocketMs, connections: 128 });
}

/**
 * Subgraph calls on the pooled agent with undici's plain request API instead of its fetch: no WHATWG Request,
 * Response, Headers and body streams per call, and a request's head and body leave in one socket write (fetch
 * streams the body after the head). Under the 360° query fetch was about a third of the gateway's CPU. What the
 * data source reads of the answer (status, content type, body) is all the returned response has. The call is
 * abandoned at the request's deadline, which the subgraph also knows and cancels its work at.
 */
function requestFetcher(agent: Agent): Fetcher {
  const fetcher = async (url: string, init: { method?: string; headers?: Record<string, string>; body?: string }) => {
    const deadline = Number(init.headers?.[DEADLINE_HEADER]);
    const response = await agent.request({
      origin: originOf(url),
      path: pathOf(url),
      method: (init.method ?? 'POST') as 'POST',
      headers: init.headers,
      body: init.body,
      signal: Number.isFinite(deadline) && deadline > 0 ? AbortSignal.timeout(Math.max(deadline - Date.now(), 1)) : undefined,
    });
    const text = await response.body.text();
    const status = response.statusCode;
    return {
      url,
      status,
      statusText: '',
      ok: status >= 200 && status < 300,
      headers: { get: (name: string) => headerValue(response.headers[name.toLowerCase()]) },
      text: async () => text,
      json: async (): Promise<unknown> => JSON.parse(text),
    };
  };
  return fetcher as unknown as Fetcher;
}

const headerValue = (value: string | string[] | undefined): string | null => (value === undefined ? null : Array.isArray(value) ? value.join(', ') : value);

/** Parsed once per subgraph URL (the gateway calls a handful). */
const targets = new Map<string, URL>();
const targetOf = (url: string): URL => {
  let target = targets.get(url);
  if (!target) targets.set(url, (target = new URL(url)));
  return target;
};
const originOf = (url: string) => targetOf(url).origin;
const pathOf = (url: string) => targetOf(url).pathname + targetOf(url).search;

/** The request's Idempotency-Key header; a malformed one is refused before anything runs. */
export function idempotencyKeyOf(headers: IncomingHttpHeaders): string | undefined {
  try {
    return readIdempotencyKey(headers[IDEMPOTENCY_KEY_HEADER]);
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    throw new GraphQLError(error.message, { extensions: { ...error.extensions, http: { status: 400 } } });
  }
}

// The socket broke under the request: it may have been sent, but no answer came.
const BROKEN_SOCKET = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED']);
// Walks the causes as plain objects, not `instanceof Error`: a socket error comes from Node's core, which may be
// another realm than the code that wraps it (e.g. under a vm sandbox), and would then end the walk unrecognised.
const brokenSocket = (error: unknown): boolean => {
  for (let e = error, depth = 0; typeof e === 'object' && e !== null && depth < 10; e = (e as { cause?: unknown }).cause, depth++) {
    if (BROKEN_SOCKET.has(String((e as { code?: unknown }).code))) return true;
  }
  return false;
};

/**
 * Forwards the request id, the caller and the idempotency key to every subgraph call; names the subgraph that
 * cannot be reached. A query whose socket broke is sent once more (reading twice is harmless); a mutation is not,
 * since it may have been applied: the client is told so, and retries it safely with its Idempotency-Key.
 */
export class SubgraphDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  constructor(
    private readonly serviceName: string,
    url: string,
    agent: Agent,
  ) {
    // The gateway's answers are never cached (Cache-Control: no-store whatever the subgraphs say): no subgraph
    // header needs reading.
    super({ url, fetcher: requestFetcher(agent), honorSubgraphCacheControlHeader: false });
  }

  override async process(options: ProcessOptions) {
    const mutation = /^\s*mutation\b/.test(options.request.query ?? '');
    try {
      return await this.processOnce(options, !mutation);
    } catch (error) {
      if (error instanceof GraphQLError) throw error;
      if (mutation && brokenSocket(error)) {
        throw new GraphQLError(
          `The ${this.serviceName} service did not answer; the change may or may not have been made. Retry it with the same Idempotency-Key to be sure it is made once`,
          { extensions: { code: 'SERVICE_UNAVAILABLE', serviceName: this.serviceName } },
        );
      }
      throw new GraphQLError(`The ${this.serviceName} service is unavailable right now; the rest of the answer is still returned`, {
        extensions: { code: 'SERVICE_UNAVAILABLE', serviceName: this.serviceName },
      });
    }
  }

  private async processOnce(options: ProcessOptions, retry: boolean) {
    try {
      return await super.process(options);
    } catch (error) {
      if (!retry || !brokenSocket(error)) throw error;
      return super.process(options);
    }
  }

  /** A subgraph's request-level error (e.g. a malformed variable, HTTP 400) keeps its code and message. */
  override async errorFromResponse(response: Parameters<RemoteGraphQLDataSource['errorFromResponse']>[0]) {
    const body = (await response.json().catch(() => undefined)) as { errors?: Array<{ message: string; extensions?: { code?: string } }> } | undefined;
    const first = body?.errors?.[0];
    return new GraphQLError(first?.message ?? `${this.serviceName} answered ${response.status}`, {
      extensions: { code: first?.extensions?.code ?? 'INTERNAL_SERVER_ERROR', serviceName: this.serviceName },
    });
  }

  /**
   * The caller travels in a token signed for this subgraph alone. A call without a request context is the gateway's
   * own (composing the supergraph by introspection): it goes as the platform.
   */
  override async willSendRequest({ request, context }: Parameters<NonNullable<RemoteGraphQLDataSource<GatewayContext>['willSendRequest']>>[0]) {
    const viewer = context.viewer ?? systemViewer('gateway');
    request.http?.headers.set(INTERNAL_TOKEN_HEADER, `Bearer ${await signInternalToken(viewer, this.serviceName)}`);
    if (!context.requestId) return;
    request.http?.headers.set(REQUEST_ID_HEADER, context.requestId);
    if (context.deadline) request.http?.headers.set(DEADLINE_HEADER, String(context.deadline));
    if (context.idempotencyKey) request.http?.headers.set(IDEMPOTENCY_KEY_HEADER, context.idempotencyKey);
  }
}
