import type { EntityManager } from '@mikro-orm/postgresql';
import type { BusinessCalendar } from '@crm/kit/business-time.js';
import { workingHoursProblem } from '@crm/kit/business-time.js';
import { platform } from '@crm/kit/config.js';
import { badInput, notFound } from '@crm/kit/errors.js';
import { recordEvent } from '@crm/kit/events.js';
import { parseId } from '@crm/kit/ids.js';
import { assertVersion } from '@crm/kit/versioning.js';
import { type Holiday, WorkingCalendar, type WorkingHours } from './working-calendar.entity.js';
import type { CreateWorkingCalendarInput, HolidayInput, UpdateWorkingCalendarInput, WorkingHoursInput } from './working-calendar.inputs.js';

/** The calendar's hours and holidays for the business-time arithmetic, in the dealer's time zone. */
export const businessCalendarOf = (calendar: WorkingCalendar, timeZone = platform().DEALER_TIME_ZONE): BusinessCalendar => ({
  timeZone,
  hours: calendar.workingHours,
  holidays: calendar.holidays.map((holiday) => holiday.date),
});

export async function getWorkingCalendar(em: EntityManager, id: string, field = 'id'): Promise<WorkingCalendar> {
  const found = await em.findOne(WorkingCalendar, { id: parseId(id, 'WorkingCalendar', field) });
  if (!found) throw notFound('WorkingCalendar', id);
  return found;
}

function workingHoursOf(input: WorkingHoursInput[]): WorkingHours[] {
  const hours = input.map((window) => ({ days: [...new Set(window.days)], opens: window.opens, closes: window.closes }));
  const problem = workingHoursProblem(hours);
  if (problem) throw badInput(`Working hours: ${problem}`, 'workingHours');
  return hours;
}

/** One per date (the last name given wins), in date order. */
function holidaysOf(input: HolidayInput[] | null | undefined): Holiday[] {
  const byDate = new Map((input ?? []).map((holiday) => [holiday.date, { date: holiday.date, name: holiday.name?.trim() || null }]));
  return [...byDate.values()].sort((a, b) => a.date.localeCompare(b.date));
}

const calendarSnapshot = (calendar: WorkingCalendar) => ({
  calendarId: calendar.id,
  name: calendar.name,
  workingHours: calendar.workingHours,
  holidays: calendar.holidays.map((holiday) => ({ date: holiday.date, name: holiday.name ?? null })),
});

export async function createWorkingCalendar(em: EntityManager, input: CreateWorkingCalendarInput): Promise<WorkingCalendar> {
  const calendar = em.create(WorkingCalendar, {
    name: input.name.trim(),
    workingHours: workingHoursOf(input.workingHours),
    holidays: holidaysOf(input.holidays),
  });
  recordEvent(em, { type: 'WorkingCalendarCreated', aggregateId: calendar.id, payload: calendarSnapshot(calendar) });
  await em.flush();
  return calendar;
}

/** New hours and holidays count for deadlines set from now on; open cases keep the deadlines they were given. */
export async function updateWorkingCalendar(em: EntityManager, id: string, version: number, input: UpdateWorkingCalendarInput): Promise<WorkingCalendar> {
  const calendar = await getWorkingCalendar(em, id);
  assertVersion(calendar, version, 'WorkingCalendar');
  const changedFields: string[] = [];
  if (input.name != null && input.name.trim() !== calendar.name) {
    calendar.name = input.name.trim();
    changedFields.push('name');
  }
  if (input.workingHours != null) {
    const hours = workingHoursOf(input.workingHours);
    if (JSON.stringify(hours) !== JSON.stringify(calendar.workingHours)) {
      calendar.workingHours = hours;
      changedFields.push('workingHours');
    }
  }
  if (input.holidays != null) {
    const holidays = holidaysOf(input.holidays);
    if (JSON.stringify(holidays) !== JSON.stringify(calendar.holidays)) {
      calendar.holidays = holidays;
      changedFields.push('holidays');
    }
  }
  if (changedFields.length === 0) return calendar;
  recordEvent(em, { type: 'WorkingCalendarChanged', aggregateId: calendar.id, payload: { ...calendarSnapshot(calendar), changedFields } });
  await em.flush();
  return calendar;
}
