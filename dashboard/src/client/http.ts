import type { TypedDocumentString } from '../generated/graphql';
import { authorization } from './auth';
import { credentialRefused } from './live';

export class GraphError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
  ) {
    super(message);
  }
}

/** One query or mutation over HTTP (POST /graphql) as the signed-in user; its first error is thrown with its code. */
export async function request<TResult, TVariables>(document: TypedDocumentString<TResult, TVariables>, variables?: TVariables): Promise<TResult> {
  const auth = authorization();
  const response = await fetch('/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(auth ? { authorization: auth } : {}) },
    body: JSON.stringify({ query: document.toString(), variables }),
  });
  const body = (await response.json()) as { data?: TResult; errors?: Array<{ message: string; extensions?: { code?: string } }> };
  const error = body.errors?.[0];
  if (error?.extensions?.code === 'UNAUTHENTICATED') credentialRefused();
  if (error || !body.data) throw new GraphError(error?.message ?? `HTTP ${response.status}`, error?.extensions?.code);
  return body.data;
}
