import { Directive, Field, ID, ObjectType } from 'type-graphql';

/**
 * A member of staff, owned by identity. Sales points at one, and answers its name where a field provides it
 * (`@provides(fields: "name")`, from sales' copy: staff-names.ts); any other field of a user comes from identity.
 */
@ObjectType()
@Directive('@key(fields: "id", resolvable: false)')
export class User {
  @Field(() => ID)
  id!: string;

  /** Declared by SalesUserResolver (user.resolver.ts). */
  name?: string;
}
