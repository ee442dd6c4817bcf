import { Entity, Enum, ManyToOne, Property } from '@mikro-orm/decorators/legacy';
import { Field, ObjectType } from 'type-graphql';
import { BaseEntity } from '@crm/kit/base.entity.js';
import { WorkingCalendar } from '../calendar/working-calendar.entity.js';
import { ServiceContractTier } from '../sla/sla.policy.js';

@ObjectType({ description: "A customer's service contract; its tier and calendar set the SLA of new cases" })
@Entity({ tableName: 'service_contract' })
export class ServiceContract extends BaseEntity {
  @Property({ type: 'uuid', unique: true })
  customerId!: string;

  @Field(() => ServiceContractTier)
  @Enum({ items: () => ServiceContractTier, nativeEnumName: 'service_contract_tier' })
  tier!: ServiceContractTier;

  /** The working calendar its SLA deadlines run in (business time); null: calendar time, 24/7 (a calendar in use is not deleted). */
  @ManyToOne(() => WorkingCalendar, { fieldName: 'calendar_id', mapToPk: true, nullable: true, deleteRule: 'restrict', index: true })
  calendarId?: string | null;
}
