import type { Opt } from '@mikro-orm/core';
import { Entity, Index, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';

/**
 * Marketing's own copy of the few facts segments need from other domains (identity's profile and
 * consents, sales' opportunities). Fed by their events later; read only by the segment compiler.
 * The profile rows are also the audience: every customer marketing knows about.
 */
@Entity({ tableName: 'customer_profile' })
@Index({ properties: ['createdAt', 'id'] })
export class CustomerProfile {
  /** identity's Customer.id */
  @PrimaryKey({ type: 'uuid' })
  id!: string;

  @Property({ type: 'text', nullable: true })
  city?: string | null;

  @Property({ type: 'text', nullable: true })
  gender?: string | null;

  @Property({ type: 'text', nullable: true })
  preferredLanguage?: string | null;

  @Property({ type: 'text', nullable: true })
  occupation?: string | null;

  @Property({ type: 'timestamptz' })
  createdAt: Opt<Date> = new Date();

  @Property({ type: 'timestamptz' })
  changedAt: Opt<Date> = new Date();
}

@Entity({ tableName: 'consent_state' })
export class ConsentState {
  @PrimaryKey({ type: 'uuid' })
  customerId!: string;

  /** e.g. "marketing-email", as identity names the purpose */
  @PrimaryKey({ type: 'text' })
  purpose!: string;

  @Property({ type: 'boolean' })
  granted!: boolean;

  @Property({ type: 'timestamptz' })
  changedAt!: Date;
}

@Entity({ tableName: 'opportunity_state' })
@Index({ properties: ['customerId', 'isOpen'] })
export class OpportunityState {
  /** sales' Opportunity.id */
  @PrimaryKey({ type: 'uuid' })
  id!: string;

  @Property({ type: 'uuid' })
  customerId!: string;

  @Property({ type: 'boolean' })
  isOpen!: boolean;

  @Property({ type: 'timestamptz' })
  changedAt!: Date;
}
