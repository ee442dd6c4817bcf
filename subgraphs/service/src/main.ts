import { runSubgraph } from '@crm/kit/subgraph.js';
import { service } from './app.js';

await runSubgraph(service);
