import { Field, InputType, registerEnumType } from 'type-graphql';
import { Length, MaxLength } from 'class-validator';
import { SegmentKind } from './segment.entity.js';
import { SegmentRuleGroup } from './segment.rules.js';

@InputType()
export class CreateSegmentInput {
  @Field()
  @Length(1, 200, { message: 'name must be between 1 and 200 characters' })
  name!: string;

  @Field(() => String, { nullable: true })
  @MaxLength(2000)
  description?: string | null;

  @Field(() => SegmentKind)
  kind!: SegmentKind;

  @Field(() => SegmentRuleGroup, { nullable: true, description: 'Required for DYNAMIC segments, not allowed for STATIC ones' })
  rules?: SegmentRuleGroup | null;
}

@InputType()
export class UpdateSegmentInput {
  @Field(() => String, { nullable: true })
  @Length(1, 200, { message: 'name must be between 1 and 200 characters' })
  name?: string | null;

  @Field(() => String, { nullable: true })
  @MaxLength(2000)
  description?: string | null;

  @Field(() => SegmentRuleGroup, { nullable: true })
  rules?: SegmentRuleGroup | null;
}

export enum SegmentOrder {
  NEWEST_FIRST = 'NEWEST_FIRST',
  NAME = 'NAME',
}
registerEnumType(SegmentOrder, { name: 'SegmentOrder' });

@InputType()
export class SegmentFilter {
  @Field(() => SegmentKind, { nullable: true }) kind?: SegmentKind | null;

  @Field(() => String, { nullable: true })
  @MaxLength(200)
  nameContains?: string | null;

  @Field({ defaultValue: false }) includeArchived!: boolean;
}
