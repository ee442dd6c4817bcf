import { randomUUID } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { outboxOf, refusal } from '../../../tests/helpers/integration.js';
import type { Case } from '../src/modules/case/case.entity.js';
import { CaseCategory, CaseChannel, CasePriority } from '../src/modules/case/case.enums.js';
import { casesAtRiskPage } from '../src/modules/case/case.queries.js';
import { getCase, openCase, updateCase } from '../src/modules/case/case.service.js';
import { WorkingDay } from '../src/modules/calendar/working-calendar.entity.js';
import { createWorkingCalendar, updateWorkingCalendar } from '../src/modules/calendar/working-calendar.service.js';
import { ServiceContract } from '../src/modules/contract/service-contract.entity.js';
import { contractTermsOf, setServiceContract, updateServiceContract } from '../src/modules/contract/service-contract.service.js';
import { flagCasesAtRisk } from '../src/modules/sla/sla-risk.service.js';
import { ServiceContractTier, slaAtRisk } from '../src/modules/sla/sla.policy.js';
import { desk, em, orm, useFreshServiceDatabase, write } from './database.js';

// SLA deadlines in business time: a contract with a working calendar (MON–FRI 08:00–17:00 in the dealer's zone,
// Europe/Prague, Christmas off) against the same contract in calendar time. Flagging scans every case of the
// database, so each describe has a database of its own.

const WEEKDAYS = [WorkingDay.MON, WorkingDay.TUE, WorkingDay.WED, WorkingDay.THU, WorkingDay.FRI];
const OFFICE = {
  name: 'Office hours',
  workingHours: [{ days: WEEKDAYS, opens: '08:00', closes: '17:00' }],
  holidays: [
    { date: '2026-12-24', name: 'Christmas Eve' },
    { date: '2026-12-25', name: 'Christmas Day' },
    { date: '2026-12-26', name: null },
  ],
};
/** Friday 4 December 2026, 16:00 in Prague (UTC+1). */
const FRIDAY_16 = new Date('2026-12-04T15:00:00Z');
const utc = (text: string) => new Date(text);

/** A PREMIUM customer, with the calendar or in calendar time; NORMAL: 4 hours to respond, 24 to resolve. */
async function premiumCustomer(calendarId: string | null): Promise<string> {
  const customerId = randomUUID();
  await write((em) => setServiceContract(em, { customerId, tier: ServiceContractTier.PREMIUM, calendarId }));
  return customerId;
}

const openAt = (customerId: string, openedAt: Date, priority = CasePriority.NORMAL) =>
  write((em) =>
    openCase(em, { customerId, subject: 'Rattle in the dashboard', channel: CaseChannel.EMAIL, category: CaseCategory.TECHNICAL, priority }, openedAt),
  );

const schedule = (found: Case) => ({
  firstResponseDueAt: found.firstResponseDueAt.toISOString(),
  firstResponseAtRiskFrom: found.firstResponseAtRiskFrom().toISOString(),
  resolutionDueAt: found.resolutionDueAt.toISOString(),
  resolutionAtRiskFrom: found.resolutionAtRiskFrom().toISOString(),
});

