import { Directive, Field, ID, ObjectType } from 'type-graphql';

/** identity owns Customer; service adds the customer's cases, assets and service contract to it. */
@ObjectType()
@Directive('@key(fields: "id")')
export class Customer {
  @Field(() => ID)
  id!: string;
}

export const customerReference = {
  Customer: { __resolveReference: (reference: { id: string }) => ({ id: reference.id }) },
};
