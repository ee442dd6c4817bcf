import { describe, expect, it } from '@jest/globals';
import { buildSchema, getOperationAST, parse, type GraphQLError } from 'graphql';
import { systemViewer } from '@crm/kit/access/viewer.js';
import { costsWorkedOut, knownCost, operationCost, queryLimits } from './query-limits.js';

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

  it('refuses a variable the cost does not depend on, also once the cost is known (nothing checks it after)', async () => {
    const schema = buildSchema('type Query { items(first: Int): [Item] } type Item { id: ID } type Subscription { itemAdded(first: Int, kind: ID): [Item] }');
    const text = 'subscription Added($n: Int, $kind: ID) { itemAdded(first: $n, kind: $kind) { id } }';
    expect(codes(await limits.prepare(schema, { query: text, variables: { n: 3, kind: 'a' } }, viewer))).toEqual([]);
    expect(codes(await limits.prepare(schema, { query: text, variables: { n: 3, kind: { not: 'an id' } } }, viewer))).toEqual(['BAD_USER_INPUT']);
  });

  it('answers a text that does not parse or validate with the same errors every time', async () => {
    const schema = buildSchema(sdl);
    for (let attempt = 0; attempt < 2; attempt++) {
      expect(codes(await limits.prepare(schema, { query: 'subscription { itemAdded(first: 1) { id }' }, viewer))).toEqual(['GRAPHQL_PARSE_FAILED']);
      expect(codes(await limits.prepare(schema, { query: 'subscription { itemAdded(first: 1) { name } }' }, viewer))).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    }
  });
});

describe('the cost of an operation', () => {
  const schema = buildSchema(
    'type Query { customer(id: ID!): Customer } type Customer { id: ID deals(first: Int): [Deal] notes(first: Int): [Deal] } type Deal { id: ID }',
  );
  const text =
    'query C($id: ID!, $n: Int, $withNotes: Boolean!) { customer(id: $id) { deals(first: $n) { id } notes(first: 5) @include(if: $withNotes) { id } } }';
  const document = parse(text);
  const operation = getOperationAST(document)!;
  const cost = (variables: Record<string, unknown>) => knownCost(schema, document, operation, variables, 'C');

  it('is worked out once for every value of the variables it does not depend on', () => {
    const before = costsWorkedOut.count;
    const first = cost({ id: 'a', n: 10, withNotes: false });
    expect(cost({ id: 'b', n: 10, withNotes: false })).toBe(first);
    expect(cost({ id: 'c', n: 10, withNotes: false })).toBe(first);
    expect(costsWorkedOut.count - before).toBe(1);
  });

  it('is worked out again for another page size or another @include condition, and is the same as worked out afresh', () => {
    const before = costsWorkedOut.count;
    const small = cost({ id: 'a', n: 2, withNotes: false });
    const large = cost({ id: 'a', n: 40, withNotes: false });
    const withNotes = cost({ id: 'a', n: 2, withNotes: true });
    expect(costsWorkedOut.count - before).toBe(3);
    expect(large).toBeGreaterThan(small);
    expect(withNotes).toBeGreaterThan(small);
    expect([small, large, withNotes]).toEqual([
      operationCost(schema, document, { id: 'x', n: 2, withNotes: false }, 'C'),
      operationCost(schema, document, { id: 'x', n: 40, withNotes: false }, 'C'),
      operationCost(schema, document, { id: 'x', n: 2, withNotes: true }, 'C'),
    ]);
    // A page size not given at all is not the same as one given: the default page counts.
    expect(cost({ id: 'a', withNotes: false })).toBe(operationCost(schema, document, { id: 'a', withNotes: false }, 'C'));
  });

  it("refuses variables that do not coerce as the client's bad input, in graphql-js's words, and works nothing out", () => {
    const refusal = (run: () => number) => {
      try {
        run();
      } catch (error) {
        return { message: (error as GraphQLError).message, code: (error as GraphQLError).extensions?.code };
      }
      return 'no error';
    };
    const bad = { id: 'a', n: 'ten', withNotes: false };
    const before = costsWorkedOut.count;
    expect(refusal(() => cost(bad))).toEqual({ message: expect.stringMatching(/\$n/), code: 'BAD_USER_INPUT' });
    expect(refusal(() => cost(bad))).toEqual({ ...(refusal(() => operationCost(schema, document, bad, 'C')) as object), code: 'BAD_USER_INPUT' });
    expect(costsWorkedOut.count - before).toBe(1); // only operationCost itself, called directly above
  });

  it('leaves the variables it does not depend on to the gateway once the cost is known (each is coerced once)', () => {
    const first = cost({ id: 'a', n: 3, withNotes: false });
    // $id is no ID: the gateway's own check refuses it before planning (tests/errors.e2e.test.ts).
    expect(cost({ id: { not: 'an id' }, n: 3, withNotes: false })).toBe(first);
    expect(() => cost({ id: { not: 'an id' }, n: 4, withNotes: false })).toThrow(/\$id/);
  });
});
