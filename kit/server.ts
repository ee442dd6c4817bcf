import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginInlineTraceDisabled,
  ApolloServerPluginLandingPageDisabled,
  ApolloServerPluginUsageReportingDisabled,
} from '@apollo/server/plugin/disabled';
import type { GraphQLSchema } from 'graphql';
import type { MikroORM } from '@mikro-orm/postgresql';
import { readRequestId, requestScope, type RequestContext, type Viewer } from './context.js';
import { platform } from './config.js';
import { INTERNAL_TOKEN_HEADER, InternalTokenError, verifyInternalToken } from './access/internal-token.js';
import { createErrorFormatter } from './errors.js';
import { IDEMPOTENCY_KEY_HEADER, readIdempotencyKey } from './mutations.js';
import { recordAudit } from './audit.js';
import type { GraphClient } from './graph-client.js';
import { answerMalformedRequests, bodyErrors } from './http-errors.js';
import { graphqlHttpHandler, isGraphqlRequest } from './graphql-http.js';
import { Refusal } from './json-body.js';
import type { Health } from './health.js';
import type { Logger } from './logger.js';
import { readDeadline } from './deadline.js';

export interface SubgraphOptions<Loaders> {
  name: string;
  schema: GraphQLSchema;
  orm: MikroORM;
  log: Logger;
  createLoaders: (em: RequestContext<unknown>['em'], viewer: Viewer, graph: GraphClient) => Loaders;
  port: number;
  host?: string;
  health: Health;
  keepAliveMs?: number;
  graph: GraphClient;
  /** Its plain HTTP routes for customers, mounted at `/public/` (the gateway forwards `/public/<name>/…` here). */
  publicRoutes?: (router: express.Router) => void;
}

/** The largest request body a subgraph reads: a bulk call of 1,000 items with room to spare. */
const MAX_BODY_BYTES = 5 * 1024 * 1024;

export interface RunningServer {
  url: string;
  port: number;
  stop(): Promise<void>;
}

/** Logs each operation with the request id the gateway forwarded, so one request can be followed across services. */
function requestLogging<Loaders>(): ApolloServerPlugin<RequestContext<Loaders>> {
  return {
    async requestDidStart({ contextValue }) {
      const started = Date.now();
      return {
        async willSendResponse({ operationName, errors }) {
          contextValue.log.info(
            { requestId: contextValue.requestId, caller: contextValue.viewer.id, operationName, ms: Date.now() - started, errors: errors?.length ?? 0 },
            'operation',
          );
        },
      };
    },
  };
}

/**
 * The audit of what a request read or was refused: every refusal (a missing permission, a hidden field), and
 * every read of personal data in bulk (one field for more than one record, e.g. a list with e-mails). Mutations are
 * audited with their changes in their own transaction (mutations.ts).
 */
function readAudit<Loaders>(orm: MikroORM, log: Logger): ApolloServerPlugin<RequestContext<Loaders>> {
  return {
    async requestDidStart({ contextValue }) {
      return {
        async willSendResponse({ operationName }) {
          const { viewer } = contextValue;
          if (viewer.kind === 'system') return;
          const refusals = [...contextValue.refused];
          const bulk = [...contextValue.personalDataRead].filter(([, count]) => count > 1);
          if (refusals.length === 0 && bulk.length === 0) return;
          const base = {
            at: new Date().toISOString(),
            actorId: viewer.id,
            actorKind: viewer.kind,
            requestId: contextValue.requestId,
            clientIp: viewer.ip,
            service: contextValue.service,
          };
          const em = orm.em.fork();
          for (const [field, reason] of refusals.slice(0, 20)) recordAudit(em, { ...base, operation: field, outcome: 'DENIED', reason });
          if (bulk.length) {
            recordAudit(em, {
              ...base,
              operation: 'PERSONAL_DATA_READ',
              outcome: 'DONE',
              details: { operationName: operationName ?? null, fields: Object.fromEntries(bulk) },
            });
          }
          await em.flush().catch((error: unknown) => log.error({ err: error, requestId: contextValue.requestId }, 'audit of a read not recorded'));
        },
      };
    },
  };
}

