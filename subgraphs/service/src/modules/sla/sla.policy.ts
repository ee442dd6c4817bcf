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

/** A deadline still to be met falls within the window from now (one already missed is a breach, not a risk). */
export function slaAtRisk(clock: SlaClock, now: Date, windowMinutes: number): boolean {
  const limit = addMinutes(now, windowMinutes);
  const pending = [clock.firstRespondedAt ? null : clock.firstResponseDueAt, clock.resolvedAt ? null : clock.resolutionDueAt];
  return pending.some((due) => due !== null && due > now && due <= limit);
}
