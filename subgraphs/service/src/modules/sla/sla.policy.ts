import { registerEnumType } from 'type-graphql';
import { addBusinessMinutes, type BusinessCalendar } from '@crm/kit/business-time.js';
import { CasePriority } from '../case/case.enums.js';

export enum ServiceContractTier {
  STANDARD = 'STANDARD',
  PREMIUM = 'PREMIUM',
  ENTERPRISE = 'ENTERPRISE',
}
registerEnumType(ServiceContractTier, { name: 'ServiceContractTier' });

/**
 * Agreed response and resolution times for one contract tier and case priority, in minutes: of calendar time, or of
 * business time when the contract has a working calendar.
 */
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

/**
 * Deadlines run from the moment the case was opened: in calendar time, or with a working calendar in its business
 * time (4 hours from Friday 16:00 are Monday 11:00 with MON–FRI 08:00–17:00).
 */
export function slaDeadlines(tier: ServiceContractTier, priority: CasePriority, openedAt: Date, calendar: BusinessCalendar | null = null): SlaDeadlines {
  const policy = slaPolicyFor(tier, priority);
  const after = (minutes: number) => (calendar ? addBusinessMinutes(openedAt, minutes, calendar) : addMinutes(openedAt, minutes));
  return { firstResponseDueAt: after(policy.firstResponseMinutes), resolutionDueAt: after(policy.resolutionMinutes) };
}

export interface SlaSchedule extends SlaDeadlines {
  /** When the first response comes at risk, fixed for a deadline in business time; null: in calendar time (see atRiskFrom). */
  firstResponseAtRiskAt: Date | null;
  resolutionAtRiskAt: Date | null;
}

/**
 * The deadlines and, in business time, their at-risk moments: the last `fraction` of each deadline's business time
 * (a 4-hour first response from Friday 16:00 is at risk from Monday 10:00 with a quarter). In calendar time the
 * moments are not fixed: they are the last fraction of the calendar time, with SLA_AT_RISK_FRACTION as it is then.
 */
export function slaSchedule(
  tier: ServiceContractTier,
  priority: CasePriority,
  openedAt: Date,
  calendar: BusinessCalendar | null,
  fraction: number,
): SlaSchedule {
  const deadlines = slaDeadlines(tier, priority, openedAt, calendar);
  if (!calendar) return { ...deadlines, firstResponseAtRiskAt: null, resolutionAtRiskAt: null };
  const policy = slaPolicyFor(tier, priority);
  const atRisk = (minutes: number) => addBusinessMinutes(openedAt, minutes * (1 - fraction), calendar);
  return { ...deadlines, firstResponseAtRiskAt: atRisk(policy.firstResponseMinutes), resolutionAtRiskAt: atRisk(policy.resolutionMinutes) };
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
  /** Fixed at-risk moments of deadlines in business time (slaSchedule); none: the last fraction of the calendar time. */
  firstResponseAtRiskAt?: Date | null;
  resolutionAtRiskAt?: Date | null;
}

/** When each deadline of a case comes at risk: its fixed moment in business time, else the last `fraction` of its calendar time. */
export function atRiskMoments(clock: OpenedSlaClock, fraction: number): { firstResponse: Date; resolution: Date } {
  return {
    firstResponse: clock.firstResponseAtRiskAt ?? atRiskFrom(clock.createdAt, clock.firstResponseDueAt, fraction),
    resolution: clock.resolutionAtRiskAt ?? atRiskFrom(clock.createdAt, clock.resolutionDueAt, fraction),
  };
}

/** A deadline still to be met has entered its at-risk window (one already missed is a breach, not a risk). */
export function slaAtRisk(clock: OpenedSlaClock, now: Date, fraction: number): boolean {
  const from = atRiskMoments(clock, fraction);
  const pending: Array<[Date, Date] | null> = [
    clock.firstRespondedAt ? null : [clock.firstResponseDueAt, from.firstResponse],
    clock.resolvedAt ? null : [clock.resolutionDueAt, from.resolution],
  ];
  return pending.some((deadline) => deadline !== null && deadline[0] > now && deadline[1] <= now);
}
