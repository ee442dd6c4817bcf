import type { Server } from 'node:http';
import { randomUUID } from 'node:crypto';
import {
  defaultFieldResolver,
  execute,
  getNamedType,
  GraphQLError,
  print,
  type DocumentNode,
  type GraphQLFieldResolver,
  type GraphQLObjectType,
  type GraphQLResolveInfo,
  type GraphQLSchema,
} from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer, type WebSocket } from 'ws';
import type { ApolloServer } from '@apollo/server';
import type { BusEvent } from '@crm/kit/bus/index.js';
import type { Viewer } from '@crm/kit/context.js';
import { ANONYMOUS, requirePermission, systemViewer } from '@crm/kit/access/viewer.js';
import { readLinkToken } from '@crm/kit/access/link-token.js';
import { DomainError } from '@crm/kit/errors.js';
import { parseId } from '@crm/kit/ids.js';
import { AccessDenied, changesAccess, type Authenticator } from '../auth/authenticator.js';
import { SignedInSockets } from './signed-in-sockets.js';
import type { Logger } from '@crm/kit/logger.js';
import type { GatewayContext } from '../subgraph-data-source.js';
import type { BusTail } from './bus-tail.js';
import { EntityLoader, fieldErrors, permissionKey, type LoadedEntity } from './entity-loader.js';
import { subscribeSharingAnswers } from './shared-answers.js';
import { entitySelection, fixedSelection, selectsField } from './entity-query.js';
import { SocketBudget, subscriptionStream } from './subscription-events.js';
import { FollowStarts } from './follow-starts.js';
import { buildSubscriptionSchema } from './schema.js';
import { filterMatches, topics, type Topic } from './topics.js';
import { LiveAggregates } from './live-aggregates.js';
import { readEvent, type CatalogEvent } from '@crm/kit/event-catalog.js';
import type { RateLimits } from '../limits/rate-limits.js';
import type { queryLimits } from '../limits/query-limits.js';

/** A socket opened with a follow token instead of credentials: it follows the one record the token names. */
interface Follow {
  purpose: string;
  subject: string;
}

interface SubscriptionContext {
  viewer: Viewer;
  follow: Follow | null;
  budget: SocketBudget;
}

interface Payload {
  busEvent: BusEvent;
  /** The payload's fields the event tells (Topic.describe). */
  described: Record<string, unknown>;
  event: { type: string; cursor: string; occurredAt: string; aggregateId: string; aggregateVersion: number | null; changedFields: string[] };
  entity: LoadedEntity | null;
  progress: LoadedEntity | null;
}

/** Who reads a topic's progress field: the platform, with the gateway's fixed selection of non-personal facts. */
const PROGRESS_READER = systemViewer('gateway-progress');

export interface SubscriptionOptions {
  httpServer: Server;
  apollo: ApolloServer<GatewayContext>;
  apiSchema: GraphQLSchema;
  /** The gateway's one reader of the bus. */
  tail: BusTail;
  /** Verifies connection_init's credentials like an HTTP request's. */
  auth: Authenticator;
  /** Caps sockets per caller and subscriptions per socket. */
  rateLimits: RateLimits;
  /**
   * What one subscribe message may ask, as over HTTP: `prepare` parses, validates and checks its operation with the
   * gateway's query limits (one implementation, see query-limits.ts); a larger message than `maxMessageBytes` (the
   * request-body limit) closes the socket with 1009 before it is read.
   */
  limits: { prepare: ReturnType<typeof queryLimits>['prepare']; maxMessageBytes: number };
  log: Logger;
  /** A client that has not taken its next event for this long is told to resume by cursor and disconnected. */
  maxStallMs: number;
  /** Each socket is pinged this often; one that has not answered the previous ping by then is dropped. */
  keepAliveMs: number;
  /** Events a socket may have matched but not yet taken before it is told to resume by cursor. */
  maxQueuedPerSocket?: number;
}

