import { print, type GraphQLFormattedError } from 'graphql';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { defaultAuthorization } from './credentials.js';

export interface GraphQLResponse<T> {
  data?: T | null;
  errors?: GraphQLFormattedError[];
}

/**
 * Sends a typed operation over HTTP, exactly as a client would: as the platform's default test caller (an admin)
 * unless `headers.authorization` names another one; an empty authorization sends none.
 */
export async function execute<TResult, TVariables>(
  url: string,
  document: TypedDocumentNode<TResult, TVariables>,
  variables?: TVariables,
  headers: Record<string, string> = {},
): Promise<GraphQLResponse<TResult>> {
  const authorization = 'authorization' in headers ? headers.authorization : defaultAuthorization(url);
  const { authorization: _given, ...rest } = headers;
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}), ...rest },
    body: JSON.stringify({ query: print(document), variables }),
  });
  return (await response.json()) as GraphQLResponse<TResult>;
}

/** The data of a response that must have succeeded; the errors are shown when it did not. */
export async function executeOk<TResult, TVariables>(
  url: string,
  document: TypedDocumentNode<TResult, TVariables>,
  variables?: TVariables,
  headers: Record<string, string> = {},
): Promise<TResult> {
  const result = await execute(url, document, variables, headers);
  if (result.errors?.length || !result.data) throw new Error(`GraphQL errors: ${JSON.stringify(result.errors)}`);
  return result.data;
}

export const errorCodes = (result: GraphQLResponse<unknown>) => (result.errors ?? []).map((e) => e.extensions?.code);

/**
 * An untyped operation's data, as the platform's default test caller: for a test that names only a few fields of a
 * new part of the API (its typed operations live in tests/operations otherwise).
 */
export async function queryOk<T>(url: string, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: defaultAuthorization(url)! },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as GraphQLResponse<T>;
  if (body.errors?.length || !body.data) throw new Error(`GraphQL errors: ${JSON.stringify(body.errors)}`);
  return body.data;
}
