import { registerEnumType } from 'type-graphql';
import { CasePriority } from '../case/case.enums.js';

export enum ServiceContractTier {
  STANDARD = 'STANDARD',
  PREMIUM = 'PREMIUM',
  ENTERPRISE = 'ENTERPRISE',
}
registerEnumType(ServiceContractTier, { name: 'ServiceContractTier' });

/** Agreed response and resolution times for one contract tier and case priority, in calendar minutes. */
export interface SlaPolicy {
  tier: ServiceContractTier;
  priority: CasePriority;
  firstResponseMinutes: number;
  resolutionMinutes: number;
}

const HOUR = 60;
const DAY = 24 * HOUR;

/** The SLA table of the service contracts; a customer without a contract gets STANDARD. */
export const SLA_POLICIES: readonly SlaPolicy[] = [
  { tier: ServiceContractTier.STANDARD, priority: CasePriority.URGENT, firstResponseMinutes: 1 * HOUR, resolutionMinutes: 8 * HOUR },
  { tier: ServiceContractTier.STANDARD, priority: CasePriority.HIGH, firstResponseMinutes: 4 * HOUR, resolutionMinutes: 1 * DAY },
  { tier: ServiceContractTier.STANDARD, priority: CasePriority.NORMAL, firstResponseMinutes: 8 * HOUR, resolutionMinutes: 3 * DAY },
  { tier: ServiceContractTier.STANDARD, priority: CasePriority.LOW, firstResponseMinutes: 1 * DAY, resolutionMinutes: 5 * DAY },
  { tier: ServiceContractTier.PREMIUM, priority: CasePriority.URGENT, firstResponseMinutes: 15, resolutionMinutes: 4 * HOUR },
  { tier: ServiceContractTier.PREMIUM, priority: CasePriority.HIGH, firstResponseMinutes: 1 * HOUR, resolutionMinutes: 8 * HOUR },
  { tier: ServiceContractTier.PREMIUM, priority: CasePriority.NORMAL, firstResponseMinutes: 4 * HOUR, resolutionMinutes: 1 * DAY },
  { tier: ServiceContractTier.PREMIUM, priority: CasePriority.LOW, firstResponseMinutes: 8 * HOUR, resolutionMinutes: 3 * DAY },
  { tier: ServiceContractTier.ENTERPRISE, priority: CasePriority.URGENT, firstResponseMinutes: 10, resolutionMinutes: 2 * HOUR },
  { tier: ServiceContractTier.ENTERPRISE, priority: CasePriority.HIGH, firstResponseMinutes: 30, resolutionMinutes: 4 * HOUR },
  { tier: ServiceContractTier.ENTERPRISE, priority: CasePriority.NORMAL, firstResponseMinutes: 2 * HOUR, resolutionMinutes: 12 * HOUR },
  { tier: ServiceContractTier.ENTERPRISE, priority: CasePriority.LOW, firstResponseMinutes: 4 * HOUR, resolutionMinutes: 2 * DAY },
];

export function slaPolicyFor(tier: ServiceContractTier, priority: CasePriority): SlaPolicy {
  const policy = SLA_POLICIES.find((p) => p.tier === tier && p.priority === priority);
  if (!policy) throw new Error(`No SLA policy for ${tier}/${priority}`); // a gap in the constant above, not user input
  return policy;
}

export interface SlaDeadlines {
  firstResponseDueAt: Date;
  resolutionDueAt: Date;
}

const addMinutes = (from: Date, minutes: number) => new Date(from.getTime() + minutes * 60_000);

/** Deadlines run from the moment the case was opened (calendar time, no business hours yet). */
export function slaDeadlines(tier: ServiceContractTier, priority: CasePriority, openedAt: Date): SlaDeadlines {
  const policy = slaPolicyFor(tier, priority);
  return {
    firstResponseDueAt: addMinutes(openedAt, policy.firstResponseMinutes),
    resolutionDueAt: addMinutes(openedAt, policy.resolutionMinutes),
  };
}

export interface SlaClock extends SlaDeadlines {
  firstRespondedAt?: Date | null;
  resolvedAt?: Date | null;
}

/** Late when answered after the deadline, or not answered and the deadline has passed. */
export const firstResponseBreached = (clock: SlaClock, now: Date): boolean => (clock.firstRespondedAt ?? now) > clock.firstResponseDueAt;

export const resolutionBreached = (clock: SlaClock, now: Date): boolean => (clock.resolvedAt ?? now) > clock.resolutionDueAt;

/** The longest deadline of the table, in minutes: no at-risk window is longer than this times the fraction. */
export const LONGEST_DEADLINE_MINUTES = Math.max(...SLA_POLICIES.flatMap((p) => [p.firstResponseMinutes, p.resolutionMinutes]));

/**
 * When a deadline comes at risk: its last `fraction` (SLA_AT_RISK_FRACTION), measured on its own length from the
 * opening. With 0.25 a 60-minute first response is at risk from minute 45, a 24-hour resolution from hour 18.
 */
export const atRiskFrom = (openedAt: Date, due: Date, fraction: number): Date => new Date(due.getTime() - (due.getTime() - openedAt.getTime()) * fraction);

/** The at-risk window of a deadline, in minutes (what CaseSlaAtRisk reports). */
export const atRiskWindowMinutes = (openedAt: Date, due: Date, fraction: number): number => ((due.getTime() - openedAt.getTime()) * fraction) / 60_000;

export interface OpenedSlaClock extends SlaClock {
  /** When the case was opened: its deadlines run from then. */
  createdAt: Date;
}

/** A deadline still to be met has entered its at-risk window (one already missed is a breach, not a risk). */
export function slaAtRisk(clock: OpenedSlaClock, now: Date, fraction: number): boolean {
  const pending = [clock.firstRespondedAt ? null : clock.firstResponseDueAt, clock.resolvedAt ? null : clock.resolutionDueAt];
  return pending.some((due) => due !== null && due > now && atRiskFrom(clock.createdAt, due, fraction) <= now);
}
