import http from 'node:http';
import { readFile } from 'node:fs/promises';
import express from 'express';
import depthLimit from 'graphql-depth-limit';
import { ApolloServer } from '@apollo/server';
import { expressMiddleware } from '@as-integrations/express5';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloGateway, IntrospectAndCompose, LocalGraphQLDataSource } from '@apollo/gateway';
import { readRequestId, viewerFromAuthorization } from '../subgraphs/kit/context.js';
import { createLogger, type Logger } from '../subgraphs/kit/logger.js';
import type { SubgraphName } from '../subgraphs/kit/config.js';
import type { GatewayConfig } from './config.js';
import { connectEventBus, type EventBus } from '../subgraphs/kit/bus/index.js';
import { Health } from '../subgraphs/kit/health.js';
import { formatGatewayError } from './errors.js';
import { idempotencyKeyOf, SubgraphDataSource, subgraphAgent, type GatewayContext } from './subgraph-data-source.js';

export type { GatewayContext };
import { startSubscriptions } from './subscriptions/server.js';
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

  const app = express();
  const httpServer = http.createServer(app);
  const apollo = new ApolloServer<GatewayContext>({
    gateway,
    formatError: formatGatewayError(log),
    includeStacktraceInErrorResponses: false,
    // Nested connections multiply (100 × 100 × …): a query deeper than any screen needs is refused up front.
    validationRules: [depthLimit(config.maxQueryDepth)],
    plugins: [ApolloServerPluginDrainHttpServer({ httpServer }), ApolloServerPluginLandingPageDisabled()],
  });
  await apollo.start();

  const health = new Health('gateway');
  health.mount(app);
  app.use(graphiqlRouter());
  app.get('/graphql', (req, res, next) => {
    if (wantsIde(req.headers.accept, req.query)) res.type('html').send(graphiqlPage('/graphql'));
    else next();
  });
  app.use(
    '/graphql',
    express.json({ limit: '5mb' }),
    expressMiddleware(apollo, {
      // A client's own x-viewer header is ignored: the caller comes from its credentials.
      context: async ({ req }) => ({
        requestId: readRequestId(req.headers),
        viewer: viewerFromAuthorization(req.headers.authorization),
        idempotencyKey: idempotencyKeyOf(req.headers),
      }),
    }),
  );

  const bus = injected.bus ?? (await connectEventBus(log));
  health.add('bus', async () => {
    await bus.ping();
    return { ok: true, transport: bus.name };
  });
  const subscriptions = await startSubscriptions({
    httpServer,
    apollo,
    apiSchema: gateway.schema!,
    bus,
    log,
    maxStallMs: config.maxStallMs,
  });
  health.add('subscriptions', () => ({ ok: true, ...subscriptions.stats() }));

  return {
    app,
    httpServer,
    log,
    /** Stops subscriptions first (their sockets would hold the HTTP server open), then the gateway. */
    async stop() {
      await subscriptions.stop();
      await apollo.stop();
      if (!injected.bus) await bus.close();
      await agent.close();
    },
  };
}
