import type { Opt } from '@mikro-orm/core';
import { Entity, Enum, Index, ManyToOne, Property } from '@mikro-orm/decorators/legacy';
import { Directive, Field, Int, ObjectType, registerEnumType } from 'type-graphql';
import { BaseEntity } from '@crm/kit/base.entity.js';
import { DecimalScalar, LocalDateScalar, Money } from '@crm/kit/scalars.js';
import { redactInAudit } from '@crm/kit/access/personal-data.js';
import { Opportunity } from '../opportunity/opportunity.entity.js';
import { Product } from '../product/product.entity.js';

export enum QuoteStatus {
  DRAFT = 'DRAFT',
  SENT = 'SENT',
  VIEWED = 'VIEWED',
  ACCEPTED = 'ACCEPTED',
  REJECTED = 'REJECTED',
  EXPIRED = 'EXPIRED',
}
registerEnumType(QuoteStatus, { name: 'QuoteStatus', description: 'DRAFT → SENT → VIEWED → ACCEPTED / REJECTED / EXPIRED' });

export enum FinancingKind {
  CASH = 'CASH',
  LOAN = 'LOAN',
  LEASE = 'LEASE',
}
registerEnumType(FinancingKind, { name: 'FinancingKind' });

const money = (amount: string, currency: string): Money => ({ amount, currency });

@ObjectType({ description: 'An offer to a customer: priced lines, totals and ways to pay' })
// An entity so that service can ask whether a quote an asset names exists (kit/references.ts, ADR 16).
@Directive('@key(fields: "id")')
@Entity({ tableName: 'quote' })
@Index({ properties: ['customerId', 'createdAt', 'id'] })
@Index({ properties: ['opportunityId', 'createdAt', 'id'] })
@Index({ properties: ['status', 'createdAt', 'id'] })
export class Quote extends BaseEntity {
  @Property({ type: 'uuid' })
  customerId!: string;

  // A declared relation (its id only): a quote outlives its opportunity, as a quote without one (set null).
  @ManyToOne(() => Opportunity, { fieldName: 'opportunity_id', mapToPk: true, nullable: true, deleteRule: 'set null' })
  opportunityId?: string | null;

  @Field()
  @Property({ type: 'text' })
  title!: string;

  @Field(() => QuoteStatus)
  @Enum({ items: () => QuoteStatus, nativeEnumName: 'quote_status' })
  status: Opt<QuoteStatus> = QuoteStatus.DRAFT;

  @Field({ description: 'ISO 4217 code of every amount on the quote' })
  @Property({ type: 'character', length: 3 })
  currency!: string;

  @Field(() => DecimalScalar, { description: 'VAT in percent, e.g. "21"' })
  @Property({ type: 'decimal', precision: 5, scale: 2 })
  taxRatePercent!: string;

  @Field(() => LocalDateScalar, { nullable: true })
  @Property({ type: 'string', columnType: 'date', nullable: true })
  validUntil?: string | null;

  @Property({ type: 'decimal', precision: 16, scale: 2 })
  subtotalAmount: Opt<string> = '0.00';

  @Property({ type: 'decimal', precision: 16, scale: 2 })
  discountAmount: Opt<string> = '0.00';

  @Property({ type: 'decimal', precision: 16, scale: 2 })
  taxAmount: Opt<string> = '0.00';

  @Property({ type: 'decimal', precision: 16, scale: 2 })
  totalAmount: Opt<string> = '0.00';

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  rejectionReason?: string | null;

  @Field(() => String, { nullable: true, description: 'The language of its document and page: cs, pl, sk or en (unset: DEALER_LANGUAGE)' })
  @Property({ type: 'text', nullable: true })
  language?: string | null;

  /** When its customer was erased (the figures stay, for accounting): its link no longer opens. */
  @Property({ type: 'timestamptz', nullable: true })
  erasedAt?: Date | null;

  @Field(() => Money, { description: 'Sum of quantity × unit price' }) subtotal(): Money {
    return money(this.subtotalAmount, this.currency);
  }
  @Field(() => Money, { description: 'Sum of line discounts' }) discount(): Money {
    return money(this.discountAmount, this.currency);
  }
  @Field(() => Money) tax(): Money {
    return money(this.taxAmount, this.currency);
  }
  @Field(() => Money) total(): Money {
    return money(this.totalAmount, this.currency);
  }
}

@ObjectType({ description: 'One priced line of a quote' })
@Entity({ tableName: 'quote_line' })
@Index({ properties: ['quoteId', 'position'] })
export class QuoteLine extends BaseEntity {
  // Declared relations (their ids only): a line is part of its quote (cascade); a quoted product is deactivated,
  // never deleted (restrict). A flush inserts the quote before its lines.
  @ManyToOne(() => Quote, { fieldName: 'quote_id', mapToPk: true, deleteRule: 'cascade' })
  quoteId!: string;