export async function startSubgraphServer<Loaders>(options: SubgraphOptions<Loaders>): Promise<RunningServer> {
  const app = express();
  // /graphql is served without Express (graphql-http.ts); everything else goes to `app`.
  const httpServer = http.createServer();
  answerMalformedRequests(httpServer, options.log);
  const apollo = new ApolloServer<RequestContext<Loaders>>({
    schema: options.schema,
    formatError: createErrorFormatter(options.log),
    includeStacktraceInErrorResponses: false,
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      ApolloServerPluginLandingPageDisabled(),
      ApolloServerPluginInlineTraceDisabled(),
      // Only the gateway reads a subgraph's answers, and it caches none of them: no cache hints worked out per
      // field (the plugin wraps every resolver), and no usage reports to Apollo's cloud.
      ApolloServerPluginCacheControlDisabled(),
      ApolloServerPluginUsageReportingDisabled(),
      requestLogging<Loaders>(),
      readAudit<Loaders>(options.orm, options.log),
    ],
  });
  await apollo.start();

  options.health.add('database', async () => {
    await options.orm.em.getConnection().execute('select 1', [], 'get', undefined, { enabled: false });
    return { ok: true };
  });
  options.health.mount(app);
  app.disable('x-powered-by');
  // No ETag computed (a hash of every answer): the gateway's POSTs never revalidate.
  app.set('etag', false);
  const graphql = graphqlHttpHandler<RequestContext<Loaders>>({
    apollo,
    maxBodyBytes: MAX_BODY_BYTES,
    log: options.log,
    context: async (req) => {
      const viewer = await callerOf(req, options.name);
      const scope = requestScope.getStore();
      if (scope) scope.byPlatform = viewer.kind === 'system';
      const em = options.orm.em.fork();
      return {
        service: options.name,
        graph: options.graph,
        em,
        viewer,
        requestId: scope?.requestId ?? readRequestId(req.headers),
        log: options.log,
        loaders: options.createLoaders(em, viewer, options.graph),
        // The gateway refuses a malformed key before forwarding it; here one is only ever well-formed or absent.
        idempotencyKey: optionalIdempotencyKey(req.headers[IDEMPOTENCY_KEY_HEADER]),
        deadline: readDeadline(req.headers),
        personalDataRead: new Map<string, number>(),
        refused: new Map<string, string>(),
      };
    },
  });
  httpServer.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
    if (!isGraphqlRequest(req)) return void app(req, res);
    requestScope.run({ requestId: readRequestId(req.headers) }, () => void graphql(req, res));
  });
  app.use(bodyErrors(options.log, MAX_BODY_BYTES));
  if (options.publicRoutes) app.use('/public', publicRouter(options.publicRoutes, options.log));

  // Longer than the gateway keeps an idle socket (SUBGRAPH_IDLE_SOCKET_MS): the gateway always closes first.
  httpServer.keepAliveTimeout = options.keepAliveMs ?? platform().HTTP_KEEP_ALIVE_MS;
  httpServer.headersTimeout = httpServer.keepAliveTimeout + 5000;
  // Only this machine by default: the gateway is the door (HOST=0.0.0.0 on a private network, as docker-compose does).
  await new Promise<void>((resolve) => httpServer.listen(options.port, options.host ?? platform().HOST, resolve));
  const { port } = httpServer.address() as AddressInfo;
  options.log.info({ port }, `${options.name} subgraph ready`);
  return {
    url: `http://localhost:${port}/graphql`,
    port,
    stop: async () => {
      await apollo.stop();
    },
  };
}

/** What a customer sees for a link the platform cannot read: the same words as a forged link's page. */
const INVALID_LINK_PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>This link is not valid</title></head>
<body><h1>This link is not valid</h1><p>Please check that it was copied whole, or ask your dealer for a new one.</p></body></html>`;

/** The 4xx status Express gave an error it raised for the request itself (e.g. 400 for broken %-encoding in the URL). */
function clientErrorStatus(error: unknown): number | undefined {
  const status = (error as { status?: unknown } | null)?.status ?? (error as { statusCode?: unknown } | null)?.statusCode;
  return typeof status === 'number' && status >= 400 && status < 500 ? status : undefined;
}

/**
 * The subgraph's public routes, each request with its id in the logs; a failure is logged and answered without
 * details. The logs name the route's pattern, never the path: a link's path holds the customer's signed token.
 */
export function publicRouter(mount: (router: express.Router) => void, log: Logger): express.Router {
  const router = express.Router();
  router.use((req, _res, next) => requestScope.run({ requestId: readRequestId(req.headers) }, next));
  mount(router);
  router.use((error: unknown, req: express.Request, res: express.Response, next: express.NextFunction) => {
    const requestId = requestScope.getStore()?.requestId;
    const route = (req.route as { path?: unknown } | undefined)?.path;
    const status = clientErrorStatus(error);
    if (status !== undefined) {
      // The link as sent cannot be read (its message would quote the token): the customer's problem, not ours.
      log.info({ requestId, status, route }, 'public route refused a malformed request');
      if (res.headersSent) return next(error);
      return void res.status(status).set('Cache-Control', 'no-store').type('html').send(INVALID_LINK_PAGE);
    }
    log.error({ err: error, requestId, route }, 'public route failed');
    if (res.headersSent) return next(error);
    res.status(500).type('text/plain').send('Something went wrong on our side; please try again later.');
  });
  return router;
}

/**
 * Only the platform's own services may call a subgraph: every request carries a token the gateway (or a fellow
 * service) signed for this subgraph, or it is refused before anything is parsed or run.
 */
async function callerOf(req: http.IncomingMessage, subgraph: string): Promise<Viewer> {
  try {
    return await verifyInternalToken(req.headers[INTERNAL_TOKEN_HEADER], subgraph);
  } catch (error) {
    if (!(error instanceof InternalTokenError)) throw error;
    throw new Refusal(401, 'UNAUTHENTICATED', "Subgraphs answer only the platform's gateway: call the gateway");
  }
}

function optionalIdempotencyKey(value: unknown): string | undefined {
  try {
    return readIdempotencyKey(value);
  } catch {
    return undefined;
  }
}
