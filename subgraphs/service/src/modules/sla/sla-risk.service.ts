import type { EntityManager } from '@mikro-orm/postgresql';
import { service } from '../../settings.js';
import { Case } from '../case/case.entity.js';
import { recordCaseEvent } from '../case/case.events.js';
import { atRiskWindowMinutes, LONGEST_DEADLINE_MINUTES, slaPolicyFor } from './sla.policy.js';

export type SlaDeadline = 'FIRST_RESPONSE' | 'RESOLUTION';

interface DeadlineColumns {
  deadline: SlaDeadline;
  due: 'first_response_due_at' | 'resolution_due_at';
  met: 'first_responded_at' | 'resolved_at';
  notified: 'first_response_at_risk_notified_at' | 'resolution_at_risk_notified_at';
  /** The fixed at-risk moment of a deadline in business time (null in calendar time). */
  atRisk: 'first_response_at_risk_at' | 'resolution_at_risk_at';
  dueOf(found: Case): Date;
  /** The deadline's length by the case's terms, in minutes (of business time with a calendar). */
  minutesOf(found: Case): number;
}

const DEADLINES: readonly DeadlineColumns[] = [
  {
    deadline: 'FIRST_RESPONSE',
    due: 'first_response_due_at',
    met: 'first_responded_at',
    notified: 'first_response_at_risk_notified_at',
    atRisk: 'first_response_at_risk_at',
    dueOf: (c) => c.firstResponseDueAt,
    minutesOf: (c) => slaPolicyFor(c.contractTier, c.priority).firstResponseMinutes,
  },
  {
    deadline: 'RESOLUTION',
    due: 'resolution_due_at',
    met: 'resolved_at',
    notified: 'resolution_at_risk_notified_at',
    atRisk: 'resolution_at_risk_at',
    dueOf: (c) => c.resolutionDueAt,
    minutesOf: (c) => slaPolicyFor(c.contractTier, c.priority).resolutionMinutes,
  },
];

const BATCH = 200;

/**
 * Emits CaseSlaAtRisk once per case and deadline: for every unresolved case whose first-response or resolution
 * deadline, still to be met, has entered its at-risk window by `now`: the last `fraction` (SLA_AT_RISK_FRACTION) of
 * the deadline's length from the opening, so a 60-minute deadline is at risk from minute 45, a day from hour 18; a
 * deadline in business time at its fixed moment (the last fraction of its business time, `slaSchedule`).
 * Returns how many deadlines it flagged.
 */
export async function flagCasesAtRisk(em: EntityManager, now: Date, fraction = service().SLA_AT_RISK_FRACTION): Promise<number> {
  let flagged = 0;
  for (const columns of DEADLINES) {
    for (;;) {
      const count = await flagBatch(em, columns, now, fraction);
      flagged += count;
      if (count < BATCH) break;
    }
  }
  return flagged;
}

/** The mark and the events commit together; a concurrent run (another instance) skips the rows this one claims. */
async function flagBatch(em: EntityManager, columns: DeadlineColumns, now: Date, fraction: number): Promise<number> {
  // No window in calendar time is longer than the longest deadline's: a bound on the indexed due column, the rest is
  // per row; a deadline in business time has its at-risk moment (indexed).
  const horizon = new Date(now.getTime() + LONGEST_DEADLINE_MINUTES * fraction * 60_000);
  return em.transactional(async (tx) => {
    const claimed = await tx.execute<Array<{ id: string }>>(
      `update support_case set ${columns.notified} = ? where id in (
         select id from support_case
         where resolved_at is null and ${columns.met} is null and ${columns.notified} is null and ${columns.due} > ?
           and (${columns.atRisk} <= ?
             or (${columns.atRisk} is null and ${columns.due} <= ? and ${columns.due} - (${columns.due} - created_at) * ?::float8 <= ?))
         order by ${columns.due}, id limit ? for update skip locked)
       returning id`,
      [now.toISOString(), now.toISOString(), now.toISOString(), horizon.toISOString(), fraction, now.toISOString(), BATCH],
      'all',
    );
    if (claimed.length === 0) return 0;
    const cases = await tx.find(Case, { id: { $in: claimed.map((row) => row.id) } });
    for (const found of cases) {
      const dueAt = columns.dueOf(found);
      recordCaseEvent(tx, found, 'CaseSlaAtRisk', {
        deadline: columns.deadline,
        dueAt: dueAt.toISOString(),
        // In business time: the last fraction of the deadline's business minutes.
        windowMinutes: found.calendarId ? columns.minutesOf(found) * fraction : atRiskWindowMinutes(found.createdAt, dueAt, fraction),
      });
    }
    await tx.flush();
    return claimed.length;
  });
}
