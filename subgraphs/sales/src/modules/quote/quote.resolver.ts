import { Arg, Args, Ctx, Directive, Field, FieldResolver, ID, Int, Mutation, ObjectType, Query, Resolver, Root } from 'type-graphql';
import { parseId } from '@crm/kit/ids.js';
import { ConnectionType, connectionOf, PageArgs } from '@crm/kit/pagination/connection.js';
import type { SalesContext } from '../../context.js';
import { Customer } from '../customer/customer.reference.js';
import { Opportunity } from '../opportunity/opportunity.entity.js';
import { Product } from '../product/product.entity.js';
import { FinancingOption, Quote, QuoteLine, QuoteStatus } from './quote.entity.js';
import { AcceptQuoteInput, CreateQuoteInput, FinancingInput, QuoteFilter, QuoteLineInput, QuoteViewChannel, RejectQuoteInput } from './quote.inputs.js';
import { acceptQuote, addQuoteFinancing, addQuoteLine, createQuote, expireQuote, getQuote, markQuoteViewed, rejectQuote, sendQuote } from './quote.service.js';
import { Allow, Internal, Public } from '@crm/kit/access/decorators.js';
import { eachItem, MAX_BULK_ITEMS } from '@crm/kit/bulk.js';
import { verifyLinkToken } from '@crm/kit/access/link-token.js';
import { QUOTE_VIEW, quoteLinkUrl, quoteViewToken } from './quote.links.js';
import { QuoteDocument, QuoteView } from './quote-document.entity.js';
import { customerNameFrom, latestQuoteDocument } from './quote-document.service.js';
import { ChecksCustomers } from '@crm/kit/customer-references.js';
import { inputOrDeprecated, useInstead } from '@crm/kit/argument-forms.js';

@ObjectType()
export class QuoteConnection extends ConnectionType(Quote) {}

@Resolver(() => Quote)
export class QuoteResolver {
  @Allow('quotes:read')
  @Query(() => Quote, { description: 'A quote by id; NOT_FOUND when there is none' })
  quote(@Arg('id', () => ID) id: string, @Ctx() { em, viewer }: SalesContext): Promise<Quote> {
    return getQuote(em, id, 'id', viewer);
  }

  @Allow('quotes:write')
  @Mutation(() => Quote, { description: 'Starts a DRAFT quote for a customer or an opportunity' })
  @ChecksCustomers('input.customerId')
  async createQuote(@Arg('input') input: CreateQuoteInput, @Ctx() { em, viewer }: SalesContext): Promise<Quote> {
    return createQuote(em, input, viewer);
  }

  @Allow('quotes:write')
  @Mutation(() => [Quote], {
    description:
      `Starts up to ${MAX_BULK_ITEMS} DRAFT quotes, with their lines, as createQuote does, in input order. All or nothing: any bad item and ` +
      'nothing is written, the error lists every bad item (extensions.items: index, field, message). Retry with the same Idempotency-Key.',
  })
  @ChecksCustomers('input[].customerId')
  async createQuotes(@Arg('input', () => [CreateQuoteInput]) input: CreateQuoteInput[], @Ctx() { em, viewer }: SalesContext): Promise<Quote[]> {
    return eachItem(em, input, 'quotes', (itemEm, item) => createQuote(itemEm, item, viewer));
  }

  @Allow('quotes:write')
  @Mutation(() => Quote, { description: 'Adds a line to a DRAFT quote; totals and financing are recalculated' })
  addQuoteLine(
    @Arg('quoteId', () => ID) quoteId: string,
    @Arg('version', () => Int) version: number,
    @Arg('input') input: QuoteLineInput,
    @Ctx() { em, viewer }: SalesContext,
  ): Promise<Quote> {
    return addQuoteLine(em, quoteId, version, input, viewer);
  }

  @Allow('quotes:write')
  @Mutation(() => Quote, { description: 'Offers a way to pay (cash, loan, lease), calculated by the platform' })
  addQuoteFinancing(
    @Arg('quoteId', () => ID) quoteId: string,
    @Arg('version', () => Int) version: number,
    @Arg('input') input: FinancingInput,
    @Ctx() { em, viewer }: SalesContext,
  ): Promise<Quote> {
    return addQuoteFinancing(em, quoteId, version, input, viewer);
  }

