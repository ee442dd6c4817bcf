import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { GraphQLFormattedError } from 'graphql';
import { INTERNAL_TOKEN_HEADER, signInternalToken } from '@crm/kit/access/internal-token.js';
import { systemViewer } from '@crm/kit/access/viewer.js';
import { startPlatform, type Platform } from './helpers/platform.js';

// Text with a NUL byte is refused as BAD_USER_INPUT wherever it stands in an operation (README, Limits): in the
// variables, in an argument, in a named fragment, in a variable's default. And should any reach a database, its
// refusal is the client's error too, not an internal one.

let platform: Platform;
beforeAll(async () => {
  platform = await startPlatform();
});
afterAll(() => platform.stop());

const subgraphStatements = () => Object.values(platform.sql).reduce((sum, statements) => sum + statements.length, 0);

async function send(url: string, body: Record<string, unknown>, headers: Record<string, string> = {}) {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  const text = await response.text();
  return { status: response.status, text, body: JSON.parse(text) as { data?: unknown; errors?: GraphQLFormattedError[] } };
}

const NUL_NAME = 'firstName: "Nu\\u0000l", kind: PERSON, emails: [], phones: []';

describe('text with a NUL byte', () => {
  it('is refused up front in a named fragment, in a variable default and in a nested argument', async () => {
    const operations = {
      'a named fragment': `mutation { ...Create } fragment Create on Mutation { createCustomer(input: { ${NUL_NAME} }) { id } }`,
      'a fragment of a fragment': `mutation { ...Outer } fragment Outer on Mutation { ...Inner } fragment Inner on Mutation { createCustomer(input: { ${NUL_NAME} }) { id } }`,
      "a variable's default": `mutation($input: CreateCustomerInput! = { ${NUL_NAME} }) { createCustomer(input: $input) { id } }`,
      'an inline fragment': `mutation { ... on Mutation { createCustomer(input: { ${NUL_NAME} }) { id } } }`,
    };
    const answers: Record<string, unknown> = {};
    for (const [where, query] of Object.entries(operations)) {
      await platform.resetSqlLog();
      const answer = await send(platform.gatewayUrl, { query }, { authorization: platform.admin.authorization });
      answers[where] = {
        status: answer.status,
        code: answer.body.errors?.[0]?.extensions?.code,
        field: answer.body.errors?.[0]?.extensions?.field,
        message: answer.body.errors?.[0]?.message,
        statements: subgraphStatements(),
      };
      expect(answer.text).not.toMatch(/Nu.u0000l|stack|invalid byte sequence/);
    }
    const refused = (field: string) => ({
      status: 400,
      code: 'BAD_USER_INPUT',
      field,
      message: `${field} holds a NUL byte or a broken character (a lone surrogate): send plain UTF-8 text`,
      statements: 0,
    });
    expect(answers).toEqual({
      'a named fragment': refused('fragment Create: createCustomer(input).firstName'),
      'a fragment of a fragment': refused('fragment Inner: createCustomer(input).firstName'),
      "a variable's default": refused('$input.firstName'),
      'an inline fragment': refused('createCustomer(input).firstName'),
    });
  });

  it('that reaches a database anyway is the client’s error (BAD_USER_INPUT), without SQL or the text', async () => {
    // Past the gateway, straight to the subgraph (as a service of the platform): only the database is left to refuse it.
    const response = await fetch(platform.subgraphs.identity.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [INTERNAL_TOKEN_HEADER]: `Bearer ${await signInternalToken(systemViewer('test'), 'identity')}` },
      body: JSON.stringify({
        query: 'mutation($input: CreateCustomerInput!) { createCustomer(input: $input) { id } }',
        variables: { input: { kind: 'PERSON', firstName: 'Nu\u0000l', emails: [], phones: [] } },
      }),
    });
    const text = await response.text();
    const body = JSON.parse(text) as { errors?: GraphQLFormattedError[] };
    expect(body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(body.errors?.[0]?.message).toMatch(/NUL|character/);
    expect(text).not.toMatch(/Nu\\u0000l|insert into|invalid byte sequence|stack/i);
  });
});
