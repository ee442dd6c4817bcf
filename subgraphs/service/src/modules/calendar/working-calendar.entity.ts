import type { Opt } from '@mikro-orm/core';
import { Entity, Index, Property } from '@mikro-orm/decorators/legacy';
import { Field, ObjectType, registerEnumType } from 'type-graphql';
import { BaseEntity } from '@crm/kit/base.entity.js';
import type { WeekDay } from '@crm/kit/business-time.js';
import { platform } from '@crm/kit/config.js';
import { LocalDateScalar } from '@crm/kit/scalars.js';

export enum WorkingDay {
  MON = 'MON',
  TUE = 'TUE',
  WED = 'WED',
  THU = 'THU',
  FRI = 'FRI',
  SAT = 'SAT',
  SUN = 'SUN',
}
registerEnumType(WorkingDay, { name: 'WorkingDay' });
type SameDays = [WeekDay] extends [`${WorkingDay}`] ? ([`${WorkingDay}`] extends [WeekDay] ? true : false) : false;
export const workingDaysMatchBusinessTime: SameDays = true;

@ObjectType({ description: 'Working hours on some days of the week, local to the dealer (DEALER_TIME_ZONE), e.g. 08:00–17:00 MON–FRI' })
export class WorkingHours {
  @Field(() => [WorkingDay])
  days!: WorkingDay[];

  @Field({ description: 'HH:MM, when the hours start' })
  opens!: string;

  @Field({ description: 'HH:MM (up to 24:00), when they end' })
  closes!: string;
}

@ObjectType({ description: 'A day off, whatever its weekday (a public holiday)' })
export class Holiday {
  @Field(() => LocalDateScalar)
  date!: string;

  @Field(() => String, { nullable: true })
  name?: string | null;
}

@ObjectType({
  description:
    'Working hours and holidays: the SLA deadlines of the contracts that use it run only in them (business time), e.g. 4 hours from Friday 16:00 end on Monday 11:00 with 08:00–17:00 MON–FRI',
})
@Entity({ tableName: 'working_calendar' })
@Index({ properties: ['createdAt', 'id'] })
export class WorkingCalendar extends BaseEntity {
  @Field()
  @Property({ type: 'text' })
  name!: string;

  @Field(() => [WorkingHours])
  @Property({ type: 'json' })
  workingHours!: WorkingHours[];

  @Field(() => [Holiday], { description: 'Days off, in date order' })
  @Property({ type: 'json' })
  holidays: Opt<Holiday[]> = [];

  @Field({ description: "The time zone of the hours and the holidays: the dealer's (DEALER_TIME_ZONE)" })
  timeZone(): string {
    return platform().DEALER_TIME_ZONE;
  }
}
