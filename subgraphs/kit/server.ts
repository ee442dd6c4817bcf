import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { expressMiddleware } from '@as-integrations/express5';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginInlineTraceDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import type { GraphQLSchema } from 'graphql';
import type { MikroORM } from '@mikro-orm/postgresql';
import { readRequestId, readViewer, requestScope, type RequestContext } from './context.js';
import { envInt } from './config.js';
import { createErrorFormatter } from './errors.js';
import { IDEMPOTENCY_KEY_HEADER, readIdempotencyKey } from './mutations.js';
import type { Health } from './health.js';
import type { Logger } from './logger.js';

export interface SubgraphOptions<Loaders> {
  name: string;
  schema: GraphQLSchema;
  orm: MikroORM;
  log: Logger;
  createLoaders: (em: RequestContext<unknown>['em']) => Loaders;
  port: number;
  host?: string;
  health: Health;
  keepAliveMs?: number;
}

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
            { requestId: contextValue.requestId, operationName, ms: Date.now() - started, errors: errors?.length ?? 0 },
            'operation',
          );
        },
      };
    },
  };
}

export async function startSubgraphServer<Loaders>(options: SubgraphOptions<Loaders>): Promise<RunningServer> {
  const app = express();
  const httpServer = http.createServer(app);
  const apollo = new ApolloServer<RequestContext<Loaders>>({
    schema: options.schema,
    formatError: createErrorFormatter(options.log),
    includeStacktraceInErrorResponses: false,
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      ApolloServerPluginLandingPageDisabled(),
      ApolloServerPluginInlineTraceDisabled(),
      requestLogging<Loaders>(),
    ],
  });
  await apollo.start();

  options.health.add('database', async () => {
    await options.orm.em.getConnection().execute('select 1', [], 'get', undefined, { enabled: false });
    return { ok: true };
  });
  options.health.mount(app);
  app.use(
    '/graphql',
    (req, _res, next) => requestScope.run({ requestId: readRequestId(req.headers) }, next),
    express.json({ limit: '5mb' }),
    expressMiddleware(apollo, {
      context: async ({ req }) => {
        const em = options.orm.em.fork();
        return {
          em,
          viewer: readViewer(req.headers),
          requestId: requestScope.getStore()?.requestId ?? readRequestId(req.headers),
          log: options.log,
          loaders: options.createLoaders(em),
          // The gateway refuses a malformed key before forwarding it; here one is only ever well-formed or absent.
          idempotencyKey: optionalIdempotencyKey(req.headers[IDEMPOTENCY_KEY_HEADER]),
        };
      },
    }),
  );

  // Longer than the gateway keeps an idle socket (SUBGRAPH_IDLE_SOCKET_MS): the gateway always closes first.
  httpServer.keepAliveTimeout = options.keepAliveMs ?? envInt('HTTP_KEEP_ALIVE_MS', 65_000);
  httpServer.headersTimeout = httpServer.keepAliveTimeout + 5000;
  await new Promise<void>((resolve) => httpServer.listen(options.port, options.host ?? '0.0.0.0', resolve));
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

function optionalIdempotencyKey(value: unknown): string | undefined {
  try {
    return readIdempotencyKey(value);
  } catch {
    return undefined;
  }
}
