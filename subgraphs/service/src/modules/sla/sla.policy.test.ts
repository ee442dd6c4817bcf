import { describe, expect, it } from '@jest/globals';
import { CasePriority } from '../case/case.enums.js';
import { firstResponseBreached, resolutionBreached, ServiceContractTier, slaAtRisk, slaDeadlines, slaPolicyFor } from './sla.policy.js';

const openedAt = new Date('2026-11-02T08:00:00Z');
const at = (iso: string) => new Date(iso);

describe('SLA deadlines', () => {
  it('runs from the opening time by the policy of tier and priority', () => {
    expect(slaDeadlines(ServiceContractTier.PREMIUM, CasePriority.HIGH, openedAt)).toEqual({
      firstResponseDueAt: at('2026-11-02T09:00:00Z'),
      resolutionDueAt: at('2026-11-02T16:00:00Z'),
    });
    expect(slaDeadlines(ServiceContractTier.STANDARD, CasePriority.NORMAL, openedAt)).toEqual({
      firstResponseDueAt: at('2026-11-02T16:00:00Z'),
      resolutionDueAt: at('2026-11-05T08:00:00Z'),
    });
  });

  it('has a policy for every tier and priority, tighter for better tiers and higher priorities', () => {
    const tiers = [ServiceContractTier.STANDARD, ServiceContractTier.PREMIUM, ServiceContractTier.ENTERPRISE];
    const priorities = [CasePriority.LOW, CasePriority.NORMAL, CasePriority.HIGH, CasePriority.URGENT];
    for (const tier of tiers) {
      const times = priorities.map((p) => slaPolicyFor(tier, p));
      for (let i = 1; i < times.length; i++) {
        expect(times[i]!.firstResponseMinutes).toBeLessThan(times[i - 1]!.firstResponseMinutes);
        expect(times[i]!.resolutionMinutes).toBeLessThan(times[i - 1]!.resolutionMinutes);
      }
    }
    for (const priority of priorities) {
      expect(slaPolicyFor(ServiceContractTier.PREMIUM, priority).resolutionMinutes).toBeLessThan(
        slaPolicyFor(ServiceContractTier.STANDARD, priority).resolutionMinutes,
      );
    }
  });
});

describe('SLA breach flags relative to now', () => {
  const clock = slaDeadlines(ServiceContractTier.PREMIUM, CasePriority.HIGH, openedAt); // 09:00 and 16:00

  it('is not breached before the deadline and breached after it while unanswered', () => {
    expect(firstResponseBreached(clock, at('2026-11-02T08:59:00Z'))).toBe(false);
    expect(firstResponseBreached(clock, at('2026-11-02T09:01:00Z'))).toBe(true);
    expect(resolutionBreached(clock, at('2026-11-02T15:00:00Z'))).toBe(false);
    expect(resolutionBreached(clock, at('2026-11-02T16:00:01Z'))).toBe(true);
  });

  it('judges an answered deadline by when it was met, not by now', () => {
    const inTime = { ...clock, firstRespondedAt: at('2026-11-02T08:30:00Z'), resolvedAt: at('2026-11-02T12:00:00Z') };
    expect(firstResponseBreached(inTime, at('2026-11-09T00:00:00Z'))).toBe(false);
    expect(resolutionBreached(inTime, at('2026-11-09T00:00:00Z'))).toBe(false);
    const late = { ...clock, firstRespondedAt: at('2026-11-02T09:30:00Z') };
    expect(firstResponseBreached(late, at('2026-11-02T09:45:00Z'))).toBe(true);
  });

  it('flags a case at risk only within the window before a deadline still to be met', () => {
    expect(slaAtRisk(clock, at('2026-11-02T08:00:00Z'), 30)).toBe(false);
    expect(slaAtRisk(clock, at('2026-11-02T08:31:00Z'), 30)).toBe(true);
    // The first response is already missed: a breach, not a risk, until the resolution deadline comes close.
    expect(slaAtRisk(clock, at('2026-11-02T10:00:00Z'), 30)).toBe(false);
    expect(slaAtRisk(clock, at('2026-11-02T15:40:00Z'), 30)).toBe(true);
    expect(slaAtRisk({ ...clock, resolvedAt: at('2026-11-02T15:00:00Z'), firstRespondedAt: openedAt }, at('2026-11-02T15:40:00Z'), 30)).toBe(false);
  });
});
