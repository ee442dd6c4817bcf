import { Directive, Field, ID, ObjectType } from 'type-graphql';

/** A member of staff, owned by identity; sales only points at one. */
@ObjectType()
@Directive('@key(fields: "id", resolvable: false)')
export class User {
  @Field(() => ID)
  id!: string;
}
