import { randomUUID } from 'node:crypto';
import type { Opt } from '@mikro-orm/core';
import { Entity, Enum, Index, ManyToOne, PrimaryKey, Property, Unique } from '@mikro-orm/decorators/legacy';
import { Field, ObjectType, registerEnumType } from 'type-graphql';
import { JSONObjectResolver } from 'graphql-scalars';
import { BaseEntity } from '@crm/kit/base.entity.js';
import type { SegmentRuleGroup } from './segment.rules.js';

export enum SegmentKind {
  /** Members are whoever matches the rules right now. */
  DYNAMIC = 'DYNAMIC',
  /** Members are added and removed by hand. */
  STATIC = 'STATIC',
}
registerEnumType(SegmentKind, { name: 'SegmentKind' });

@ObjectType()
@Entity({ tableName: 'segment' })
@Index({ properties: ['kind', 'createdAt', 'id'] })
@Index({ properties: ['name', 'id'] })
export class Segment extends BaseEntity {
  @Field()
  @Property({ type: 'text' })
  name!: string;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  description?: string | null;

  @Field(() => SegmentKind)
  @Enum({ items: () => SegmentKind, nativeEnumName: 'segment_kind' })
  kind!: SegmentKind;

  @Field(() => JSONObjectResolver, { nullable: true, description: 'The rule tree of a DYNAMIC segment as it was given' })
  @Property({ type: 'json', nullable: true })
  rules?: SegmentRuleGroup | null;

  @Field(() => Date, { nullable: true })
  @Property({ type: 'timestamptz', nullable: true })
  archivedAt?: Date | null;

  /**
   * The rules its kept members were last evaluated with as a whole (segment.kept-members.ts); when they differ from
   * `rules` (a new segment, changed rules) the job evaluates the whole segment again, and its size is evaluated from
   * the rules until then.
   */
  @Property({ type: 'json', nullable: true, hidden: true })
  keptRules?: SegmentRuleGroup | null;
}

/** A customer put on a STATIC segment by hand. */
@Entity({ tableName: 'segment_member' })
@Unique({ properties: ['segmentId', 'customerId'] })
@Index({ properties: ['segmentId', 'addedAt', 'id'] })
@Index({ properties: ['customerId'] })
export class SegmentMember {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  // A declared relation (its id only): a hand-picked membership is part of its segment (cascade).
  @ManyToOne(() => Segment, { fieldName: 'segment_id', mapToPk: true, deleteRule: 'cascade' })
  segmentId!: string;

  @Property({ type: 'uuid' })
  customerId!: string;

  @Property({ type: 'timestamptz' })
  addedAt: Opt<Date> = new Date();
}

/**
 * A customer who matched an active DYNAMIC segment's rules when its kept membership was last refreshed
 * (segment.kept-members.ts): what its size counts, instead of evaluating the rules over every profile.
 */
@Entity({ tableName: 'segment_kept_member' })
export class SegmentKeptMember {
  @PrimaryKey({ type: 'uuid' })
  segmentId!: string;

  @PrimaryKey({ type: 'uuid' })
  customerId!: string;
}

/**
 * When a customer's membership of a DYNAMIC segment may change with time alone: the first moment one of the
 * interactions its `withinDays` windows count falls out of its window.
 */
@Entity({ tableName: 'segment_recheck' })
@Index({ properties: ['dueAt'] })
export class SegmentRecheck {
  @PrimaryKey({ type: 'uuid' })
  segmentId!: string;

  @PrimaryKey({ type: 'uuid' })
  customerId!: string;

  @Property({ type: 'timestamptz' })
  dueAt!: Date;
}

/**
 * A customer whose interactions, consents, open deals or profile changed since the kept memberships were last
 * refreshed: written by triggers on those tables in the changing transaction, removed by the refresh that
 * evaluates them. Append-only, so writers never wait on each other for it.
 */
@Entity({ tableName: 'segment_stale_customer' })
export class SegmentStaleCustomer {
  @PrimaryKey({ type: 'bigint' })
  id!: string;

  @Property({ type: 'uuid' })
  customerId!: string;
}
