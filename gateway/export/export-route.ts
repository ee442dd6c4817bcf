import { setTimeout as delay } from 'node:timers/promises';
import express from 'express';
import { GraphQLError, type GraphQLFormattedError, type GraphQLSchema } from 'graphql';
import type { ApolloServer } from '@apollo/server';
import { stringify } from 'csv-stringify/sync';
import { readRequestId } from '@crm/kit/context.js';
import type { Viewer } from '@crm/kit/access/viewer.js';
import type { Logger } from '@crm/kit/logger.js';
import { problem } from '@crm/kit/http-errors.js';
import { jsonBody } from '@crm/kit/json-body.js';
import type { Authenticator } from '../auth/authenticator.js';
import { headersOf, type RateLimits } from '../limits/rate-limits.js';
import type { GatewayContext } from '../subgraph-data-source.js';
import { AFTER_VARIABLE, cellOf, PAGE_INFO_ALIAS, planExport, TOTAL_ALIAS, type ExportPlan } from './export-query.js';

export interface ExportOptions {
  apollo: ApolloServer<GatewayContext>;
  /** The client schema the query is checked against (the gateway's, once it has started). */
  schema: () => GraphQLSchema;
  auth: Authenticator;
  rateLimits: RateLimits;
  maxBodyBytes: number;
  requestTimeoutMs: number;
  log: Logger;
}

const FORMATS = {
  ndjson: { type: 'application/x-ndjson; charset=utf-8', extension: 'ndjson' },
  csv: { type: 'text/csv; charset=utf-8', extension: 'csv' },
} as const;
type Format = keyof typeof FORMATS;

const STATUS: Record<string, number> = { UNAUTHENTICATED: 401, FORBIDDEN: 403, RATE_LIMITED: 429, NOT_FOUND: 404, SERVICE_UNAVAILABLE: 503, TIMEOUT: 504 };

/** Refused before anything was sent: a JSON answer like /graphql's, with the HTTP status the code calls for. */
class Refusal extends Error {
  constructor(
    readonly errors: readonly GraphQLFormattedError[],
    readonly status: number,
    readonly headers: Array<[string, string]> = [],
  ) {
    super(errors[0]?.message);
  }
}

const refusalOf = (error: GraphQLError | GraphQLFormattedError): Refusal => {
  const extensions = (error.extensions ?? {}) as { code?: string; http?: { status?: number; headers?: Map<string, string> } };
  const { http, ...rest } = extensions;
  const status = http?.status ?? STATUS[extensions.code ?? ''] ?? 400;
  return new Refusal([{ message: error.message, extensions: rest }], status, [...(http?.headers ?? new Map()).entries()]);
};

/**
 * `POST /export` (issue 13, point 5): any list of the graph as NDJSON (one node per line) or CSV (a header row,
 * nested fields as dotted columns, lists joined with ";"), streamed page after page. The pages are the caller's own
 * queries, run through this gateway in-process (same authorization, limits and audit as /graphql); the next page
 * is read only when the client has taken the last one (backpressure). A page the rate limits refuse mid-way is
 * waited for, not failed: a large export goes at the pace the caller's limits allow. `X-Total-Count` says how many
 * nodes will come when the connection counts them, so a client can show progress.
 */
