import type { Opt } from '@mikro-orm/core';
import { Entity, Index, ManyToOne, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import { randomUUID } from 'node:crypto';
import { Field, ObjectType } from 'type-graphql';
import { BaseEntity } from '@crm/kit/base.entity.js';

/**
 * A form on the dealer's site (or a partner's) that may post leads without a user. Its public key is in the
 * page, so it identifies the form, not a person: each form's submissions are throttled, and it can be switched off.
 */
@ObjectType({ description: "A web form that may post leads: its public key goes into the form's page" })
@Entity({ tableName: 'web_form' })
export class WebForm extends BaseEntity {
  @Field()
  @Property({ type: 'text' })
  name!: string;

  @Field({ description: 'Sent as formKey with every submission (public: it is in the page)' })
  @Property({ type: 'text', unique: true })
  publicKey!: string;

  @Field(() => Boolean)
  @Property({ type: 'boolean' })
  active: Opt<boolean> = true;
}

/**
 * When a submission came and from where, kept a day to throttle: the client address and the e-mail only as keyed
 * hashes (no personal data in clear), so a flood from one address or naming one person is refused.
 */
@Entity({ tableName: 'web_form_submission' })
@Index({ properties: ['formId', 'submittedAt'] })
@Index({ properties: ['addressHash', 'submittedAt'] })
@Index({ properties: ['emailHash', 'submittedAt'] })
export class WebFormSubmission {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  // A declared relation (its id only): throttling records belong to their form (cascade).
  @ManyToOne(() => WebForm, { fieldName: 'form_id', mapToPk: true, deleteRule: 'cascade' })
  formId!: string;

  @Property({ type: 'text', nullable: true })
  addressHash?: string | null;

  @Property({ type: 'text', nullable: true })
  emailHash?: string | null;

  @Property({ type: 'timestamptz' })
  submittedAt: Opt<Date> = new Date();
}
