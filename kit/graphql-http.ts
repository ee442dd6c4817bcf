/**
 * `/graphql` on Node's own HTTP server, without Express: a subgraph's, and the gateway's POSTs. Every request of
 * every query comes through here, and Express with its body parser (routing, `type-is`, `raw-body`, content
 * negotiation, an ETag per answer) was about a tenth of a subgraph's CPU per request in the profiles of a 360° load,
 * and a tenth of the gateway's (ADR 12). What it did for this one route is done here directly; the other routes stay
 * on Express.
 *
 * The body is read by kit/json-body.ts; refusals are the platform's (kit/http-errors.ts): a GraphQL-shaped body with a
 * code, never the input or a stack.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HeaderMap, type ApolloServer, type BaseContext } from '@apollo/server';
import { readJsonBody, Refusal, refuse } from './json-body.js';
import type { Logger } from './logger.js';

export const GRAPHQL_PATH = '/graphql';

export interface GraphqlHttpOptions<Context extends BaseContext> {
  apollo: ApolloServer<Context>;
  /** The request's context; a `Refusal` thrown here is answered as it says (e.g. no valid caller token). */
  context: (req: IncomingMessage, res: ServerResponse) => Promise<Context>;
  /**
   * When the context is made. `first` (a subgraph): before the body is read, so nothing of an unknown caller's
   * request is read or parsed. `in-pipeline` (the gateway): by Apollo, after the body, so that its GraphQL errors
   * (no valid credentials 401, too many requests 429) are answered as every other error is, through `formatError`.
   */
  contextWhen?: 'first' | 'in-pipeline';
  maxBodyBytes: number;
  /** Bodies compressed with gzip, deflate or br are read (the gateway's clients); otherwise refused (415). */
  inflate?: boolean;
  /** Set on every answer, refusals included (the gateway's security headers, the same for every JSON answer). */
  headers?: Readonly<Record<string, string>>;
  log: Logger;
}

/** True for `/graphql` and `/graphql?…`: the requests `graphqlHttpHandler` serves. */
export const isGraphqlRequest = (req: IncomingMessage) => req.url === GRAPHQL_PATH || req.url?.startsWith(`${GRAPHQL_PATH}?`) === true;

export function graphqlHttpHandler<Context extends BaseContext>(options: GraphqlHttpOptions<Context>) {
  const { contextWhen = 'first', headers: fixedHeaders = {} } = options;
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    try {
      for (const [key, value] of Object.entries(fixedHeaders)) res.setHeader(key, value);
      // The caller's token first (contextWhen 'first'): nothing of an unknown caller's request is read or parsed.
      const early = contextWhen === 'first' ? await options.context(req, res) : undefined;
      const body = req.method === 'POST' ? await readJsonBody(req, options.maxBodyBytes, options.inflate === true) : undefined;
      const headers = new HeaderMap();
      for (const [key, value] of Object.entries(req.headers)) {
        if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
      }
      const query = req.url!.indexOf('?');
      const answer = await options.apollo.executeHTTPGraphQLRequest({
        httpGraphQLRequest: { method: req.method!.toUpperCase(), headers, search: query < 0 ? '' : req.url!.slice(query), body },
        context: early ? () => Promise.resolve(early) : () => options.context(req, res),
      });
      for (const [key, value] of answer.headers) res.setHeader(key, value);
      res.statusCode = answer.status ?? 200;
      if (answer.body.kind === 'complete') return void res.end(answer.body.string);
      for await (const chunk of answer.body.asyncIterator) res.write(chunk);
      res.end();
    } catch (error) {
      if (error instanceof Refusal) return refuse(req, res, error);
      // Logged by kind only: the message of a body or driver error may quote the input.
      options.log.error({ kind: (error as Error).name, path: GRAPHQL_PATH }, 'request failed');
      if (res.headersSent) return void res.destroy();
      refuse(req, res, new Refusal(500, 'INTERNAL_SERVER_ERROR', 'Internal server error'));
    }
  };
}
