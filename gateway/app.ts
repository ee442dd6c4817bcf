import http from 'node:http';
import { readFile } from 'node:fs/promises';
import express from 'express';
import depthLimit from 'graphql-depth-limit';
import { ApolloServer } from '@apollo/server';
import { expressMiddleware } from '@as-integrations/express5';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloGateway, IntrospectAndCompose, LocalGraphQLDataSource } from '@apollo/gateway';
import { readRequestId } from '../subgraphs/kit/context.js';
import { createGraphClient } from '../subgraphs/kit/graph-client.js';
import { createRemoteJWKSet } from 'jose';
import { createLogger, type Logger } from '../subgraphs/kit/logger.js';
import type { SubgraphName } from '../subgraphs/kit/config.js';
import type { GatewayConfig } from './config.js';
import { connectEventBus, type EventBus } from '../subgraphs/kit/bus/index.js';
import { Health } from '../subgraphs/kit/health.js';
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


export async function createGateway(config: GatewayConfig, log: Logger = createLogger('gateway'), injected: { bus?: EventBus } = {}) {
  const agent = subgraphAgent(config.subgraphIdleSocketMs);
  const searchSchema = await buildSearchSchema(searchDomains(config.subgraphUrls));
  const gateway = new ApolloGateway({
    ...(config.supergraph === 'file'
      ? { supergraphSdl: await readFile(config.supergraphPath, 'utf8') }
      : {
          supergraphSdl: new IntrospectAndCompose({
            subgraphs: Object.entries(config.subgraphUrls).map(([name, url]) => ({ name, url })),
          }),
        }),
    buildService: ({ name, url }) =>
      name === 'search'
        ? new LocalGraphQLDataSource(searchSchema)
        : new SubgraphDataSource(name, config.subgraphUrls[name as SubgraphName] ?? url!, agent),
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
  const leaveTail = tail.join({ internal: true, matches: (event) => event.stream === 'identity', push: (event) => auth.onIdentityEvent(event), end: () => undefined });

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.trustProxy);
  const httpServer = http.createServer(app);
  const apollo = new ApolloServer<GatewayContext>({
    gateway,
    formatError: formatGatewayError(log),
    includeStacktraceInErrorResponses: false,
    // Nested connections multiply (100 × 100 × …): a query deeper than any screen needs is refused up front.
    validationRules: [depthLimit(config.maxQueryDepth)],
    plugins: [ApolloServerPluginDrainHttpServer({ httpServer }), ApolloServerPluginLandingPageDisabled(), requireCredentials(audit)],
  });
  await apollo.start();

  const health = new Health('gateway');
  health.mount(app);
  app.use(graphiqlRouter());
  if (devIssuer) app.use(devIssuer.router(() => demoUsers(identity), config.auth.audience));
  app.get('/graphql', (req, res, next) => {
    if (wantsIde(req.headers.accept, req.query)) res.type('html').send(graphiqlPage('/graphql', { demoUsers: Boolean(devIssuer) }));
    else next();
  });
  app.use(
    '/graphql',
    express.json({ limit: '5mb' }),
    expressMiddleware(apollo, {
      // The caller comes from their credentials only, verified here; subgraphs get it in a token the gateway signs.
      context: async ({ req }) => {
        const requestId = readRequestId(req.headers);
        const { viewer } = await auth.authenticate(req.headers.authorization, req.ip ?? null, requestId);
        return { requestId, viewer, idempotencyKey: idempotencyKeyOf(req.headers) };
      },
    }),
  );

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
    log,
    maxStallMs: config.maxStallMs,
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
      if (!injected.bus) await bus.close();
      await agent.close();
    },
  };
}

/** The users the development issuer signs for (their subject is dev|<e-mail>), for the IDE's picker. */
async function demoUsers(identity: ReturnType<typeof createGraphClient>) {
  const { users } = await identity.query<{ users: Array<{ name: string; role: string; subject: string | null }> }>('identity', '{ users { name role subject } }');
  return users.filter((u) => u.subject?.startsWith(DEV_SUBJECT_PREFIX)).map((u) => ({ name: u.name, role: u.role, subject: u.subject! }));
}
