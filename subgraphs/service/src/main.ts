import { runSubgraph } from '../../kit/subgraph.js';
import { service } from './app.js';

await runSubgraph(service);
