import path from 'node:path';
import { envInt, envString, portFor, SUBGRAPHS, subgraphUrlFor, type SubgraphName } from '../subgraphs/kit/config.js';

export interface GatewayConfig {
  port: number;
  /** `file`: the committed schema/supergraph.graphql (production); `introspect`: compose from running subgraphs (development). */
  supergraph: 'file' | 'introspect';
  supergraphPath: string;
  subgraphUrls: Record<SubgraphName, string>;
  /** A subscriber that takes no event for this long is disconnected and resumes by cursor. */
  maxStallMs: number;
  /** The deepest selection a query may have. */
  maxQueryDepth: number;
  /** Idle sockets to subgraphs are closed after this; keep it below the subgraphs' HTTP_KEEP_ALIVE_MS. */
  subgraphIdleSocketMs: number;
}

export function loadGatewayConfig(): GatewayConfig {
  const supergraph = envString('SUPERGRAPH', 'file');
  if (supergraph !== 'file' && supergraph !== 'introspect') throw new Error('SUPERGRAPH must be "file" or "introspect"');
  return {
    port: portFor('gateway'),
    supergraph,
    supergraphPath: path.resolve(envString('SUPERGRAPH_PATH', 'schema/supergraph.graphql')),
    maxStallMs: envInt('SUBSCRIPTION_MAX_STALL_MS', 30_000),
    maxQueryDepth: envInt('MAX_QUERY_DEPTH', 12),
    subgraphIdleSocketMs: envInt('SUBGRAPH_IDLE_SOCKET_MS', 30_000),
    subgraphUrls: Object.fromEntries(SUBGRAPHS.map((name) => [name, subgraphUrlFor(name)])) as Record<SubgraphName, string>,
  };
}
