import { request } from 'undici';
import type { SubgraphName } from './config.js';
import { INTERNAL_TOKEN_HEADER, signInternalToken } from './access/internal-token.js';
import { systemViewer } from './access/viewer.js';

/** Reads another domain's data through its own API: how a subgraph rebuilds a projection without its tables. */
export interface GraphClient {
  /** Runs `query` on the subgraph that owns the data and returns its data; any GraphQL error fails it. */
  query<T>(subgraph: SubgraphName, query: string, variables?: Record<string, unknown>): Promise<T>;
}

/**
 * Calls as the platform itself (`system:<caller>`), with a token signed for the subgraph it calls.
 * `urlOf` is asked at each call: in tests the other subgraphs get their ports after this one started.
 *
 * On undici's plain request API, as the gateway calls the subgraphs (gateway/subgraph-data-source.ts), over the
 * same process-wide pool `fetch` uses (its idle sockets close after 4 s, before any subgraph's keep-alive ends):
 * `fetch` wraps each call in WHATWG Request, Response, Headers and stream objects, about a tenth of marketing's CPU
 * for a single recordInteraction, whose customer is checked with identity through here (ADR 12).
 */
/** How long a call may wait for the answer's headers, and then between two parts of its body. */
const TIMEOUT_MS = 30_000;

export function createGraphClient(urlOf: (subgraph: SubgraphName) => string, caller: string): GraphClient {
  const viewer = systemViewer(caller);
  return {
    async query<T>(subgraph: SubgraphName, query: string, variables: Record<string, unknown> = {}): Promise<T> {
      const response = await request(urlOf(subgraph), {
        method: 'POST',
        headers: { 'content-type': 'application/json', [INTERNAL_TOKEN_HEADER]: `Bearer ${await signInternalToken(viewer, subgraph)}` },
        body: JSON.stringify({ query, variables }),
        // undici's own timers, cleared with the call: an AbortSignal.timeout fired for every call 30 s later, each
        // making an error with its stack trace (about 1 % of marketing's CPU under single creates).
        headersTimeout: TIMEOUT_MS,
        bodyTimeout: TIMEOUT_MS,
      });
      // An answer that is not JSON (a proxy's error page) is named by its status; a body that broke off fails as it broke.
      const body = (await response.body.json().catch((error: unknown) => {
        if ((error as Error | undefined)?.name === 'SyntaxError') return {};
        throw error;
      })) as { data?: T; errors?: Array<{ message: string }> };
      if (body.errors?.length || !body.data) {
        throw new Error(`${subgraph} answered: ${body.errors?.map((e) => e.message).join('; ') ?? response.statusCode}`);
      }
      return body.data;
    },
  };
}