  @Allow('quotes:write')
  @Mutation(() => Quote, { description: 'Sends a DRAFT quote: its PDF is made and kept (document), and QuoteSent carries its tracked link' })
  sendQuote(@Arg('id', () => ID) id: string, @Arg('version', () => Int) version: number, @Ctx() { em, viewer, graph, log }: SalesContext): Promise<Quote> {
    return sendQuote(em, id, version, viewer, { customerName: (customerId) => customerNameFrom(graph, customerId, log) });
  }

  @Allow('quotes:write')
  @Mutation(() => Quote, { description: 'Records that the customer opened it; no version: the signal comes from the customer side' })
  markQuoteViewed(
    @Arg('id', () => ID) id: string,
    @Arg('channel', () => QuoteViewChannel, { nullable: true }) channel: QuoteViewChannel | null,
    @Ctx() { em, viewer }: SalesContext,
  ): Promise<Quote> {
    return markQuoteViewed(em, id, channel, viewer);
  }

  @Allow('quotes:write')
  @Mutation(() => Quote, {
    description: "The customer took the offer: its opportunity takes the quote's total (amount and currency); with winOpportunity the deal is WON too",
  })
  acceptQuote(
    @Arg('id', () => ID) id: string,
    @Arg('version', () => Int) version: number,
    @Arg('input', () => AcceptQuoteInput, { nullable: true }) input: AcceptQuoteInput | null,
    @Ctx() { em, viewer }: SalesContext,
  ): Promise<Quote> {
    return acceptQuote(em, id, version, viewer, input);
  }

  @Allow('quotes:write')
  @Mutation(() => Quote)
  rejectQuote(
    @Arg('id', () => ID) id: string,
    @Arg('version', () => Int) version: number,
    @Arg('input', () => RejectQuoteInput, { nullable: true }) input: RejectQuoteInput | null,
    @Arg('reason', () => String, { nullable: true, deprecationReason: useInstead('input: { reason }') }) reason: string | null,
    @Ctx() { em, viewer }: SalesContext,
  ): Promise<Quote> {
    return rejectQuote(em, id, version, viewer, inputOrDeprecated(input, { reason }).reason ?? null);
  }

  @Allow('quotes:write')
  @Mutation(() => Quote)
  expireQuote(@Arg('id', () => ID) id: string, @Arg('version', () => Int) version: number, @Ctx() { em, viewer }: SalesContext): Promise<Quote> {
    return expireQuote(em, id, version, viewer);
  }

  @FieldResolver(() => Customer)
  customer(@Root() quote: Quote): Customer {
    return { id: quote.customerId };
  }

  @FieldResolver(() => Opportunity, { nullable: true })
  opportunity(@Root() quote: Quote, @Ctx() { loaders }: SalesContext): Promise<Opportunity | null> | null {
    return quote.opportunityId ? loaders.opportunityById.load(quote.opportunityId) : null;
  }

  @FieldResolver(() => [QuoteLine], { description: 'In the order added (a quote has a handful of lines, so no paging)' })
  lines(@Root() quote: Quote, @Ctx() { loaders }: SalesContext): Promise<QuoteLine[]> {
    return loaders.linesByQuote.load(quote.id);
  }

  @FieldResolver(() => [FinancingOption], { description: 'The ways to pay offered, in the order added' })
  financingOptions(@Root() quote: Quote, @Ctx() { loaders }: SalesContext): Promise<FinancingOption[]> {
    return loaders.financingByQuote.load(quote.id);
  }

  @FieldResolver(() => QuoteDocument, { nullable: true, description: 'The PDF the customer was sent (the latest); null for a quote never sent' })
  document(@Root() quote: Quote, @Ctx() { loaders }: SalesContext): Promise<QuoteDocument | null> {
    return loaders.documentByQuote.load(quote.id);
  }

  @FieldResolver(() => [QuoteView], { description: 'Each time the customer opened the quote or downloaded its PDF, oldest first' })
  views(@Root() quote: Quote, @Ctx() { loaders }: SalesContext): Promise<QuoteView[]> {
    return loaders.viewsByQuote.load(quote.id);
  }