describe('SLA deadlines in a working calendar', () => {
  useFreshServiceDatabase();

  it('run in business time with the calendar (Friday 16:00 + 4 hours = Monday 11:00) and in calendar time without', async () => {
    const office = await write((em) => createWorkingCalendar(em, OFFICE));
    const business = await openAt(await premiumCustomer(office.id), FRIDAY_16);
    const calendarTime = await openAt(await premiumCustomer(null), FRIDAY_16);

    expect(business.calendarId).toBe(office.id);
    expect(schedule(business)).toEqual({
      firstResponseDueAt: '2026-12-07T10:00:00.000Z', // Monday 11:00: one hour on Friday, three on Monday
      firstResponseAtRiskFrom: '2026-12-07T09:00:00.000Z', // Monday 10:00: its last quarter, one business hour
      resolutionDueAt: '2026-12-09T12:00:00.000Z', // Wednesday 13:00: 1 + 9 + 9 + 5 hours
      resolutionAtRiskFrom: '2026-12-08T15:00:00.000Z', // Tuesday 16:00: 6 business hours before
    });
    expect(calendarTime.calendarId).toBeNull();
    expect(schedule(calendarTime)).toEqual({
      firstResponseDueAt: '2026-12-04T19:00:00.000Z', // Friday 20:00
      firstResponseAtRiskFrom: '2026-12-04T18:00:00.000Z',
      resolutionDueAt: '2026-12-05T15:00:00.000Z', // Saturday 16:00
      resolutionAtRiskFrom: '2026-12-05T09:00:00.000Z',
    });
    const opened = (await outboxOf(orm(), business.id))[0]!;
    expect(opened.payload).toMatchObject({ firstResponseDueAt: '2026-12-07T10:00:00.000Z', resolutionDueAt: '2026-12-09T12:00:00.000Z' });

    // Over the weekend the business-time case is not at risk; the calendar-time one is, then breached.
    const saturdayNoon = utc('2026-12-05T11:00:00Z');
    expect([slaAtRisk(business, saturdayNoon, 0.25), slaAtRisk(calendarTime, saturdayNoon, 0.25)]).toEqual([false, true]);
    expect(slaAtRisk(business, utc('2026-12-07T08:59:00Z'), 0.25)).toBe(false);
    expect(slaAtRisk(business, utc('2026-12-07T09:00:00Z'), 0.25)).toBe(true);
  });

  it('skip the holidays, and start when the hours open for a case opened outside them', async () => {
    const office = await write((em) => createWorkingCalendar(em, OFFICE));
    const customerId = await premiumCustomer(office.id);
    // Wednesday 23 December 16:00: one hour that day, Christmas and the weekend off, three on Monday 28.
    const beforeChristmas = await openAt(customerId, utc('2026-12-23T15:00:00Z'));
    expect(beforeChristmas.firstResponseDueAt.toISOString()).toBe('2026-12-28T10:00:00.000Z');
    // Sunday night: the four hours run from Monday 08:00.
    const sundayNight = await openAt(customerId, utc('2026-12-06T21:30:00Z'));
    expect(sundayNight.firstResponseDueAt.toISOString()).toBe('2026-12-07T11:00:00.000Z');
    expect(sundayNight.firstResponseAtRiskFrom().toISOString()).toBe('2026-12-07T10:00:00.000Z');
  });

  it('keep the calendar a case was opened with: a new priority sets new deadlines in it', async () => {
    const office = await write((em) => createWorkingCalendar(em, OFFICE));
    const customerId = await premiumCustomer(office.id);
    const opened = await openAt(customerId, FRIDAY_16);
    const contract = (await contractTermsOf(em(), customerId)).calendar;
    expect(contract?.id).toBe(office.id);

    // The contract goes round the clock: new cases run in calendar time, the open one keeps its calendar.
    const { id, version } = await em().findOneOrFail(ServiceContract, { customerId });
    const changed = await write((em) => updateServiceContract(em, id, version, { calendarId: null }));
    expect(changed.calendarId).toBeNull();
    expect((await refusal(write((em) => updateServiceContract(em, id, version, { tier: ServiceContractTier.ENTERPRISE })))).code).toBe('CONFLICT');
    expect((await outboxOf(orm(), id)).map((e) => [e.payload.calendarId, e.payload.previousCalendarId])).toEqual([
      [office.id, null],
      [null, office.id],
    ]);
    expect((await openAt(customerId, FRIDAY_16)).calendarId).toBeNull();

    // PREMIUM HIGH: 1 hour to respond (Friday 17:00), 8 to resolve (Monday 15:00), still in business time.
    const raised = await write((em) => updateCase(em, opened.id, opened.version, { priority: CasePriority.HIGH }, desk));
    expect(schedule(raised)).toEqual({
      firstResponseDueAt: '2026-12-04T16:00:00.000Z',
      firstResponseAtRiskFrom: '2026-12-04T15:45:00.000Z',
      resolutionDueAt: '2026-12-07T14:00:00.000Z',
      resolutionAtRiskFrom: '2026-12-07T12:00:00.000Z',
    });
    expect((await getCase(em(), opened.id)).calendarId).toBe(office.id);
  });

  it('refuse working hours that overlap or end before they start, and an unknown calendar', async () => {
    const overlapping = [
      { days: WEEKDAYS, opens: '08:00', closes: '12:00' },
      { days: [WorkingDay.FRI], opens: '11:00', closes: '15:00' },
    ];
    expect(await refusal(write((em) => createWorkingCalendar(em, { ...OFFICE, workingHours: overlapping })))).toMatchObject({
      code: 'BAD_USER_INPUT',
      message: 'Working hours: working windows overlap on FRI',
    });
    const backwards = [{ days: WEEKDAYS, opens: '17:00', closes: '08:00' }];
    expect((await refusal(write((em) => createWorkingCalendar(em, { ...OFFICE, workingHours: backwards })))).code).toBe('BAD_USER_INPUT');
    const office = await write((em) => createWorkingCalendar(em, OFFICE));
    expect((await refusal(write((em) => updateWorkingCalendar(em, office.id, office.version, { workingHours: backwards })))).code).toBe('BAD_USER_INPUT');
    expect((await refusal(premiumCustomer(randomUUID()))).code).toBe('NOT_FOUND');

    // A change of hours and holidays, each a new event; the holidays in date order, one per date.
    const saturdays = await write((em) =>
      updateWorkingCalendar(em, office.id, office.version, {
        workingHours: [...OFFICE.workingHours, { days: [WorkingDay.SAT], opens: '08:00', closes: '12:00' }],
        holidays: [{ date: '2027-01-01' }, { date: '2026-12-31', name: 'New Year’s Eve' }, { date: '2027-01-01', name: 'New Year' }],
      }),
    );
    expect(saturdays.holidays).toEqual([
      { date: '2026-12-31', name: 'New Year’s Eve' },
      { date: '2027-01-01', name: 'New Year' },
    ]);
    expect((await outboxOf(orm(), office.id)).map((e) => [e.type, e.payload.changedFields])).toEqual([
      ['WorkingCalendarCreated', undefined],
      ['WorkingCalendarChanged', ['workingHours', 'holidays']],
    ]);
  });
});

