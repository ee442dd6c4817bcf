import { pipeline } from 'node:stream/promises';
import express from 'express';
import { GraphQLError } from 'graphql';
import { request, type Dispatcher } from 'undici';
import { ANONYMOUS } from '@crm/kit/access/viewer.js';
import type { SubgraphName } from '@crm/kit/config.js';
import { readRequestId } from '@crm/kit/context.js';
import type { Logger } from '@crm/kit/logger.js';
import type { RateLimits } from './limits/rate-limits.js';

/** What a customer's browser sends that a subgraph's public route may need, and what it answers that the browser needs. */
const REQUEST_HEADERS = ['accept', 'accept-language', 'content-type', 'content-length', 'user-agent'];
const RESPONSE_HEADERS = ['content-type', 'content-length', 'content-disposition', 'location', 'cache-control'];

export interface PublicRoutesOptions {
  subgraphUrls: Record<SubgraphName, string>;
  agent: Dispatcher;
  /** How long the subgraph may take to start answering, and to send each next piece of the body. */
  timeoutMs: number;
  rateLimits: RateLimits;
  log: Logger;
}

/**
 * `GET|POST /public/<subgraph>/<path>` is the subgraph's own `/public/<path>` (a tracked quote link, an unsubscribe
 * link): without credentials, since such a link carries its own signed token that the subgraph checks. Bodies
 * stream both ways; callers are throttled per address like the other calls without credentials.
 */
export function publicRoutes(options: PublicRoutesOptions): express.Router {
  const router = express.Router();
  router.use('/public/:subgraph', async (req, res) => {
    const origin = options.subgraphUrls[req.params.subgraph as SubgraphName];
    if (!origin || !Object.hasOwn(options.subgraphUrls, req.params.subgraph!)) return void res.status(404).type('text/plain').send('Not found');
    if (!['GET', 'HEAD', 'POST'].includes(req.method))
      return void res.status(405).set('Allow', 'GET, HEAD, POST').type('text/plain').send('Method not allowed');
    try {
      await options.rateLimits.takeRequest({ ...ANONYMOUS, ip: req.ip ?? null });
    } catch (error) {
      if (!(error instanceof GraphQLError) || error.extensions.code !== 'RATE_LIMITED') throw error;
      return void res.status(429).set('Retry-After', String(error.extensions.retryAfterSeconds)).type('text/plain').send(error.message);
    }
    // Only the subgraph's public routes: `..` (or `%2e%2e`) in the path would climb out of /public to the subgraph's
    // health reports and its internal /graphql, which the gateway is the only door to.
    const target = new URL(`/public${req.url}`, origin);
    if (!target.pathname.startsWith('/public/')) return void res.status(404).type('text/plain').send('Not found');
    const requestId = readRequestId(req.headers);
    const headers: Record<string, string> = { 'x-request-id': requestId, 'x-forwarded-for': req.ip ?? '' };
    for (const name of REQUEST_HEADERS) if (typeof req.headers[name] === 'string') headers[name] = req.headers[name];
    try {
      const answer = await request(target, {
        method: req.method as 'GET' | 'HEAD' | 'POST',
        headers,
        body: req.method === 'POST' ? req : undefined,
        dispatcher: options.agent,
        headersTimeout: options.timeoutMs,
        bodyTimeout: options.timeoutMs,
      });
      res.status(answer.statusCode);
      for (const name of RESPONSE_HEADERS) {
        const value = answer.headers[name];
        if (value !== undefined) res.setHeader(name, value);
      }
      await pipeline(answer.body, res);
    } catch (error) {
      // The route's first segment only (/quotes, /unsubscribe): the rest of the path is the link's signed token.
      options.log.warn({ err: error, requestId, subgraph: req.params.subgraph, route: req.path.split('/', 2).join('/') }, 'public route not answered');
      if (!res.headersSent) res.status(502).type('text/plain').send('This page is not available right now; please try again in a few minutes.');
      else res.destroy();
    }
  });
  return router;
}
