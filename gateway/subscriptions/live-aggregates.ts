import { randomUUID } from 'node:crypto';
import { GraphQLError, type GraphQLSchema } from 'graphql';
import type { ApolloServer } from '@apollo/server';
import type { BusEvent } from '@crm/kit/bus/index.js';
import type { Viewer } from '@crm/kit/context.js';
import { requirePermission } from '@crm/kit/access/viewer.js';
import { DomainError } from '@crm/kit/errors.js';
import type { CatalogEvent } from '@crm/kit/event-catalog.js';
import type { Logger } from '@crm/kit/logger.js';
import type { GatewayContext } from '../subgraph-data-source.js';
import type { BusTail } from './bus-tail.js';
import { aggregateQuery, type AggregateQuery } from './aggregate-query.js';
import { aggregateTopics, type AggregateTopic } from './aggregate-topics.js';
import { CoalescedFeed } from './coalesced-feed.js';
import { permissionKey } from './entity-loader.js';

/** Events within this long of the first one are one re-read and one frame: a change shows well within a second. */
export const AGGREGATE_WINDOW_MS = 250;

interface Feed {
  feed: CoalescedFeed<unknown>;
  dispose(): void;
}

/**
 * The live aggregate subscriptions (aggregate-topics.ts) of one gateway. Subscribers asking the same thing with the
 * same access (selection, arguments, permissionKey) share one feed: one listener on the bus tail, one re-read per
 * window through the gateway as the first of them (who sees exactly what the others see), one frame each.
 */
export class LiveAggregates {
  private readonly feeds = new Map<string, Feed>();

  constructor(
    private readonly options: {
      tail: BusTail;
      apollo: ApolloServer<GatewayContext>;
      log: Logger;
      catalogEvent(event: BusEvent): CatalogEvent | null;
      windowMs?: number;
    },
  ) {}

  /** Gives the schema's aggregate subscription fields their subscribe and resolve. */
  wire(schema: GraphQLSchema, contextViewer: (context: unknown) => { viewer: Viewer; follow: unknown }): void {
    const fields = schema.getSubscriptionType()!.getFields();
    for (const [name, topic] of Object.entries(aggregateTopics)) {
      const field = fields[name]!;
      field.subscribe = (_source, args: Record<string, unknown>, context, info) => {
        const { viewer, follow } = contextViewer(context);
        if (follow) throw new DomainError('FORBIDDEN', `A followToken follows only its own record; ${name} needs sign-in`);
        requirePermission(viewer, topic.permission, `Subscription.${name}`);
        return this.follow(name, topic, aggregateQuery(info, topic, args), viewer);
      };
      field.resolve = (frame: unknown) => frame;
    }
  }

  /** Open feeds, for the health endpoint. */
  get size(): number {
    return this.feeds.size;
  }

  stop(): void {
    for (const { dispose } of [...this.feeds.values()]) dispose();
  }

  private follow(name: string, topic: AggregateTopic, query: AggregateQuery, viewer: Viewer): AsyncIterableIterator<unknown> {
    const key = `${name}\u0000${query.key}\u0000${permissionKey(viewer)}`;
    const entry = this.feeds.get(key) ?? this.open(key, name, topic, query, viewer);
    const frames = entry.feed.subscribe();
    const leave = () => {
      if (entry.feed.size === 0) entry.dispose();
    };
    return {
      next: async () => {
        try {
          const result = await frames.next();
          if (result.done) leave();
          return result;
        } catch (error) {
          leave();
          throw error;
        }
      },
      return: async (value?: unknown) => {
        const result = await frames.return!(value);
        leave();
        return result;
      },
      throw: async (error?: unknown) => {
        leave();
        return frames.throw!(error);
      },
      [Symbol.asyncIterator]() {
        return this;
      },
    };
  }

  private open(key: string, name: string, topic: AggregateTopic, query: AggregateQuery, viewer: Viewer): Feed {
    const { tail, log } = this.options;
    const feed = new CoalescedFeed<unknown>({
      read: () => this.read(query, viewer),
      windowMs: this.options.windowMs ?? AGGREGATE_WINDOW_MS,
      onError: (error) => log.warn({ subscription: name, err: (error as Error).message }, 'live aggregate could not be read; the last totals stand'),
    });
    const args = variablesAsArgs(query);
    // Joined before the first read, so no change between that read and the first event is missed.
    const leaveTail = tail.join({
      matches: (busEvent) => {
        if (!(topic.events as readonly string[]).includes(busEvent.type)) return false;
        const event = this.options.catalogEvent(busEvent);
        return event !== null && topic.moves(event, args);
      },
      push: () => feed.changed(),
      // The tail fell behind the bus's retention and dropped its listeners: the subscribers complete and subscribe again.
      end: () => entry.dispose(),
    });
    const refresh = topic.refreshEveryMs ? setInterval(() => feed.changed(), topic.refreshEveryMs) : undefined;
    refresh?.unref();
    const entry: Feed = {
      feed,
      dispose: () => {
        if (this.feeds.get(key) !== entry) return;
        this.feeds.delete(key);
        leaveTail();
        clearInterval(refresh);
        feed.close();
      },
    };
    this.feeds.set(key, entry);
    return entry;
  }

  /** The aggregate as the subscriber's query would answer it; an error is theirs (the first frame) or passing (later ones). */
  private async read(query: AggregateQuery, viewer: Viewer): Promise<unknown> {
    const response = await this.options.apollo.executeOperation(
      { query: query.query, variables: query.variables },
      { contextValue: { requestId: randomUUID(), viewer } },
    );
    const result = response.body.kind === 'single' ? response.body.singleResult : undefined;
    const aggregate = (result?.data as Record<string, Record<string, unknown> | null> | undefined)?.aggregate ?? null;
    // A field's error inside the totals (e.g. an owner's name not readable) leaves that field null, as over HTTP.
    if (!aggregate) {
      const error = result?.errors?.[0];
      throw new GraphQLError(error?.message ?? 'The aggregate could not be read', { extensions: error?.extensions });
    }
    return query.under ? (aggregate[query.under] ?? null) : aggregate;
  }
}

/** The topic's arguments back from the query's variables (`__aggregate_pipelineId` → `pipelineId`). */
function variablesAsArgs(query: AggregateQuery): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(query.variables)
      .filter(([name]) => name.startsWith('__aggregate_'))
      .map(([name, value]) => [name.slice('__aggregate_'.length), value]),
  );
}
