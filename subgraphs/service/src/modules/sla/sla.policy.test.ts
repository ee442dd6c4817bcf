import { describe, expect, it } from '@jest/globals';
import { CasePriority } from '../case/case.enums.js';
import {
  atRiskFrom,
  atRiskWindowMinutes,
  firstResponseBreached,
  resolutionBreached,
  ServiceContractTier,
  slaAtRisk,
  slaDeadlines,
  slaPolicyFor,
  slaSchedule,
} from './sla.policy.js';
import type { BusinessCalendar } from '@crm/kit/business-time.js';

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

describe('SLA deadlines in business time', () => {
  const office: BusinessCalendar = {
    timeZone: 'Europe/Prague',
    hours: [{ days: ['MON', 'TUE', 'WED', 'THU', 'FRI'], opens: '08:00', closes: '17:00' }],
    holidays: [],
  };
  const fridayAt16 = at('2026-12-04T15:00:00Z'); // 16:00 in Prague

  it("runs in the calendar's hours, each at risk in the last fraction of its business time", () => {
    // PREMIUM NORMAL: 4 hours to respond (Monday 11:00, at risk from 10:00), 24 to resolve (Wednesday 13:00, at risk from Tuesday 16:00).
    expect(slaSchedule(ServiceContractTier.PREMIUM, CasePriority.NORMAL, fridayAt16, office, 0.25)).toEqual({
      firstResponseDueAt: at('2026-12-07T10:00:00Z'),
      firstResponseAtRiskAt: at('2026-12-07T09:00:00Z'),
      resolutionDueAt: at('2026-12-09T12:00:00Z'),
      resolutionAtRiskAt: at('2026-12-08T15:00:00Z'),
    });
    const clock = { ...slaSchedule(ServiceContractTier.PREMIUM, CasePriority.NORMAL, fridayAt16, office, 0.25), createdAt: fridayAt16 };
    expect(slaAtRisk(clock, at('2026-12-05T12:00:00Z'), 0.25)).toBe(false); // the weekend counts for nothing
    expect(slaAtRisk(clock, at('2026-12-07T09:00:00Z'), 0.25)).toBe(true);
  });

  it('keeps calendar time without a calendar, with no fixed at-risk moments', () => {
    expect(slaSchedule(ServiceContractTier.PREMIUM, CasePriority.NORMAL, fridayAt16, null, 0.25)).toEqual({
      ...slaDeadlines(ServiceContractTier.PREMIUM, CasePriority.NORMAL, fridayAt16),
      firstResponseAtRiskAt: null,
      resolutionAtRiskAt: null,
    });
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

  it('flags a case at risk only in the last part of a deadline still to be met, measured on its own length', () => {
    const opened = { ...clock, createdAt: openedAt };
    // PREMIUM HIGH answers within 60 minutes: not at risk when it opens (it was, with a fixed 60-minute window), at
    // risk from minute 45 with a quarter, from minute 30 with a half.
    expect(slaAtRisk(opened, openedAt, 0.25)).toBe(false);
    expect(slaAtRisk(opened, at('2026-11-02T08:44:59Z'), 0.25)).toBe(false);
    expect(slaAtRisk(opened, at('2026-11-02T08:45:00Z'), 0.25)).toBe(true);
    expect(slaAtRisk(opened, at('2026-11-02T08:30:00Z'), 0.5)).toBe(true);
    // The first response is already missed: a breach, not a risk, until the last quarter of the 8-hour resolution.
    expect(slaAtRisk(opened, at('2026-11-02T10:00:00Z'), 0.25)).toBe(false);
    expect(slaAtRisk(opened, at('2026-11-02T13:59:00Z'), 0.25)).toBe(false);
    expect(slaAtRisk(opened, at('2026-11-02T14:00:00Z'), 0.25)).toBe(true);
    expect(slaAtRisk({ ...opened, resolvedAt: at('2026-11-02T15:00:00Z'), firstRespondedAt: openedAt }, at('2026-11-02T15:40:00Z'), 0.25)).toBe(false);
    expect(slaAtRisk(opened, at('2026-11-02T16:00:01Z'), 1)).toBe(false);
  });

  it('opens the at-risk window a fraction of each deadline before it (a quarter: minute 45 of 60, hour 18 of 24)', () => {
    const due = (minutes: number) => new Date(openedAt.getTime() + minutes * 60_000);
    expect(atRiskFrom(openedAt, due(60), 0.25)).toEqual(at('2026-11-02T08:45:00Z'));
    expect(atRiskFrom(openedAt, due(24 * 60), 0.25)).toEqual(at('2026-11-03T02:00:00Z'));
    expect(atRiskWindowMinutes(openedAt, due(24 * 60), 0.25)).toBe(6 * 60);
    expect(atRiskWindowMinutes(openedAt, due(10), 0.25)).toBe(2.5);
  });
});
