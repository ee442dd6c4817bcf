import { runSubgraph } from '../../kit/subgraph.js';
import { identity } from './app.js';

await runSubgraph(identity);