  @Property({ type: 'integer' })
  position!: number;

  @Index({ name: 'quote_line_product_id_index' })
  @ManyToOne(() => Product, { fieldName: 'product_id', mapToPk: true, deleteRule: 'restrict' })
  productId!: string;

  @Field()
  @Property({ type: 'text' })
  description!: string;

  @Field(() => Int)
  @Property({ type: 'integer' })
  quantity!: number;

  @Property({ type: 'decimal', precision: 16, scale: 2 })
  unitPriceAmount!: string;

  @Field(() => DecimalScalar, { nullable: true })
  @Property({ type: 'decimal', precision: 5, scale: 2, nullable: true })
  discountPercent?: string | null;

  @Property({ type: 'decimal', precision: 16, scale: 2 })
  discountAmount!: string;

  @Property({ type: 'decimal', precision: 16, scale: 2 })
  netAmount!: string;

  @Property({ type: 'character', length: 3 })
  currency!: string;

  @Field(() => Money) unitPrice(): Money {
    return money(this.unitPriceAmount, this.currency);
  }
  @Field(() => Money, { description: 'The discount in money, whichever way it was given' }) discount(): Money {
    return money(this.discountAmount, this.currency);
  }
  @Field(() => Money, { description: 'quantity × unit price − discount' }) net(): Money {
    return money(this.netAmount, this.currency);
  }
}

@ObjectType({ description: 'A way to pay a quote, calculated by the platform' })
@Entity({ tableName: 'quote_financing' })
@Index({ properties: ['quoteId', 'position'] })
export class FinancingOption extends BaseEntity {
  // A declared relation (its id only): part of its quote, inserted after it.
  @ManyToOne(() => Quote, { fieldName: 'quote_id', mapToPk: true, deleteRule: 'cascade' })
  quoteId!: string;

  @Property({ type: 'integer' })
  position!: number;

  @Field(() => FinancingKind)
  @Enum({ items: () => FinancingKind, nativeEnumName: 'financing_kind' })
  kind!: FinancingKind;

  @Field(() => Int, { nullable: true })
  @Property({ type: 'integer', nullable: true })
  termMonths?: number | null;

  @Field(() => DecimalScalar, { nullable: true, description: 'Annual interest rate in percent' })
  @Property({ type: 'decimal', precision: 6, scale: 3, nullable: true })
  annualRatePercent?: string | null;

  /** Kept so the amount follows the total when lines change later. */
  @Field(() => DecimalScalar, { nullable: true })
  @Property({ type: 'decimal', precision: 5, scale: 2, nullable: true })
  downPaymentPercent?: string | null;

  @Property({ type: 'decimal', precision: 16, scale: 2 })
  downPaymentAmount!: string;

  @Field(() => DecimalScalar, { nullable: true })
  @Property({ type: 'decimal', precision: 5, scale: 2, nullable: true })
  residualValuePercent?: string | null;

  @Property({ type: 'decimal', precision: 16, scale: 2 })
  residualValueAmount!: string;

  @Property({ type: 'decimal', precision: 16, scale: 2 })
  financedAmount!: string;

  @Property({ type: 'decimal', precision: 16, scale: 2, nullable: true })
  monthlyPaymentAmount?: string | null;

  @Property({ type: 'decimal', precision: 16, scale: 2 })
  totalPaidAmount!: string;

  @Property({ type: 'decimal', precision: 16, scale: 2 })
  totalInterestAmount!: string;

  @Property({ type: 'character', length: 3 })
  currency!: string;

  @Field(() => Money) downPayment(): Money {
    return money(this.downPaymentAmount, this.currency);
  }
  @Field(() => Money, { description: 'Left to pay (or return the car) at the end of a lease' }) residualValue(): Money {
    return money(this.residualValueAmount, this.currency);
  }
  @Field(() => Money, { description: 'The total less the down payment' }) financed(): Money {
    return money(this.financedAmount, this.currency);
  }
  @Field(() => Money, { nullable: true }) monthlyPayment(): Money | null {
    return this.monthlyPaymentAmount == null ? null : money(this.monthlyPaymentAmount, this.currency);
  }
  @Field(() => Money, { description: 'Everything paid: down payment, instalments and, for a lease, the residual' }) totalPaid(): Money {
    return money(this.totalPaidAmount, this.currency);
  }
  @Field(() => Money) totalInterest(): Money {
    return money(this.totalInterestAmount, this.currency);
  }
}

redactInAudit(Quote, ['title', 'rejectionReason']);
