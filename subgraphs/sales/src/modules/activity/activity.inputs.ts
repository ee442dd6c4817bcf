import { Field, ID, InputType, registerEnumType } from 'type-graphql';
import { Length, MaxLength } from 'class-validator';
import { SalesActivityType } from './activity.entity.js';

@InputType()
export class CreateActivityInput {
  @Field(() => SalesActivityType)
  type!: SalesActivityType;

  @Field()
  @Length(1, 300, { message: 'subject must be between 1 and 300 characters' })
  subject!: string;

  @Field(() => String, { nullable: true })
  @MaxLength(20000)
  notes?: string | null;

  @Field(() => ID, { nullable: true })
  customerId?: string | null;

  @Field(() => ID, { nullable: true })
  leadId?: string | null;

  @Field(() => ID, { nullable: true })
  opportunityId?: string | null;

  @Field(() => ID, { nullable: true })
  ownerId?: string | null;

  @Field(() => Date, { nullable: true })
  occurredAt?: Date | null;

  @Field(() => Date, { nullable: true })
  dueAt?: Date | null;

  @Field(() => Date, { nullable: true })
  reminderAt?: Date | null;
}

export enum ActivityOrder {
  NEWEST_FIRST = 'NEWEST_FIRST',
  DUE_SOONEST = 'DUE_SOONEST',
}
registerEnumType(ActivityOrder, { name: 'ActivityOrder', description: 'DUE_SOONEST lists only activities with a due date' });

@InputType()
export class ActivityFilter {
  @Field(() => [SalesActivityType], { nullable: true })
  types?: SalesActivityType[] | null;

  @Field(() => [ID], { nullable: true })
  ownerIds?: string[] | null;

  @Field(() => ID, { nullable: true })
  leadId?: string | null;

  @Field(() => ID, { nullable: true })
  opportunityId?: string | null;

  @Field(() => Boolean, { nullable: true })
  done?: boolean | null;

  @Field(() => Date, { nullable: true, description: 'Only those due before this time' })
  dueBefore?: Date | null;
}
