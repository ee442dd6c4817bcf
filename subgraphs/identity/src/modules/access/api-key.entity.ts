import type { Opt } from '@mikro-orm/core';
import { Entity, Index, Property } from '@mikro-orm/decorators/legacy';
import { Field, ObjectType, registerEnumType } from 'type-graphql';
import { BaseEntity } from '@crm/kit/base.entity.js';
import { AccessHours } from './access-hours.js';

export enum ApiKeyStatus {
  ACTIVE = 'ACTIVE',
  REVOKED = 'REVOKED',
  EXPIRED = 'EXPIRED',
}
registerEnumType(ApiKeyStatus, { name: 'ApiKeyStatus' });

/**
 * A partner application's credential. Only a SHA-256 of the secret is stored: the secret is shown once, when the
 * key is created or rotated, and a lost one is replaced by rotating.
 */
@ObjectType({ description: "A partner application's API key: its scopes and where it may call from (the secret is never shown again)" })
@Entity({ tableName: 'api_key' })
@Index({ properties: ['createdAt', 'id'] })
export class ApiKey extends BaseEntity {
  @Field()
  @Property({ type: 'text' })
  name!: string;

  @Field({ description: 'The start of the secret (crmk_xxxxxxxx), to tell keys apart' })
  @Property({ type: 'text' })
  prefix!: string;

  @Property({ type: 'text', unique: true })
  secretHash!: string;

  @Field(() => [String], { description: 'Permissions the key carries, e.g. customers:read, interactions:write' })
  @Property({ type: 'text[]' })
  scopes!: string[];

  @Field(() => [String], { description: 'Networks it may call from (CIDR); empty: anywhere' })
  @Property({ type: 'text[]' })
  allowedCidrs: Opt<string[]> = [];

  @Field(() => AccessHours, { nullable: true, description: 'Hours it may call in; null: any time' })
  @Property({ type: 'json', nullable: true })
  allowedHours?: AccessHours | null;

  @Field(() => Date, { nullable: true })
  @Property({ type: 'timestamptz', nullable: true })
  expiresAt?: Date | null;

  @Field(() => Date, { nullable: true })
  @Property({ type: 'timestamptz', nullable: true })
  revokedAt?: Date | null;

  @Field(() => Date, { nullable: true, description: 'When it was last used (to the minute)' })
  @Property({ type: 'timestamptz', nullable: true })
  lastUsedAt?: Date | null;

  @Field({ description: 'Who created it (a user id)' })
  @Property({ type: 'text' })
  createdBy!: string;

  @Field(() => ApiKeyStatus)
  status(): ApiKeyStatus {
    if (this.revokedAt) return ApiKeyStatus.REVOKED;
    if (this.expiresAt && this.expiresAt.getTime() <= Date.now()) return ApiKeyStatus.EXPIRED;
    return ApiKeyStatus.ACTIVE;
  }
}
