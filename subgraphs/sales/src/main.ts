import { runSubgraph } from '@crm/kit/subgraph.js';
import { sales } from './app.js';

await runSubgraph(sales);
