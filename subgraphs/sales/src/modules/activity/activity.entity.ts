import { Entity, Enum, Index, ManyToOne, Property } from '@mikro-orm/decorators/legacy';
import { Field, ObjectType, registerEnumType } from 'type-graphql';
import { BaseEntity } from '@crm/kit/base.entity.js';
import { redactInAudit } from '@crm/kit/access/personal-data.js';
import { Lead } from '../lead/lead.entity.js';
import { Opportunity } from '../opportunity/opportunity.entity.js';

export enum SalesActivityType {
  CALL = 'CALL',
  MEETING = 'MEETING',
  EMAIL = 'EMAIL',
  TASK = 'TASK',
  NOTE = 'NOTE',
}
registerEnumType(SalesActivityType, { name: 'SalesActivityType' });

@ObjectType({ description: 'A call, meeting, e-mail, task or note of a rep about a customer, lead or opportunity' })
@Entity({ tableName: 'sales_activity' })
@Index({ properties: ['customerId', 'createdAt', 'id'] })
@Index({ properties: ['leadId', 'createdAt', 'id'] })
@Index({ properties: ['opportunityId', 'createdAt', 'id'] })
@Index({ properties: ['ownerId', 'dueAt', 'id'] })
@Index({ properties: ['dueAt', 'id'] })
@Index({
  name: 'sales_activity_pending_due_index',
  expression:
    'create index "sales_activity_pending_due_index" on "sales_activity" ((coalesce("reminder_at", "due_at"))) where "completed_at" is null and "due_notified_at" is null',
})
@Index({ properties: ['createdAt', 'id'] })
// The open ones (Query.activities(filter: { done: false })): a rep's by due date, everyone's by due date and newest first.
@Index({
  name: 'sales_activity_open_owner_id_due_at_id_index',
  expression: 'create index "sales_activity_open_owner_id_due_at_id_index" on "sales_activity" ("owner_id", "due_at", "id") where "completed_at" is null',
})
@Index({
  name: 'sales_activity_open_due_at_id_index',
  expression: 'create index "sales_activity_open_due_at_id_index" on "sales_activity" ("due_at", "id") where "completed_at" is null',
})
@Index({
  name: 'sales_activity_open_created_at_id_index',
  expression: 'create index "sales_activity_open_created_at_id_index" on "sales_activity" ("created_at", "id") where "completed_at" is null',
})
export class Activity extends BaseEntity {
  @Field(() => SalesActivityType)
  @Enum({ items: () => SalesActivityType, nativeEnumName: 'sales_activity_type' })
  type!: SalesActivityType;

  @Field()
  @Property({ type: 'text' })
  subject!: string;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  notes?: string | null;

  @Property({ type: 'uuid', nullable: true })
  customerId?: string | null;

  // Declared relations (their ids only): the rep's work history stays when its lead or opportunity goes (set null).
  @ManyToOne(() => Lead, { fieldName: 'lead_id', mapToPk: true, nullable: true, deleteRule: 'set null' })
  leadId?: string | null;

  @ManyToOne(() => Opportunity, { fieldName: 'opportunity_id', mapToPk: true, nullable: true, deleteRule: 'set null' })
  opportunityId?: string | null;

  @Property({ type: 'uuid', nullable: true })
  ownerId?: string | null;

  @Field(() => Date, { nullable: true, description: 'When a call, meeting or e-mail took place' })
  @Property({ type: 'timestamptz', nullable: true })
  occurredAt?: Date | null;

  @Field(() => Date, { nullable: true, description: 'When a task or planned meeting is due' })
  @Property({ type: 'timestamptz', nullable: true })
  dueAt?: Date | null;

  @Field(() => Date, { nullable: true, description: 'When to remind the owner' })
  @Property({ type: 'timestamptz', nullable: true })
  reminderAt?: Date | null;

  @Field(() => Date, { nullable: true })
  @Property({ type: 'timestamptz', nullable: true })
  completedAt?: Date | null;

  /** When ActivityDue was emitted for it: once per activity. */
  @Property({ type: 'timestamptz', nullable: true })
  dueNotifiedAt?: Date | null;

  @Field(() => Boolean)
  done(): boolean {
    return this.completedAt != null;
  }
}

redactInAudit(Activity, ['subject', 'notes']);
