import http from 'node:http';
import { readFile } from 'node:fs/promises';
import express from 'express';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloGateway, IntrospectAndCompose, LocalGraphQLDataSource } from '@apollo/gateway';
import { readRequestId } from '@crm/kit/context.js';
import { createGraphClient } from '@crm/kit/graph-client.js';
import { createRemoteJWKSet } from 'jose';
import { createLogger, type Logger } from '@crm/kit/logger.js';
import type { SubgraphName } from '@crm/kit/config.js';
import { requestLimits, type GatewayConfig } from './config.js';
import { queryLimits } from './limits/query-limits.js';
import { jsonAnswerHeaders, securityHeaders } from './http-hygiene.js';
import { answerMalformedRequests, bodyErrors, problem } from '@crm/kit/http-errors.js';
import { graphqlHttpHandler, isGraphqlRequest } from '@crm/kit/graphql-http.js';
import proxyAddress from 'proxy-addr';
import { connectEventBus, type EventBus } from '@crm/kit/bus/index.js';
import { Health } from '@crm/kit/health.js';
import { formatGatewayError } from './errors.js';
import { idempotencyKeyOf, SubgraphDataSource, subgraphAgent, type GatewayContext } from './subgraph-data-source.js';

export type { GatewayContext };
import { startSubscriptions } from './subscriptions/server.js';
import { BusTail } from './subscriptions/bus-tail.js';
import { Authenticator } from './auth/authenticator.js';
import { AuditRecorder } from './auth/audit-recorder.js';
import { createDevIssuer, DEV_SUBJECT_PREFIX, devIssuerKeys } from './auth/dev-issuer.js';
import { requireCredentials } from './auth/public-operations.js';
import { graphiqlPage, graphiqlRouter, wantsIde } from './ide.js';
import { searchDomains } from './search/search.domains.js';
import { buildSearchSchema } from './search/search.schema.js';
import { headersOf, RateLimits, rateLimitSettings } from './limits/rate-limits.js';
import { publicRoutes } from './public-routes.js';
import { exportRoute } from './export/export-route.js';
import { dashboardRouter } from './dashboard.js';
import { ClientSchemaGateway, schemaFile, subscriptionsOverWebSocket } from './client-schema.js';

