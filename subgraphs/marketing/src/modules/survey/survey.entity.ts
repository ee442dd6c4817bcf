import { randomUUID } from 'node:crypto';
import type { Opt } from '@mikro-orm/core';
import { Entity, Enum, Index, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
import { InteractionChannel } from '../interaction/interaction.entity.js';
import { redactInAudit } from '@crm/kit/access/personal-data.js';

/** One answer to "how likely are you to recommend us?" (0–10). Append-only, so no version. */
@ObjectType()
@Entity({ tableName: 'survey_response' })
@Index({ properties: ['respondedAt', 'id'] })
@Index({ properties: ['customerId', 'respondedAt'] })
@Index({ properties: ['score', 'respondedAt', 'id'] })
export class SurveyResponse {
  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Property({ type: 'uuid' })
  customerId!: string;

  @Field(() => Int)
  @Property({ type: 'smallint' })
  score!: number;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  comment?: string | null;

  @Field(() => InteractionChannel)
  @Enum({ items: () => InteractionChannel })
  channel!: InteractionChannel;

  @Field(() => Date)
  @Property({ type: 'timestamptz' })
  respondedAt: Opt<Date> = new Date();
}

@ObjectType({ description: 'Net Promoter Score: % promoters (9–10) minus % detractors (0–6)' })
export class NpsSummary {
  @Field(() => Int) responses!: number;
  @Field(() => Int) promoters!: number;
  @Field(() => Int) passives!: number;
  @Field(() => Int) detractors!: number;
  @Field(() => Float, { nullable: true, description: 'From -100 to 100, one decimal; null without responses' }) nps!: number | null;
}

redactInAudit(SurveyResponse, ['comment']);