// Entities come back from the gateway keyed by the client's response keys (aliases included); a field the
// gateway answered with an error (e.g. personal data without pii:read) raises that error at its own path.
const responseKeyResolver: GraphQLFieldResolver<unknown, unknown> = (source, args, context, info) => {
  if (!source || typeof source !== 'object') return defaultFieldResolver(source, args, context, info);
  const failed = fieldErrors.get(source)?.get(String(info.path.key));
  if (failed) throw new GraphQLError(failed.message, { extensions: failed.extensions });
  return info.path.key in source ? (source as Record<string, unknown>)[info.path.key as string] : defaultFieldResolver(source, args, context, info);
};

/**
 * graphql-ws (graphql-transport-ws) on the gateway's own /graphql path. One tail of the bus per gateway feeds
 * every subscription; each payload's entity is read through the gateway's query planning with the client's own
 * selection, once per event for all of a caller's subscriptions that select the same (see EntityLoader).
 */
export async function startSubscriptions(options: SubscriptionOptions) {
  const { tail, apollo, log } = options;
  const bus = tail.bus;
  const loader = new EntityLoader(apollo, log);
  // Each event read from the bus is checked against the catalog once, however many subscriptions look at it.
  const read = new WeakMap<BusEvent, CatalogEvent | null>();
  const catalogEvent = (event: BusEvent): CatalogEvent | null => {
    if (read.has(event)) return read.get(event)!;
    const result = readEvent(event);
    if ('violation' in result) {
      log.error({ eventId: event.id, type: event.type, stream: event.stream, reason: result.violation }, 'event breaks its contract; no subscriber gets it');
    }
    const checked = 'event' in result ? result.event : null;
    read.set(event, checked);
    return checked;
  };
  const topicEvent = (topic: Topic, event: BusEvent) => ((topic.events as readonly string[]).includes(event.type) ? catalogEvent(event) : null);
  const schema = buildSubscriptionSchema(options.apiSchema);
  const subscriptionFields = schema.getSubscriptionType()!.getFields();
  const followPurposes = new Map(
    Object.entries(topics).flatMap(([name, topic]) => (topic.progress?.followPurpose ? [[topic.progress.followPurpose, name]] : [])),
  );
  // A revoked key, a deactivated person, a changed role: checked again on every socket when identity announces it.
  const signedIn = new SignedInSockets(options.auth, log);
  const leaveTail = tail.join({ internal: true, matches: changesAccess, push: (event) => signedIn.accessChanged(event), end: () => undefined });
  const followStarts = new FollowStarts(tail, new Set(Object.values(topics).flatMap((topic) => (topic.progress?.followPurpose ? topic.events : []))));

  for (const [name, topic] of Object.entries(topics)) {
    const field = subscriptionFields[name]!;
    const payloadType = schema.getType(field.type.toString().replace('!', '')) as GraphQLObjectType;
    const entityType = getNamedType(payloadType.getFields()[topic.payloadField]!.type) as GraphQLObjectType;
    const versioned = 'version' in entityType.getFields();
    // The arguments that name a record (`id` the topic's own, `pipelineId` a Pipeline), with its type for the message.
    const idArguments = field.args
      .filter((arg) => getNamedType(arg.type).name === 'ID')
      .map((arg) => ({ name: arg.name, type: arg.name === 'id' ? entityType.name : typeOfIdArgument(arg.name) }));
    // The same for the fields of its filter that name a record (`filter.pipelineId`).
    const idFilterFields = Object.entries(topic.filter?.fields ?? {}).flatMap(([key, field]) =>
      field?.type === 'ID' ? [{ name: key, type: typeOfIdArgument(key) }] : [],
    );

    const progress = topic.progress ? fixedSelection(topic.entityQueryField, topic.progress.selection) : null;
    // What the event itself tells, worked out once per event however many subscribers it reaches.
    const toldByEvent = new WeakMap<BusEvent, Pick<Payload, 'described' | 'event'>>();
    const toldOf = (event: BusEvent) => {
      let known = toldByEvent.get(event);
      if (!known) toldByEvent.set(event, (known = { described: topic.describe?.(catalogEvent(event)!) ?? {}, event: toChangeEvent(event) }));
      return known;
    };

    field.subscribe = async (_source, sent: Record<string, unknown>, context: SubscriptionContext, info) => {
      const follow = context.follow;
      if (follow) checkFollow(name, topic, follow, sent, info, followPurposes);
      else requirePermission(context.viewer, topic.permission, `Subscription.${name}`);
      const given: Record<string, unknown> = { ...sent, ...checkedIds(sent, idArguments), ...checkedFilter(sent.filter, idFilterFields) };
      const args = follow ? given : (topic.arguments?.(given, context.viewer) ?? given);
      const givenAfter = (args.after as string | null | undefined) ?? null;
      if (givenAfter !== null) await bus.read(givenAfter, 1); // a malformed, future or expired cursor fails here, before any event
      // A follower replays its record from its first event (it may have been routed before the client subscribed).
      const after = givenAfter ?? (follow ? followStarts.startOf(follow.subject) : null);
      const selection = follow ? null : entitySelection(info, topic.payloadField, topic.entityQueryField, versioned);
      const progressSelection = progress && selectsField(info, topic.progress!.field) ? progress : null;
      return subscriptionStream(
        {
          tail,
          after,
          // Only what the subscriber may see: a rep never hears of another team's opportunity, a follow token of
          // anything but its own record.
          matches: (busEvent) => {
            const event = topicEvent(topic, busEvent);
            if (event === null) return false;
            if (follow) return event.aggregateId === follow.subject;
            return (
              filterMatches(event, args.filter as Record<string, unknown> | undefined) &&
              (topic.matches?.(event, args) ?? true) &&
              topic.visible(event, context.viewer)
            );
          },
          prepare: (event) =>
            prepared(
              selection ? loader.load(selection, context.viewer, event.aggregateId, event.id) : null,
              progressSelection ? loader.load(progressSelection, PROGRESS_READER, event.aggregateId, event.id) : null,
            ),
          budget: context.budget,
        },
        ({ event, prepared }): Payload => ({ busEvent: event, ...toldOf(event), entity: prepared.entity, progress: prepared.progress }),
      );
    };
    field.resolve = (payload: Payload) => payload;

    payloadType.getFields()[topic.payloadField]!.resolve = (payload: Payload) => {
      const entity = payload.entity;
      if (entity?.error && !entity.data) throw new GraphQLError(entity.error.message, { extensions: entity.error.extensions });
      return entity?.data ?? null;
    };
    payloadType.getFields().newerThanEvent!.resolve = (payload: Payload) =>
      payload.entity?.version != null && payload.event.aggregateVersion !== null ? payload.entity.version > payload.event.aggregateVersion : null;
    const told = Object.keys(payloadType.getFields()).filter((f) => !['event', topic.payloadField, 'newerThanEvent', topic.progress?.field].includes(f));
    for (const fieldName of told) payloadType.getFields()[fieldName]!.resolve = (payload: Payload) => payload.described[fieldName];
    if (topic.progress) {
      const { shape } = topic.progress;
      payloadType.getFields()[topic.progress.field]!.resolve = (payload: Payload) => (payload.progress?.data ? shape(payload.progress.data) : null);
    }
  }

  // Live totals (pipelineSummaryChanged…): coalesced re-reads of a root query, not events (live-aggregates.ts).
  const aggregates = new LiveAggregates({ tail, apollo, log, catalogEvent });
  aggregates.wire(schema, (context) => context as SubscriptionContext);

  const stats = { closedAsSlow: 0 };
  const budgets = new WeakMap<WebSocket, SocketBudget>();
  const budgetOf = (socket: WebSocket) => {
    if (!budgets.has(socket)) {
      const tooSlow = () => {
        stats.closedAsSlow++;
        log.info({ metric: 'subscriber_closed_as_slow' }, 'subscriber fell behind; closed with 4100 to resume by cursor');
      };
      budgets.set(socket, new SocketBudget(socket, options.maxQueuedPerSocket ?? 1000, options.maxStallMs, tooSlow));
    }
    return budgets.get(socket)!;
  };
  /** Each subscription's document as the client sent it: the cheap half of the key its answers are shared by. */
  const documentTexts = new WeakMap<DocumentNode, string>();
  const wsServer = new WebSocketServer({ server: options.httpServer, path: '/graphql', maxPayload: options.limits.maxMessageBytes });
  // A message over maxPayload: ws closes the socket with 1009 (Message Too Big), then emits an error that graphql-ws
  // would print to the console, with a stack, as an internal error. It is the client's: counted in the log instead.
  wsServer.on('connection', (socket) => {
    const emit = socket.emit.bind(socket) as (event: string | symbol, ...args: unknown[]) => boolean;
    socket.emit = ((event: string | symbol, ...args: unknown[]) => {
      if (event === 'error' && (args[0] as { code?: unknown } | undefined)?.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') {
        log.info(
          { metric: 'subscription_message_too_big', maxBytes: options.limits.maxMessageBytes },
          'socket sent a message over the size limit; closed with 1009',
        );
        return true;
      }
      return emit(event, ...args);
    }) as typeof socket.emit;
  });
  const disposable = useServer<Record<string, unknown> | undefined, { viewer?: Viewer; follow?: Follow }>(
    {
      schema,
      execute: (args) => execute({ ...args, fieldResolver: responseKeyResolver }),
      // A topic's event is executed once for all subscriptions answered alike: the same document and variables, the
      // same access (the entity is read per permissionKey) and, for a follow token, the same record.
      subscribe: (args) => {
        const context = args.contextValue as SubscriptionContext;
        const shareKey = [
          documentTexts.get(args.document) ?? print(args.document),
          args.operationName ?? '',
          JSON.stringify(args.variableValues ?? {}),
          permissionKey(context.viewer),
          context.follow?.subject ?? '',
        ].join('\u0000');
        const eventOf = (payload: unknown) => (payload as Partial<Payload> | null)?.busEvent ?? null;
        return subscribeSharingAnswers({ ...args, fieldResolver: responseKeyResolver }, shareKey, eventOf);
      },
      // connection_init carries the credentials, verified like an HTTP request's: unknown or bad ones close with
      // 4401, a caller outside the access policy or without events:subscribe with 4403. The socket closes with
      // 4101 when the credential expires: the client reconnects with a fresh one and resumes with after.
      // Without credentials, a follow token (connectionParams: { followToken }, e.g. submitWebForm's) opens a socket
      // that follows the one record it names (see checkFollow); a bad or expired one closes with 4401 too.
      onConnect: async (ctx) => {
        const params = ctx.connectionParams ?? {};
        const authorization =
          typeof params.authorization === 'string' ? params.authorization : typeof params.Authorization === 'string' ? params.Authorization : undefined;
        const socket = ctx.extra.socket;
        try {
          if (!authorization && typeof params.followToken === 'string') {
            const follower: Viewer = { ...ANONYMOUS, ip: ctx.extra.request.socket.remoteAddress ?? null };
            const { follow, expiresAt } = await readFollowToken(params.followToken, [...followPurposes.keys()]);
            if (!options.rateLimits.openSocket(follower)) {
              socket.close(TOO_MANY_SOCKETS_CODE, `At most ${options.rateLimits.settings.socketsPerCaller} open sockets per caller: close one first`);
              return false;
            }
            socket.once('close', () => options.rateLimits.closeSocket(follower));
            ctx.extra.viewer = follower;
            ctx.extra.follow = follow;
            closeWhenExpired(socket, expiresAt);
            return true;
          }
          if (!authorization) {
            throw new AccessDenied(
              'UNAUTHENTICATED',
              'Send connectionParams: { authorization: "Bearer <token or API key>" } (or a web form\'s { followToken })',
            );
          }
          const { viewer, expiresAt, allowedUntil } = await options.auth.authenticate(
            authorization,
            ctx.extra.request.socket.remoteAddress ?? null,
            randomUUID(),
          );
          requirePermission(viewer, 'events:subscribe', 'Subscriptions');
          if (!options.rateLimits.openSocket(viewer)) {
            socket.close(TOO_MANY_SOCKETS_CODE, `At most ${options.rateLimits.settings.socketsPerCaller} open sockets per caller: close one first`);
            return false;
          }
          socket.once('close', () => options.rateLimits.closeSocket(viewer));
          ctx.extra.viewer = viewer;
          if (expiresAt) closeWhenExpired(socket, expiresAt);
          signedIn.add(socket, authorization, ctx.extra.request.socket.remoteAddress ?? null, viewer, allowedUntil);
          return true;
        } catch (error) {
          const code = error instanceof GraphQLError && error.extensions.code === 'UNAUTHENTICATED' ? 4401 : 4403;
          socket.close(code, error instanceof GraphQLError ? error.message.slice(0, 120) : 'Forbidden');
          return false;
        }
      },
      context: (ctx): SubscriptionContext => ({ viewer: ctx.extra.viewer!, follow: ctx.extra.follow ?? null, budget: budgetOf(ctx.extra.socket) }),
      onSubscribe: async (ctx, _id, payload) => {
        const max = options.rateLimits.settings.subscriptionsPerSocket;
        // graphql-ws has registered this one already: it is among the socket's subscriptions.
        if (Object.keys(ctx.subscriptions).length > max) {
          return [
            new GraphQLError(`At most ${max} subscriptions per socket: complete one first, or open another socket`, { extensions: { code: 'RATE_LIMITED' } }),
          ];
        }
        // Parsed, validated and checked against the limits of HTTP; refused with their errors before anything is read.
        const prepared = await options.limits.prepare(schema, payload, ctx.extra.viewer!);
        if (Array.isArray(prepared)) return prepared;
        documentTexts.set(prepared.document, payload.query);
        return { schema, document: prepared.document, operationName: payload.operationName, variableValues: payload.variables };
      },
      onError: (_ctx, _id, _payload, errors) => {
        log.warn(refusalLogEntry(errors), 'subscription error');
      },
    },
    wsServer,
    options.keepAliveMs,
  );

  return {
    /** For /health: open sockets, subscriptions on the shared tail, and sockets closed for falling behind. */
    stats: () => ({ sockets: wsServer.clients.size, subscriptions: tail.listenerCount, closedAsSlow: stats.closedAsSlow, cursor: tail.cursor }),
    async stop() {
      leaveTail();
      await signedIn.stop();
      await disposable.dispose();
      wsServer.close();
      loader.stop();
      followStarts.stop();
      aggregates.stop();
    },
  };
}

