import { Field, InputType } from 'type-graphql';
import { ArrayMaxSize, IsEmail, Length, Matches } from 'class-validator';
import { StaffRole } from './user.entity.js';

const SUPPORT_LINE = /^[A-Z][A-Z_]{1,39}$/;

@InputType()
export class CreateUserInput {
  @Field()
  @Length(1, 200)
  name!: string;

  @Field()
  @IsEmail({}, { message: 'email must be a valid e-mail address' })
  email!: string;

  @Field(() => StaffRole)
  role!: StaffRole;

  @Field(() => String, { nullable: true, description: "The subject (sub) of the person's tokens at the OpenID Connect issuer" })
  @Length(1, 255)
  subject?: string | null;

  @Field(() => [String], { defaultValue: [], description: 'Lines of support whose cases they work (service agents)' })
  @ArrayMaxSize(20)
  @Matches(SUPPORT_LINE, { each: true, message: 'supportLines are names like FIRST or SECOND' })
  supportLines!: string[];
}

@InputType({ description: 'The fields to change; absent fields stay as they are' })
export class UpdateUserInput {
  @Field(() => String, { nullable: true })
  @Length(1, 200)
  name?: string | null;

  @Field(() => StaffRole, { nullable: true })
  role?: StaffRole | null;

  @Field(() => Boolean, { nullable: true, description: 'false: the user can no longer sign in' })
  active?: boolean | null;

  @Field(() => String, { nullable: true })
  @Length(1, 255)
  subject?: string | null;

  @Field(() => [String], { nullable: true })
  @ArrayMaxSize(20)
  @Matches(SUPPORT_LINE, { each: true, message: 'supportLines are names like FIRST or SECOND' })
  supportLines?: string[] | null;
}
