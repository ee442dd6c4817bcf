import { describe, expect, it } from '@jest/globals';
import { buildSchema, type GraphQLError } from 'graphql';
import { systemViewer } from '@crm/kit/access/viewer.js';
import { queryLimits } from './query-limits.js';

// An operation over WebSocket goes through `prepare`: parsed, validated, then checked against the limits with its
// variables. The parsed and validated document is kept by its text for each schema: a dashboard's subscription is
// the same text on every socket.

const limits = queryLimits({ maxAliases: 5, maxDepth: 6, maxDirectives: 5, maxTokens: 500, maxCost: 50, production: false });
const sdl = 'type Query { items(first: Int): [Item] } type Item { id: ID } type Subscription { itemAdded(first: Int): [Item] }';
const viewer = systemViewer('query-limits-test');
const subscription = 'subscription Added($n: Int) { itemAdded(first: $n) { id } }';

const codes = (answer: { document: unknown } | GraphQLError[]) => (Array.isArray(answer) ? answer.map((error) => error.extensions.code) : []);

describe('prepare (an operation over WebSocket)', () => {
  it('parses and validates a text once per schema, and still checks each call with its own variables', async () => {
    const schema = buildSchema(sdl);
    const first = await limits.prepare(schema, { query: subscription, variables: { n: 10 } }, viewer);
    const again = await limits.prepare(schema, { query: subscription, variables: { n: 20 } }, viewer);
    expect('document' in first && 'document' in again && first.document === again.document).toBe(true);

    // The kept document does not let a costlier page through: the cost counts this call's variables.
    expect(codes(await limits.prepare(schema, { query: subscription, variables: { n: 100 } }, viewer))).toEqual(['QUERY_TOO_COSTLY']);

    // A new supergraph (another schema object) parses and validates afresh.
    const other = await limits.prepare(buildSchema(sdl), { query: subscription, variables: { n: 10 } }, viewer);
    expect('document' in other && 'document' in first && other.document !== first.document).toBe(true);
  });

  it('answers a text that does not parse or validate with the same errors every time', async () => {
    const schema = buildSchema(sdl);
    for (let attempt = 0; attempt < 2; attempt++) {
      expect(codes(await limits.prepare(schema, { query: 'subscription { itemAdded(first: 1) { id }' }, viewer))).toEqual(['GRAPHQL_PARSE_FAILED']);
      expect(codes(await limits.prepare(schema, { query: 'subscription { itemAdded(first: 1) { name } }' }, viewer))).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    }
  });
});
