import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import {
  defaultFieldResolver,
  execute,
  GraphQLError,
  print,
  subscribe,
  type GraphQLFieldResolver,
  type GraphQLSchema,
} from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer, type WebSocket } from 'ws';
import type { ApolloServer } from '@apollo/server';
import type { BusEvent, EventBus } from '../../subgraphs/kit/bus/index.js';
import { viewerFromAuthorization, type Viewer } from '../../subgraphs/kit/context.js';
import type { Logger } from '../../subgraphs/kit/logger.js';
import type { GatewayContext } from '../app.js';
import { ENTITY_ID_VARIABLE, entityQuery } from './entity-query.js';
import { matchingEvents, WakeHub } from './event-stream.js';
import { buildSubscriptionSchema } from './schema.js';
import { topics } from './topics.js';

interface SubscriptionContext {
  viewer: Viewer;
  socket: WebSocket;
}

interface Payload {
  busEvent: BusEvent;
  event: { type: string; cursor: string; occurredAt: string; aggregateId: string; changedFields: string[] };
}

export interface SubscriptionOptions {
  httpServer: Server;
  apollo: ApolloServer<GatewayContext>;
  apiSchema: GraphQLSchema;
  bus: EventBus;
  log: Logger;
  /** A client that has not taken its next event for this long is told to resume by cursor and disconnected. */
  maxStallMs: number;
}

// Entities come back from the gateway keyed by the client's response keys (aliases included).
const responseKeyResolver: GraphQLFieldResolver<unknown, unknown> = (source, args, context, info) =>
  source && typeof source === 'object' && info.path.key in source
    ? (source as Record<string, unknown>)[info.path.key as string]
    : defaultFieldResolver(source, args, context, info);

/**
 * graphql-ws (graphql-transport-ws) on the gateway's own /graphql path. Events come from the bus; each
 * payload's entity is fetched through the gateway's query planning with the client's own selection.
 */
export async function startSubscriptions(options: SubscriptionOptions) {
  const { bus, apollo, log } = options;
  const hub = new WakeHub(bus);
  await hub.start();
  const schema = buildSubscriptionSchema(options.apiSchema);
  const subscriptionFields = schema.getSubscriptionType()!.getFields();

  for (const [name, topic] of Object.entries(topics)) {
    const field = subscriptionFields[name]!;
    field.subscribe = async (_source, args: Record<string, unknown>, context: SubscriptionContext) => {
      const after = (args.after as string | null | undefined) ?? null;
      if (after !== null) await bus.read(after, 1); // an expired or foreign cursor fails here, before any event
      const events = matchingEvents({
        bus,
        hub,
        after,
        matches: (event) => topic.matches(event, args),
        isClosed: () => context.socket.readyState !== context.socket.OPEN,
      });
      // Each subscription holds one event in flight: the next is read only once the socket took this one.
      // A client that stops reading holds a cursor, not a queue; after maxStallMs it is told to resume.
      return (async function* () {
        for await (const busEvent of events) {
          const stalled = setTimeout(
            () => context.socket.close(4409, 'Too slow: resubscribe with after set to the last cursor received'),
            options.maxStallMs,
          );
          try {
            yield { busEvent, event: toChangeEvent(busEvent) } satisfies Payload;
          } finally {
            clearTimeout(stalled);
          }
        }
      })();
    };
    field.resolve = (payload: Payload) => payload;

    const payloadType = schema.getType(field.type.toString().replace('!', '')) as import('graphql').GraphQLObjectType;
    payloadType.getFields()[topic.payloadField]!.resolve = async (payload: Payload, _args, context: SubscriptionContext, info) => {
      const { document, variables } = entityQuery(info, topic.entityQueryField);
      const response = await apollo.executeOperation(
        { query: print(document), variables: { ...variables, [ENTITY_ID_VARIABLE]: topic.entityId(payload.busEvent) } },
        { contextValue: { requestId: randomUUID(), viewer: context.viewer } },
      );
      const result = response.body.kind === 'single' ? response.body.singleResult : undefined;
      const entity = (result?.data as { entity?: unknown } | undefined)?.entity;
      const error = result?.errors?.[0];
      if (error && !entity) throw new GraphQLError(error.message, { extensions: error.extensions });
      return entity ?? null;
    };
  }

  const wsServer = new WebSocketServer({ server: options.httpServer, path: '/graphql' });
  const disposable = useServer<Record<string, unknown> | undefined, { viewer?: Viewer }>(
    {
      schema,
      execute: (args) => execute({ ...args, fieldResolver: responseKeyResolver }),
      subscribe: (args) => subscribe({ ...args, fieldResolver: responseKeyResolver }),
      // The auth hook: a connection must present credentials in connection_init (rules come with access control).
      onConnect: (ctx) => {
        const viewer = viewerFromAuthorization(ctx.connectionParams?.authorization);
        if (viewer.kind === 'anonymous') return false;
        ctx.extra.viewer = viewer;
        return true;
      },
      context: (ctx): SubscriptionContext => ({ viewer: ctx.extra.viewer!, socket: ctx.extra.socket }),
      onError: (_ctx, _id, _payload, errors) => {
        log.warn({ errors: errors.map((e) => e.message) }, 'subscription error');
      },
    },
    wsServer,
  );

  return {
    async stop() {
      await disposable.dispose();
      wsServer.close();
      await hub.stop();
    },
  };
}

function toChangeEvent(event: BusEvent): Payload['event'] {
  const changed = event.payload.changedFields;
  return {
    type: event.type,
    cursor: event.cursor,
    occurredAt: event.occurredAt,
    aggregateId: event.aggregateId,
    changedFields: Array.isArray(changed) ? changed.map(String) : [],
  };
}
