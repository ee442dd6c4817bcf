import { readFile } from 'node:fs/promises';
import { describe, expect, it } from '@jest/globals';
import { composeSchemaFiles } from '../scripts/supergraph.js';

describe('schema/ holds what the code composes', () => {
  it('matches every committed subgraph SDL, the supergraph and the API schema (run `npm run compose` after a schema change)', async () => {
    const files = await composeSchemaFiles();
    expect(Object.keys(files).sort()).toEqual([
      'api.graphql',
      'identity.graphql',
      'marketing.graphql',
      'sales.graphql',
      'search.graphql',
      'service.graphql',
      'supergraph.graphql',
    ]);
    for (const [name, content] of Object.entries(files)) {
      expect({ name, content: await readFile(`schema/${name}`, 'utf8') }).toEqual({ name, content });
    }
  });

  it('Customer is one entity extended by every subgraph', async () => {
    const supergraph = await readFile('schema/supergraph.graphql', 'utf8');
    const customer = supergraph.slice(supergraph.indexOf('type Customer\n'), supergraph.indexOf('}', supergraph.indexOf('type Customer\n')));
    for (const graph of ['IDENTITY', 'SALES', 'MARKETING', 'SERVICE']) {
      expect(customer).toContain(`@join__type(graph: ${graph}, key: "id")`);
    }
  });
});
