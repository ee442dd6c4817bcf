import { Field, InputType, Int, registerEnumType } from 'type-graphql';
import { InteractionChannel, InteractionType } from '../interaction/interaction.entity.js';

export enum SegmentGroupOperator {
  AND = 'AND',
  OR = 'OR',
}
registerEnumType(SegmentGroupOperator, { name: 'SegmentGroupOperator' });

export enum SegmentProfileField {
  CITY = 'CITY',
  GENDER = 'GENDER',
  PREFERRED_LANGUAGE = 'PREFERRED_LANGUAGE',
  OCCUPATION = 'OCCUPATION',
}
registerEnumType(SegmentProfileField, { name: 'SegmentProfileField' });

export enum SegmentTextOperator {
  EQUALS = 'EQUALS',
  NOT_EQUALS = 'NOT_EQUALS',
  CONTAINS = 'CONTAINS',
  IS_SET = 'IS_SET',
  IS_NOT_SET = 'IS_NOT_SET',
}
registerEnumType(SegmentTextOperator, { name: 'SegmentTextOperator' });

@InputType({ description: 'A profile field compared with a value (case-insensitive)' })
export class SegmentProfileCondition {
  @Field(() => SegmentProfileField) field!: SegmentProfileField;
  @Field(() => SegmentTextOperator) operator!: SegmentTextOperator;
  @Field(() => String, { nullable: true, description: 'Required except for IS_SET / IS_NOT_SET' }) value?: string | null;
}

@InputType({ description: 'The current state of a consent purpose, e.g. MARKETING on EMAIL granted' })
export class SegmentConsentCondition {
  @Field() purpose!: string;
  @Field(() => String, { nullable: true, description: "e.g. EMAIL: that channel's decision, else the ANY one; without it, granted on any channel" })
  channel?: string | null;
  @Field({ defaultValue: true }) granted!: boolean;
}

@InputType({ description: 'A JSON property of the interaction whose text contains a value, e.g. url contains "suv"' })
export class SegmentPropertyMatch {
  @Field() key!: string;
  @Field() contains!: string;
}

@InputType({ description: 'How many matching interactions the customer had in the last withinDays days' })
export class SegmentInteractionCondition {
  @Field(() => InteractionType, { nullable: true }) type?: InteractionType | null;
  @Field(() => InteractionChannel, { nullable: true }) channel?: InteractionChannel | null;
  @Field(() => SegmentPropertyMatch, { nullable: true }) property?: SegmentPropertyMatch | null;
  @Field(() => Int, { defaultValue: 1 }) atLeast!: number;
  @Field(() => Int, { nullable: true }) atMost?: number | null;
  @Field(() => Int, { description: '1 to 3650' }) withinDays!: number;
}

@InputType()
export class SegmentOpportunityCondition {
  @Field({ description: 'true: has an open opportunity; false: has none' }) hasOpen!: boolean;
}

@InputType({ description: 'Exactly one of the kinds of condition' })
export class SegmentCondition {
  @Field(() => SegmentProfileCondition, { nullable: true }) profile?: SegmentProfileCondition | null;
  @Field(() => SegmentConsentCondition, { nullable: true }) consent?: SegmentConsentCondition | null;
  @Field(() => SegmentInteractionCondition, { nullable: true }) interactions?: SegmentInteractionCondition | null;
  @Field(() => SegmentOpportunityCondition, { nullable: true }) opportunity?: SegmentOpportunityCondition | null;
}

@InputType({ description: 'Conditions and nested groups joined by AND or OR; a group is never empty' })
export class SegmentRuleGroup {
  @Field(() => SegmentGroupOperator) operator!: SegmentGroupOperator;
  @Field(() => [SegmentCondition], { defaultValue: [] }) conditions!: SegmentCondition[];
  @Field(() => [SegmentRuleGroup], { defaultValue: [] }) groups!: SegmentRuleGroup[];
}