export async function createGateway(config: GatewayConfig, log: Logger = createLogger('gateway'), injected: { bus?: EventBus } = {}) {
  const agent = subgraphAgent(config.subgraphIdleSocketMs);
  const searchSchema = await buildSearchSchema(searchDomains(config.subgraphUrls, log));
  const gateway = new ApolloGateway({
    ...(config.supergraph === 'file'
      ? { supergraphSdl: await readFile(config.supergraphPath, 'utf8') }
      : {
          supergraphSdl: new IntrospectAndCompose({
            subgraphs: Object.entries(config.subgraphUrls).map(([name, url]) => ({ name, url })),
          }),
        }),
    buildService: ({ name, url }) =>
      name === 'search' ? new LocalGraphQLDataSource(searchSchema) : new SubgraphDataSource(name, config.subgraphUrls[name as SubgraphName] ?? url!, agent),
    logger: log,
  });

  const bus = injected.bus ?? (await connectEventBus(log));
  const tail = new BusTail(bus, log);
  await tail.start();
  const identity = createGraphClient((name) => config.subgraphUrls[name], 'gateway');
  const audit = new AuditRecorder(identity, log);
  const devIssuer = 'devIssuerDir' in config.auth ? await createDevIssuer(config.auth.devIssuerDir) : undefined;
  const auth = new Authenticator({
    issuer: 'issuer' in config.auth ? config.auth.issuer : devIssuer!.issuer,
    audience: config.auth.audience,
    keys: devIssuer ? devIssuerKeys(devIssuer) : createRemoteJWKSet(new URL((config.auth as { jwksUrl: string }).jwksUrl)),
    graph: identity,
    audit,
    log,
  });
  // Identity announces changes to users, teams, keys and rules on the bus; cached answers about them are dropped.
  const leaveTail = tail.join({
    internal: true,
    matches: (event) => event.stream === 'identity',
    push: (event) => auth.onIdentityEvent(event),
    end: () => undefined,
  });

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.trustProxy);
  // POST /graphql is served without Express (kit/graphql-http.ts); everything else goes to `app`.
  const httpServer = http.createServer();
  answerMalformedRequests(httpServer, log);
  const limits = requestLimits(config.limits);
  const rateLimits = new RateLimits({ ...rateLimitSettings(), ...config.rateLimits }, log);
  // Refused before any subgraph is called: no credentials, then too many aliases, tokens, levels or records.
  const guard = queryLimits(
    limits,
    (viewer, cost) => rateLimits.takeCost(viewer, cost),
    (viewer, cost) => rateLimits.returnCost(viewer, cost),
  );
  // Clients validate and introspect against the client schema (with Subscription); the gateway plans the rest.
  const clientGateway = new ClientSchemaGateway(gateway);
  const apollo = new ApolloServer<GatewayContext>({
    gateway: clientGateway,
    formatError: formatGatewayError(log),
    includeStacktraceInErrorResponses: false,
    allowBatchedHttpRequests: false,
    parseOptions: guard.parseOptions,
    validationRules: guard.validationRules,
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      ApolloServerPluginLandingPageDisabled(),
      requireCredentials(audit),
      subscriptionsOverWebSocket(),
      ...guard.plugins,
    ],
  });
  await apollo.start();

  const health = new Health('gateway');
  app.use(securityHeaders());
  health.mount(app);
  if (limits.ide) {
    app.use(graphiqlRouter());
    app.get('/graphql', (req, res, next) => {
      if (wantsIde(req.headers.accept, req.query))
        res.type('html').send(graphiqlPage('/graphql', { demoUsers: Boolean(devIssuer), nonce: res.locals.cspNonce as string }));
      else next();
    });
  }
  // The client SDL, subscriptions included: what introspection answers, for codegen and IDEs that read a file.
  app.get(
    '/schema.graphql',
    schemaFile(clientGateway, {
      production: limits.production,
      viewerOf: async (req) => (await auth.authenticate(req.headers.authorization, req.ip ?? null, readRequestId(req.headers))).viewer,
    }),
  );
  if (devIssuer) app.use(devIssuer.router(() => demoUsers(identity), config.auth.audience));
  // The live dashboard (dashboard/), when built: a page of the same origin that signs in with a token like GraphiQL.
  app.use(dashboardRouter());
  // Links customers open (a quote, later an unsubscribe): each subgraph's /public routes, checked by their own tokens.
  app.use(publicRoutes({ subgraphUrls: config.subgraphUrls, agent, timeoutMs: limits.requestTimeoutMs, rateLimits, log }));
  // Any list as NDJSON or CSV, page by page through this gateway as the caller (issue 13, point 5).
  app.use(
    exportRoute({
      apollo,
      schema: () => gateway.schema!,
      auth,
      rateLimits,
      maxBodyBytes: limits.maxBodyBytes,
      requestTimeoutMs: limits.requestTimeoutMs,
      log,
    }),
  );
  // The caller comes from their credentials only, verified here; subgraphs get it in a token the gateway signs.
  const context = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<GatewayContext> => {
    const requestId = readRequestId(req.headers);
    const { viewer } = await auth.authenticate(req.headers.authorization, clientAddress(req), requestId);
    for (const [name, value] of headersOf(await rateLimits.takeRequest(viewer))) res.setHeader(name, value);
    return { requestId, viewer, idempotencyKey: idempotencyKeyOf(req.headers), deadline: Date.now() + limits.requestTimeoutMs };
  };
  // Express's own reading of X-Forwarded-For (its `trust proxy`), for the requests it does not see.
  const trusted = app.get('trust proxy fn') as (address: string, hop: number) => boolean;
  const clientAddress = (req: http.IncomingMessage) => proxyAddress(req, trusted) || null;
  const graphql = graphqlHttpHandler<GatewayContext>({
    apollo,
    context,
    contextWhen: 'in-pipeline',
    maxBodyBytes: limits.maxBodyBytes,
    inflate: true,
    headers: jsonAnswerHeaders(),
    log,
  });
  httpServer.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
    if (req.method === 'POST' && isGraphqlRequest(req)) return void graphql(req, res);
    app(req, res);
  });
  // Any other method (a GET with the query in the address, when it is not the IDE above) is Apollo's to answer too.
  app.all('/graphql', (req, res) => void graphql(req, res));
  // Any other path: a JSON answer with a code, like every refusal, not Express's HTML "Cannot GET".
  app.use((req, res) => void res.status(404).json(problem('NOT_FOUND', `There is nothing at ${req.method} ${req.path.slice(0, 200)}`)));
  app.use(bodyErrors(log, limits.maxBodyBytes));

  health.add('bus', async () => {
    await bus.ping();
    return { ok: true, transport: bus.name };
  });
  const subscriptions = await startSubscriptions({
    httpServer,
    apollo,
    apiSchema: gateway.schema!,
    tail,
    auth,
    rateLimits,
    // The same limits as over HTTP: one operation's size, depth, text and cost, and a message no larger than a body.
    limits: { prepare: guard.prepare, maxMessageBytes: limits.maxBodyBytes },
    log,
    maxStallMs: config.maxStallMs,
    keepAliveMs: config.keepAliveMs ?? 30_000,
  });
  health.add('subscriptions', () => ({ ok: true, ...subscriptions.stats() }));

  return {
    app,
    httpServer,
    log,
    /** Stops subscriptions first (their sockets would hold the HTTP server open), then the gateway. */
    /** The development issuer, when it runs (tests and `npm start` mint demo tokens with it). */
    devIssuer,
    async stop() {
      await subscriptions.stop();
      await apollo.stop();
      leaveTail();
      await tail.stop();
      await audit.stop();
      await rateLimits.stop();
      if (!injected.bus) await bus.close();
      await agent.close();
    },
  };
}

/** The users the development issuer signs for (their subject is dev|<e-mail>), for the IDE's picker. */
async function demoUsers(identity: ReturnType<typeof createGraphClient>) {
  const { users } = await identity.query<{ users: Array<{ name: string; role: string; subject: string | null }> }>(
    'identity',
    '{ users { name role subject } }',
  );
  return users.filter((u) => u.subject?.startsWith(DEV_SUBJECT_PREFIX)).map((u) => ({ name: u.name, role: u.role, subject: u.subject! }));
}
