import type { SubgraphName } from './config.js';
import { VIEWER_HEADER, type Viewer } from './context.js';

/** Reads another domain's data through its own API: how a subgraph rebuilds a projection without its tables. */
export interface GraphClient {
  /** Runs `query` on the subgraph that owns the data and returns its data; any GraphQL error fails it. */
  query<T>(subgraph: SubgraphName, query: string, variables?: Record<string, unknown>): Promise<T>;
}

/** `urlOf` is asked at each call: in tests the other subgraphs get their ports after this one started. */
export function createGraphClient(urlOf: (subgraph: SubgraphName) => string, caller: string): GraphClient {
  const viewer: Viewer = { id: `system:${caller}`, kind: 'system', roles: [] };
  return {
    async query<T>(subgraph: SubgraphName, query: string, variables: Record<string, unknown> = {}): Promise<T> {
      const response = await fetch(urlOf(subgraph), {
        method: 'POST',
        headers: { 'content-type': 'application/json', [VIEWER_HEADER]: JSON.stringify(viewer) },
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
