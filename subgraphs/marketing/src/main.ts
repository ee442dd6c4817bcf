import { runSubgraph } from '../../kit/subgraph.js';
import { marketing } from './app.js';

await runSubgraph(marketing);
