import { Field, InputType } from 'type-graphql';
import { IsEmail, Length } from 'class-validator';
import { StaffRole } from './user.entity.js';

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
}
