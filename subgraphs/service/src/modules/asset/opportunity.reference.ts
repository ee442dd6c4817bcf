import { Directive, Field, ID, ObjectType } from 'type-graphql';

/** A deal, owned by sales; an asset names the one that sold it. */
@ObjectType()
@Directive('@key(fields: "id", resolvable: false)')
export class Opportunity {
  @Field(() => ID)
  id!: string;
}
