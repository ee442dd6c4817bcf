import { setMaxListeners } from 'node:events';
import type { IncomingHttpHeaders } from 'node:http';
import { GraphQLError } from 'graphql';
import type { GraphQLDataSource, GraphQLDataSourceProcessOptions } from '@apollo/gateway';
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

type ProcessOptions = GraphQLDataSourceProcessOptions<GatewayContext>;
type SubgraphResponse = Awaited<ReturnType<GraphQLDataSource['process']>>;

/**
 * The gateway's connection pool to the subgraphs. An idle socket is dropped after `idleSocketMs`, before the
 * subgraph would close it (their keep-alive, HTTP_KEEP_ALIVE_MS, is longer; undici also honours the server's
 * Keep-Alive hint), so a request never leaves on a socket the other side is closing.
 */
export function subgraphAgent(idleSocketMs: number): Agent {
  return new Agent({ keepAliveTimeout: idleSocketMs, keepAliveMaxTimeout: idleSocketMs, connections: 128 });
}

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

const deadlineSignals = new WeakMap<object, AbortSignal>();

/**
 * What aborts a request's subgraph calls at its deadline: one timer for the request, however many calls its plan
 * makes (a timer each was about 1.5 % of the gateway's CPU under the 360° query).
 */
function deadlineSignal(context: Partial<GatewayContext>): AbortSignal | undefined {
  if (!context.requestId || !context.deadline) return undefined;
  let signal = deadlineSignals.get(context);
  if (!signal) {
    deadlineSignals.set(context, (signal = AbortSignal.timeout(Math.max(context.deadline - Date.now(), 1))));
    // Each call in flight listens to it: a wide plan's many calls are not a leak.
    setMaxListeners(0, signal);
  }
  return signal;
}

/**
 * Forwards the request id, the caller and the idempotency key to every subgraph call; names the subgraph that
 * cannot be reached. A query whose socket broke is sent once more (reading twice is harmless); a mutation is not,
 * since it may have been applied: the client is told so, and retries it safely with its Idempotency-Key.
 *
 * The gateway's own data source rather than Apollo's RemoteGraphQLDataSource: on undici's plain request API, with
 * the headers as a plain object. Apollo's copies them into a WHATWG Headers object per call, builds a node-fetch
 * Request it only hands to error hooks, and expects a fetch Response back; with undici's fetch that was about a third
 * of the gateway's CPU under the 360° query, and the node-fetch objects alone still 4-6 % with undici's request API
 * behind them (ADR 12). A request's head and body leave in one socket write, and the call is abandoned at the
 * request's deadline, which the subgraph also knows and cancels its work at.
 */
export class SubgraphDataSource implements GraphQLDataSource<GatewayContext> {
  private readonly origin: string;
  private readonly path: string;

  constructor(
    private readonly serviceName: string,
    url: string,
    private readonly agent: Agent,
  ) {
    const target = new URL(url);
    this.origin = target.origin;
    this.path = target.pathname + target.search;
  }

  async process(options: ProcessOptions): Promise<SubgraphResponse> {
    const { query, variables, operationName, extensions, http } = options.request;
    const mutation = /^\s*mutation\b/.test(query ?? '');
    try {
      if (!query) throw new Error('Missing query');
      const context = options.context as Partial<GatewayContext>;
      const headers = await this.headersFor(context, http?.headers);
      const body = JSON.stringify({ query, variables, operationName, extensions });
      const signal = deadlineSignal(context);
      return await this.send(headers, body, signal).catch((error: unknown) => {
        if (mutation || !brokenSocket(error)) throw error;
        return this.send(headers, body, signal);
      });
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

  /**
   * The caller travels in a token signed for this subgraph alone. A call without a request context is the gateway's
   * own (composing the supergraph by introspection): it goes as the platform.
   */
  private async headersFor(context: Partial<GatewayContext>, incoming?: Iterable<[string, string]>): Promise<Record<string, string>> {
    const headers: Record<string, string> = {};
    for (const [name, value] of incoming ?? []) headers[name.toLowerCase()] = value;
    headers['content-type'] = 'application/json';
    headers[INTERNAL_TOKEN_HEADER] = `Bearer ${await signInternalToken(context.viewer ?? systemViewer('gateway'), this.serviceName)}`;
    if (!context.requestId) return headers;
    headers[REQUEST_ID_HEADER] = context.requestId;
    if (context.deadline) headers[DEADLINE_HEADER] = String(context.deadline);
    if (context.idempotencyKey) headers[IDEMPOTENCY_KEY_HEADER] = context.idempotencyKey;
    return headers;
  }

  private async send(headers: Record<string, string>, body: string, signal: AbortSignal | undefined): Promise<SubgraphResponse> {
    const response = await this.agent.request({ origin: this.origin, path: this.path, method: 'POST', headers, body, signal });
    const text = await response.body.text();
    const json = /^application\/(graphql-response\+)?json/.test(String(response.headers['content-type'] ?? ''));
    if (response.statusCode < 200 || response.statusCode >= 300) throw this.errorFromResponse(response.statusCode, text);
    const answer: unknown = json ? JSON.parse(text) : undefined;
    if (typeof answer !== 'object' || answer === null || Array.isArray(answer)) throw new Error('Expected a JSON object as the answer');
    return answer as SubgraphResponse;
  }

  /** A subgraph's request-level error (e.g. a malformed variable, HTTP 400) keeps its code and message. */
  private errorFromResponse(status: number, text: string): GraphQLError {
    let first: { message?: string; extensions?: { code?: string } } | undefined;
    try {
      first = (JSON.parse(text) as { errors?: Array<typeof first> }).errors?.[0];
    } catch {
      first = undefined;
    }
    return new GraphQLError(first?.message ?? `${this.serviceName} answered ${status}`, {
      extensions: { code: first?.extensions?.code ?? 'INTERNAL_SERVER_ERROR', serviceName: this.serviceName },
    });
  }
}
