import { Field, ID, InputType } from 'type-graphql';
import { ServiceContractTier } from '../sla/sla.policy.js';

@InputType()
export class SetServiceContractInput {
  @Field(() => ID)
  customerId!: string;

  @Field(() => ServiceContractTier)
  tier!: ServiceContractTier;

  @Field(() => ID, {
    nullable: true,
    description: 'The working calendar its SLA deadlines run in (business time); null: calendar time, 24/7; omitted: as it is (a new contract: calendar time)',
  })
  calendarId?: string | null;
}

@InputType({ description: 'Changes the fields given; omitted fields stay as they are' })
export class UpdateServiceContractInput {
  @Field(() => ServiceContractTier, { nullable: true })
  tier?: ServiceContractTier | null;

  @Field(() => ID, { nullable: true, description: 'The working calendar its SLA deadlines run in (business time); null: calendar time, 24/7' })
  calendarId?: string | null;
}
