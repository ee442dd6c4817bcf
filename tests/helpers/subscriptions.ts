import { print, type ExecutionResult } from 'graphql';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { defaultAuthorization } from './credentials.js';

export interface Subscriber<T> {
  results: Array<ExecutionResult<T>>;
  /** Resolves once `count` results have arrived (or rejects after `ms`). */
  waitFor(count: number, ms?: number): Promise<Array<ExecutionResult<T>>>;
  /** Resolves with the error the server ended the subscription with. */
  failure: Promise<unknown>;
  /** Ends the subscription; resolves once the client has ended it (its Complete sent to the server). */
  close(): Promise<void>;
}

/** A stock graphql-ws client, signed in as the gateway's default test caller unless `authorization` says otherwise (null: none). */
export function connect(wsUrl: string, authorization: string | null | undefined = defaultAuthorization(wsUrl)): Client {
  return createClient({
    url: wsUrl,
    webSocketImpl: WebSocket,
    connectionParams: authorization ? { authorization } : {},
    retryAttempts: 0,
    lazy: true,
  });
}

/** A real graphql-ws subscription that records what it receives. */
export function subscribe<T, V extends Record<string, unknown>>(client: Client, document: TypedDocumentNode<T, V>, variables: V): Subscriber<T> {
  const results: Array<ExecutionResult<T>> = [];
  const waiters: Array<() => void> = [];
  let fail!: (error: unknown) => void;
  const failure = new Promise<unknown>((resolve) => (fail = resolve));
  // The client calls complete (or error) once the subscription has ended, after sending the server its Complete.
  let ended!: () => void;
  const over = new Promise<void>((resolve) => (ended = resolve));
  const dispose = client.subscribe<T>(
    { query: print(document), variables },
    {
      next: (result) => {
        results.push(result as ExecutionResult<T>);
        waiters.splice(0).forEach((wake) => wake());
      },
      error: (error) => {
        fail(error);
        ended();
      },
      complete: () => ended(),
    },
  );
  return {
    results,
    failure,
    waitFor: (count, ms = 15_000) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`Got ${results.length} of ${count} results: ${JSON.stringify(results)}`)), ms);
        const check = () => {
          if (results.length >= count) {
            clearTimeout(timer);
            resolve(results.slice(0, count));
          } else waiters.push(check);
        };
        check();
      }),
    close: async () => {
      dispose();
      await over;
    },
  };
}
