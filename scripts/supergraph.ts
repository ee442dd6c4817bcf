import { parse, printSchema } from 'graphql';
import { composeServices } from '@apollo/composition';
import { printSubgraphSchema } from '@apollo/subgraph';
import { DEFAULT_PORTS, SUBGRAPHS } from '@crm/kit/config.js';
import { buildSearchSchema, SEARCH_SUBGRAPH_URL } from '../gateway/search/search.schema.js';
import { buildSubscriptionSchema } from '../gateway/subscriptions/schema.js';
import { subgraphs } from './subgraphs.js';

/**
 * Each subgraph's SDL, the composed supergraph and the client-facing API schema, keyed by file name in schema/.
 * The URLs are the local defaults; the gateway maps each subgraph name to its configured URL at run time.
 */
export async function composeSchemaFiles(): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  const services = [];
  for (const name of SUBGRAPHS) {
    const sdl = printSubgraphSchema(await subgraphs[name].buildSchema());
    files[`${name}.graphql`] = `${sdl.trim()}\n`;
    services.push({ name, typeDefs: parse(sdl), url: `http://localhost:${DEFAULT_PORTS[name]}/graphql` });
  }
  // Global search runs inside the gateway process as a small subgraph of its own (no database).
  const searchSdl = printSubgraphSchema(await buildSearchSchema());
  files['search.graphql'] = `${searchSdl.trim()}\n`;
  services.push({ name: 'search', typeDefs: parse(searchSdl), url: SEARCH_SUBGRAPH_URL });
  const result = composeServices(services);
  if (result.errors) {
    throw new Error(`Composition failed:\n${result.errors.map((e) => `- ${e.message}`).join('\n')}`);
  }
  files['supergraph.graphql'] = `${result.supergraphSdl.trim()}\n`;
  // The client view: the supergraph's API plus the subscriptions the gateway serves beside it.
  const api = buildSubscriptionSchema(result.schema.toAPISchema().toGraphQLJSSchema());
  files['api.graphql'] = `${printSchema(api).trim()}\n`;
  return files;
}
