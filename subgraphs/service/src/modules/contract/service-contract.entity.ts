import { Entity, Enum, Property } from '@mikro-orm/decorators/legacy';
import { Field, ObjectType } from 'type-graphql';
import { BaseEntity } from '@crm/kit/base.entity.js';
import { ServiceContractTier } from '../sla/sla.policy.js';

@ObjectType({ description: "A customer's service contract; its tier sets the SLA of new cases" })
@Entity({ tableName: 'service_contract' })
export class ServiceContract extends BaseEntity {
  @Property({ type: 'uuid', unique: true })
  customerId!: string;

  @Field(() => ServiceContractTier)
  @Enum({ items: () => ServiceContractTier, nativeEnumName: 'service_contract_tier' })
  tier!: ServiceContractTier;
}
