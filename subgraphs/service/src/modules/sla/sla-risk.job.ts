import type { MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from '../../../../kit/logger.js';
import { slaCheckIntervalMs } from '../../config.js';
import { flagCasesAtRisk } from './sla-risk.service.js';

/** Looks for cases at risk of breaching their SLA now and then every interval; runs never overlap. */
export function startSlaRiskJob(orm: MikroORM, log: Logger, intervalMs = slaCheckIntervalMs()): { stop(): Promise<void> } {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();

  async function check(): Promise<void> {
    try {
      const flagged = await flagCasesAtRisk(orm.em.fork(), new Date());
      if (flagged > 0) log.info({ flagged }, 'cases flagged at risk of breaching their SLA');
    } catch (error) {
      log.error({ err: error }, 'SLA check failed; retrying at the next interval');
    }
  }
  function schedule(delayMs: number): void {
    if (stopped) return;
    timer = setTimeout(() => {
      running = check().finally(() => schedule(intervalMs));
    }, delayMs);
  }

  schedule(0);
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