export function exportRoute(options: ExportOptions): express.Router {
  const router = express.Router();
  // The body as /graphql reads it (kit/json-body.ts): the same refusals, compressed bodies taken.
  router.post('/export', jsonBody(options.maxBodyBytes, { inflate: true }), async (req, res) => {
    const requestId = readRequestId(req.headers);
    let aborted = false;
    res.on('close', () => (aborted = !res.writableFinished));
    try {
      const body = (req.body ?? {}) as { query?: unknown; variables?: unknown; operationName?: unknown; format?: unknown };
      const format = String(req.query.format ?? body.format ?? 'ndjson');
      if (!(format in FORMATS)) throw refusalOf(badRequest(`format must be ndjson or csv, got "${format}"`, 'format'));
      if (typeof body.query !== 'string') throw refusalOf(badRequest('Send the query to export as "query"', 'query'));
      if (body.variables != null && (typeof body.variables !== 'object' || Array.isArray(body.variables))) {
        throw refusalOf(badRequest('variables must be a JSON object, e.g. { "id": "…" }', 'variables'));
      }
      const variables = (body.variables ?? {}) as Record<string, unknown>;
      const { viewer } = await options.auth.authenticate(req.headers.authorization, req.ip ?? null, requestId).catch((error: GraphQLError) => {
        throw refusalOf(error);
      });
      if (viewer.kind === 'anonymous')
        throw new Refusal(
          [{ message: 'An export needs credentials: send Authorization: Bearer <token or API key>', extensions: { code: 'UNAUTHENTICATED' } }],
          401,
        );
      let plan: ExportPlan;
      try {
        plan = planExport(options.schema(), body.query, typeof body.operationName === 'string' ? body.operationName : undefined);
      } catch (error) {
        if (!(error instanceof GraphQLError)) throw error;
        throw refusalOf(error.extensions.code ? error : new GraphQLError(error.message, { extensions: { code: 'GRAPHQL_PARSE_FAILED' } }));
      }
      const page = (after: string | null, first: boolean, started: boolean) =>
        readPage(options, plan, { ...variables, [AFTER_VARIABLE]: after }, first, viewer, requestId, started);

      let current = await page(plan.startAfter, true, false);
      res.status(200);
      for (const [name, value] of current.rateLimit) res.setHeader(name, value);
      res.setHeader('Content-Type', FORMATS[format as Format].type);
      res.setHeader('Content-Disposition', `attachment; filename="${plan.name}.${FORMATS[format as Format].extension}"`);
      res.setHeader('Cache-Control', 'no-store');
      if (current.total !== null) res.setHeader('X-Total-Count', String(current.total));
      let header = format === 'csv';
      for (;;) {
        const text =
          format === 'csv'
            ? stringify(
                current.nodes.map((node) => plan.columns.map((column) => cellOf(node, column))),
                { header, columns: plan.columns.map((column) => column.join('.')) },
              )
            : current.nodes.map((node) => `${JSON.stringify(node)}\n`).join('');
        header = false;
        // Backpressure: the next page is read once the client has taken this one.
        if (text && !res.write(text) && !aborted) await drainedOrClosed(res);
        if (aborted || !current.endCursor) break;
        current = await page(current.endCursor, false, true);
      }
      res.end();
    } catch (error) {
      if (error instanceof Refusal && !res.headersSent) {
        for (const [name, value] of error.headers) res.setHeader(name, value);
        return void res.status(error.status).json({ errors: error.errors });
      }
      // Mid-way, the only honest signal is a broken response: the client sees the stream end early.
      options.log.warn({ err: error instanceof Refusal ? error.errors : error, requestId }, 'export stopped before its end');
      if (!res.headersSent) res.status(500).json({ errors: [{ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] });
      else res.destroy();
    }
  });
  // A browser or a link opens it with GET: say how it is called, as /graphql does for a mutation sent by GET.
  router.all('/export', (_req, res) => {
    res.status(405).set('allow', 'POST').json(problem('BAD_REQUEST', '/export takes POST with a JSON body { query, variables, format }'));
  });
  return router;
}

/** The client took what was written, or went away (then no 'drain' ever comes). */
const drainedOrClosed = (res: express.Response) =>
  new Promise<void>((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });

const badRequest = (message: string, field: string) => new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT', field } });

interface PageRead {
  nodes: unknown[];
  endCursor: string | null;
  total: number | null;
  rateLimit: Array<[string, string]>;
}

/** One page, run as the caller; once streaming, a rate limit is waited out instead of ending the export. */
async function readPage(
  options: ExportOptions,
  plan: ExportPlan,
  variables: Record<string, unknown>,
  first: boolean,
  viewer: Viewer,
  requestId: string,
  started: boolean,
): Promise<PageRead> {
  for (;;) {
    try {
      const allowance = await options.rateLimits.takeRequest(viewer);
      const response = await options.apollo.executeOperation(
        { query: first ? plan.firstPage : plan.nextPages, variables, operationName: plan.operationName },
        { contextValue: { requestId, viewer, deadline: Date.now() + options.requestTimeoutMs } },
      );
      if (response.body.kind !== 'single') throw new Error('an export page answered incrementally');
      const { data, errors } = response.body.singleResult;
      // Partial data is not exported: a field the caller may not read would be an empty column nobody notices.
      if (errors?.length) throw refusalOf(errors[0]!);
      let connection: unknown = data;
      for (const key of plan.path) connection = (connection as Record<string, unknown> | null)?.[key];
      const found = (connection ?? {}) as Record<string, unknown>;
      const edges = (found[plan.edgesKey] as Array<Record<string, unknown>> | undefined) ?? [];
      const pageInfo = found[PAGE_INFO_ALIAS] as { hasNextPage: boolean; endCursor: string | null } | undefined;
      return {
        nodes: edges.map((edge) => edge[plan.nodeKey]),
        endCursor: pageInfo?.hasNextPage ? pageInfo.endCursor : null,
        total: typeof found[TOTAL_ALIAS] === 'number' ? (found[TOTAL_ALIAS] as number) : null,
        rateLimit: headersOf(allowance),
      };
    } catch (error) {
      const refusal = error instanceof GraphQLError ? refusalOf(error) : error;
      const limited = refusal instanceof Refusal && refusal.errors[0]?.extensions?.code === 'RATE_LIMITED';
      if (!started || !limited) throw refusal;
      const seconds = Number(refusal.errors[0]!.extensions!.retryAfterSeconds ?? 1);
      await delay(seconds * 1000);
    }
  }
}
