import { describe, expect, it } from '@jest/globals';
import { buildSchema, graphql, type GraphQLResolveInfo } from 'graphql';
import { selectsAny } from './selection.js';

// A resolver asks whether its field selects any of some fields, to read what they need in its own statement.

const schema = buildSchema('type Query { customer: Customer } type Customer { name: String, emails: [String] }');

async function seen(query: string): Promise<boolean> {
  let answer: boolean | undefined;
  const rootValue = {
    customer: (_args: unknown, _context: unknown, info: GraphQLResolveInfo) => {
      answer = selectsAny(info, new Set(['emails', 'phones']));
      return { name: 'Jan Novák', emails: [] };
    },
  };
  const result = await graphql({ schema, source: query, rootValue });
  expect(result.errors).toBeUndefined();
  return answer!;
}

describe('selectsAny', () => {
  it('finds a field selected directly, in an inline fragment or in a named one', async () => {
    expect(await seen('{ customer { name emails } }')).toBe(true);
    expect(await seen('{ customer { name ... on Customer { emails } } }')).toBe(true);
    expect(await seen('{ customer { ...Contact } } fragment Contact on Customer { emails }')).toBe(true);
  });

  it('is false when none of them is selected', async () => {
    expect(await seen('{ customer { name } }')).toBe(false);
    expect(await seen('{ customer { ...Name } } fragment Name on Customer { name }')).toBe(false);
  });
});
