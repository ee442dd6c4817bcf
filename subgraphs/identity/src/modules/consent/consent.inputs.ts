import { Field, ID, InputType } from 'type-graphql';
import { ArrayMaxSize, Length } from 'class-validator';
import { ConsentChannel, ConsentPurpose, ConsentStatus } from './consent.entity.js';

@InputType()
export class RecordConsentInput {
  @Field(() => ID)
  customerId!: string;

  @Field(() => ConsentPurpose)
  purpose!: ConsentPurpose;

  @Field(() => ConsentChannel)
  channel!: ConsentChannel;

  @Field(() => ConsentStatus)
  status!: ConsentStatus;

  @Field({ description: 'Where it was given, e.g. "web-form"' })
  @Length(1, 100)
  source!: string;

  @Field({ description: 'Version of the consent text shown, e.g. "v3"' })
  @Length(1, 50)
  textVersion!: string;

  @Field({ nullable: true, description: 'When the customer decided; defaults to now' })
  givenAt?: Date;
}

@InputType()
export class ConsentHistoryFilter {
  @Field(() => [ConsentPurpose], { nullable: true })
  @ArrayMaxSize(10)
  purposes?: ConsentPurpose[] | null;

  @Field(() => [ConsentChannel], { nullable: true })
  @ArrayMaxSize(10)
  channels?: ConsentChannel[] | null;
}