/**
 * A refused subscription as the log keeps it: its codes, and its messages through the logger's `err` (kit/logger.ts),
 * which blanks what they quote. graphql-js quotes a variable's value in its message, and a value may be personal data.
 */
function refusalLogEntry(errors: readonly GraphQLError[]): { codes: unknown[]; err: string } {
  return { codes: errors.map((error) => error.extensions?.code ?? null), err: errors.map((error) => error.message).join('; ') };
}

/**
 * The id arguments given, checked as the queries check them (kit/ids.ts: BAD_USER_INPUT naming the argument) and in
 * the events' lower case: an id that is not one would match no event, and the subscription would wait in silence.
 */
function checkedIds(args: Record<string, unknown>, idArguments: ReadonlyArray<{ name: string; type: string }>): Record<string, string> {
  return Object.fromEntries(
    idArguments.flatMap(({ name, type }) => (typeof args[name] === 'string' ? [[name, parseId(args[name] as string, type, name)]] : [])),
  );
}

/**
 * The ids of a topic's filter, checked as its arguments are (`filter.ownerId`, BAD_USER_INPUT) and in lower case, as
 * the events hold them: an upper-case id would match no event, a malformed one leave the subscription silent.
 */
function checkedFilter(filter: unknown, idFields: ReadonlyArray<{ name: string; type: string }>): { filter?: Record<string, unknown> } {
  if (filter === null || typeof filter !== 'object' || idFields.length === 0) return {};
  const given = filter as Record<string, unknown>;
  return {
    filter: {
      ...given,
      ...Object.fromEntries(
        idFields.flatMap(({ name, type }) => (typeof given[name] === 'string' ? [[name, parseId(given[name] as string, type, `filter.${name}`)]] : [])),
      ),
    },
  };
}

