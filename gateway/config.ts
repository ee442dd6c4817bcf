import path from 'node:path';
import { envInt, envString, portFor, SUBGRAPHS, subgraphUrlFor, type SubgraphName } from '../subgraphs/kit/config.js';

export interface GatewayConfig {
  port: number;
  /** `file`: the committed schema/supergraph.graphql (production); `introspect`: compose from running subgraphs (development). */
  supergraph: 'file' | 'introspect';
  supergraphPath: string;
  subgraphUrls: Record<SubgraphName, string>;
  /** Per subscriber socket: beyond this many unsent bytes the client is disconnected and resumes by cursor. */
  maxBufferedBytes: number;
}

export function loadGatewayConfig(): GatewayConfig {
  const supergraph = envString('SUPERGRAPH', 'file');
  if (supergraph !== 'file' && supergraph !== 'introspect') throw new Error('SUPERGRAPH must be "file" or "introspect"');
  return {
    port: portFor('gateway'),
    supergraph,
    supergraphPath: path.resolve(envString('SUPERGRAPH_PATH', 'schema/supergraph.graphql')),
    maxBufferedBytes: envInt('SUBSCRIPTION_MAX_BUFFERED_BYTES', 4 * 1024 * 1024),
    subgraphUrls: Object.fromEntries(SUBGRAPHS.map((name) => [name, subgraphUrlFor(name)])) as Record<SubgraphName, string>,
  };
}
