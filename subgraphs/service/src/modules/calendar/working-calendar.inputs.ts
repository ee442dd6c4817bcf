import { ArrayMaxSize, ArrayMinSize, Length } from 'class-validator';
import { Field, InputType } from 'type-graphql';
import { WorkingDay } from './working-calendar.entity.js';
import { LocalDateScalar } from '@crm/kit/scalars.js';

@InputType()
export class WorkingHoursInput {
  @Field(() => [WorkingDay])
  @ArrayMinSize(1, { message: 'Name at least one day of the working hours' })
  @ArrayMaxSize(7)
  days!: WorkingDay[];

  @Field({ description: 'HH:MM' })
  opens!: string;

  @Field({ description: 'HH:MM, after opens (24:00 for midnight)' })
  closes!: string;
}

@InputType()
export class HolidayInput {
  @Field(() => LocalDateScalar)
  date!: string;

  @Field(() => String, { nullable: true })
  @Length(0, 200)
  name?: string | null;
}

@InputType()
export class CreateWorkingCalendarInput {
  @Field()
  @Length(1, 200, { message: 'name must be between 1 and 200 characters' })
  name!: string;

  @Field(() => [WorkingHoursInput], { description: 'At least one window, none overlapping on a day' })
  @ArrayMinSize(1, { message: 'Name at least one working window' })
  @ArrayMaxSize(50)
  workingHours!: WorkingHoursInput[];

  @Field(() => [HolidayInput], { nullable: true, description: 'Days off, e.g. the public holidays' })
  @ArrayMaxSize(2000)
  holidays?: HolidayInput[] | null;
}

@InputType({ description: 'Changes the fields given; omitted fields stay as they are. Holidays given replace the list' })
export class UpdateWorkingCalendarInput {
  @Field(() => String, { nullable: true })
  @Length(1, 200, { message: 'name must be between 1 and 200 characters' })
  name?: string | null;

  @Field(() => [WorkingHoursInput], { nullable: true })
  @ArrayMinSize(1, { message: 'Name at least one working window' })
  @ArrayMaxSize(50)
  workingHours?: WorkingHoursInput[] | null;

  @Field(() => [HolidayInput], { nullable: true })
  @ArrayMaxSize(2000)
  holidays?: HolidayInput[] | null;
}
