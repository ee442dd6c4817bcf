import { Field, ID, InputType } from 'type-graphql';
import { ServiceContractTier } from '../sla/sla.policy.js';

@InputType()
export class SetServiceContractInput {
  @Field(() => ID)
  customerId!: string;

  @Field(() => ServiceContractTier)
  tier!: ServiceContractTier;
}
