import { Field, ID, InputType } from 'type-graphql';
import { ArrayMaxSize, Length } from 'class-validator';

@InputType()
export class CreateTeamInput {
  @Field()
  @Length(1, 200)
  name!: string;

  @Field(() => ID, { nullable: true })
  managerId?: string | null;

  @Field(() => [ID], { defaultValue: [] })
  @ArrayMaxSize(200)
  memberIds!: string[];
}
