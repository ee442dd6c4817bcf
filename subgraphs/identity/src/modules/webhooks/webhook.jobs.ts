import type { MikroORM } from '@mikro-orm/postgresql';
import type { JobDefinitions } from '@crm/kit/jobs.js';
import type { Logger } from '@crm/kit/logger.js';
import { deliverQueue } from './webhook.delivery.js';
import { DELIVER_WEBHOOKS, type EntityQueue } from './webhook.queue.js';
import { webhookConfig } from './webhook.settings.js';

/** Identity's durable jobs: webhook deliveries (ADR 17). */
export function webhookJobs({ orm, log }: { orm: MikroORM; log: Logger }): JobDefinitions {
  return {
    tasks: {
      [DELIVER_WEBHOOKS]: (payload) => deliverQueue(orm, log, webhookConfig(), payload as EntityQueue),
    },
  };
}
