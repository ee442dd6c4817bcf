import { Field, ID, InputType } from 'type-graphql';
import { JSONObjectResolver } from 'graphql-scalars';
import { ArrayMaxSize, MaxLength } from 'class-validator';
import { InteractionChannel, InteractionType } from './interaction.entity.js';

@InputType()
export class RecordInteractionInput {
  @Field(() => ID, { nullable: true })
  customerId?: string | null;

  @Field(() => String, { nullable: true })
  @MaxLength(200)
  anonymousId?: string | null;

  @Field(() => InteractionChannel)
  channel!: InteractionChannel;

  @Field(() => InteractionType)
  type!: InteractionType;

  @Field({ nullable: true, description: 'Defaults to now' })
  occurredAt?: Date;

  @Field(() => String, { nullable: true })
  @MaxLength(100)
  sourceSystem?: string | null;

  @Field(() => JSONObjectResolver, { nullable: true })
  properties?: Record<string, unknown> | null;
}

@InputType()
export class InteractionFilter {
  @Field(() => [InteractionChannel], { nullable: true })
  @ArrayMaxSize(20)
  channels?: InteractionChannel[] | null;

  @Field(() => [InteractionType], { nullable: true })
  @ArrayMaxSize(30)
  types?: InteractionType[] | null;

  @Field({ nullable: true, description: 'Only interactions at or after this time' })
  since?: Date;

  @Field({ nullable: true, description: 'Only interactions before this time' })
  until?: Date;
}