  @Allow('quotes:write')
  @FieldResolver(() => String, {
    nullable: true,
    description:
      'For the link sent to the customer: recordQuoteView(token) records an open without sign-in. Signed, expires with the quote (30 days without validUntil); null for a DRAFT',
  })
  viewToken(@Root() quote: Quote): Promise<string> | null {
    return quote.status === QuoteStatus.DRAFT ? null : quoteViewToken(quote);
  }

  @Public('the customer opens the quote from the link in their e-mail; the signed, expiring token in the link protects it')
  @Mutation(() => Boolean, {
    description:
      'Public (no sign-in): the customer opened (or downloaded) the quote through its link. Takes the signed token of the link, never an id; true when recorded',
  })
  async recordQuoteView(
    @Arg('token') token: string,
    @Arg('channel', () => QuoteViewChannel, { nullable: true }) channel: QuoteViewChannel | null,
    @Ctx() { em }: SalesContext,
  ): Promise<boolean> {
    await markQuoteViewed(em, await verifyLinkToken(QUOTE_VIEW, token), channel);
    return true;
  }
}

@Directive('@inaccessible')
@ObjectType({ description: "A quote's latest document as a file, for the platform's own sender (marketing attaches it)" })
export class QuoteDocumentFile {
  @Field() filename!: string;
  @Field({ description: 'The PDF, base64' }) contentBase64!: string;
}

@Resolver(() => QuoteDocument)
export class QuoteDocumentResolver {
  @Internal()
  @Query(() => QuoteDocumentFile, { nullable: true, description: "The quote's latest PDF; null when none was made" })
  async quoteDocumentFile(@Arg('quoteId', () => ID) quoteId: string, @Ctx() { em }: SalesContext): Promise<QuoteDocumentFile | null> {
    const document = await latestQuoteDocument(em, parseId(quoteId, 'Quote', 'quoteId'), true);
    return document ? { filename: `quote-${document.quoteId.slice(0, 8)}.pdf`, contentBase64: document.content.toString('base64') } : null;
  }

  @Allow('quotes:write')
  @FieldResolver(() => String, {
    description:
      "The tracked link to send the customer: its page shows the quote and offers the PDF; each open and download is recorded as the customer's. Signed, expires QUOTE_LINK_DAYS after sending",
  })
  url(@Root() document: QuoteDocument): Promise<string> {
    return quoteLinkUrl(document.quoteId, document.createdAt);
  }
}

@Resolver(() => QuoteLine)
export class QuoteLineResolver {
  @FieldResolver(() => Product)
  async product(@Root() line: QuoteLine, @Ctx() { loaders }: SalesContext): Promise<Product> {
    return (await loaders.productById.load(line.productId))!;
  }
}

@Resolver(() => Opportunity)
export class OpportunityQuotesResolver {
  @Allow('quotes:read')
  @FieldResolver(() => QuoteConnection, { nullable: true, description: 'Quotes made for this opportunity, newest first' })
  async quotes(
    @Root() opportunity: Opportunity,
    @Args() page: PageArgs,
    @Arg('filter', () => QuoteFilter, { nullable: true }) filter: QuoteFilter | null,
    @Ctx() { loaders }: SalesContext,
  ): Promise<QuoteConnection> {
    const found = await loaders.quotePagesByOpportunity({ page, filter }).load(opportunity.id);
    return connectionOf(QuoteConnection, found, () => loaders.quoteCountByOpportunity(filter).load(opportunity.id));
  }
}

@Resolver(() => Customer)
export class CustomerQuotesResolver {
  @Allow('quotes:read')
  @FieldResolver(() => QuoteConnection, { nullable: true, description: "The customer's quotes, newest first" })
  async quotes(
    @Root() customer: Customer,
    @Args() page: PageArgs,
    @Arg('filter', () => QuoteFilter, { nullable: true }) filter: QuoteFilter | null,
    @Ctx() { loaders }: SalesContext,
  ): Promise<QuoteConnection> {
    const found = await loaders.quotePagesByCustomer({ page, filter }).load(customer.id);
    return connectionOf(QuoteConnection, found, () => loaders.quoteCountByCustomer(filter).load(customer.id));
  }
}
