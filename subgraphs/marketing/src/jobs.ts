import type { MikroORM } from '@mikro-orm/postgresql';
import type { GraphClient } from '@crm/kit/graph-client.js';
import type { JobDefinitions } from '@crm/kit/jobs.js';
import type { PlatformAdapters } from '@crm/kit/subgraph.js';
import type { Logger } from '@crm/kit/logger.js';
import type { MarketingAdapters } from './app.js';
import { CAMPAIGN_AUDIENCE, campaignsTick, queueAudienceBatch } from './modules/campaign/campaign.sending.js';
import { deliverMessage } from './modules/messaging/message-delivery.js';
import { DELIVER_MESSAGE } from './modules/messaging/message-send.service.js';
import { KEEP_SEGMENT_MEMBERS, keepSegmentMembers } from './modules/segment/segment.kept-members.js';
import { runDueSteps, SEQUENCE_STEPS } from './modules/sequence/sequence.steps.js';

const CAMPAIGNS = 'campaigns';

/**
 * Marketing's durable work (graphile-worker, ADR 13): each message's delivery, each campaign's audience in batches,
 * the sequences' due steps and the campaigns' schedule, the last two also every minute by cron, as is keeping the
 * dynamic segments' members (new and changed segments evaluated whole, and the marks no read has taken).
 */
export function marketingJobs({
  orm,
  log,
  graph,
  adapters,
}: {
  orm: MikroORM;
  log: Logger;
  graph: GraphClient;
  adapters: MarketingAdapters & PlatformAdapters;
}): JobDefinitions {
  const delivery = { orm, graph, log, clock: adapters.clock, channels: { EMAIL: adapters.outbound, SMS: adapters.sms, PUSH: adapters.push } };
  return {
    tasks: {
      [DELIVER_MESSAGE]: async (payload, helpers) => {
        const { messageSendId } = payload as { messageSendId: string };
        await deliverMessage(delivery, messageSendId, { number: helpers.job.attempts, max: helpers.job.max_attempts });
      },
      [CAMPAIGN_AUDIENCE]: async (payload) => queueAudienceBatch(orm, (payload as { campaignId: string }).campaignId),
      [SEQUENCE_STEPS]: async () => {
        await runDueSteps(orm, adapters.clock);
      },
      [CAMPAIGNS]: async () => campaignsTick(orm, adapters.clock),
      [KEEP_SEGMENT_MEMBERS]: async () => keepSegmentMembers(orm.em.fork()),
    },
    crontab: [`* * * * * ${SEQUENCE_STEPS}`, `* * * * * ${CAMPAIGNS}`, `* * * * * ${KEEP_SEGMENT_MEMBERS}`].join('\n'),
  };
}
