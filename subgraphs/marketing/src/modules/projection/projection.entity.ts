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

  /** PERSON or ORGANIZATION, as identity's CustomerCreated/CustomerChanged say */
  @Property({ type: 'text', nullable: true })
  kind?: string | null;

  @Property({ type: 'text', nullable: true })
  firstName?: string | null;

  @Property({ type: 'text', nullable: true })
  lastName?: string | null;

  @Property({ type: 'text', nullable: true })
  organizationName?: string | null;

  @Property({ type: 'date', nullable: true })
  birthDate?: string | null;

  @Property({ type: 'text', nullable: true })
  industry?: string | null;

  @Property({ type: 'text', nullable: true })
  companySize?: string | null;

  @Property({ type: 'text', nullable: true })
  jobTitle?: string | null;

  @Property({ type: 'timestamptz' })
  createdAt: Opt<Date> = new Date();

  @Property({ type: 'timestamptz' })
  changedAt: Opt<Date> = new Date();
}

@Entity({ tableName: 'consent_state' })
export class ConsentState {
  @PrimaryKey({ type: 'uuid' })
  customerId!: string;

  /** identity's ConsentPurpose, e.g. MARKETING (older hand-fed rows: e.g. "marketing-email") */
  @PrimaryKey({ type: 'text' })
  purpose!: string;

  /** identity's ConsentChannel, e.g. EMAIL; ANY covers every channel without its own decision */
  @PrimaryKey({ type: 'text', default: 'ANY' })
  channel!: string;

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

  @Property({ type: 'uuid', nullable: true })
  pipelineId?: string | null;

  @Property({ type: 'uuid', nullable: true })
  stageId?: string | null;

  @Property({ type: 'text', nullable: true })
  stageName?: string | null;

  /** sales' StageMarker, e.g. FIRST_OFFER_SENT */
  @Property({ type: 'text', nullable: true })
  marker?: string | null;

  @Property({ type: 'uuid', nullable: true })
  ownerId?: string | null;

  /** OPEN, WON or LOST */
  @Property({ type: 'text', nullable: true })
  status?: string | null;

  @Property({ type: 'decimal', precision: 16, scale: 2, nullable: true })
  amount?: string | null;

  @Property({ type: 'text', nullable: true })
  currency?: string | null;

  @Property({ type: 'timestamptz' })
  changedAt!: Date;
}

/** The latest state of a sales quote: what was offered, so newsletters can be personalized from it. */
@Entity({ tableName: 'quote_snapshot' })
@Index({ properties: ['opportunityId', 'sentAt'] })
@Index({ properties: ['customerId'] })
export class QuoteSnapshot {
  /** sales' Quote.id */
  @PrimaryKey({ type: 'uuid' })
  id!: string;

  @Property({ type: 'uuid' })
  opportunityId!: string;

  @Property({ type: 'uuid' })
  customerId!: string;

  /** The last Quote* event type, e.g. QuoteSent or QuoteViewed */
  @Property({ type: 'text' })
  lastEvent!: string;

  @Property({ type: 'json' })
  products!: QuotedProduct[];

  @Property({ type: 'decimal', precision: 16, scale: 2, nullable: true })
  totalAmount?: string | null;

  @Property({ type: 'text', nullable: true })
  currency?: string | null;

  /** The ways to pay offered with it (QuoteSent), for the "first offer sent" newsletters. */
  @Property({ type: 'json', nullable: true })
  financing?: QuotedFinancing[] | null;

  @Property({ type: 'timestamptz', nullable: true })
  sentAt?: Date | null;

  @Property({ type: 'timestamptz' })
  changedAt!: Date;
}

export interface QuotedFinancing {
  kind: string;
  termMonths: number | null;
  /** e.g. "12 450.00 CZK" */
  monthlyPayment: string | null;
}

/**
 * Where a customer can be written to: identity's e-mail addresses and phones (CustomerCreated, IdentifierLinked,
 * IdentifierRemoved). Read when a message is sent, and by nothing else; erased with the customer.
 */
@Entity({ tableName: 'customer_contact' })
@Index({ properties: ['kind', 'value'] })
export class CustomerContact {
  @PrimaryKey({ type: 'uuid' })
  customerId!: string;

  /** EMAIL or PHONE */
  @PrimaryKey({ type: 'text' })
  kind!: string;

  @PrimaryKey({ type: 'text' })
  value!: string;

  @Property({ type: 'timestamptz' })
  linkedAt!: Date;
}

export interface QuotedProduct {
  productId: string | null;
  name: string;
  category: string | null;
}
