import 'reflect-metadata';
import type { SubgraphName } from '@crm/kit/config.js';
import type { SubgraphDefinition } from '@crm/kit/subgraph.js';
import { identity } from '../subgraphs/identity/src/app.js';
import { marketing } from '../subgraphs/marketing/src/app.js';
import { sales } from '../subgraphs/sales/src/app.js';
import { service } from '../subgraphs/service/src/app.js';

/** Every subgraph, by name: what the tools (compose, migrations, start) iterate over. */
export const subgraphs: Record<SubgraphName, SubgraphDefinition<unknown>> = { identity, sales, marketing, service };

export function subgraphNamed(name: string | undefined): SubgraphDefinition<unknown> {
  const found = name ? subgraphs[name as SubgraphName] : undefined;
  if (!found) throw new Error(`Name a subgraph: ${Object.keys(subgraphs).join(', ')}`);
  return found;
}
