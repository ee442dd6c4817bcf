import { Arg, Args, Ctx, ID, Int, Mutation, ObjectType, Query, Resolver } from 'type-graphql';
import { Allow } from '@crm/kit/access/decorators.js';
import { connectionOf, ConnectionType, PageArgs } from '@crm/kit/pagination/connection.js';
import type { ServiceContext } from '../../context.js';
import { WorkingCalendar } from './working-calendar.entity.js';
import { CreateWorkingCalendarInput, UpdateWorkingCalendarInput } from './working-calendar.inputs.js';
import { workingCalendarsPage } from './working-calendar.queries.js';
import { createWorkingCalendar, updateWorkingCalendar } from './working-calendar.service.js';

@ObjectType()
export class WorkingCalendarConnection extends ConnectionType(WorkingCalendar) {}

@Resolver(() => WorkingCalendar)
export class WorkingCalendarResolver {
  @Allow('assets:read')
  @Query(() => WorkingCalendarConnection, { description: 'The working calendars service contracts may run their SLA deadlines in, oldest first' })
  async workingCalendars(@Args() page: PageArgs, @Ctx() { em }: ServiceContext): Promise<WorkingCalendarConnection> {
    return connectionOf(WorkingCalendarConnection, await workingCalendarsPage(em, page));
  }

  @Allow('assets:write')
  @Mutation(() => WorkingCalendar, { description: 'A new working calendar, for service contracts to run their SLA deadlines in' })
  createWorkingCalendar(@Arg('input') input: CreateWorkingCalendarInput, @Ctx() { em }: ServiceContext): Promise<WorkingCalendar> {
    return createWorkingCalendar(em, input);
  }

  @Allow('assets:write')
  @Mutation(() => WorkingCalendar, {
    description: "Changes a calendar's name, hours or holidays (for deadlines set from now on; open cases keep theirs); CONFLICT when the version is stale",
  })
  updateWorkingCalendar(
    @Arg('id', () => ID) id: string,
    @Arg('version', () => Int) version: number,
    @Arg('input') input: UpdateWorkingCalendarInput,
    @Ctx() { em }: ServiceContext,
  ): Promise<WorkingCalendar> {
    return updateWorkingCalendar(em, id, version, input);
  }
}
