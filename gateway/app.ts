import http from 'node:http';
import { readFile } from 'node:fs/promises';
import express from 'express';
import depthLimit from 'graphql-depth-limit';
import { GraphQLError } from 'graphql';
import { ApolloServer } from '@apollo/server';
import { expressMiddleware } from '@as-integrations/express5';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloGateway, IntrospectAndCompose, LocalGraphQLDataSource, RemoteGraphQLDataSource } from '@apollo/gateway';
import { readRequestId, REQUEST_ID_HEADER, VIEWER_HEADER, viewerFromAuthorization, type Viewer } from '../subgraphs/kit/context.js';
import { createLogger, type Logger } from '../subgraphs/kit/logger.js';
import type { SubgraphName } from '../subgraphs/kit/config.js';
import type { GatewayConfig } from './config.js';
import { connectEventBus, type EventBus } from '../subgraphs/kit/bus/index.js';
import { formatGatewayError } from './errors.js';
import { startSubscriptions } from './subscriptions/server.js';
import { graphiqlPage, graphiqlRouter, wantsIde } from './ide.js';
import { searchDomains } from './search/search.domains.js';
import { buildSearchSchema } from './search/search.schema.js';

export interface GatewayContext {
  requestId: string;
  viewer: Viewer;
}

type ProcessOptions = Parameters<RemoteGraphQLDataSource<GatewayContext>['process']>[0];

/** Forwards the request id and the caller to every subgraph call; names the subgraph that cannot be reached. */
class SubgraphDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  constructor(private readonly serviceName: string, url: string) {
    super({ url });
  }

  override async process(options: ProcessOptions) {
    try {
      return await super.process(options);
    } catch (error) {
      if (error instanceof GraphQLError) throw error;
      throw new GraphQLError(`The ${this.serviceName} service is unavailable right now; the rest of the answer is still returned`, {
        extensions: { code: 'SERVICE_UNAVAILABLE', serviceName: this.serviceName },
      });
    }
  }

  /** A subgraph's request-level error (e.g. a malformed variable, HTTP 400) keeps its code and message. */
  override async errorFromResponse(response: Parameters<RemoteGraphQLDataSource['errorFromResponse']>[0]) {
    const body = (await response.json().catch(() => undefined)) as { errors?: Array<{ message: string; extensions?: { code?: string } }> } | undefined;
    const first = body?.errors?.[0];
    return new GraphQLError(first?.message ?? `${this.serviceName} answered ${response.status}`, {
      extensions: { code: first?.extensions?.code ?? 'INTERNAL_SERVER_ERROR', serviceName: this.serviceName },
    });
  }

  override willSendRequest({ request, context }: Parameters<NonNullable<RemoteGraphQLDataSource<GatewayContext>['willSendRequest']>>[0]) {
    if (!context.requestId) return;
    request.http?.headers.set(REQUEST_ID_HEADER, context.requestId);
    request.http?.headers.set(VIEWER_HEADER, JSON.stringify(context.viewer));
  }
}

export async function createGateway(config: GatewayConfig, log: Logger = createLogger('gateway'), injected: { bus?: EventBus } = {}) {
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
        : new SubgraphDataSource(name, config.subgraphUrls[name as SubgraphName] ?? url!),
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

  app.get('/health', (_req, res) => {
    res.json({ status: 'ok', service: 'gateway' });
  });
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
      context: async ({ req }) => ({ requestId: readRequestId(req.headers), viewer: viewerFromAuthorization(req.headers.authorization) }),
    }),
  );

  const bus = injected.bus ?? (await connectEventBus());
  const subscriptions = await startSubscriptions({
    httpServer,
    apollo,
    apiSchema: gateway.schema!,
    bus,
    log,
    maxStallMs: config.maxStallMs,
  });

  return {
    app,
    httpServer,
    log,
    /** Stops subscriptions first (their sockets would hold the HTTP server open), then the gateway. */
    async stop() {
      await subscriptions.stop();
      await apollo.stop();
      if (!injected.bus) await bus.close();
    },
  };
}