/** The record type an id argument or filter field names, for messages: `pipelineId` a Pipeline, `ownerId` a User. */
const typeOfIdArgument = (name: string) => (name === 'ownerId' ? 'User' : capitalize(name.replace(/Id$/, '')));

const capitalize = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/** Close code of a socket its caller may not open: they hold as many as allowed already. */
export const TOO_MANY_SOCKETS_CODE = 4129;

/** Close code of a socket whose credential expired: reconnect with a fresh token and resume with after. */
export const CREDENTIAL_EXPIRED_CODE = 4101;

function closeWhenExpired(socket: WebSocket, expiresAt: Date): void {
  // setTimeout takes at most ~24.8 days; a credential valid longer is rechecked when that timer fires.
  const ms = Math.min(Math.max(expiresAt.getTime() - Date.now(), 0), 2 ** 31 - 1);
  const timer = setTimeout(() => {
    if (Date.now() < expiresAt.getTime()) return closeWhenExpired(socket, expiresAt);
    if (socket.readyState === socket.OPEN)
      socket.close(CREDENTIAL_EXPIRED_CODE, 'Credentials expired: reconnect with a fresh token and resubscribe with after');
  }, ms);
  timer.unref();
  socket.once('close', () => clearTimeout(timer));
}

/** The record a follow token names, for which purpose, and when it expires; UNAUTHENTICATED (close 4401) otherwise. */
async function readFollowToken(token: string, purposes: string[]): Promise<{ follow: Follow; expiresAt: Date }> {
  for (const purpose of purposes) {
    try {
      const { subject, expiresAt } = await readLinkToken(purpose, token);
      return { follow: { purpose, subject }, expiresAt };
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
    }
  }
  throw new AccessDenied('UNAUTHENTICATED', 'This followToken is not valid or has expired');
}