describe('the cases at risk in business time', () => {
  // Flags and lists every case of its database: a database of its own holds only the two cases below.
  useFreshServiceDatabase();

  it('flags and lists a business-time deadline at its own moment, not over the weekend', async () => {
    const office = await write((em) => createWorkingCalendar(em, OFFICE));
    const business = await openAt(await premiumCustomer(office.id), FRIDAY_16);
    const calendarTime = await openAt(await premiumCustomer(null), FRIDAY_16);
    const atRiskIds = async (now: Date) => (await casesAtRiskPage(em(), null, desk, {}, now)).edges.map((e) => e.node.id);
    const flagged = async (id: string) =>
      (await outboxOf(orm(), id)).filter((e) => e.type === 'CaseSlaAtRisk').map((e) => [e.payload.deadline, e.payload.windowMinutes]);

    // Saturday noon: the calendar-time resolution (due Saturday 16:00) is at risk; the business-time case is not.
    const saturdayNoon = utc('2026-12-05T11:00:00Z');
    expect(await atRiskIds(saturdayNoon)).toEqual([calendarTime.id]);
    expect(await flagCasesAtRisk(em(), saturdayNoon)).toBe(1);
    expect(await flagged(calendarTime.id)).toEqual([['RESOLUTION', 6 * 60]]);

    // Monday 10:00 in Prague: the last business hour of the first response.
    expect(await atRiskIds(utc('2026-12-07T08:59:00Z'))).toEqual([]);
    expect(await flagCasesAtRisk(em(), utc('2026-12-07T08:59:00Z'))).toBe(0);
    expect(await atRiskIds(utc('2026-12-07T09:00:00Z'))).toEqual([business.id]);
    expect(await flagCasesAtRisk(em(), utc('2026-12-07T09:30:00Z'))).toBe(1);
    // Tuesday 16:00: the resolution's last 6 business hours (a quarter of 24), though it is due on Wednesday 13:00.
    expect(await atRiskIds(utc('2026-12-08T14:59:00Z'))).toEqual([]);
    expect(await atRiskIds(utc('2026-12-08T15:00:00Z'))).toEqual([business.id]);
    expect(await flagCasesAtRisk(em(), utc('2026-12-08T15:00:00Z'))).toBe(1);
    expect(await flagged(business.id)).toEqual([
      ['FIRST_RESPONSE', 60],
      ['RESOLUTION', 6 * 60],
    ]);
  });
});
