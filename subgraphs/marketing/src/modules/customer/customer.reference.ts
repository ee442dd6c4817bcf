import { Directive, Field, ID, ObjectType } from 'type-graphql';

/** identity owns Customer; marketing adds the customer timeline to it. */
@ObjectType()
@Directive('@key(fields: "id")')
export class Customer {
  @Field(() => ID)
  id!: string;
}

export const customerReference = {
  Customer: { __resolveReference: (reference: { id: string }) => ({ id: reference.id }) },
};
