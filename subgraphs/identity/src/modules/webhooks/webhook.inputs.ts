import { ArrayMaxSize, ArrayMinSize, Length } from 'class-validator';
import { Field, InputType } from 'type-graphql';

@InputType({ description: 'A partner endpoint and the event types it wants' })
export class RegisterWebhookEndpointInput {
  @Field({ description: 'https://… (http:// and private addresses only where WEBHOOK_ALLOW_PRIVATE_NETWORKS=true, i.e. development)' })
  @Length(1, 2000)
  url!: string;

  @Field(() => [String], { description: 'Event types, e.g. ["OpportunityStageChanged", "CaseOpened"]; the owner must be allowed to read each' })
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  eventTypes!: string[];

  @Field(() => String, { nullable: true })
  @Length(0, 500)
  description?: string | null;
}

@InputType({ description: 'What to change; absent fields stay as they are' })
export class UpdateWebhookEndpointInput {
  @Field(() => String, { nullable: true })
  @Length(1, 2000)
  url?: string | null;

  @Field(() => [String], { nullable: true })
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  eventTypes?: string[] | null;

  @Field(() => String, { nullable: true })
  @Length(0, 500)
  description?: string | null;
}

@InputType({ description: 'Where a replay starts' })
export class ReplayWebhookDeliveriesInput {
  @Field({ description: "An event.cursor from the endpoint's delivery log: the events after it are delivered again" })
  @Length(1, 200)
  after!: string;
}