/**
 * A follow-token socket subscribes only to the topic of its token's purpose, for the record it names (naming another
 * is FORBIDDEN), and selects only the topic's progress field: the entity needs sign-in.
 */
function checkFollow(
  name: string,
  topic: Topic,
  follow: Follow,
  args: Record<string, unknown>,
  info: GraphQLResolveInfo,
  followPurposes: Map<string, string>,
): void {
  if (topic.progress?.followPurpose !== follow.purpose) {
    throw new DomainError('FORBIDDEN', `A followToken follows only its own record with ${followPurposes.get(follow.purpose)}; ${name} needs sign-in`);
  }
  if (args.id != null && args.id !== follow.subject)
    throw new DomainError('FORBIDDEN', 'A followToken follows only the record it was given for', { field: 'id' });
  if (selectsField(info, topic.payloadField)) {
    throw new DomainError('FORBIDDEN', `With a followToken select ${topic.progress.field}; ${topic.payloadField} needs sign-in`, { field: topic.payloadField });
  }
}

/**
 * An event's entity and progress reads as one promise. The loader's promises are shared by every subscriber with the
 * same selection and access, and so is what is made of them here (usually one of the two is asked).
 */
function prepared(entity: Promise<LoadedEntity> | null, progress: Promise<LoadedEntity> | null): Promise<Prepared> {
  if (entity && progress) return Promise.all([entity, progress]).then(([e, p]) => ({ entity: e, progress: p }));
  if (!entity && !progress) return Promise.resolve({ entity: null, progress: null });
  const [read, made] = entity ? [entity, asEntity] : [progress!, asProgress];
  let known = made.get(read);
  if (!known) made.set(read, (known = read.then((loaded) => (entity ? { entity: loaded, progress: null } : { entity: null, progress: loaded }))));
  return known;
}
interface Prepared {
  entity: LoadedEntity | null;
  progress: LoadedEntity | null;
}
const asEntity = new WeakMap<Promise<LoadedEntity>, Promise<Prepared>>();
const asProgress = new WeakMap<Promise<LoadedEntity>, Promise<Prepared>>();

function toChangeEvent(event: BusEvent): Payload['event'] {
  const changed = event.payload.changedFields;
  const version = event.payload.aggregateVersion;
  return {
    type: event.type,
    cursor: event.cursor,
    occurredAt: event.occurredAt,
    aggregateId: event.aggregateId,
    aggregateVersion: typeof version === 'number' ? version : null,
    changedFields: Array.isArray(changed) ? changed.map(String) : [],
  };
}
