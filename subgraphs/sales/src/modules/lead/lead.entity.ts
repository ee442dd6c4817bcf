import type { Opt } from '@mikro-orm/core';
import { Entity, Enum, Index, ManyToOne, Property, Unique } from '@mikro-orm/decorators/legacy';
import { Directive, Field, Int, ObjectType, registerEnumType } from 'type-graphql';
import { BaseEntity } from '@crm/kit/base.entity.js';
import { PersonalData, SignedIn } from '@crm/kit/access/decorators.js';
import { redactInAudit } from '@crm/kit/access/personal-data.js';
import { Opportunity } from '../opportunity/opportunity.entity.js';
import { Product } from '../product/product.entity.js';

export enum LeadSource {
  WEB_FORM = 'WEB_FORM',
  PHONE = 'PHONE',
  EMAIL = 'EMAIL',
  WALK_IN = 'WALK_IN',
  PARTNER = 'PARTNER',
  CAMPAIGN = 'CAMPAIGN',
  REFERRAL = 'REFERRAL',
}
registerEnumType(LeadSource, { name: 'LeadSource' });

export enum LeadStatus {
  NEW = 'NEW',
  CONTACTED = 'CONTACTED',
  QUALIFIED = 'QUALIFIED',
  CONVERTED = 'CONVERTED',
  DISQUALIFIED = 'DISQUALIFIED',
}
registerEnumType(LeadStatus, { name: 'LeadStatus', description: 'NEW → CONTACTED → QUALIFIED → CONVERTED; DISQUALIFIED from any open status' });

@ObjectType({ description: 'An inquiry not yet qualified into an opportunity' })
@Directive('@key(fields: "id")')
@Entity({ tableName: 'sales_lead' })
@Index({ properties: ['customerId', 'createdAt', 'id'] })
@Index({ properties: ['status', 'createdAt', 'id'] })
@Index({ properties: ['ownerId', 'createdAt', 'id'] })
@Index({ properties: ['createdAt', 'id'] })
// Capacity of a rep during routing: their open leads.
@Index({ properties: ['ownerId', 'status'] })
// A partner's key of a lead it upserts (upsertLeads): one lead per key.
@Unique({ properties: ['sourceSystem', 'externalId'] })
export class Lead extends BaseEntity {
  @Field(() => String, { nullable: true, description: 'The system a bulk upsert (upsertLeads) brought it from' })
  @Property({ type: 'text', nullable: true })
  sourceSystem?: string | null;

  @Field(() => String, { nullable: true, description: "The lead's id in sourceSystem: the key upsertLeads finds it by" })
  @Property({ type: 'text', nullable: true })
  externalId?: string | null;

  /** The id a web-form vendor gave the submission: a retry with it returns this lead. */
  @Field(() => String, { nullable: true, description: "The caller's id of the web-form submission that created it" })
  @Property({ type: 'text', nullable: true, unique: true })
  submissionId?: string | null;

  /** What the submission said (hashed), so a retry with the same id but other data is refused. */
  @Property({ type: 'text', nullable: true, hidden: true })
  submissionHash?: string | null;

  @Field(() => LeadSource)
  @Enum({ items: () => LeadSource, nativeEnumName: 'lead_source' })
  source!: LeadSource;

  @Field(() => LeadStatus)
  @Enum({ items: () => LeadStatus, nativeEnumName: 'lead_status' })
  status: Opt<LeadStatus> = LeadStatus.NEW;

  // The dealer's own working (status reason, routing): submitWebForm answers a stranger, who does not get it.
  @SignedIn()
  @Field(() => String, { nullable: true, description: 'Why it reached its status (e.g. the disqualification reason)' })
  @Property({ type: 'text', nullable: true })
  statusReason?: string | null;

  @Property({ type: 'uuid', nullable: true })
  customerId?: string | null;

  @Field(() => String, { nullable: true, description: 'Contact name as the person gave it' })
  @Property({ type: 'text', nullable: true })
  contactName?: string | null;

  @PersonalData()
  @Field(() => String, { nullable: true, description: 'Personal data: pii:read' })
  @Property({ type: 'text', nullable: true })
  contactEmail?: string | null;

  @PersonalData()
  @Field(() => String, { nullable: true, description: 'Personal data: pii:read' })
  @Property({ type: 'text', nullable: true })
  contactPhone?: string | null;

  @Field(() => Date, { nullable: true, description: 'The appointment slot the person asked for' })
  @Property({ type: 'timestamptz', nullable: true })
  requestedAppointment?: Date | null;

  @Field(() => String, { nullable: true, description: 'What they are interested in, e.g. a model' })
  @Property({ type: 'text', nullable: true })
  interest?: string | null;

  // A declared relation (its id only): a hint for routing and scoring, cleared if the product goes (set null).
  @Index({ name: 'sales_lead_interest_product_id_index' })
  @ManyToOne(() => Product, { fieldName: 'interest_product_id', mapToPk: true, nullable: true, deleteRule: 'set null' })
  interestProductId?: string | null;

  @Field(() => String, { nullable: true, description: 'Where the person is, e.g. "Praha 5"; routing rules match its prefix' })
  @Property({ type: 'text', nullable: true })
  region?: string | null;

  @Field(() => String, { nullable: true, description: 'The page the form was submitted on' })
  @Property({ type: 'text', nullable: true })
  pageUrl?: string | null;

  @Field(() => Int)
  @Property({ type: 'integer' })
  score: Opt<number> = 0;

  @Property({ type: 'uuid', nullable: true })
  ownerId?: string | null;

  @SignedIn()
  @Field(() => String, { nullable: true, description: 'Why routing gave it to its owner, or why it left it unassigned' })
  @Property({ type: 'text', nullable: true })
  assignmentReason?: string | null;

  // A declared relation (its id only), so converting inserts the opportunity before the lead names it.
  @Index({ name: 'sales_lead_converted_opportunity_id_index' })
  @ManyToOne(() => Opportunity, { fieldName: 'converted_opportunity_id', mapToPk: true, nullable: true, deleteRule: 'set null' })
  convertedOpportunityId?: string | null;

  /** Not stored: signed for the answer of submitWebForm only (intake.resolver.ts). */
  @Field(() => String, {
    nullable: true,
    description:
      "Only in submitWebForm's answer (null elsewhere): a short-lived token the form's client sends as connectionParams: { followToken } " +
      'to follow this lead with leadChanged, seeing its progress (status, result, advisor) and nothing personal',
  })
  followToken?: string | null;
}

// A web form's submission id is the form's own (it may encode the person, e.g. their e-mail), and its hash is of what
// they sent (the erasure blanks it).
redactInAudit(Lead, ['contactName', 'interest', 'pageUrl', 'statusReason', 'region', 'submissionId', 'submissionHash']);
