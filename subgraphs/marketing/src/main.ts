import { runSubgraph } from '@crm/kit/subgraph.js';
import { marketing } from './app.js';

await runSubgraph(marketing);
