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
 */
export function createGraphClient(urlOf: (subgraph: SubgraphName) => string, caller: string): GraphClient {
  const viewer = systemViewer(caller);
  return {
    async query<T>(subgraph: SubgraphName, query: string, variables: Record<string, unknown> = {}): Promise<T> {
      const response = await fetch(urlOf(subgraph), {
        method: 'POST',
        headers: { 'content-type': 'application/json', [INTERNAL_TOKEN_HEADER]: `Bearer ${await signInternalToken(viewer, subgraph)}` },
        body: JSON.stringify({ query, variables }),
        signal: AbortSignal.timeout(30_000),
      });
      const body = (await response.json()) as { data?: T; errors?: Array<{ message: string }> };
      if (body.errors?.length || !body.data) {
        throw new Error(`${subgraph} answered: ${body.errors?.map((e) => e.message).join('; ') ?? response.status}`);
      }
      return body.data;
    },
  };
}
