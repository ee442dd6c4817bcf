import type { Opt } from '@mikro-orm/core';
import { Entity, Enum, Index, ManyToOne, Property } from '@mikro-orm/decorators/legacy';
import { Field, ObjectType, registerEnumType } from 'type-graphql';
import { GraphQLJSON } from 'graphql-scalars';
import { BaseEntity } from '@crm/kit/base.entity.js';
import { Customer } from '../customer/customer.entity.js';

export enum ErasureStatus {
  /** Some subgraphs have not reported yet (one may be down: it finishes when it is back). */
  IN_PROGRESS = 'IN_PROGRESS',
  COMPLETED = 'COMPLETED',
}
registerEnumType(ErasureStatus, { name: 'ErasureStatus' });

/** The subgraphs that hold a person's data: each must report its part done. */
export const ERASING_SUBGRAPHS = ['identity', 'sales', 'marketing', 'service'] as const;

@ObjectType({ description: "One subgraph's part of an erasure" })
export class ErasureProgress {
  @Field() subgraph!: string;
  @Field(() => Boolean) done!: boolean;
  @Field(() => Date, { nullable: true }) erasedAt!: Date | null;
  @Field(() => GraphQLJSON, { nullable: true, description: 'Rows erased per table, and events redacted' }) counts!: unknown;
}

/**
 * A person's request to be forgotten (GDPR article 17) and how far every subgraph has carried it out. It keeps only
 * ids: the person's data is gone once it is COMPLETED.
 */
@ObjectType({ description: 'An erasure of a person’s data in every subgraph, and its progress' })
@Entity({ tableName: 'erasure_request' })
@Index({ properties: ['status', 'createdAt'] })
export class ErasureRequest extends BaseEntity {
  // A declared relation (its id only): the request keeps naming its subject, and customers are never deleted (erasure
  // empties them), so restrict.
  @Field(() => String, { description: 'The customer it was asked for' })
  @Index({ name: 'erasure_request_customer_id_index' })
  @ManyToOne(() => Customer, { fieldName: 'customer_id', mapToPk: true, deleteRule: 'restrict' })
  customerId!: string;

  @Field(() => [String], { description: 'Every id of the person: the customer and the records merged into it' })
  @Property({ type: 'text[]' })
  customerIds!: string[];

  @Field({ description: 'Why, as the request gave it (e.g. "GDPR art. 17 request of 2026-12-01")' })
  @Property({ type: 'text' })
  reason!: string;

  @Field({ description: 'Who asked for it (a user id)' })
  @Property({ type: 'text' })
  requestedBy!: string;

  @Field(() => ErasureStatus)
  @Enum({ items: () => ErasureStatus, nativeEnumName: 'erasure_status' })
  status: Opt<ErasureStatus> = ErasureStatus.IN_PROGRESS;

  /** subgraph → { erasedAt, counts } once it reported. */
  @Property({ type: 'json', default: '{}' })
  progress: Opt<Record<string, { erasedAt: string; counts: unknown }>> = {};

  @Field(() => Date, { nullable: true })
  @Property({ type: 'timestamptz', nullable: true })
  completedAt?: Date | null;

  @Field(() => [ErasureProgress], { name: 'perSubgraph' })
  perSubgraph(): ErasureProgress[] {
    return ERASING_SUBGRAPHS.map((subgraph) => {
      const done = this.progress[subgraph];
      return { subgraph, done: Boolean(done), erasedAt: done ? new Date(done.erasedAt) : null, counts: done?.counts ?? null };
    });
  }
}
