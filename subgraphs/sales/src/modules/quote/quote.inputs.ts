import { Field, ID, InputType, Int, registerEnumType } from 'type-graphql';
import { ArrayMaxSize, IsIn, IsISO4217CurrencyCode, IsOptional, Length, Max, Min, ValidateNested } from 'class-validator';
import { DecimalScalar, LocalDateScalar, MoneyInput } from '@crm/kit/scalars.js';
import { FinancingKind, QuoteStatus } from './quote.entity.js';
import { QUOTE_LANGUAGES } from './quote.pdf.labels.js';

@InputType()
export class CreateQuoteInput {
  @Field(() => ID, { nullable: true, description: "Defaults to the opportunity's customer" })
  customerId?: string | null;

  @Field(() => ID, { nullable: true })
  opportunityId?: string | null;

  @Field()
  @Length(1, 300, { message: 'title must be between 1 and 300 characters' })
  title!: string;

  @Field()
  @IsISO4217CurrencyCode({ message: 'currency must be an ISO 4217 code such as EUR or CZK' })
  currency!: string;

  @Field(() => DecimalScalar, { defaultValue: '0', description: 'VAT in percent' })
  taxRatePercent!: string;

  @Field(() => LocalDateScalar, { nullable: true })
  validUntil?: string | null;

  @Field(() => String, { nullable: true, description: "The customer's language for the document: cs, pl, sk or en (unset: DEALER_LANGUAGE)" })
  @IsOptional()
  @IsIn(QUOTE_LANGUAGES, { message: `language must be one of ${QUOTE_LANGUAGES.join(', ')}` })
  language?: string | null;

  @Field(() => [QuoteLineInput], { nullable: true, description: 'Lines to start it with, as addQuoteLine adds them (each a QuoteChanged)' })
  @ArrayMaxSize(50)
  @ValidateNested()
  lines?: QuoteLineInput[] | null;
}

@InputType()
export class QuoteLineInput {
  @Field(() => ID)
  productId!: string;

  @Field(() => Int, { defaultValue: 1 })
  @Min(1, { message: 'quantity must be at least 1' })
  @Max(10000, { message: 'quantity must be at most 10000' })
  quantity!: number;

  @Field(() => MoneyInput, { nullable: true, description: "The product's list price when omitted" })
  @ValidateNested()
  unitPrice?: MoneyInput | null;

  @Field(() => DecimalScalar, { nullable: true, description: 'Discount in percent of quantity × unit price' })
  discountPercent?: string | null;

  @Field(() => DecimalScalar, { nullable: true, description: 'Discount as an amount in the quote currency' })
  discountAmount?: string | null;

  @Field(() => String, { nullable: true, description: "The product's name when omitted" })
  @Length(1, 500)
  description?: string | null;
}

/** Amounts are in the quote currency; down payment and residual take an amount or a percent of the total. */
@InputType()
export class FinancingInput {
  @Field(() => FinancingKind)
  kind!: FinancingKind;

  @Field(() => Int, { nullable: true })
  @Min(1, { message: 'termMonths must be between 1 and 120' })
  @Max(120, { message: 'termMonths must be between 1 and 120' })
  termMonths?: number | null;

  @Field(() => DecimalScalar, { nullable: true, description: 'Annual rate in percent, e.g. "4.9"' })
  annualRatePercent?: string | null;

  @Field(() => DecimalScalar, { nullable: true })
  downPaymentAmount?: string | null;

  @Field(() => DecimalScalar, { nullable: true })
  downPaymentPercent?: string | null;

  @Field(() => DecimalScalar, { nullable: true })
  residualValueAmount?: string | null;

  @Field(() => DecimalScalar, { nullable: true })
  residualValuePercent?: string | null;
}

@InputType({ description: "What else accepting a quote does; the opportunity always takes the quote's total" })
export class AcceptQuoteInput {
  @Field(() => Boolean, { defaultValue: false, description: "Also moves the quote's opportunity to its pipeline's WON stage (closing its follow-ups)" })
  winOpportunity!: boolean;
}

@InputType()
export class QuoteFilter {
  @Field(() => [QuoteStatus], { nullable: true })
  statuses?: QuoteStatus[] | null;
}

export enum QuoteViewChannel {
  EMAIL = 'EMAIL',
  WEB = 'WEB',
  APP = 'APP',
  DOWNLOAD = 'DOWNLOAD',
}
registerEnumType(QuoteViewChannel, { name: 'QuoteViewChannel', description: 'How the customer opened the quote (DOWNLOAD: the PDF)' });

@InputType()
export class RejectQuoteInput {
  @Field(() => String, { nullable: true, description: 'Why the customer turned it down' })
  reason?: string | null;
}
