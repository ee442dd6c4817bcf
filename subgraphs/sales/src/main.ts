import { runSubgraph } from '../../kit/subgraph.js';
import { sales } from './app.js';

await runSubgraph(sales);
