import { Field, Float, ID, ObjectType } from 'type-graphql';
import { Customer } from './customer.entity.js';
import { IdentifierKind } from './identifier.entity.js';

@ObjectType({ description: 'The customer a set of identifiers belongs to, and how it was found' })
export class CustomerResolution {
  @Field(() => Customer)
  customer!: Customer;

  @Field({ description: 'True when no identifier matched and the customer was created' })
  created!: boolean;

  @Field(() => [IdentifierKind], { description: 'The kinds of identifier that matched the returned customer' })
  matchedBy!: IdentifierKind[];

  @Field(() => [ID], { description: 'Other customers some identifiers belong to: candidates for a merge, never merged silently' })
  conflictingCustomerIds!: string[];
}

@ObjectType({ description: 'A customer found by a search, with how well it matched' })
export class CustomerSearchHit {
  @Field(() => Customer)
  customer!: Customer;

  @Field(() => Float, { description: 'Relevance from 0 to 1, higher is better' })
  score!: number;
}
