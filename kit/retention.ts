import type { MikroORM } from '@mikro-orm/postgresql';
import type { EntityManager } from '@mikro-orm/postgresql';
import { recordAudit } from './audit.js';
import { platform } from './config.js';
import { count, defineSettings } from './settings.js';
import type { Logger } from './logger.js';
import { startPeriodicJob } from './periodic-job.js';

/**
 * How long one kind of data is kept (GDPR storage limitation), and what happens to it after: a periodic job applies
 * every rule of a subgraph and records in the audit log what it did.
 */
export interface RetentionRule {
  kind: string;
  /** The environment variable that sets the period in days (0: keep for ever). */
  setting: string;
  defaultDays: number;
  /** Deletes or anonymizes what is past the period; its one `?` is the cutoff time. */
  apply: string;
}

/** Each rule's period as a setting (RETENTION_<KIND>_DAYS), checked with the rest of the configuration. */
export const retentionSettings = (rules: readonly RetentionRule[]) =>
  defineSettings('retention', Object.fromEntries(rules.map((rule) => [rule.setting, count(rule.defaultDays, `days ${rule.kind} are kept; 0: for ever`)])));

export const retentionDays = (rule: RetentionRule): number => retentionSettings([rule]).read()[rule.setting] as number;

/** What every subgraph keeps of the platform's own: events its consumers set aside, for an operator to look into. */
export const PLATFORM_RETENTION: readonly RetentionRule[] = [
  { kind: 'dead-letters', setting: 'RETENTION_DEAD_LETTERS_DAYS', defaultDays: 30, apply: 'delete from dead_letter where dead_at < ?' },
];

/** Applies every rule as of `now`; returns how many rows each one deleted or anonymized. */
export async function applyRetention(em: EntityManager, service: string, rules: readonly RetentionRule[], now = new Date()): Promise<Record<string, number>> {
  const done: Record<string, number> = {};
  await em.transactional(async (tx) => {
    for (const rule of rules) {
      const days = retentionDays(rule);
      if (days === 0) continue;
      const cutoff = new Date(now.getTime() - days * 86_400_000);
      const { affectedRows } = await tx.execute<{ affectedRows: number }>(rule.apply, [cutoff], 'run');
      done[rule.kind] = affectedRows;
      if (affectedRows === 0) continue;
      recordAudit(tx, {
        at: now.toISOString(),
        actorId: `system:${service}`,
        actorKind: 'system',
        operation: 'RETENTION_APPLIED',
        outcome: 'DONE',
        entityType: rule.kind,
        details: { days, cutoff: cutoff.toISOString(), rows: affectedRows },
        service,
      });
    }
    await tx.flush();
  });
  return done;
}

/** Once a day (RETENTION_CHECK_INTERVAL_MS), and at start. */
export function startRetentionJob(orm: MikroORM, log: Logger, service: string, rules: readonly RetentionRule[]) {
  return startPeriodicJob({
    name: 'retention',
    intervalMs: platform().RETENTION_CHECK_INTERVAL_MS,
    log,
    run: async () => {
      const done = await applyRetention(orm.em.fork(), service, rules);
      if (Object.values(done).some((n) => n > 0)) log.info({ retention: done }, 'data past its retention period removed');
    },
  });
}
