import { Field, InputType, ObjectType, registerEnumType } from 'type-graphql';
import { ArrayMinSize, ArrayMaxSize, IsIn, Matches } from 'class-validator';
import { WEEKDAYS, type Weekday } from '@crm/kit/access/policy.js';

export enum AccessWeekday {
  MON = 'MON',
  TUE = 'TUE',
  WED = 'WED',
  THU = 'THU',
  FRI = 'FRI',
  SAT = 'SAT',
  SUN = 'SUN',
}
registerEnumType(AccessWeekday, { name: 'AccessWeekday' });
type SameDays = [Weekday] extends [`${AccessWeekday}`] ? ([`${AccessWeekday}`] extends [Weekday] ? true : false) : false;
export const accessWeekdaysMatchPolicy: SameDays = true;

const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;

@ObjectType({ description: 'Local hours in which calls are allowed, e.g. 07:00–19:00 MON–SAT in Europe/Prague' })
export class AccessHours {
  @Field({ description: 'HH:MM, inclusive' }) from!: string;
  @Field({ description: 'HH:MM, exclusive; before from: the range runs past midnight' }) to!: string;
  @Field(() => [AccessWeekday]) days!: AccessWeekday[];
  @Field({ description: 'IANA time zone, e.g. Europe/Prague' }) timeZone!: string;
}

@InputType()
export class AccessHoursInput {
  @Field() @Matches(TIME, { message: 'from must be HH:MM (00:00–23:59)' }) from!: string;
  @Field() @Matches(TIME, { message: 'to must be HH:MM (00:00–23:59)' }) to!: string;
  @Field(() => [AccessWeekday]) @ArrayMinSize(1) @ArrayMaxSize(7) @IsIn(WEEKDAYS, { each: true }) days!: AccessWeekday[];
  @Field({ defaultValue: 'Europe/Prague' }) timeZone!: string;
}
