import { runSubgraph } from '@crm/kit/subgraph.js';
import { identity } from './app.js';

await runSubgraph(identity);
