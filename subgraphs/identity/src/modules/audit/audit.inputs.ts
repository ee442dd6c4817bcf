import { IsUUID, Length } from 'class-validator';
import { Field, InputType } from 'type-graphql';
import { GraphQLJSON } from 'graphql-scalars';
import { AuditOutcome } from './audit-entry.entity.js';

@InputType()
export class AuditLogFilter {
  @Field(() => String, { nullable: true, description: 'A user id, an API key id, or system:<service>' }) actorId?: string | null;
  @Field(() => String, { nullable: true, description: 'The record, e.g. an opportunity id' }) entityId?: string | null;
  @Field(() => String, { nullable: true, description: 'e.g. Opportunity' }) entityType?: string | null;
  @Field(() => String, { nullable: true, description: 'e.g. Mutation.moveOpportunity, SIGN_IN, API_KEY_USED, PERSONAL_DATA_READ' }) operation?: string | null;
  @Field(() => AuditOutcome, { nullable: true }) outcome?: AuditOutcome | null;
  @Field(() => Date, { nullable: true, description: 'From this time on (inclusive)' }) from?: Date | null;
  @Field(() => Date, { nullable: true, description: 'Before this time' }) to?: Date | null;
}

/** What the gateway records itself (sign-ins, key uses, refusals): the same shape as AuditRecorded events. */
@InputType()
export class AuditRecordInput {
  @Field() @IsUUID() id!: string;
  @Field() at!: Date;
  @Field() @Length(1, 200) actorId!: string;
  @Field() @Length(1, 20) actorKind!: string;
  @Field() @Length(1, 200) operation!: string;
  @Field(() => AuditOutcome) outcome!: AuditOutcome;
  @Field(() => GraphQLJSON, { nullable: true }) details?: unknown;
  @Field(() => String, { nullable: true }) @Length(0, 500) reason?: string | null;
  @Field(() => String, { nullable: true }) requestId?: string | null;
  @Field(() => String, { nullable: true }) clientIp?: string | null;
}
