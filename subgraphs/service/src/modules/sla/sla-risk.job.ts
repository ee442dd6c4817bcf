import type { MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from '@crm/kit/logger.js';
import { startPeriodicJob } from '@crm/kit/periodic-job.js';
import { service } from '../../settings.js';
import type { Clock } from '@crm/kit/clock.js';
import { flagCasesAtRisk } from './sla-risk.service.js';

/** Looks for cases at risk of breaching their SLA now and then every interval. */
export function startSlaRiskJob(orm: MikroORM, log: Logger, clock: Clock, intervalMs = service().SLA_CHECK_INTERVAL_MS): { stop(): Promise<void> } {
  return startPeriodicJob({
    name: 'sla-risk',
    intervalMs,
    log,
    run: async () => {
      const flagged = await flagCasesAtRisk(orm.em.fork(), clock.now());
      if (flagged > 0) log.info({ flagged }, 'cases flagged at risk of breaching their SLA');
    },
  });
}
