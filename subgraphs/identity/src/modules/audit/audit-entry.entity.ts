import { Entity, Enum, Index, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { GraphQLJSON } from 'graphql-scalars';

export enum AuditOutcome {
  /** The operation was carried out. */
  DONE = 'DONE',
  /** Refused: no or bad credentials, a missing permission, outside the access policy. */
  DENIED = 'DENIED',
}
registerEnumType(AuditOutcome, { name: 'AuditOutcome' });

/**
 * One thing a caller did or tried: a mutation with its changes, a sign-in, an API key's use, a refusal, a bulk read
 * of personal data. Append-only: the database refuses UPDATE and DELETE on the table (see the migration), so the
 * application cannot rewrite history. Personal values are redacted before they get here.
 */
@ObjectType({ description: 'An entry of the audit log: who did what to which record, when and from where' })
@Entity({ tableName: 'audit_entry' })
@Index({ properties: ['at', 'id'] })
@Index({ properties: ['actorId', 'at', 'id'] })
@Index({ properties: ['entityId', 'at', 'id'] })
@Index({ properties: ['operation', 'at', 'id'] })
@Index({ properties: ['outcome', 'at', 'id'] })
@Index({ properties: ['entityType', 'at', 'id'] })
export class AuditEntry {
  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id!: string;

  @Field(() => Date)
  @Property({ type: 'timestamptz' })
  at!: Date;

  @Field({ description: 'The user id, API key id, system:<service> or anonymous' })
  @Property({ type: 'text' })
  actorId!: string;

  @Field({ description: 'user, api-key, system or anonymous' })
  @Property({ type: 'text' })
  actorKind!: string;

  @Field({ description: 'The operation, e.g. Mutation.moveOpportunity, SIGN_IN, API_KEY_USED, PERSONAL_DATA_READ' })
  @Property({ type: 'text' })
  operation!: string;

  @Field(() => AuditOutcome)
  @Enum({ items: () => AuditOutcome, nativeEnumName: 'audit_outcome' })
  outcome!: AuditOutcome;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  entityType?: string | null;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  entityId?: string | null;

  @Field(() => GraphQLJSON, { nullable: true, description: 'Changed records with each field before and after (personal values redacted), or what was read' })
  @Property({ type: 'json', nullable: true })
  details?: unknown;

  @Field(() => String, { nullable: true, description: 'Why it was refused' })
  @Property({ type: 'text', nullable: true })
  reason?: string | null;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  requestId?: string | null;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  clientIp?: string | null;

  @Field({ description: 'The service that recorded it' })
  @Property({ type: 'text' })
  service!: string;
}
