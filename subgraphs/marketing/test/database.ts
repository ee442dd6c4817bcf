import { randomBytes } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/postgresql';
import { systemClock, type Clock } from '@crm/kit/clock.js';
import type { GraphClient } from '@crm/kit/graph-client.js';
import { createLogger } from '@crm/kit/logger.js';
import { deliverMessage } from '../src/modules/messaging/message-delivery.js';
import { MessageSend, MessageSendStatus } from '../src/modules/messaging/message-send.entity.js';
import type { OutboundChannel } from '../src/modules/messaging/outbound.channel.js';
import { useFreshSubgraphDatabase, type SubgraphSchema } from '../../../tests/helpers/subgraph-database.js';
import { marketingEntities } from '../src/entities.js';
import { marketingMigrations } from '../src/migrations/index.js';

// Marketing messages go whatever the hour of the test run: quiet hours are tested where a test sets them.
process.env.QUIET_HOURS ??= 'off';
// Marketing messages carry signed unsubscribe links.
process.env.PLATFORM_SECRET ??= randomBytes(32).toString('hex');

const marketing: SubgraphSchema = { name: 'marketing', entities: marketingEntities, migrations: marketingMigrations, withJobQueue: true };

/** The block's tests get a fresh, migrated marketing database of their own (tests/helpers/subgraph-database.ts). */
export const useFreshMarketingDatabase = () => useFreshSubgraphDatabase(marketing);

/**
 * Runs the deliver-message job of every queued message now, as the job runner would (first attempt of one), with
 * the given channel as e-mail's provider; answers the ids it ran.
 */
export async function deliverQueued(orm: MikroORM, outbound: OutboundChannel, clock: Clock = systemClock): Promise<string[]> {
  const queued = await orm.em.fork().find(MessageSend, { status: MessageSendStatus.QUEUED }, { orderBy: { createdAt: 'asc' } });
  const context = { orm, graph: offlineGraph, log: createLogger('test'), clock, channels: { EMAIL: outbound } };
  for (const send of queued) await deliverMessage(context, send.id, { number: 1, max: 1 });
  return queued.map((send) => send.id);
}

/** No other subgraph in the integration tier: a rep's name is not known (messages are signed by the dealer). */
export const offlineGraph: GraphClient = {
  query: () => Promise.reject(new Error('no other subgraph in the integration tier')),
};
